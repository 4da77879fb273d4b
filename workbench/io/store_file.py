"""The annotator file as the store sees it: an index of where each record's line is, read on demand.

The store (:mod:`workbench.io.store`) keeps, for a record it has not changed in this
session, only where its latest line is (offset, size, status): an open reads the file
once without parsing the lines the workbench wrote, and memory follows the number of
articles, not their size (decision 0020). These are the reads that index leads to, and
the names the store's callers catch.
"""

from __future__ import annotations

import contextlib
import mmap
import os
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workbench.core.record import Record
from workbench.io.atomic import atomic_write
from workbench.io.jsonl import LineError, dumps, parse_line, read_line, record_id, tail_status

# Where a record's latest line is in the file: (byte offset, size in bytes, its status or UNREAD)
At = tuple[int, int, Any]
UNREAD = object()  # a status not read yet (the line was skimmed): read from the line's tail when asked
TAIL = 512  # bytes of a line's end that name its status, as the workbench writes records


class StoreLocked(RuntimeError):
    """Another process writes this annotator file."""

    def __init__(self, path: Path, holder: dict[str, Any]):
        who = holder.get("annotator") or "someone"
        where = f"{holder.get('host', '?')} (pid {holder.get('pid', '?')})"
        since = holder.get("since", "?")
        super().__init__(f"{path} is open for writing by {who} on {where} since {since}")
        self.path = path
        self.holder = holder


class StoreUnreadable(OSError):
    """The annotator file could not be indexed for a reason other than an ``OSError`` of its own.

    A line the index took for a record that is not one, a file emptied by another process
    between two looks (``mmap`` refuses an empty file), ...: the callers of a store handle a
    file they cannot read as one ``OSError`` (decision 0024), whatever the cause (``__cause__``).
    """

    def __init__(self, path: Path, cause: BaseException):
        super().__init__(f"{path}: {cause}")
        self.filename, self.strerror = str(path), str(cause)  # as an OSError of the file says them

    def __str__(self) -> str:
        return f"{self.filename}: {self.strerror}"


@dataclass
class LoadReport:
    records: int = 0
    lines: int = 0
    errors: list[LineError] = field(default_factory=list)
    set_aside: Path | None = None
    journal_entries: int = 0  # edits recovered from the journal (a crash before they were folded)
    journal_errors: list[LineError] = field(default_factory=list)
    journal_set_aside: Path | None = None

    @property
    def ok(self) -> bool:
        return not self.errors and not self.journal_errors

    def summary(self) -> str:
        text = f"{self.records} records"
        if self.errors:
            where = f"; the bad lines were copied to {self.set_aside}" if self.set_aside else ""
            text += f", {len(self.errors)} bad line(s){where}"
        if self.journal_entries:
            text += f", {self.journal_entries} edit(s) recovered from the journal"
        if self.journal_errors:
            where = f" (copied to {self.journal_set_aside})" if self.journal_set_aside else ""
            text += f", {len(self.journal_errors)} journal line(s) not applied{where}"
        return text


class StaleLine(Exception):
    """A line the index skimmed is not the record it was taken for (edited by hand since)."""


@dataclass
class Dirty:
    """An edited record whose edit is not durable yet, and the span and relation ids it touched."""

    record: Record
    spans: set[str] = field(default_factory=set)
    relations: set[str] = field(default_factory=set)


class Reader:
    """Reads records and statuses where the index found them, through one descriptor of the file.

    The descriptor stays on the file the index was made from: a compaction (or another
    process) replacing the file does not move it; :meth:`renew` then takes the new file for
    the new index. The last few old descriptors stay open (until :meth:`close`), so a worker
    thread reading through one meanwhile never reads a descriptor number reused for another file.
    """

    def __init__(self, path: Path):
        self.path = path
        self._fd: int | None = None
        self._old: list[int] = []

    def fd(self) -> int:
        if self._fd is None:
            self._fd = os.open(self.path, os.O_RDONLY)
        return self._fd

    def renew(self) -> None:
        if self._fd is not None:
            self._old.append(self._fd)
            self._fd = None
        while len(self._old) > 4:  # a read takes milliseconds: older ones have no reader left
            with contextlib.suppress(OSError):
                os.close(self._old.pop(0))

    def close(self) -> None:
        self.renew()
        for fd in self._old:
            with contextlib.suppress(OSError):
                os.close(fd)
        self._old.clear()

    def record(self, rid: str, where: At) -> dict[str, Any]:
        """The record on its line, ValueError if that line is not ``rid``'s record."""
        obj = read_line(self.fd(), where[0], where[1])
        if type(obj) is not dict or record_id(obj) != rid:
            raise ValueError(f"{self.path}: the line of {rid} is not its record")
        return obj

    def status(self, rid: str, where: At) -> Any:
        """The status on ``rid``'s line: from its tail when the workbench wrote it, else the whole line."""
        n = min(TAIL, where[1])
        status = tail_status(os.pread(self.fd(), n, where[0] + where[1] - n))
        return self.record(rid, where).get("status") if status is False else status


def line_of(fd: int | None, rid: str, where: At) -> bytes:
    """The bytes of ``rid``'s line (from an open file), newline-terminated; StaleLine if not its record.

    A compaction copies the lines it does not rewrite, so it checks each one first.
    """
    raw = os.pread(fd, where[1], where[0]) if fd is not None else b""
    try:
        obj = parse_line(raw, exact=False)
        if type(obj) is not dict or record_id(obj) != rid:
            raise ValueError(rid)
    except ValueError:
        raise StaleLine(rid) from None
    return raw if raw.endswith(b"\n") else raw + b"\n"


def index_lines(items: Iterable[Any], report: LoadReport) -> tuple[dict[str, At], int]:
    """Each id's latest line (offset, size, status), in later-wins order, and the bytes of all lines.

    Lines the workbench wrote are skimmed, not parsed (``skim_records``: the id from the
    head), so an open costs about finding the line ends, and memory follows the number of
    articles, not their size; a record is parsed when someone asks for it, a status when
    someone asks for that (:meth:`Reader.status`, from the line's tail).
    """
    places: dict[str, At] = {}
    total = lines = 0
    pop = places.pop
    for item in items:
        lines += 1
        if type(item) is LineError:
            report.errors.append(item)
            continue
        _, start, size, rid, obj = item
        pop(rid, None)  # later wins, and moves to the end
        places[rid] = (start, size, UNREAD if obj is None else obj.get("status"))
        total += size
    report.lines += lines
    return places, total


def read_statuses(path: Path, places: dict[str, At], fd: int | None = None) -> None:
    """Fill in the status of each skimmed line from its tail, in one map of the file.

    Done with the index (which a window builds off its GUI thread), so that counting a
    large file's statuses afterwards is a walk over memory, not a read per article. A line
    whose tail is not written the workbench's way keeps ``UNREAD`` and is parsed when asked.
    ``fd``: read through that descriptor (the file the index was made from) rather than the path.
    """
    if not any(at[2] is UNREAD for at in places.values()):
        return
    intern = sys.intern
    with (
        open(path, "rb") if fd is None else open(fd, "rb", closefd=False) as fh,
        mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mm,
    ):
        for rid, (start, size, status) in places.items():
            if status is UNREAD:
                end = start + size
                found = tail_status(mm[end - min(TAIL, size) : end])
                if found is not False:
                    places[rid] = (start, size, intern(found) if found else found)


def rewrite(path: Path, entries: Iterable[tuple[str, Any]], whole: Callable[[str], Any]) -> dict[str, At]:
    """Write ``path`` anew, atomically, one line per ``(id, where)``; the new index of it.

    A record still where the index found it (``where`` a place) is copied as its line's
    bytes, checked first (:func:`line_of`); any other is ``whole(id)``, written as a line.
    """
    index: dict[str, At] = {}
    offset = 0
    src = os.open(path, os.O_RDONLY) if path.exists() else None
    try:
        with atomic_write(path, "wb", encoding=None) as fh:
            for rid, where in entries:
                if type(where) is tuple:
                    line, status = line_of(src, rid, where), where[2]
                else:
                    d = whole(rid)
                    line, status = (dumps(d) + "\n").encode("utf-8"), d.get("status")
                fh.write(line)
                index[rid] = (offset, len(line), status)
                offset += len(line)
    finally:
        if src is not None:
            os.close(src)
    return index
