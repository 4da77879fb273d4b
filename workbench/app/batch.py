"""The batch of articles a window works through, without holding every text.

A corpus JSON Lines file is indexed once (id, title, status, byte offset) and a
record is read back from disk only when it is opened, so a 10k-article batch
costs a few hundred bytes per article. The offsets are those of the file the index read: the
batch keeps that file open and reads through its descriptor, so a file replaced under it (the
annotator store compacting the annotator's own file, decision 0024) moves no article. Its owner
closes it (:meth:`Batch.close`, from ``Session.close``); a read under way in a worker thread
finishes first, and nothing reads through the descriptors after.
Article files and folders go through the article readers and are kept as records (they are
small batches by nature).
The index can be built in two parts (:func:`start_batch`): what a fraction of a
second reads, then the rest in chunks (``Batch.pending``) that a worker thread
reads and the owner takes in with :meth:`Batch.take`, so a 100k-article corpus
shows its first article at once. Qt-free, so it is tested without a display.
"""

from __future__ import annotations

import json
import os
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

from workbench.core.problems import Problem
from workbench.core.record import Record, RecordError
from workbench.io.jsonl import MAX_RECORD_BYTES, LineError, iter_records, line_at, lines_at

TITLE_CHARS = 90
CHUNK = 2_000  # index entries per chunk of the background part: the GUI thread takes one in ~10-30 ms


@dataclass(slots=True)
class Item:
    id: str
    title: str
    status: str
    chars: int
    source: int  # index into Batch.sources
    offset: int  # byte offset of the JSONL line, or -1 when the record is held in memory


class BatchClosed(OSError):
    """A read of a batch its owner closed (a worker still going through the last batch's articles)."""


# One article of the index (with the record when it is held in memory), or a line that is none.
Entry = tuple[Item, Record | None] | Problem


@dataclass
class Batch:
    sources: list[Path] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    # The rest of the index when it is built in two parts: chunks of entries, read by one
    # thread (they may block on the disk) and taken in with take() by the batch's owner.
    pending: Iterator[list[Entry]] | None = None
    _pos: dict[str, int] = field(default_factory=dict)
    _held: dict[str, Record] = field(default_factory=dict)
    # source -> a descriptor of the JSONL file its index read, open until close() (a compaction
    # replacing the file leaves it on the file the offsets are of). Reads hold _readers up, so
    # close() during a worker's read leaves the closing to that read's end: a descriptor number
    # is never closed, and perhaps reused by another open, under a reader.
    _fds: dict[int, int] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)
    _readers: int = 0
    closed: bool = False

    def __post_init__(self) -> None:
        # a batch its owner forgot to close: the collector closes what is left (the same dict)
        weakref.finalize(self, _close_fds, self._fds)

    def close(self) -> None:
        """Close the JSONL files the index read, now, or when the reads under way end."""
        with self._lock:
            self.closed = True
            idle = self._readers == 0
        if idle:
            _close_fds(self._fds)

    @contextmanager
    def _reading(self) -> Iterator[bool]:
        """Around every read through the descriptors: False (read nothing) once the batch is closed."""
        with self._lock:
            open_ = not self.closed
            self._readers += open_
        if not open_:
            yield False
            return
        try:
            yield True
        finally:
            with self._lock:
                self._readers -= 1
                last = self.closed and self._readers == 0
            if last:
                _close_fds(self._fds)

    def _line(self, item: Item) -> dict[str, Any]:
        with self._reading() as ok:
            if not ok:
                raise BatchClosed(f"{self.sources[item.source]}: the batch is closed")
            return line_at(self._fds[item.source], item.offset)

    def __len__(self) -> int:
        return len(self.items)

    def position(self, record_id: str) -> int | None:
        return self._pos.get(record_id)

    def item(self, record_id: str) -> Item:
        return self.items[self._pos[record_id]]

    def add(self, item: Item, record: Record | None = None) -> None:
        if item.id in self._pos:  # the same article twice: the later copy wins, keeps its place
            self.items[self._pos[item.id]] = item
        else:
            self._pos[item.id] = len(self.items)
            self.items.append(item)
        if record is not None:
            self._held[item.id] = record

    def fresh(self, chunk: list[Entry]) -> int:
        """How many rows :meth:`take` will add for ``chunk`` (a list view announces them first)."""
        seen = self._pos
        new = {e[0].id for e in chunk if type(e) is tuple and e[0].id not in seen}
        return len(new)

    def take(self, chunk: list[Entry]) -> list[int]:
        """Add a chunk of the index; the rows of articles seen before, updated in place (later wins)."""
        replaced = []
        for e in chunk:
            if type(e) is tuple:
                row = self._pos.get(e[0].id)
                if row is not None:
                    replaced.append(row)
                self.add(*e)
            else:
                self.errors.append(e)  # type: ignore[arg-type]
        return replaced

    def load(self, record_id: str) -> Record:
        """A fresh record for ``record_id`` as the source has it (raises RecordError)."""
        return Record.from_dict(self.raw(record_id))

    def raw(self, record_id: str) -> dict[str, Any]:
        """The record as the source has it, as a fresh dict (its line, read again)."""
        item = self.item(record_id)
        if item.offset < 0:
            return self._held[record_id].to_dict()
        return self._line(item)

    def text(self, record_id: str) -> str:
        item = self.item(record_id)
        if item.offset < 0:
            return self._held[record_id].text
        return str(self._line(item).get("text", ""))

    def search(self, needle: str, cancelled: Callable[[], bool] = lambda: False) -> set[str]:
        """Ids whose title or text contains ``needle`` (case-insensitive), one pass per source.

        Runs in a worker thread (the window stays responsive on a large batch); ``cancelled``
        is polled every few hundred articles and stops it early with what it found so far.
        """
        needle = needle.casefold()
        hits: set[str] = set()
        by_source: dict[int, list[Item]] = {}
        for it in self.items:
            if needle in it.title.casefold():
                hits.add(it.id)
            elif it.offset < 0:
                if needle in self._held[it.id].text.casefold():
                    hits.add(it.id)
            else:
                by_source.setdefault(it.source, []).append(it)
        # Raw-bytes prefilter: an ASCII needle without JSON-escaped characters appears in the
        # line as it is, so most lines are rejected without parsing (a 10k batch in ~0.1 s).
        raw_needle = needle.encode() if needle.isascii() and not set(needle) & set('"\\') else None
        with self._reading() as ok:
            if ok:  # a closed batch (its window moved on) has nothing more to find
                self._search_sources(needle, raw_needle, by_source, hits, cancelled)
        return hits

    def _search_sources(
        self,
        needle: str,
        raw_needle: bytes | None,
        by_source: dict[int, list[Item]],
        hits: set[str],
        cancelled: Callable[[], bool],
    ) -> None:
        for src, items in by_source.items():
            items.sort(key=lambda i: i.offset)
            lines = lines_at(self._fds[src], (it.offset for it in items))
            for n, (it, line) in enumerate(zip(items, lines, strict=True)):
                if n % 256 == 0 and cancelled():
                    return
                if raw_needle is not None and raw_needle not in line.lower():
                    continue
                try:
                    text = json.loads(line).get("text", "")
                except ValueError:
                    continue
                if isinstance(text, str) and needle in text.casefold():
                    hits.add(it.id)


def title_of(text: str, meta: dict[str, Any] | None) -> str:
    title = (meta or {}).get("title")
    if not isinstance(title, str) or not title.strip():
        title = next((ln for ln in text.splitlines() if ln.strip()), "(empty)")
    title = " ".join(title.split())
    return title if len(title) <= TITLE_CHARS else title[: TITLE_CHARS - 1] + "…"


def index_jsonl(batch: Batch, path: Path) -> None:
    """Add every record line of a JSONL file; lines that are not records are kept as problems, never fatal."""
    batch.take(list(_jsonl_entries(batch, path)))


def _jsonl_entries(batch: Batch, path: Path) -> Iterator[Entry]:
    src = len(batch.sources)
    batch.sources.append(path)
    fd = batch._fds[src] = os.open(path, os.O_RDONLY)
    for item in iter_records(path, fast=True, fd=fd, max_bytes=MAX_RECORD_BYTES):
        if type(item) is LineError:
            yield item
            continue
        _, start, _, rid, obj = item
        text = obj["text"]
        status = obj.get("status") if isinstance(obj.get("status"), str) else "todo"
        meta = obj.get("meta") if isinstance(obj.get("meta"), dict) else {}
        yield Item(rid, title_of(text, meta), status, len(text), src, start), None


# Reads article files or a folder: the records, with the problems put in the list it is given.
ReadArticles = Callable[[list[Problem]], list[Record]]


def add_records(batch: Batch, records: list[Record], origin: Path) -> None:
    batch.take(list(_record_entries(batch, lambda _problems: records, origin)))


def _record_entries(batch: Batch, read: ReadArticles, origin: Path) -> Iterator[Entry]:
    src = len(batch.sources)
    batch.sources.append(origin)
    problems: list[Problem] = []
    records = read(problems)
    yield from problems
    for rec in records:
        yield Item(rec.id, title_of(rec.text, rec.meta), rec.status, len(rec.text), src, -1), rec


def start_batch(sources: list[tuple[Path, ReadArticles | None]], budget: float | None) -> Batch:
    """A batch indexed for about ``budget`` seconds (and at least to its first article); the rest pending.

    ``sources`` are JSONL files (None) or article files and folders with the function that
    reads them. What is not read in time is left in ``Batch.pending`` as chunks of
    :data:`CHUNK` entries, read in order; ``budget`` None reads everything now.
    """
    batch = Batch()

    def entries() -> Iterator[Entry]:
        for path, read in sources:
            yield from _jsonl_entries(batch, path) if read is None else _record_entries(batch, read, path)

    walk = entries()
    until = None if budget is None else time.perf_counter() + budget
    now: list[Entry] = []
    for e in walk:
        now.append(e)
        if until is not None and type(e) is tuple and len(now) % 64 == 0 and time.perf_counter() > until:
            batch.pending = _chunks(batch, walk)
            break
    batch.take(now)
    return batch


def _chunks(batch: Batch, walk: Iterator[Entry]) -> Iterator[list[Entry]]:
    """The rest of the walk in lists of :data:`CHUNK` entries, read as asked for; none once closed."""

    def chunk() -> list[Entry]:
        with batch._reading() as ok:
            return list(islice(walk, CHUNK)) if ok else []

    return iter(chunk, [])


def _close_fds(fds: dict[int, int]) -> None:
    """Each descriptor once: popped before it is closed, so a second call closes nothing."""
    while fds:
        try:
            _, fd = fds.popitem()
        except KeyError:  # emptied by another thread meanwhile
            return
        os.close(fd)


__all__ = [
    "Batch",
    "BatchClosed",
    "Entry",
    "Item",
    "ReadArticles",
    "RecordError",
    "add_records",
    "index_jsonl",
    "start_batch",
    "title_of",
]
