"""Pre-annotation from the window: the model runs in a worker, each result applies as one edit.

Results arrive one article at a time. The open document's result is merged
into the live Document (one undo step); other documents of the batch are
merged into their live Documents (the annotator's latest version, with its
own undo history) and saved. Loading
spaCy happens in the worker too, so the window never freezes, and Cancel
stops between articles.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QProgressBar, QPushButton

from workbench.app.batch import BatchClosed
from workbench.app.preannotate import stale_preannotation
from workbench.app.premerge import merge_edit
from workbench.app.progress import Progress
from workbench.app.session import Session
from workbench.core.document import EditRefused
from workbench.core.record import Record, RecordError
from workbench.core.schema import AnnotationSchema
from workbench.io.settings import Settings
from workbench.ui.worker import Worker


def _job(
    model: str | None,
    schema_raw: dict[str, Any],
    ids: list[str],
    first: tuple[str, dict[str, Any]] | None,
    load: Callable[[str], dict[str, Any]],
) -> Any:
    """The worker's function: loads each article itself and delivers each result when it is ready.

    ``first`` is the open document, snapshotted on the GUI thread; the others are
    read by ``load`` in the worker, so a large batch neither freezes the window at
    the start nor sits in memory until the end.
    """

    def run(progress: Progress, deliver: Callable[[Any], None]) -> dict[str, Any]:
        from workbench.nlp.preannotate import Preannotator

        progress.start(len(ids))
        ann = Preannotator.create(model, schema_raw)
        # the summary returned at the end (results themselves were delivered one by one)
        out: dict[str, Any] = {
            "model": ann.model.message,
            "trained": ann.model.is_trained,
            "errors": [],
            "done": 0,
        }
        deliver(("model", ann.model.message, ann.model.is_trained))
        for rid in ids:
            if progress.cancelled():
                break
            try:
                d = first[1] if first is not None and first[0] == rid else load(rid)
                rec = Record.from_dict(d)
            except BatchClosed:
                break  # the window has moved on to another batch: nothing more of this one is wanted
            except (RecordError, ValueError, OSError) as e:
                out["errors"].append(f"{rid}: cannot read: {e}")
                deliver(("error", rid, f"cannot read: {e}"))
                progress.step(failed=True)
                continue
            why = ann.check(rec)
            if why:
                out["errors"].append(f"{rid}: {why}")
                deliver(("error", rid, why))
            else:
                deliver(("result", rid, d, ann.annotate(rec).to_dict()))
                out["done"] += 1
            progress.step(failed=bool(why))
        return out

    return run


class PreannotationRunner(QObject):
    """Runs the model for the window: one job at a time, results merged as they arrive.

    It knows the window only through what it is given (the current session, how
    to apply an edit, why the window is read-only), and speaks back through
    signals; its progress bar and Cancel button go wherever the window puts them.
    """

    message = Signal(str, int)  # text, timeout in ms (0: until replaced)
    articleChanged = Signal(str)  # a result changed an article that is not the open one

    def __init__(
        self,
        settings: Settings,
        schema: AnnotationSchema,
        session: Callable[[], Session | None],
        apply: Callable[..., bool],
        readonly_reason: Callable[[], str | None],
        parent: QObject | None = None,
    ):
        super().__init__(parent)
        self.settings = settings
        self.schema = schema
        self.session = session
        self.apply = apply
        self.readonly_reason = readonly_reason
        self.bar = QProgressBar()
        self.bar.setMaximumWidth(180)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancel)
        self._hide()
        self.worker = Worker(self)
        self.worker.progress.connect(self._progress)
        self.worker.item.connect(self._item)
        self._applied = 0
        self._errors: list[str] = []
        self._model = ("", True)
        self._session: object = None
        self._auto = False  # the running job was started by opening an article, not by the annotator
        self._refresh = False  # ... and it replaces an older model's untouched pass
        self.worker.finished.connect(self._finished)
        self.worker.failed.connect(self._failed)

    @property
    def model_in_use(self) -> str | None:
        """The model of the running (or last) pass, as the worker named it; None before any."""
        return self._model[0] or ("the default model (loading…)" if self.worker.busy else None)

    def _say(self, text: str, timeout: int = 8000) -> None:
        self.message.emit(text, timeout)

    def _start(self, ids: list[str], auto: bool = False, refresh: bool = False) -> None:
        s = self.session()
        if s is None or s.document is None:
            return
        readonly = self.readonly_reason()
        if readonly:
            if not auto:
                self._say(f"Read-only: {readonly}")
            return
        if self.worker.busy:
            if not auto:
                self._say("Pre-annotation is already running (Cancel in the status bar)")
            return
        self._auto, self._refresh = auto, refresh
        current = s.document.record
        first = (current.id, current.to_dict()) if current.id in ids else None
        self._applied, self._errors, self._model = 0, [], ("", True)
        self._session = s  # results for another batch (opened meanwhile) are dropped
        self.worker.start(_job(s.model or self.settings.model, self.schema.raw, ids, first, s.raw_record))
        self.bar.setRange(0, 0)
        self.bar.show()
        self.cancel_button.show()
        self._say(
            "Pre-annotating this article in the background…"
            if auto
            else f"Pre-annotating {len(ids)} article(s) in the background…",
            0,
        )

    def run_on_open(self) -> None:
        """Pre-annotate the open article if nobody has touched it (the setting, once per session).

        Untouched means "to do" with no spans and nothing rejected. Within a session an article
        is tried once, so undoing the pass and coming back leaves it clean; a later session
        offers it again. An article whose spans all come from another model's pass that nobody
        touched (a batch pre-annotated at assign, before the project chose a newer model) is
        pre-annotated again: the new pass replaces the old one's pending spans.
        """
        s = self.session()
        if s is None or s.document is None or not self.settings.preannotate_on_open:
            return
        if s.project is not None and not s.project.preannotate_on_open:
            return  # the lead's choice for this project
        rec = s.document.record
        if rec.id in s.preannotated_on_open:
            return
        untouched = rec.status == "todo" and not rec.spans and not rec.rejected
        model = s.model or self.settings.model
        if not untouched and not stale_preannotation(rec, model):
            return
        if self.worker.busy:
            return  # tried again when the running job finishes
        s.preannotated_on_open.add(rec.id)
        self._start([rec.id], auto=True, refresh=not untouched)

    def run_document(self) -> None:
        s = self.session()
        if s is not None and s.document is not None:
            self._start([s.document.record.id])

    def run_batch(self) -> None:
        s = self.session()
        if s is not None:
            self._start([it.id for it in s.batch.items if s.status(it.id) not in ("done", "skipped")])

    def cancel(self) -> None:
        if self.worker.busy:
            self.worker.cancel()
            self._say("Cancelling pre-annotation after the current article…", 0)

    def shutdown(self) -> None:
        self.worker.shutdown()

    def _progress(self, i: int, n: int) -> None:
        self.bar.setRange(0, max(n, 1))
        self.bar.setValue(i)
        self.bar.setFormat(f"{i}/{n}")

    def _hide(self) -> None:
        self.bar.hide()
        self.cancel_button.hide()

    def _failed(self, message: str) -> None:
        self._hide()
        self._say(f"Pre-annotation failed: {message}", 0)

    def _item(self, item: tuple[Any, ...]) -> None:
        kind = item[0]
        if kind == "model":
            self._model = (item[1], item[2])
        elif kind == "error":
            self._errors.append(f"{item[1]}: {item[2]}")
        elif self._apply(item[1], Record.from_dict(item[2]), Record.from_dict(item[3])):
            self._applied += 1

    def _apply(self, rid: str, snapshot: Record, result: Record) -> bool:
        """Merge one article's result into its live Document; True if anything changed."""
        s = self.session()
        if s is None or s is not self._session or s.readonly or s.batch.position(rid) is None:
            return False
        if s.document is not None and s.document.record.id == rid:
            edit = merge_edit(s.document.record, snapshot, result, self.schema)
            return edit is not None and self.apply(
                edit, f"Pre-annotate ({len(edit.edits)} changes)", starts_work=False
            )
        try:
            doc = s.document_for(rid)  # saves itself on apply
        except (RecordError, ValueError, OSError):
            return False
        edit = merge_edit(doc.record, snapshot, result, self.schema)
        if edit is None:
            return False
        try:
            doc.apply(edit, f"Pre-annotate ({len(edit.edits)} changes)", starts_work=False)
        except EditRefused:
            return False
        self.articleChanged.emit(rid)
        return True

    def _finished(self, _result: object, cancelled: bool) -> None:
        self._hide()
        note = "cancelled; " if cancelled else ""
        errs = f"; {len(self._errors)} skipped ({self._errors[0]})" if self._errors else ""
        model, trained = self._model
        warn = "" if trained else " — NO TRAINED MODEL, rules only"
        if self._auto and not cancelled:
            done = "Pre-annotated" if self._applied else "Nothing to pre-annotate"
            if self._refresh:
                done = "Pre-annotated again" if self._applied else "Nothing new to pre-annotate"
            self._say(f"{done} with {model}{warn}{errs} (Ctrl+Z removes it; Preferences turns this off)", 0)
        else:
            self._say(
                f"Pre-annotation {note}applied to {self._applied} article(s) with {model}{warn}{errs}", 0
            )
        self.run_on_open()  # an article opened while this job ran
