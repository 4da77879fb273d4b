"""A streaming index of a corpus or annotator file: what is in it, without holding it.

Listing a 100k-article corpus must not build 100k Record objects nor keep 100k
article texts: each line is parsed, summarised into a small :class:`Entry`
(status, label counts, byte offset of the line) and dropped. Repeated ids follow
the store's rule, the later line wins, so an annotator file that was never
compacted lists exactly what the annotator last saw. A record can be read back
lazily from its byte offset.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workbench.io.jsonl import LineError, iter_records, read_at

_intern = sys.intern


@dataclass(slots=True)
class Entry:
    """What the index keeps of one record: a few hundred bytes whatever the text length.

    Not frozen: a frozen dataclass costs a ``object.__setattr__`` per field, and
    100k of them are a visible share of the listing time. Treat it as read-only.
    """

    id: str
    line: int
    offset: int
    status: str | None
    annotator: str | None
    schema: str | None
    rev: int | None
    chars: int
    labels: tuple[tuple[str, int], ...] = ()
    relations: tuple[tuple[str, int], ...] = ()
    doc: tuple[tuple[str, Any], ...] = ()
    reviews: tuple[tuple[str, int], ...] = ()
    rejected: int = 0

    @property
    def spans(self) -> int:
        return sum(n for _, n in self.labels)


@dataclass
class CorpusIndex:
    path: Path
    entries: dict[str, Entry] = field(default_factory=dict)
    errors: list[LineError] = field(default_factory=list)
    lines: int = 0
    repeated: int = 0

    def __len__(self) -> int:
        return len(self.entries)

    def __contains__(self, record_id: str) -> bool:
        return record_id in self.entries

    def __iter__(self) -> Iterator[Entry]:
        return iter(self.entries.values())

    def ids(self) -> list[str]:
        return list(self.entries)

    def statuses(self) -> dict[str, str | None]:
        return {e.id: e.status for e in self.entries.values()}

    def read(self, record_id: str) -> dict[str, Any]:
        """The record's latest line, read from disk by its byte offset."""
        return read_at(self.path, self.entries[record_id].offset)

    # aggregates ------------------------------------------------------------
    def status_counts(self) -> Counter[str]:
        return Counter(e.status or "(none)" for e in self.entries.values())

    def label_counts(self) -> Counter[str]:
        return self._total(lambda e: e.labels)

    def relation_counts(self) -> Counter[str]:
        return self._total(lambda e: e.relations)

    def review_counts(self) -> Counter[str]:
        return self._total(lambda e: e.reviews)

    def _total(self, counts_of: Callable[[Entry], tuple[tuple[str, int], ...]]) -> Counter[str]:
        """One entry's (name, count) pairs added up over the corpus."""
        out: Counter[str] = Counter()
        for e in self.entries.values():
            for name, n in counts_of(e):
                out[name] += n
        return out

    def doc_counts(self) -> dict[str, Counter[str]]:
        """Field -> value -> documents; each value of a multiple-choice field counts once."""
        out: dict[str, Counter[str]] = {}
        for e in self.entries.values():
            for name, value in e.doc:
                values = value if isinstance(value, tuple) else (value,)
                c = out.setdefault(name, Counter())
                for v in values:
                    c[str(v)] += 1
        return out


def _counts(items: Any, key: str) -> tuple[tuple[str, int], ...]:
    if not items or not isinstance(items, list):
        return ()
    c: dict[str, int] = {}
    for it in items:
        try:
            v = it[key]
        except (TypeError, KeyError, IndexError):
            continue
        if isinstance(v, str):
            c[v] = c.get(v, 0) + 1
    return tuple((_intern(k), n) for k, n in c.items())


def _doc(doc: Any) -> tuple[tuple[str, Any], ...]:
    if not isinstance(doc, dict) or not doc:
        return ()
    out = []
    for k, v in doc.items():
        if isinstance(v, list):
            v = tuple(_intern(x) if isinstance(x, str) else str(x) for x in v)
        elif isinstance(v, str):
            v = _intern(v)
        else:
            v = str(v)
        out.append((_intern(k), v))
    return tuple(out)


def _str(value: Any) -> str | None:
    return _intern(value) if isinstance(value, str) else None


def _entry(obj: dict[str, Any], rid: str, line: int, offset: int, details: bool) -> Entry:
    get = obj.get
    text, rev = get("text"), get("rev")
    entry = Entry(
        rid,
        line,
        offset,
        _str(get("status")),
        _str(get("annotator")),
        _str(get("schema")),
        rev if isinstance(rev, int) else None,
        len(text) if isinstance(text, str) else 0,
    )
    if details:
        spans, rejected = get("spans"), get("rejected")
        entry.labels = _counts(spans, "label")
        entry.relations = _counts(get("relations"), "label")
        entry.doc = _doc(get("doc"))
        entry.reviews = _counts(spans, "review")
        entry.rejected = len(rejected) if isinstance(rejected, list) else 0
    return entry


def index_corpus(path: str | Path, *, details: bool = True) -> CorpusIndex:
    """Stream ``path`` once; lines that are not records are collected as :class:`LineError`, never fatal.

    ``details=False`` skips label, relation, review and document-field counts:
    listing ids and statuses (a project overview of a huge corpus) needs none of them.
    """
    index = CorpusIndex(Path(path))
    entries = index.entries
    errors = index.errors
    for item in iter_records(path, fast=True):
        if type(item) is LineError:
            errors.append(item)
            index.lines = item.line
            continue
        n, start, _, rid, obj = item
        index.lines = n
        if rid in entries:
            index.repeated += 1
            del entries[rid]  # later wins, and takes the later position
        entries[rid] = _entry(obj, rid, n, start, details)
    return index
