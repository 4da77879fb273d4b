"""Pre-annotation from the window: the model runs in a worker, results apply as one edit.

The open document's result is merged into the live Document (one undo step);
other documents of the batch are merged into their live Documents (the
annotator's latest version, with its own undo history) and saved. Loading
spaCy happens in the worker too, so the window never freezes, and Cancel
stops between articles.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject

from workbench.core.document import EditRefused
from workbench.core.record import Record, RecordError
from workbench.ui.premerge import merge_edit
from workbench.ui.worker import Worker

if TYPE_CHECKING:
    from workbench.ui.main_window import MainWindow


def _job(model: str | None, schema_raw: dict[str, Any], items: list[tuple[str, dict[str, Any]]]) -> Any:
    def run(progress: Any, cancelled: Any) -> dict[str, Any]:
        from workbench.nlp.preannotate import Preannotator

        progress(0, len(items))
        ann = Preannotator.create(model, schema_raw)
        out: dict[str, Any] = {
            "model": ann.model.message,
            "trained": ann.model.is_trained,
            "results": [],
            "errors": [],
        }
        for i, (rid, d) in enumerate(items):
            if cancelled():
                break
            rec = Record.from_dict(d)
            why = ann.check(rec)
            if why:
                out["errors"].append(f"{rid}: {why}")
            else:
                out["results"].append((rid, d, ann.annotate(rec).to_dict()))
            progress(i + 1, len(items))
        return out

    return run


class Preannotator(QObject):
    def __init__(self, window: MainWindow):
        super().__init__(window)
        self.w = window
        self.worker = Worker(self)
        self.worker.progress.connect(self._progress)
        self.worker.finished.connect(self._finished)
        self.worker.failed.connect(self._failed)

    def _start(self, ids: list[str]) -> None:
        s = self.w.session
        if s is None or s.document is None:
            return
        if self.w.controller.readonly_reason:
            self.w.say(f"Read-only: {self.w.controller.readonly_reason}")
            return
        if self.worker.busy:
            self.w.say("Pre-annotation is already running (Cancel in the status bar)")
            return
        items = []
        for rid in ids:
            rec = s.document.record if rid == s.document.record.id else s.record(rid)
            items.append((rid, rec.to_dict()))
        self.worker.start(_job(s.model or self.w.settings.model, self.w.schema.raw, items))
        self.w.work_bar.setRange(0, 0)
        self.w.work_bar.show()
        self.w.work_cancel.show()
        self.w.say(f"Pre-annotating {len(items)} article(s) in the background…", 0)

    def run_document(self) -> None:
        s = self.w.session
        if s is not None and s.document is not None:
            self._start([s.document.record.id])

    def run_batch(self) -> None:
        s = self.w.session
        if s is not None:
            self._start([it.id for it in s.batch.items if s.status(it.id) not in ("done", "skipped")])

    def cancel(self) -> None:
        if self.worker.busy:
            self.worker.cancel()
            self.w.say("Cancelling pre-annotation after the current article…", 0)

    def shutdown(self) -> None:
        self.worker.shutdown()

    def _progress(self, i: int, n: int) -> None:
        self.w.work_bar.setRange(0, max(n, 1))
        self.w.work_bar.setValue(i)
        self.w.work_bar.setFormat(f"{i}/{n}")

    def _hide(self) -> None:
        self.w.work_bar.hide()
        self.w.work_cancel.hide()

    def _failed(self, message: str) -> None:
        self._hide()
        self.w.say(f"Pre-annotation failed: {message}", 0)

    def _finished(self, out: dict[str, Any], cancelled: bool) -> None:
        self._hide()
        s = self.w.session
        if s is None:
            return
        applied = 0
        for rid, snap, res in out["results"]:
            snapshot, result = Record.from_dict(snap), Record.from_dict(res)
            if s.document is not None and s.document.record.id == rid:
                edit = merge_edit(s.document.record, snapshot, result, self.w.schema)
                if edit is not None and self.w.apply(edit, f"Pre-annotate ({len(edit.edits)} changes)"):
                    applied += 1
                continue
            if s.readonly or s.batch.position(rid) is None:
                continue
            try:
                doc = s.document_for(rid)  # saves itself on apply
            except (RecordError, ValueError, OSError):
                continue
            edit = merge_edit(doc.record, snapshot, result, self.w.schema)
            if edit is None:
                continue
            try:
                doc.apply(edit, f"Pre-annotate ({len(edit.edits)} changes)")
            except EditRefused:
                continue
            self.w.doc_list.status_changed(rid)
            applied += 1
        note = "cancelled; " if cancelled else ""
        errs = f"; {len(out['errors'])} skipped ({out['errors'][0]})" if out["errors"] else ""
        warn = "" if out["trained"] else " — NO TRAINED MODEL, rules only"
        self.w.say(f"Pre-annotation {note}applied to {applied} article(s) with {out['model']}{warn}{errs}", 0)
