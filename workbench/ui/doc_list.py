"""The batch as a list: status, title, filter by status, search, progress.

The model reads statuses through a callable (the session's), so it shows the
annotator's file as it is now without copying it; a status change repaints one
row. Search runs over titles and texts of the whole batch. A batch whose index is
still pending (a large corpus, ``Batch.pending``) is read on a worker thread and its
rows are inserted chunk by chunk, so the window works on the first article meanwhile.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QProgressBar,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from workbench.app.batch import Batch, Entry
from workbench.app.progress import Progress
from workbench.core.document import Change, Document
from workbench.core.edits import SetStatus, flatten
from workbench.core.problems import Problem
from workbench.core.record import STATUSES
from workbench.ui.open_document import OpenDocument
from workbench.ui.worker import Worker

COUNT_SLICE = 5_000  # statuses counted per turn of the event loop: a few milliseconds
NOT_READ_SHOWN = 20  # problems of the batch named in the footer's tooltip
STATUS_TEXT = {"todo": "○ to do", "in_progress": "◐ in progress", "done": "● done", "skipped": "⊘ skipped"}
Index = QModelIndex | QPersistentModelIndex


class DocListModel(QAbstractTableModel):
    def __init__(self, batch: Batch, status: Callable[[str], str]):
        super().__init__()
        self.batch = batch
        self.status = status

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.batch.items)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 2

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        item = self.batch.items[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            if index.column() == 0:
                return STATUS_TEXT.get(self.status(item.id), self.status(item.id))
            return item.title
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{item.title}\n{item.chars:,} characters · {self.status(item.id).replace('_', ' ')}"
        if role == Qt.ItemDataRole.UserRole:
            return item.id
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return ("Status", "Article")[section]
        return None

    def status_changed(self, record_id: str) -> None:
        row = self.batch.position(record_id)
        if row is not None:
            self.dataChanged.emit(self.index(row, 0), self.index(row, 1))

    def take(self, chunk: list[Entry]) -> list[int]:
        """A chunk of the pending index: new articles become rows at the end, repeated ones update theirs."""
        first, n = len(self.batch.items), self.batch.fresh(chunk)
        if n:
            self.beginInsertRows(QModelIndex(), first, first + n - 1)
        replaced = self.batch.take(chunk)
        if n:
            self.endInsertRows()
        for row in replaced:
            self.dataChanged.emit(self.index(row, 0), self.index(row, 1))
        return replaced


def _drain(batch: Batch, progress: Progress, deliver: Callable[[Any], None]) -> Batch:
    """On the worker thread: read the pending chunks of ``batch`` and hand each to the GUI thread."""
    for chunk in batch.pending or ():
        if progress.cancelled():
            break
        deliver((batch, chunk))
    return batch


class _Filter(QSortFilterProxyModel):
    def __init__(self) -> None:
        super().__init__()
        self.status: str | None = None
        self.hits: set[str] | None = None

    def refilter(self) -> None:
        if hasattr(self, "beginFilterChange"):  # Qt >= 6.10; invalidateFilter is deprecated there
            self.beginFilterChange()
            self.endFilterChange()
        else:
            self.invalidateFilter()

    def filterAcceptsRow(self, row: int, parent: Index) -> bool:  # noqa: N802
        model = self.sourceModel()
        assert isinstance(model, DocListModel)
        item = model.batch.items[row]
        if self.status is not None and model.status(item.id) != self.status:
            return False
        return self.hits is None or item.id in self.hits


class DocListPanel(QWidget):
    documentActivated = Signal(str)
    arrived = Signal()  # more of a pending batch is in the list
    filled = Signal()  # the whole batch is in the list

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search the batch (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.filter = QComboBox()
        self.filter.addItem("All", None)
        for s in STATUSES:
            self.filter.addItem(STATUS_TEXT[s], s)
        self.progress = QProgressBar()
        self.progress.setFormat("%v / %m done")
        self.progress.setAlignment(Qt.AlignmentFlag.AlignCenter)  # the count stays readable over the fill
        self.table = QTableView()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        self.proxy = _Filter()
        self.proxy.setDynamicSortFilter(False)  # filters run again when asked (refilter), not per repaint
        self.model: DocListModel | None = None
        # The status each row was counted with (rows 0..len-1 so far) and the counts: a large batch is
        # counted in slices between events, and a status change adjusts them instead of a recount.
        self._counted: list[str] = []
        self._tally: dict[str, int] = {}
        self._counter = QTimer(self, interval=0)
        self._counter.timeout.connect(self._count_some)
        self._status_seen = ""  # of the open article: a change of it updates its row and the counts
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.filter)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addLayout(top)
        lay.addWidget(self.table, 1)
        lay.addWidget(self.progress)
        self._searcher = Worker(self)
        self._searcher.finished.connect(self._search_done)
        self._searcher.failed.connect(self._search_failed)
        self._searching: tuple[Batch | None, str] = (None, "")  # what the running (or last) search is for
        self._closed = False
        self._open_first = False  # Return was pressed while the search had not answered the box yet
        self._filler = Worker(self)  # reads the pending part of a large batch
        self._filler.item.connect(self._take)
        self._filler.finished.connect(self._filled)
        self._filler.failed.connect(self._fill_failed)
        self._search_timer = QTimer(self, singleShot=True, interval=250)
        self._search_timer.timeout.connect(self._run_search)
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        self.filter.currentIndexChanged.connect(self._filter_status)
        self.table.activated.connect(self._activated)
        self.table.clicked.connect(self._activated)

    @property
    def filling(self) -> bool:
        """Whether part of the batch is still to be read into the list (being read, or about to be)."""
        return self.model is not None and self.model.batch.pending is not None and not self._closed

    @property
    def counting(self) -> bool:
        """Whether the statuses are being counted (in slices between events) for the progress bar."""
        return self._counter.isActive()

    def set_batch(self, batch: Batch, status: Callable[[str], str], fill: bool = True) -> None:
        """Show ``batch``; its pending part is read at once, or (``fill`` False) when :meth:`fill` says."""
        self._filler.shutdown()  # the last batch's index is no longer wanted (its chunks are ignored)
        self.proxy.hits = None  # the last batch's search results mean nothing here
        if self.search.text().strip():
            self._search_timer.start()  # search the new batch for what the box says
        self.model = DocListModel(batch, status)
        self.proxy.setSourceModel(self.model)
        self.table.setModel(self.proxy)
        head = self.table.horizontalHeader()
        head.setSectionResizeMode(0, QHeaderView.ResizeMode.Fixed)
        fm = self.table.fontMetrics()
        head.resizeSection(0, max(fm.horizontalAdvance(t) for t in STATUS_TEXT.values()) + 16)
        head.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.update_progress()
        if batch.pending is not None and not self._closed:
            self.progress.setFormat(f"reading the batch… {len(batch.items):,} articles")
            if fill:
                self.fill()

    def clear(self) -> None:
        """The session closed: no rows, and nothing of it asked again (its store is closed, or unreadable)."""
        self._filler.shutdown()
        self._counter.stop()
        self._search_timer.stop()
        self._searcher.cancel()  # its answer is dropped: there is no batch to show it in
        self.proxy.hits = None
        self.proxy.setSourceModel(None)  # before the model goes: the proxy must not keep a dead one
        self.model = None
        self._counted, self._tally = [], {}
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.progress.setFormat("no batch open")
        self.progress.setToolTip("")
        self.filter.setItemText(0, "All")
        for i, st in enumerate(STATUSES, start=1):
            self.filter.setItemText(i, STATUS_TEXT[st])

    def fill(self) -> None:
        """Read the pending part of the batch on a worker thread, if it is not read or being read."""
        batch = self.model.batch if self.model is not None else None
        if batch is not None and batch.pending is not None and not self._closed and not self._filler.busy:
            self._filler.start(lambda progress, deliver: _drain(batch, progress, deliver))

    def _take(self, got: tuple[Batch, list[Entry]]) -> None:
        batch, chunk = got
        if self.model is None or batch is not self.model.batch:
            return  # a chunk of a batch this list no longer shows
        replaced = self.model.take(chunk)
        for row in replaced:
            self._recount_row(row)
        self._count_some()  # the new rows, before the next chunk comes
        total = len(batch.items)
        self.progress.setFormat(f"reading the batch… {total:,} articles")
        self.filter.setItemText(0, f"All ({total:,})")
        self.arrived.emit()

    def _filled(self, batch: Batch, cancelled: bool) -> None:
        if cancelled or self.model is None or batch is not self.model.batch:
            return
        batch.pending = None
        self._count_some()  # counted as the rows came: shows the whole batch's counts
        if self.search.text().strip():
            self._search_timer.start()  # the search so far saw part of the batch
        self.filled.emit()

    def _fill_failed(self, message: str) -> None:
        """The batch file became unreadable while being indexed: keep what was read and say so."""
        if self.model is not None:
            self.model.batch.pending = None
            self._count_some()
            self.progress.setFormat(f"{self.progress.format()} (batch read only in part: {message})")

    def update_progress(self) -> None:
        """Count every row's status again from the top (a large batch in slices) and show the counts."""
        self._counted, self._tally = [], {}
        self._count_some()

    def _count_some(self) -> None:
        """Count the next slice of rows not counted yet; show the counts when every row is counted."""
        if self.model is None or self._closed:
            self._counter.stop()
            return
        items, status, tally = self.model.batch.items, self.model.status, self._tally
        start = len(self._counted)
        for it in items[start : start + COUNT_SLICE]:
            st = status(it.id)
            self._counted.append(st)
            tally[st] = tally.get(st, 0) + 1
        if len(self._counted) < len(items):
            self._counter.start()
            return
        self._counter.stop()
        total = len(items)
        done = tally.get("done", 0) + tally.get("skipped", 0)
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        if not self.filling:
            refused = self.model.batch.errors
            note = f" · {len(refused):,} not read" if refused else ""
            self.progress.setFormat((f"{done:,} / {total:,} done" if total else "empty") + note)
            self.progress.setToolTip(_not_read(refused))
        self.filter.setItemText(0, f"All ({total:,})")
        for i, st in enumerate(STATUSES, start=1):
            self.filter.setItemText(i, f"{STATUS_TEXT[st]} ({tally.get(st, 0):,})")

    def _recount_row(self, row: int) -> None:
        """A row whose status may have changed: move it to its new count (if it was counted yet)."""
        if self.model is not None and row < len(self._counted):
            old, new = self._counted[row], self.model.status(self.model.batch.items[row].id)
            if old != new:
                self._tally[old] -= 1
                self._tally[new] = self._tally.get(new, 0) + 1
                self._counted[row] = new

    def statuses_changed(self) -> None:
        """Every row's status may have changed (the annotator file is indexed now): repaint, recount."""
        if self.model is not None and self.model.rowCount():
            self.model.dataChanged.emit(
                self.model.index(0, 0), self.model.index(self.model.rowCount() - 1, 1)
            )
            self.update_progress()  # in slices: the event loop goes on meanwhile
            if self.proxy.status is not None:
                self.proxy.refilter()

    def follow(self, open_doc: OpenDocument) -> None:
        """The open article is the selected row; its row and the counts follow its status."""
        open_doc.switched.connect(self._opened)
        open_doc.changed.connect(lambda change: self._edited(open_doc.doc, change))

    def _opened(self, doc: Document | None) -> None:
        if doc is not None:
            self._status_seen = doc.record.status
            self.select(doc.record.id)

    def _edited(self, doc: Document | None, change: Change) -> None:
        if doc is None:
            return
        if doc.record.status != self._status_seen or any(
            isinstance(e, SetStatus) for e in flatten(change.edit)
        ):
            self._status_seen = doc.record.status
            self.status_changed(doc.record.id)

    def status_changed(self, record_id: str) -> None:
        if self.model is not None:
            self.model.status_changed(record_id)
            row = self.model.batch.position(record_id)
            if row is not None:
                self._recount_row(row)
            self._count_some()  # shows the counts (or counts on, if a count is under way)
            if self.proxy.status is not None:
                self.proxy.refilter()

    def select(self, record_id: str) -> None:
        if self.model is None:
            return
        row = self.model.batch.position(record_id)
        if row is None:
            return
        idx = self.proxy.mapFromSource(self.model.index(row, 1))
        if idx.isValid():
            # Not with the selection model's signals blocked: the view repaints the rows it
            # deselects from those signals, and without them the old rows stayed painted selected.
            self.table.setCurrentIndex(idx)
            self.table.scrollTo(idx)

    def _activated(self, index: QModelIndex) -> None:
        rid = index.data(Qt.ItemDataRole.UserRole)
        if rid:
            self.documentActivated.emit(rid)

    def _filter_status(self) -> None:
        self.proxy.status = self.filter.currentData()
        self.proxy.refilter()

    def _run_search(self) -> None:
        """Search in the background; a newer needle cancels the running search and runs when it stops."""
        needle = self.search.text().strip()
        if self.model is None or self._closed:
            return
        if self._searcher.busy:
            self._searcher.cancel()  # _search_done starts the search for what the box says now
            return
        if not needle:
            self.proxy.hits = None
            self.proxy.refilter()
            if self._open_first:
                self.open_first_match()
            return
        batch = self.model.batch
        self._searching = (batch, needle)
        self._searcher.start(
            lambda progress, _deliver: (batch, needle, batch.search(needle, progress.cancelled))
        )

    def _search_done(self, result: tuple[Batch, str, set[str]], cancelled: bool) -> None:
        """A search ended: show it if it still answers the box, else search for what the box says."""
        if self.model is None or self._closed:
            return
        batch, needle, hits = result
        if not cancelled and batch is self.model.batch and needle == self.search.text().strip():
            self.proxy.hits = hits
            self.proxy.refilter()
            if self._open_first:
                self.open_first_match()
        else:
            self._run_search()

    def open_first_match(self) -> None:
        """Return in the search box: open the first listed article, once the search answers the box.

        The search runs in a worker after a pause in typing; Return pressed before it has
        answered is remembered and carried out when it does, never on a stale list.
        """
        if self._search_timer.isActive() or self._searcher.busy:
            self._open_first = True
            return
        self._open_first = False
        rid = self.proxy.index(0, 1).data(Qt.ItemDataRole.UserRole) if self.proxy.rowCount() else None
        if rid:
            self.documentActivated.emit(rid)

    def _search_failed(self, _message: str) -> None:
        """A batch file could not be read: keep the list; search again if the box or the batch changed."""
        if self._closed or self.model is None:
            return
        if self._searching != (self.model.batch, self.search.text().strip()):
            self._run_search()

    def shutdown(self) -> None:
        """The window closes: no search starts again, and a running one is waited for."""
        self._closed = True
        self._search_timer.stop()
        self._counter.stop()
        self._searcher.shutdown()
        self._filler.shutdown()


def _not_read(problems: list[Problem]) -> str:
    """The lines of the batch's files that were not read, for the list's footer (the status bar forgets)."""
    if not problems:
        return ""
    shown = [str(p) for p in problems[:NOT_READ_SHOWN]]
    more = len(problems) - len(shown)
    return "Not read:\n" + "\n".join(shown) + (f"\n… and {more:,} more" if more else "")
