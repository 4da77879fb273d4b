"""The annotator store: every edit durable at once, nothing ever lost.

One JSON Lines file per annotator. Each save appends the record's new revision
and fsyncs; when an id appears twice the later line wins. Compaction rewrites
the file to one line per id through a temp file and ``os.replace``. A torn last
line (power cut, kill -9) is set aside in a side file and reported. A lock file
keeps a second process from writing, and names who holds it. A failed save keeps
the edit in memory and retries on the next save; the file on disk stays as it was.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workbench.core.record import Record, RecordError
from workbench.io import locks
from workbench.io.atomic import atomic_write, fsync_dir
from workbench.io.jsonl import LineError, dumps, iter_records, set_aside


class StoreLocked(RuntimeError):
    """Another process writes this annotator file."""

    def __init__(self, path: Path, holder: dict[str, Any]):
        who = holder.get("annotator") or "someone"
        where = f"{holder.get('host', '?')} (pid {holder.get('pid', '?')})"
        since = holder.get("since", "?")
        super().__init__(f"{path} is open for writing by {who} on {where} since {since}")
        self.path = path
        self.holder = holder


@dataclass
class LoadReport:
    records: int = 0
    lines: int = 0
    errors: list[LineError] = field(default_factory=list)
    set_aside: Path | None = None

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        if self.ok:
            return f"{self.records} records"
        where = f"; the bad lines were copied to {self.set_aside}" if self.set_aside else ""
        return f"{self.records} records, {len(self.errors)} bad line(s){where}"


class AnnotatorStore:
    def __init__(self, path: str | Path, annotator: str | None = None, *, readonly: bool = False):
        self.path = Path(path)
        self.annotator = annotator
        self.readonly = readonly
        self._records: dict[str, dict[str, Any]] = {}
        self._pending: dict[str, str] = {}
        self._fd: int | None = None
        self._lock_fd: int | None = None
        self.last_error: OSError | None = None
        self.report = LoadReport()
        if not readonly:
            self._lock()
        try:
            self._load()
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

    # loading -------------------------------------------------------------
    def _load(self) -> None:
        report = LoadReport()
        if self.path.exists():
            for item in iter_records(self.path):
                report.lines += 1
                if type(item) is LineError:
                    report.errors.append(item)
                    continue
                _, _, _, rid, obj = item
                self._records.pop(rid, None)  # later wins, and moves to the end
                self._records[rid] = obj
        report.records = len(self._records)
        if report.errors and not self.readonly:
            report.set_aside = self._set_aside(report.errors)
        self.report = report

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

    # reading -------------------------------------------------------------
    def __contains__(self, record_id: str) -> bool:
        return record_id in self._records

    def __len__(self) -> int:
        return len(self._records)

    def ids(self) -> list[str]:
        return list(self._records)

    def raw(self, record_id: str) -> dict[str, Any] | None:
        return self._records.get(record_id)

    def get(self, record_id: str) -> Record | None:
        d = self._records.get(record_id)
        return Record.from_dict(d) if d is not None else None

    def records(self) -> Iterator[Record]:
        for d in self._records.values():
            try:
                yield Record.from_dict(d)
            except RecordError:
                continue

    # writing -------------------------------------------------------------
    @property
    def has_unsaved(self) -> bool:
        return bool(self._pending)

    def save(self, record: Record | dict[str, Any]) -> bool:
        """Append the record's current state and fsync. False if it could not be written.

        On failure the line stays pending (in memory) and is written first by the
        next ``save`` or ``flush``; the file keeps only whole lines.
        """
        if self.readonly:
            raise PermissionError(f"{self.path} is open read-only")
        d = record.to_dict() if isinstance(record, Record) else record
        self._records.pop(d["id"], None)
        self._records[d["id"]] = d
        self._pending.pop(d["id"], None)
        self._pending[d["id"]] = dumps(d)
        return self.flush()

    def flush(self) -> bool:
        if not self._pending:
            return True
        data = "".join(line + "\n" for line in self._pending.values()).encode("utf-8")
        try:
            fd = self._append_fd()
            before = os.fstat(fd).st_size
            try:
                view = memoryview(data)
                while view:
                    n = os.write(fd, view)
                    view = view[n:]
                os.fsync(fd)
            except OSError:
                # Never leave half a line behind: cut back to the last good size.
                try:
                    os.ftruncate(fd, before)
                except OSError:
                    pass
                raise
        except OSError as e:
            self.last_error = e
            self._close_fd()
            return False
        self._pending.clear()
        self.last_error = None
        return True

    def _append_fd(self) -> int:
        if self._fd is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            new = not self.path.exists()
            self._fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
            if new:
                fsync_dir(self.path.parent)
            size = os.fstat(self._fd).st_size
            if size and os.pread(self._fd, 1, size - 1) != b"\n":
                # A complete last line without newline (written by hand) must stay its own line.
                os.write(self._fd, b"\n")
        return self._fd

    def compact(self) -> None:
        """Rewrite to one line per record, atomically. Pending edits are included."""
        if self.readonly:
            raise PermissionError(f"{self.path} is open read-only")
        self._close_fd()
        with atomic_write(self.path) as fh:
            for d in self._records.values():
                fh.write(dumps(d) + "\n")
        self._pending.clear()

    def _close_fd(self) -> None:
        if self._fd is not None:
            try:
                os.close(self._fd)
            except OSError:
                pass
            self._fd = None

    def close(self) -> None:
        if not self.readonly:
            self.flush()
        self._close_fd()
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None

    def __enter__(self) -> AnnotatorStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
