"""How the annotator store opens its file: the index, the journal's replay, bad lines set aside.

Split from :mod:`workbench.io.store` (which saves, folds and compacts). A store indexes its
file when it opens, or, opened ``deferred``, when :meth:`StoreLoading.load` is called from any
thread (the window does it on a worker after its first paint) or when the first call that
needs the index comes: every such call goes through ``load()`` first and waits for a running
one, so nothing is ever read or written against a partial index (decision 0024).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from workbench.io.journal import RecordState, placement, valid_entry
from workbench.io.jsonl import LineError, dumps, iter_records, read_jsonl, set_aside, skim_records
from workbench.io.store_file import (
    UNREAD,
    At,
    LoadReport,
    Reader,
    StoreUnreadable,
    index_lines,
    read_statuses,
)


class StoreLoading:
    """The opening half of :class:`~workbench.io.store.AnnotatorStore` (its attributes are the store's)."""

    path: Path
    readonly: bool
    _statuses_later: bool
    report: LoadReport
    _records: dict[str, Any]
    _journaled: set[str]
    _line_bytes: dict[str, int]
    _live_bytes: int
    _file_bytes: int
    _journal_bytes: int
    _reader: Reader
    # the store's own, used while loading: a record's saved state, the journal's fold, compaction
    _state: Callable[[str], RecordState | None]
    _fold: Callable[[], None]
    compact: Callable[[], None]

    def _start_loading(self) -> None:
        self._loaded = threading.Event()
        self._loading = threading.Lock()
        self._indexer: int | None = None  # the thread indexing now (its own calls need no index)
        self._load_error: BaseException | None = None

    @property
    def journal_path(self) -> Path:
        return self.path.with_name(self.path.name + ".journal")

    @staticmethod
    def has_journal(path: str | Path) -> bool:
        """Whether edits of an earlier session wait in the journal beside ``path`` (it was not closed)."""
        try:
            return Path(path).with_name(Path(path).name + ".journal").stat().st_size > 0
        except OSError:
            return False

    @property
    def ready(self) -> bool:
        """Whether the file is indexed (or its indexing failed): a call now does not wait for it."""
        return self._loaded.is_set()

    @property
    def indexed(self) -> bool:
        """Whether the index is there to ask: neither still being made nor failed to be made."""
        return self._loaded.is_set() and self._load_error is None

    @property
    def unreadable(self) -> BaseException | None:
        """Why the file could not be indexed (every call that needs the index raises it); None if it was."""
        return self._load_error if self._loaded.is_set() else None

    def load(self) -> None:
        """Index the file and replay the journal, once; every call that needs the index comes here first.

        Any thread may call it; a caller that comes while another thread indexes waits for it,
        and a failure is raised to every caller after it, so a store that could not read its
        file never writes against what it did not read. It is an ``OSError`` whatever went wrong
        (another error is raised as :class:`StoreUnreadable`, caused by it): callers handle one kind.
        """
        if not self._loaded.is_set() and self._indexer != threading.get_ident():
            with self._loading:
                if not self._loaded.is_set():
                    self._indexer = threading.get_ident()
                    try:
                        self._load()
                    except OSError as e:
                        self._load_error = e
                    except Exception as e:
                        self._load_error = StoreUnreadable(self.path, e)
                        self._load_error.__cause__ = e
                    except BaseException as e:
                        self._load_error = e
                    finally:
                        self._indexer = None
                        self._loaded.set()
        if self._load_error is not None:
            raise self._load_error

    def _load(self) -> None:
        report = LoadReport()
        if self.path.exists():
            if self._statuses_later:
                self._reader.fd()  # opened before the skim: the statuses are read later from this file
            places, total = index_lines(skim_records(self.path), report)
            if not self._statuses_later:
                read_statuses(self.path, places)
            self._records = places  # type: ignore[assignment]
            self._counted(places, total)
        report.records = len(self._records)
        self.report = report
        if report.errors and not self.readonly:
            report.set_aside = self._set_aside(report.errors)
        if self.journal_path.exists():
            self._replay_journal(report)

    # statuses after the first paint ----------------------------------------------------------
    @property
    def statuses_unread(self) -> bool:
        """Whether the statuses of the file's lines were left for :meth:`tail_statuses` and not taken yet."""
        return self._statuses_later

    def tail_statuses(self) -> list[tuple[str, At, At]]:
        """``(id, place, place with its status)`` of the lines indexed without their status; any thread.

        A window opening a corpus with the annotator's file beside it needs the index before its
        first article (whose version, which statuses), but not every status: those are read here,
        off the GUI thread, in one map of the file, and put in by :meth:`take_statuses` on the
        thread that edits. Until then a status is read from its line's tail when asked for.
        Nothing is changed here; a file that cannot be mapped now gives nothing (each status is
        still read when asked for).
        """
        self.load()
        if not self._statuses_later:
            return []
        before = {rid: at for rid, at in list(self._records.items()) if type(at) is tuple and at[2] is UNREAD}
        after = dict(before)
        try:  # through the descriptor the index read: another process's compaction does not move it
            read_statuses(self.path, after, self._reader.fd())
        except (OSError, ValueError):  # gone or emptied meanwhile (mmap of an empty file): asked one by one
            return []
        return [(rid, before[rid], at) for rid, at in after.items() if at[2] is not UNREAD]

    def take_statuses(self, found: list[tuple[str, At, At]]) -> None:
        """Put in what :meth:`tail_statuses` read, where the index still has the place it was read from.

        A line saved, folded or compacted since has another place (a new tuple) and is left.
        """
        records = self._records
        for rid, was, now in found:
            if records.get(rid) is was:
                records[rid] = now
        self._statuses_later = False

    def _recover(self) -> None:
        """A latest line that was skimmed turned out to be no record: walk every line, as before.

        Parsing every line finds the bad ones, so an earlier good version of the id wins
        and the bad line is reported (and, when writing, set aside) like any bad line.
        """
        report = LoadReport()
        self._reader.renew()  # the file as it is now (another process may have replaced it)
        places, total = index_lines(iter_records(self.path), report)
        self._counted(places, total)
        for rid, v in list(self._records.items()):
            if type(v) is tuple:
                if rid in places:
                    self._records[rid] = places[rid]
                else:
                    del self._records[rid]  # only bad lines of it: reported, never half-read
        seen = {e.line for e in self.report.errors}
        fresh = [e for e in report.errors if e.line not in seen]
        self.report.errors += fresh
        self.report.lines = report.lines
        self.report.records = len(self._records)
        if fresh and not self.readonly:
            self.report.set_aside = self._set_aside(fresh)

    def _counted(self, places: dict[str, At], total: int) -> None:
        """Live and superseded bytes of the file as indexed (every line counted, each id's latest live)."""
        self._line_bytes = {rid: at[1] for rid, at in places.items()}
        self._live_bytes = sum(self._line_bytes.values())
        self._file_bytes = total

    def _replay_journal(self, report: LoadReport) -> None:
        """Apply the journal's entries (edits saved since the last fold) to the records read.

        An entry that cannot be placed (no such record, another revision) is reported
        and copied to a side file, never applied blindly nor dropped silently.
        """
        path = str(self.journal_path)
        for item in read_jsonl(self.journal_path):
            if type(item) is LineError:
                report.journal_errors.append(item)
                continue
            n, obj = item
            state = self._state(obj["id"]) if valid_entry(obj) else None
            where = placement(state, obj) if state is not None else "no record of this id to apply it to"
            if not valid_entry(obj):
                where = "not a journal entry"
            if where == "apply":
                state.apply(obj)  # type: ignore[union-attr]
                self._journaled.add(obj["id"])
                self._records.pop(obj["id"], None)
                self._records[obj["id"]] = None
                report.journal_entries += 1
            elif where != "done":
                report.journal_errors.append(LineError(path, n, where, raw=dumps(obj).encode("utf-8")))
        self._journal_bytes = self.journal_path.stat().st_size
        if self.readonly:
            return
        if report.journal_errors:
            # copied out, then folded so the journal is emptied and they are reported once;
            # a clean journal is folded later (leaving an article, close, size) at no cost to the open
            report.journal_set_aside = set_aside(self.journal_path, report.journal_errors)
            self._journal_bytes = self.journal_path.stat().st_size
            with contextlib.suppress(OSError):  # a failure leaves the journal: the next open tries again
                self._fold()

    def _set_aside(self, errors: list[LineError]) -> Path:
        """Copy bad lines to a side file, then take them out of the store file.

        A torn tail is cut so appends start clean; bad lines in the middle (a hand
        edit gone wrong) are removed by compacting, so they are reported and copied
        once, not again at every open. The side file keeps them all.
        """
        side = set_aside(self.path, errors)
        if any(not e.torn for e in errors):
            self.compact()
        return side
