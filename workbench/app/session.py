"""One open batch for one annotator: sources, the annotator file, the current document.

What a path opens (the batch, where the annotator file lives) is :mod:`workbench.app.opening`.
Every change of the current document is saved at once (a small journal entry,
folded into the file when the annotator leaves the article or closes; decision
0014); a failed save is kept pending and retried by :meth:`retry_save`.
Part of the application layer: the window only wires its callbacks.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from workbench.app.batch import Batch, Item, title_of
from workbench.app.opening import annotator_path, build_batch, project_of
from workbench.core.document import Change, Document, EditRefused
from workbench.core.record import Record, RecordError
from workbench.core.schema import AnnotationSchema
from workbench.core.time_on_task import META_KEY, ActivityClock, TimeOnTask
from workbench.io.store import AnnotatorStore, StoreLocked


def _put(batch: Batch, record: Record, instead_of: str | None = None) -> None:
    """``record`` into the batch, in the place of ``instead_of`` (or after it when that one stays)."""
    item = Item(record.id, title_of(record.text, record.meta), record.status, len(record.text), 0, -1)
    if instead_of is not None and instead_of in batch._pos:  # noqa: SLF001 - the batch's own index
        pos = batch._pos.pop(instead_of)  # noqa: SLF001
        batch._held.pop(instead_of, None)  # noqa: SLF001
        item.source = batch.items[pos].source
        batch.items[pos] = item
        batch._pos[record.id] = pos  # noqa: SLF001
        batch._held[record.id] = record  # noqa: SLF001
    else:
        batch.add(item, record)


def _put_tally(rec: Record, tally: TimeOnTask) -> None:
    """A new ``meta`` dict, never a change inside the old one: the store may still hold that one."""
    rec.meta = {**rec.meta, META_KEY: tally.to_dict()}


SaveListener = Callable[[bool], None]
STALE_VIEW = (
    "the annotator file has a later version of this article than the one shown while it was being "
    "read; the later version is shown now, make the change there"
)
OPEN_DOCUMENTS = 20  # Documents (with their undo history) kept alive across switches
TIME_SAVE_EVERY = 30.0  # seconds: the active time reaches the file at least this often while working
PREANNOTATION_LABEL = "Pre-annotate"  # a model's pass (ui/preannotate.py) is not the annotator's edit


class Session:
    def __init__(
        self,
        paths: list[Path],
        annotator: str,
        schema: AnnotationSchema,
        store: AnnotatorStore | None = None,
        index_budget: float | None = None,
    ):
        """``store``: the open store of a session on the same annotator file, taken over with its lock.

        ``index_budget``: seconds of indexing before the batch is usable, the rest left pending
        (:func:`build_batch`); None indexes it all.
        """
        self.paths = [Path(p) for p in paths]
        self.annotator = annotator
        self.schema = schema
        self.project = project_of(self.paths)
        self.model: str | None = None
        self.originals: dict[str, Record] = {}  # cleaned id -> the article as its file has it
        if self.project is not None:
            # a project folder: the annotator's own batch (or the whole corpus), the project's store
            batch_file = self.project.batch_file(annotator)
            source = batch_file if batch_file.exists() else self.project.corpus_path
            self.batch = build_batch([source], index_budget)
            self.model = self.project.model
        else:
            self.batch = build_batch(self.paths, index_budget, originals=self.originals)
        self.locked: StoreLocked | None = None
        self.preannotated_on_open: set[str] = set()  # articles the window pre-annotated as they opened
        try:
            self._open_store(store, index_budget)
        except BaseException:
            self.batch.close()  # a failed open keeps no descriptor of ours either
            raise
        # documents opened from the batch's reading while the store was not indexed: what they showed
        self._provisional: dict[str, dict[str, Any]] = {}
        self.replaced_listeners: list[Callable[[str], None]] = []  # the open article was a stale view
        self.document: Document | None = None
        self._docs: OrderedDict[str, tuple[Document, Callable[[], None]]] = OrderedDict()
        self.save_listeners: list[SaveListener] = []
        self.saved = True
        # time on task (core/time_on_task.py): the window forwards acts, the tally rides in meta
        self.clock = ActivityClock()
        self._tallies: dict[str, TimeOnTask] = {}  # tallies not in a saved record yet
        self._time_saved_at = 0.0
        try:
            self._keep_annotated_originals()
        except BaseException:
            if self.store is not store:
                self.store.close()  # a failed open must not keep the file locked (by ourselves)
            self.batch.close()
            raise

    def _open_store(self, store: AnnotatorStore | None, index_budget: float | None) -> None:
        """The annotator's store: ``store`` taken over, or opened (read-only when another holds it)."""
        annotator, self.store_path = self.annotator, annotator_path(self.paths, self.annotator)
        if store is not None and Path(store.path) == self.store_path and not store.readonly:
            self.store = store
        else:
            # The annotator file is the batch itself: the batch's reading shows the first article,
            # and the store indexes the file when the window asks (after its first paint), or when
            # something needs the index first (decision 0024). Not after a crash: the journal's
            # edits are in no line the batch reads, so the store is read before anything is shown.
            # Nor with raw pages read beside it: the store is asked now (_keep_annotated_originals).
            deferred = (
                index_budget is not None
                and not self.originals
                and self._batch_reads(self.store_path)
                and not AnnotatorStore.has_journal(self.store_path)
            )
            # a window's statuses of the lines wait for its worker (ui/store_index.py) unless asked
            how = {"deferred": deferred, "statuses_later": index_budget is not None and not deferred}
            try:
                self.store = AnnotatorStore(self.store_path, annotator, **how)
            except StoreLocked as e:
                self.locked = e
                self.store = AnnotatorStore(self.store_path, annotator, readonly=True, **how)

    def _batch_reads(self, path: Path) -> bool:
        """Whether ``path`` is one of the batch's JSON Lines sources (the annotator's own file opened)."""
        try:
            target = path.resolve()
            return any(p.suffix.lower() == ".jsonl" and p.resolve() == target for p in self.batch.sources)
        except OSError:
            return False

    def _keep_annotated_originals(self) -> None:
        """Work done on an article before it was cleaned on open stays in front of the annotator."""
        for cleaned_id, orig in list(self.originals.items()):
            if orig.id in self.store and cleaned_id not in self.store:
                _put(self.batch, orig, instead_of=cleaned_id)

    def cleaning_twin(self, record_id: str) -> str | None:
        """The other version of a cleaned-on-open article (original <-> cleaned), in its place.

        The batch holds one version of each article at a time, so "next undone" never lands
        on the twin of an article just marked done. None when the article was not cleaned:
        it already is what the file says.
        """
        from workbench.io.clean import clean_record

        rec = self.originals.get(record_id)
        if rec is None:
            orig = next((o for o in self.originals.values() if o.id == record_id), None)
            if orig is None:
                return None
            rec = clean_record(orig)
        if self.batch.position(rec.id) is None:
            _put(self.batch, rec, instead_of=record_id)
        return rec.id

    @property
    def readonly(self) -> bool:
        return self.store.readonly

    @property
    def key(self) -> str:
        return str(self.store_path)

    def status(self, record_id: str) -> str:
        if not self.store.indexed:  # the store reads the batch's own file: the batch's reading stands in
            return self.batch.item(record_id).status  # (and after a failed index, until the session closes)
        status = self.store.status(record_id)  # from the store's index: no record is read
        if isinstance(status, str):
            return status
        return self.batch.item(record_id).status

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for it in self.batch.items:
            s = self.status(it.id)
            out[s] = out.get(s, 0) + 1
        return out

    def record(self, record_id: str) -> Record:
        """The annotator's version when there is one, else the source's (raises RecordError).

        While the store is not indexed (it reads the batch's own file), the batch's reading of
        the line stands in, and is checked against the store when it is indexed (:meth:`settle`).
        """
        if not self.store.indexed:  # failed: shown all the same, its guard refuses every edit
            rec = self.batch.load(record_id)
            self._provisional[record_id] = rec.to_dict()
            return rec
        if record_id in self.store:
            rec = self.store.get(record_id)
            if rec is not None:
                return rec
        rec = self.batch.load(record_id)
        if rec.annotator is None:
            rec.annotator = self.annotator
        return rec

    def document_for(self, record_id: str) -> Document:
        """The live Document of an article; the last few stay open so their undo history survives a switch.

        Each one saves itself on every change, so a background pass that edits an
        article other than the current one goes through the same path.
        """
        cached = self._docs.get(record_id)
        if cached is not None:
            self._docs.move_to_end(record_id)
            return cached[0]
        doc = Document(self.record(record_id), self.schema, self.annotator)
        if record_id in self._provisional:
            doc.guard = self._before_edit  # no edit before it is checked against the indexed store
        self._docs[record_id] = (doc, doc.subscribe(lambda change, d=doc: self._save(d, change)))
        while len(self._docs) > OPEN_DOCUMENTS:
            rid, (old, unsubscribe) = next(iter(self._docs.items()))
            if old is self.document:
                self._docs.move_to_end(rid)
                continue
            unsubscribe()
            del self._docs[rid]
        return doc

    def raw_record(self, record_id: str) -> dict[str, Any]:
        """A record as a fresh dict; safe to call from a worker thread (reads files and a dict only)."""
        raw = self.store.raw(record_id)  # the store replaces its dicts on save, it never mutates them
        if raw is not None:
            return Record.from_dict(raw).to_dict()
        rec = self.batch.load(record_id)
        if rec.annotator is None:
            rec.annotator = self.annotator
        return rec.to_dict()

    def open(self, record_id: str) -> Document:
        """Make ``record_id`` the current article; leaving another one folds its journal into the file."""
        leaving = self.document
        if leaving is not None and leaving.record.id != record_id:
            self._leave(leaving)
            if not self.readonly and self.store.indexed:  # not indexed yet: nothing of this session to fold
                self.store.fold()  # a failure loses nothing: the journal keeps the edits until the next fold
        self.document = self.document_for(record_id)
        if self.clock.current != record_id:
            rec = self.document.record
            self.clock.open(record_id, self._tallies.get(record_id) or TimeOnTask.from_meta(rec.meta))
            self._time_saved_at = self.clock.now()
        return self.document

    # the store indexed after the first paint --------------------------------------------------
    def settle(self) -> None:
        """Check the documents opened from the batch's reading against the indexed store (waits for it).

        One the file has in a later version (a later line than the batch had read, or a journal
        left by a crash) was never edited (its guard waits for this); it is dropped, and when it
        is the open article the ``replaced_listeners`` are told, so the window shows the later
        version. Raises OSError when the annotator file cannot be read.
        """
        if not self._provisional:
            return
        self.store.load()
        for rid, seen in list(self._provisional.items()):
            del self._provisional[rid]
            cached = self._docs.get(rid)
            if cached is None:
                continue  # no longer kept: opening it again reads the store
            doc, unsubscribe = cached
            if self._latest(rid) == seen:
                doc.guard = None
                continue
            unsubscribe()  # its guard stays: it refuses every edit
            del self._docs[rid]
            self._tallies.pop(rid, None)
            self.preannotated_on_open.discard(rid)  # the later version may be pre-annotated when shown
            if doc is self.document:
                self.document = None
                if self.clock.current == rid:
                    self.clock.leave()  # the time on the later version starts from its own tally
                for listener in list(self.replaced_listeners):
                    listener(rid)

    def _latest(self, record_id: str) -> dict[str, Any] | None:
        try:
            raw = self.store.raw(record_id) if record_id in self.store else self.batch.raw(record_id)
            return Record.from_dict(raw).to_dict() if raw is not None else None
        except (RecordError, ValueError, OSError):
            return None

    def _before_edit(self, doc: Document) -> None:
        """The guard of a document shown before the store was indexed: wait for the index and check."""
        if doc.record.id in self._provisional:
            try:
                self.settle()
            except OSError as e:  # whatever failed (io.store_file.StoreUnreadable); the window closes it
                raise EditRefused(f"the annotator file {self.store_path} cannot be read: {e}") from None
        if doc.guard is not None:
            raise EditRefused(STALE_VIEW)

    # time on task ------------------------------------------------------------------------
    def activity(self) -> None:
        """The annotator acted (a key, a click, a scroll) on the open article: the clock counts it.

        The tally is written at least every :data:`TIME_SAVE_EVERY` seconds of work, as a
        small journal entry, so a kill loses no more than that.
        """
        if self.clock.touch() and self.clock.now() - self._time_saved_at >= TIME_SAVE_EVERY:
            self._save_time(self.document)

    def _leave(self, doc: Document) -> None:
        if self.clock.current == doc.record.id:
            self._save_time(doc, self.clock.leave())

    def _save_time(self, doc: Document | None, tally: TimeOnTask | None = None) -> None:
        """Put the open article's tally into its meta and save it, as a change of its own."""
        if tally is None:
            if doc is None or self.clock.current != doc.record.id:
                return
            tally = self.clock.tally
        assert doc is not None
        rec = doc.record
        self._tallies[rec.id] = tally
        self._time_saved_at = self.clock.now()
        if self.readonly or tally.sessions == 0 or TimeOnTask.from_meta(rec.meta) == tally:
            return  # never acted on (opened and left by a script, a click in the list), or nothing new
        if doc.guard is not None:
            try:
                self._before_edit(doc)  # shown before the store was indexed: checked first
            except EditRefused:
                return  # the file has a later version: this view's time is not written over it
        if rec.id not in self.store and rec.status == "todo":
            return  # an article only looked at is not written for its time; its first edit takes it along
        _put_tally(rec, tally)
        rec.rev += 1  # a revision of its own, so the journal entry has a base (decision 0014)
        self._report(self.store.save_edit(rec))

    def _save(self, doc: Document, change: Change) -> None:
        """The edit made durable at its own cost: the spans and relations it touched (decision 0014).

        An edit of the open article by the annotator (not a model's pass) is an act for the
        clock; the tally goes along when the article is saved for the first time or is due.
        """
        if doc is self.document and self.clock.current == doc.record.id:
            by_model = change.kind == "apply" and change.label.startswith(PREANNOTATION_LABEL)
            if not by_model:
                self.clock.touch(edit=True)
            due = self.clock.now() - self._time_saved_at >= TIME_SAVE_EVERY
            if not self.readonly and (doc.record.id not in self.store or due):
                _put_tally(doc.record, self.clock.tally)
                self._tallies[doc.record.id] = self.clock.tally
                self._time_saved_at = self.clock.now()
        if not self.readonly:
            self._report(self.store.save_edit(doc.record, change.span_ids, change.relation_ids))

    def retry_save(self) -> bool:
        if self.readonly:
            return True
        ok = self.store.flush()
        self._report(ok)
        return ok

    def _report(self, ok: bool) -> None:
        self.saved = ok and not self.store.has_unsaved
        for listener in list(self.save_listeners):
            listener(self.saved)

    def close(self, keep_store: bool = False) -> None:
        """Let go of the documents, and of the store unless a new session took it over."""
        if self.document is not None:
            self._leave(self.document)
        for _doc, unsubscribe in self._docs.values():
            unsubscribe()
        self._docs.clear()
        self.batch.close()  # its JSONL descriptors, now (a worker's read under way ends first)
        if not keep_store:
            self.store.close()


__all__ = ["RecordError", "Session"]
