"""The annotator store: every edit durable at once, nothing ever lost, the file kept small.

One JSON Lines file per annotator; when an id appears twice the later line wins.
An article's first save appends its whole record; every edit after that appends a
small entry to ``<file>.journal`` and fsyncs it (:mod:`workbench.io.journal`), and the
journal is folded into the file as whole records when the annotator leaves the
article, on close, and when it outgrows its records; after a crash the next open
replays it (decision 0014). Compaction rewrites the file to one line per id through a temp file
and ``os.replace``, by itself when superseded lines outweigh live ones and on a clean
close. A torn last line (power cut, kill -9) is set aside in a side file and reported.
A lock file keeps a second process from writing, names who holds it, and is removed on
a clean close. A failed save keeps the edit in memory and retries on the next save;
the files on disk keep only whole lines. Opening the file (its index, the journal's replay,
at once or deferred to another thread) is :mod:`workbench.io.store_open`'s half of the class.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from workbench.core.record import Record, RecordError
from workbench.io import locks
from workbench.io.appending import append_durably, open_for_append
from workbench.io.journal import RecordState, entry_for
from workbench.io.jsonl import dumps
from workbench.io.store_file import (
    UNREAD,
    At,
    Dirty,
    LoadReport,
    Reader,
    StaleLine,
    StoreLocked,
    rewrite,
)
from workbench.io.store_open import StoreLoading


class AnnotatorStore(StoreLoading):
    def __init__(
        self,
        path: str | Path,
        annotator: str | None = None,
        *,
        readonly: bool = False,
        deferred: bool = False,
        statuses_later: bool = False,
    ):
        """Lock (unless ``readonly``) and index the file; ``deferred`` leaves the index to :meth:`load`.

        A deferred store is locked at once (a second writer is refused here, as always) and
        indexed when :meth:`load` is called, from any thread, or by the first call that needs
        the index, which waits for it: nothing is ever read or written against a partial index
        (decision 0024: the window indexes a large annotator file after its first paint).
        ``statuses_later`` indexes the lines but leaves their statuses to :meth:`tail_statuses`
        (each one is read from its line's tail if asked for first).
        """
        self.path = Path(path)
        self._statuses_later = statuses_later
        self.annotator = annotator
        self.readonly = readonly
        # id -> where its latest line is in the file (offset, size, status), read when asked for;
        # or the line itself (saved in this session); or None while a RecordState holds it
        # (journaled; raw() builds the line). In file order, the later line last.
        self._records: dict[str, At | dict[str, Any] | None] = {}
        self._pending: dict[str, str] = {}  # whole lines not yet durable
        self._states: dict[str, RecordState] = {}  # records edited through the journal
        self._journaled: set[str] = set()  # ids whose latest state is in the journal, not the file yet
        self._dirty: dict[str, Dirty] = {}  # edits not yet durable
        self._line_bytes: dict[str, int] = {}  # size of each id's latest line in the file
        self._live_bytes = self._file_bytes = self._journal_bytes = 0
        self._fd: int | None = None
        self._jfd: int | None = None
        self._lock_fd: int | None = None
        self._reader = Reader(self.path)
        self.last_error: OSError | None = None
        self.report = LoadReport()
        self._start_loading()
        if not readonly:
            self._lock()
        if deferred:
            return
        try:
            self.load()
        except BaseException:
            self.close()  # a store that failed to open must not keep the lock (we would lock ourselves out)
            raise

    # locking -------------------------------------------------------------
    @property
    def lock_path(self) -> Path:
        return self.path.with_name(self.path.name + ".lock")

    def _lock(self) -> None:
        try:
            self._lock_fd = locks.acquire(self.lock_path, annotator=self.annotator)
        except locks.Held as e:
            raise StoreLocked(self.path, e.holder) from None

    @staticmethod
    def holder(path: str | Path) -> dict[str, Any] | None:
        """Who holds the lock on ``path``, or None if nobody does."""
        return locks.holder(Path(path).with_name(Path(path).name + ".lock"))

    def _count_line(self, rid: str, size: int) -> None:
        self._live_bytes += size - self._line_bytes.get(rid, 0)
        self._line_bytes[rid] = size
        self._file_bytes += size

    # reading -------------------------------------------------------------
    def __contains__(self, record_id: str) -> bool:
        self.load()
        return record_id in self._records

    def __len__(self) -> int:
        self.load()
        return len(self._records)

    def ids(self) -> list[str]:
        self.load()
        return list(self._records)

    def raw(self, record_id: str) -> dict[str, Any] | None:
        self.load()
        for _ in range(3):
            d = self._records.get(record_id)
            if type(d) is tuple:
                try:
                    return self._reader.record(record_id, d)
                except ValueError:
                    pass
                if self._records.get(record_id) is d:  # not a compaction moving it meanwhile:
                    try:  # once more, in case the file was renewed between the two looks
                        return self._reader.record(record_id, d)
                    except ValueError:
                        self._recover()
                continue
            if d is None:
                # journaled: the state builds the line; a worker thread may get here while the GUI
                # thread compacts (states dropped, lines back in _records), hence the second look
                state = self._states.get(record_id)
                if state is not None:
                    return state.to_dict()
                d = self._records.get(record_id)
                if type(d) is tuple:
                    continue
            return d  # type: ignore[return-value]
        return None

    def status(self, record_id: str) -> Any:
        """The record's ``status`` as saved (from the index, no read); None if it has no such record."""
        self.load()
        d = self._records.get(record_id)
        if type(d) is tuple:
            if d[2] is not UNREAD:
                return d[2]
            try:
                status = self._reader.status(record_id, d)
            except ValueError:
                status = UNREAD  # not its record: raw() finds the good version
            if status is not UNREAD:
                if self._records.get(record_id) is d:
                    self._records[record_id] = (d[0], d[1], status)
                return status
        d = self.raw(record_id)
        return d.get("status") if d is not None else None

    def get(self, record_id: str) -> Record | None:
        d = self.raw(record_id)
        return Record.from_dict(d) if d is not None else None

    def records(self) -> Iterator[Record]:
        self.load()
        for rid in list(self._records):
            try:
                yield Record.from_dict(self.raw(rid))  # type: ignore[arg-type]
            except RecordError:
                continue

    # writing -------------------------------------------------------------
    @property
    def has_unsaved(self) -> bool:
        return bool(self._pending or self._dirty)

    def save(self, record: Record | dict[str, Any]) -> bool:
        """Append the record's whole current state and fsync. False if it could not be written.

        On failure the line stays pending (in memory) and is written first by the
        next ``save`` or ``flush``; the file keeps only whole lines.
        """
        if self.readonly:
            raise PermissionError(f"{self.path} is open read-only")
        self.load()
        d = record.to_dict() if isinstance(record, Record) else record
        rid = d["id"]
        self._states.pop(rid, None)  # the whole line supersedes any journal entry of this record
        self._dirty.pop(rid, None)
        self._journaled.discard(rid)
        self._records.pop(rid, None)
        self._records[rid] = d
        self._pending.pop(rid, None)
        self._pending[rid] = dumps(d)
        return self.flush()

    def save_edit(
        self, record: Record, span_ids: Iterable[str] = (), relation_ids: Iterable[str] = ()
    ) -> bool:
        """Make an edit of ``record`` durable at the cost of the edit: a journal entry, fsynced.

        ``span_ids`` and ``relation_ids`` name what the edit touched (a
        ``Document`` change says so); the small fields an edit changes go along
        always. A record the file does not hold yet, or one not past its saved
        revision, is saved whole instead. False if it could not be written: the
        edit stays in memory and the next ``save_edit`` or ``flush`` writes it.
        """
        if self.readonly:
            raise PermissionError(f"{self.path} is open read-only")
        self.load()
        rid = record.id
        state = None if rid in self._pending else self._state(rid)
        dirty = self._dirty.get(rid)
        stale = dirty.record is not record if dirty else state is None or record.rev <= state.rev
        if state is None or stale:
            return self.save(record)
        if dirty is None:
            dirty = self._dirty[rid] = Dirty(record)
        dirty.spans.update(span_ids)
        dirty.relations.update(relation_ids)
        return self.flush()

    def _state(self, rid: str) -> RecordState | None:
        """The record's saved state as a RecordState (built on its first edit), None if it has none."""
        state = self._states.get(rid)
        if state is None:
            try:
                d = self.raw(rid)
            except OSError:  # the file cannot be read now (folder gone): save the record whole
                return None
            if d is None:
                return None
            try:
                state = self._states[rid] = RecordState.of(d)
            except (RecordError, KeyError, TypeError, ValueError):
                return None
        return state

    def flush(self) -> bool:
        """Write what is pending: whole lines to the file, edit entries to the journal; fsync both."""
        if not (self._pending or self._dirty):
            return True
        self.load()
        try:
            if self._pending:
                self._append_lines(list(self._pending.items()))
                self._pending.clear()
            if self._dirty:
                self._write_entries()
        except OSError as e:
            self.last_error = e
            self._close_fd()
            for rid, dirty in self._dirty.items():
                # what readers of this store see (a session reopened on it, a worker) is the edit
                # kept in memory, as for a whole line that is pending
                self._records[rid] = dirty.record.to_dict()
            return False
        self.last_error = None
        self._tidy()
        return True

    def _write_entries(self) -> None:
        entries = []
        for rid, dirty in self._dirty.items():
            entries.append((rid, entry_for(dirty.record, self._states[rid], dirty.spans, dirty.relations)))
        data = [(dumps(e) + "\n").encode("utf-8") for _, e in entries]
        append_durably(self._journal_fd(), b"".join(data))
        for (rid, entry), line in zip(entries, data, strict=True):
            state = self._states[rid]
            state.apply(entry)
            state.rejected_ids = tuple(map(id, self._dirty[rid].record.rejected))
            self._journaled.add(rid)
            self._records.pop(rid, None)
            self._records[rid] = None  # the state holds it; raw() builds the line when asked
            self._journal_bytes += len(line)
        self._dirty.clear()

    def _append_lines(self, items: list[tuple[str, str]]) -> None:
        """Append whole record lines to the annotator file and fsync, counting live and superseded bytes."""
        lines = [(rid, (line + "\n").encode("utf-8")) for rid, line in items]
        append_durably(self._append_fd(), b"".join(b for _, b in lines))
        for rid, b in lines:
            self._count_line(rid, len(b))

    def _tidy(self) -> None:
        """Fold a journal that outgrew its records; compact a file whose superseded lines outweigh live ones.

        Both keep sizes bounded at a cost spread over the edits that caused them. A
        failure here loses nothing (the journal holds the edits): it is retried later.
        """
        try:
            folded = sum(self._line_bytes.get(rid, 0) for rid in self._journaled)
            if self._journaled and self._journal_bytes > folded:
                self._fold()
            if self._file_bytes - self._live_bytes > self._live_bytes:
                self.compact()
        except OSError:
            self._close_fd()  # not a failed save: every edit is durable already

    def fold(self) -> bool:
        """Write the journaled records whole into the annotator file and empty the journal.

        Called when the annotator leaves an article and on close; after it, a reader
        that knows nothing of the journal sees every saved edit. False if the file
        could not be written (the journal still holds the edits).
        """
        if self.readonly:
            return True
        self.load()
        if not self.flush():
            return False
        try:
            self._fold()
        except OSError as e:
            self.last_error = e
            self._close_fd()
            return False
        return True

    def _fold(self) -> None:
        if self._journaled:
            items = [(rid, dumps(self._states[rid].to_dict())) for rid in self._journaled]
            self._append_lines(items)
            for rid in self._journaled:
                self._records[rid] = self._states[rid].to_dict()
            self._journaled.clear()
        self._empty_journal()

    def _empty_journal(self) -> None:
        """Every entry is in the file now: cut the journal (entries that come back are skipped by rev)."""
        if self._journal_bytes and not self._journaled and not self._dirty:
            os.ftruncate(self._journal_fd(), 0)
            self._journal_bytes = 0

    def _append_fd(self) -> int:
        if self._fd is None:
            self._fd = open_for_append(self.path)
        return self._fd

    def _journal_fd(self) -> int:
        if self._jfd is None:
            self._jfd = open_for_append(self.journal_path)
        return self._jfd

    def compact(self) -> None:
        """Rewrite to one line per record, atomically, and empty the journal. Pending edits are included.

        A record unchanged in this session is copied as its line's bytes (checked first), the
        rest written from their state; afterwards memory holds only where each record is.
        """
        if self.readonly:
            raise PermissionError(f"{self.path} is open read-only")
        self.load()
        try:
            index = self._rewrite()
        except StaleLine:
            self._recover()  # a skimmed line was no record: find its earlier good version first
            index = self._rewrite()
        # the file now holds every record whole: nothing pending, nothing journaled
        self._reader.renew()
        self._records = index  # type: ignore[assignment]
        self._pending.clear()
        self._dirty.clear()
        self._journaled.clear()
        self._states.clear()
        self._counted(index, sum(at[1] for at in index.values()))
        self._empty_journal()

    def _rewrite(self) -> dict[str, At]:
        self._close_fd()
        dirty = self._dirty
        entries = ((rid, None if rid in dirty else v) for rid, v in self._records.items())
        return rewrite(
            self.path, entries, lambda rid: dirty[rid].record.to_dict() if rid in dirty else self.raw(rid)
        )

    def _close_fd(self) -> None:
        for name in ("_fd", "_jfd"):
            fd = getattr(self, name)
            if fd is not None:
                try:
                    os.close(fd)
                except OSError:
                    pass
                setattr(self, name, None)

    def close(self) -> None:
        """Flush, compact what is journaled or superseded, remove the journal and the lock: the file at rest.

        Whatever cannot be done (disk full) is left as it is: the journal and the
        file still hold every edit that was saved, and the next open folds them. A store
        that could not read its file writes nothing (its journal stays for the next open).
        """
        clean = self.readonly
        try:
            self.load()  # a deferred store not indexed yet: the close needs the index (fold, compaction)
            broken = False
        except BaseException:
            broken = clean = True
        if not self.readonly and not broken:
            # one write: a compaction takes the journaled records along (no fold first)
            clean = self.flush()
            if clean and (self._journaled or self._file_bytes != self._live_bytes):
                try:
                    self.compact()
                except OSError as e:
                    self.last_error, clean = e, False
            elif clean:
                try:
                    self._empty_journal()
                except OSError as e:
                    self.last_error, clean = e, False
            if clean and not self._journal_bytes:
                with contextlib.suppress(OSError):
                    self.journal_path.unlink(missing_ok=True)
        self._close_fd()
        self._reader.close()
        if self._lock_fd is not None:
            if clean:
                locks.release(self._lock_fd, self.lock_path)
            else:
                os.close(self._lock_fd)
            self._lock_fd = None

    def __enter__(self) -> AnnotatorStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
