"""Indexing a large annotator file on a worker thread once the window shows its first article.

When the window opens the annotator's own file, the batch's first reading of it shows the
first article, and the store (:class:`~workbench.io.store.AnnotatorStore`, opened deferred)
indexes the file here, off the GUI thread (decision 0024). Nothing waits for it unless it
must: an edit made before it is done waits for it in the document's guard
(:meth:`~workbench.app.session.Session.settle`), so no edit is saved against a stale view.
When it is done the window checks what it showed (``indexed``) and the list repaints its
statuses from the store.
"""

from __future__ import annotations

from typing import Any, Protocol

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget

from workbench.app.session import Session
from workbench.ui.doc_list import DocListPanel
from workbench.ui.worker import Worker, after_paint


class Shows(Protocol):
    """What the indexer needs of the annotation window."""

    session: Session | None
    doc_list: DocListPanel
    error: Any  # (title, text) -> None

    def open_document(self, record_id: str) -> None: ...
    def close_session(self, keep_store: bool = False) -> None: ...
    def say(self, text: str, timeout: int = 8000) -> None: ...


class StoreIndexer(QObject):
    indexed = Signal(object)  # the session whose store is indexed now
    failed = Signal(object, str)  # the session, and why its annotator file could not be read

    def __init__(self, window: Shows, parent: QObject | None = None):
        super().__init__(parent)
        self.window = window
        self.indexed.connect(self._indexed)
        self.failed.connect(self._unreadable)
        self._session: Session | None = None
        self._deferred = False  # the session's store was opened unindexed
        self._running: Session | None = None
        self._worker = Worker(self)
        self._worker.finished.connect(self._done)
        self._worker.failed.connect(self._failed)

    def follow(self, session: Session, painted: QWidget) -> None:
        """Once ``painted`` shows the article: index ``session``'s store, then fill the batch's list.

        The store first: an edit waits for it, browsing the list does not. The list's reading
        starts when the store is indexed (at once when it was indexed on open).
        """
        self._session = session
        self._deferred = not session.store.ready
        if self._deferred:
            session.replaced_listeners.append(
                lambda rid: QTimer.singleShot(0, lambda: self._reopen(session, rid))
            )
        after_paint(painted, lambda: self._start() if session is self._session else None)

    def _start(self) -> None:
        s = self._session
        if s is None or self._worker.busy:
            return  # the last session's job runs on: its end starts this one
        if s.store.ready and not s.store.statuses_unread:  # indexed on open, or by an early edit
            self.indexed.emit(s)
            return
        self._running = s
        self._worker.start(lambda _progress, _deliver: s.store.tail_statuses())  # indexes first if need be

    def _done(self, result: object, _cancelled: bool) -> None:
        s, self._running = self._running, None
        if s is not None and s is self._session:
            s.store.take_statuses(result)  # type: ignore[arg-type]  # on the GUI thread, which edits
            self.indexed.emit(s)
        elif self._session is not None:
            self._start()  # a session opened while the last one's store was being indexed

    def _failed(self, message: str) -> None:
        s, self._running = self._running, None
        if s is not None and s is self._session:
            e = s.store.unreadable  # said as the edits say it (the worker's message names the type)
            self.failed.emit(s, f"{e.strerror or e}" if isinstance(e, OSError) else message)
        elif self._session is not None:
            self._start()

    def shutdown(self) -> None:
        """The window closes: wait for a running index (it cannot be cut short; the close needs it)."""
        self._session = None
        self._worker.shutdown()

    # what the window does when the index is there -----------------------------------------
    def _indexed(self, s: Session) -> None:
        """Check what was shown from the batch's reading, and show the statuses the store has."""
        w = self.window
        if s is not w.session:
            return
        if self._deferred:
            try:
                s.store.load()  # raises again what failed (made on the GUI thread by an early edit)
                s.settle()  # a stale open article is shown again (_reopen) after this
            except OSError as e:  # any failure to index is one (io.store_file.StoreUnreadable)
                self._unreadable(s, f"{e.strerror or e}")
                return
            w.doc_list.statuses_changed()
            if not s.store.report.ok:
                w.say(f"annotator file: {s.store.report.summary()}", 0)
        w.doc_list.fill()

    def _reopen(self, s: Session, record_id: str) -> None:
        """The open article had a later version in the file than the batch had read: show that one."""
        w = self.window
        if s is w.session and s.document is None:
            w.open_document(record_id)
            w.say("This article has a later version in the annotator file: it is shown now", 0)

    def _unreadable(self, s: Session, message: str) -> None:
        """The file is left as it is and let go of; the list of the closed session goes with it."""
        w = self.window
        if s is w.session:
            w.close_session()
            w.error("Cannot read the annotator file", f"{s.store_path}: {message}")
