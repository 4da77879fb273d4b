"""The annotation record: one article as seen and annotated by one annotator.

Offsets are Python string indices (code points), end exclusive, into ``text``.
The record carries its text so that a line of a corpus file means something on
its own, and every pre-annotation carries its ``origin`` and the annotator's
``review`` of it, so a lead can see what the model got wrong.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

STATUSES = ("todo", "in_progress", "done", "skipped")
# Review states of a pre-annotation. ``None`` means a person made the item.
REVIEWS = ("pending", "accepted", "edited")
RECORD_FORMAT = "workbench-record@1"

_SURROGATE = re.compile("[\ud800-\udfff]")


def now_iso() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def article_id(text: str) -> str:
    """Content-based id, so two annotators importing the same story agree on it.

    Whitespace runs are folded first: a re-save with other line wrapping is the
    same article, while any change of wording is not.
    """
    folded = " ".join(text.split())
    return hashlib.sha256(folded.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def untouched_preannotation(item: Span | Relation) -> bool:
    """A model's or the rules' proposal nobody has reviewed: what a new pre-annotation pass may replace."""
    return item.origin is not None and item.review in (None, "pending")


@dataclass(frozen=True, slots=True)
class Span:
    id: str
    start: int
    end: int
    label: str
    attrs: dict[str, Any] = field(default_factory=dict)
    origin: str | None = None
    review: str | None = None

    def with_(self, **changes: Any) -> Span:
        return replace(self, **changes)

    def to_dict(self, text: str) -> dict[str, Any]:
        d: dict[str, Any] = {
            "id": self.id,
            "start": self.start,
            "end": self.end,
            "label": self.label,
            "text": text[self.start : self.end],
        }
        return _add_provenance(self, d)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Span:
        return cls(
            id=str(d["id"]),
            start=int(d["start"]),
            end=int(d["end"]),
            label=str(d["label"]),
            **_provenance_of(d),
        )


@dataclass(frozen=True, slots=True)
class Relation:
    id: str
    head: str
    child: str
    label: str
    attrs: dict[str, Any] = field(default_factory=dict)
    origin: str | None = None
    review: str | None = None

    def with_(self, **changes: Any) -> Relation:
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "id": self.id,
            "head": self.head,
            "child": self.child,
            "label": self.label,
        }
        return _add_provenance(self, d)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Relation:
        return cls(
            id=str(d["id"]),
            head=str(d["head"]),
            child=str(d["child"]),
            label=str(d["label"]),
            **_provenance_of(d),
        )


def _add_provenance(item: Span | Relation, d: dict[str, Any]) -> dict[str, Any]:
    """Attributes, origin and review, written only when set: spans and relations carry them alike."""
    if item.attrs:
        d["attrs"] = dict(item.attrs)
    if item.origin is not None:
        d["origin"] = item.origin
    if item.review is not None:
        d["review"] = item.review
    return d


def _provenance_of(d: dict[str, Any]) -> dict[str, Any]:
    return {"attrs": dict(d.get("attrs") or {}), "origin": d.get("origin"), "review": d.get("review")}


class RecordError(ValueError):
    """A record that cannot be used as it stands; ``problems`` lists every fault."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(slots=True)
class Record:
    """Mutable on purpose: edits change it in place and return their inverse."""

    id: str
    text: str
    meta: dict[str, Any] = field(default_factory=dict)
    spans: dict[str, Span] = field(default_factory=dict)
    relations: dict[str, Relation] = field(default_factory=dict)
    doc: dict[str, Any] = field(default_factory=dict)
    status: str = "todo"
    annotator: str | None = None
    schema: str | None = None
    rev: int = 0
    updated: str | None = None
    # Pre-annotations the annotator rejected: kept so a lead can see them.
    rejected: list[dict[str, Any]] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def new(cls, text: str, meta: dict[str, Any] | None = None, **kw: Any) -> Record:
        return cls(id=kw.pop("id", None) or article_id(text), text=text, meta=dict(meta or {}), **kw)

    # ids -------------------------------------------------------------
    def next_span_id(self) -> str:
        return _next_id("s", self.spans)

    def next_relation_id(self) -> str:
        return _next_id("r", self.relations)

    # queries ---------------------------------------------------------
    def sorted_spans(self) -> list[Span]:
        return sorted(self.spans.values(), key=lambda s: (s.start, -s.end, s.label, s.id))

    def relations_of(self, span_id: str) -> list[Relation]:
        return [r for r in self.relations.values() if r.head == span_id or r.child == span_id]

    def span_text(self, span: Span) -> str:
        return self.text[span.start : span.end]

    # (de)serialisation ----------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "id": self.id,
            "text": self.text,
            "meta": self.meta,
            "spans": [s.to_dict(self.text) for s in self.sorted_spans()],
            # Sorted by id so that undoing a removal (which re-adds at the end) restores the same line.
            "relations": [r.to_dict() for r in sorted(self.relations.values(), key=_id_order)],
            "doc": self.doc,
            "status": self.status,
            "annotator": self.annotator,
            "schema": self.schema,
            "rev": self.rev,
            "updated": self.updated,
        }
        if self.rejected:
            d["rejected"] = self.rejected
        d.update(self.extra)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Record:
        """Build a record, refusing one whose offsets or references do not fit its text."""
        problems = structural_problems(d)
        if problems:
            raise RecordError(problems)
        known = {
            "id",
            "text",
            "meta",
            "spans",
            "relations",
            "doc",
            "status",
            "annotator",
            "schema",
            "rev",
            "updated",
            "rejected",
        }
        rec = cls(
            id=str(d.get("id") or article_id(d["text"])),
            text=d["text"],
            meta=dict(d.get("meta") or {}),
            spans={str(s["id"]): Span.from_dict(s) for s in d.get("spans") or []},
            relations={str(r["id"]): Relation.from_dict(r) for r in d.get("relations") or []},
            doc=dict(d.get("doc") or {}),
            status=d.get("status") or "todo",
            annotator=d.get("annotator"),
            schema=d.get("schema"),
            rev=int(d.get("rev") or 0),
            updated=d.get("updated"),
            rejected=list(d.get("rejected") or []),
            extra={k: v for k, v in d.items() if k not in known},
        )
        return rec


def id_order_key(item_id: str) -> tuple[Any, ...]:
    """Natural order of ids: r2 before r10; text and number parts alternate, so always comparable."""
    return tuple(int(p) if i % 2 else p for i, p in enumerate(re.split(r"(\d+)", item_id)))


def _id_order(item: Span | Relation) -> tuple[Any, ...]:
    return id_order_key(item.id)


def _next_id(prefix: str, existing: dict[str, Any]) -> str:
    n = 0
    for key in existing:
        if key.startswith(prefix) and key[len(prefix) :].isdigit():
            n = max(n, int(key[len(prefix) :]))
    return f"{prefix}{n + 1}"


def offset_problems(text: str, start: Any, end: Any, where: str) -> list[str]:
    if not isinstance(start, int) or not isinstance(end, int) or isinstance(start, bool):
        return [f"{where}: start and end must be integers"]
    if not 0 <= start < end <= len(text):
        return [f"{where}: offsets {start}-{end} fall outside the text (length {len(text)})"]
    # A lone surrogate at an edge means offsets were counted in UTF-16 units.
    if _SURROGATE.match(text, start) or _SURROGATE.match(text, end - 1):
        return [f"{where}: offsets {start}-{end} split a surrogate pair"]
    return []


def _list(d: dict[str, Any], key: str, problems: list[str]) -> list[Any]:
    value = d.get(key) or []
    if isinstance(value, list):
        return value
    problems.append(f"{key}: must be a list")
    return []


def structural_problems(d: Any) -> list[str]:
    """Every way a record dict fails to hang together (independent of any schema)."""
    if not isinstance(d, dict):
        return ["record is not a JSON object"]
    text = d.get("text")
    if not isinstance(text, str):
        return ["record has no 'text' string"]
    problems: list[str] = []
    span_ids: set[str] = set()
    for i, s in enumerate(_list(d, "spans", problems)):
        where = f"spans[{i}]"
        if not isinstance(s, dict) or "id" not in s or "label" not in s:
            problems.append(f"{where}: needs id, start, end and label")
            continue
        if not isinstance(s["id"], str) or not isinstance(s["label"], str):
            problems.append(f"{where}: id and label must be strings")
            continue
        if s["id"] in span_ids:
            problems.append(f"{where}: duplicate span id {s['id']!r}")
        span_ids.add(s["id"])
        if s.get("attrs") is not None and not isinstance(s["attrs"], dict):
            problems.append(f"{where}: attrs must be an object")
        bad_offsets = offset_problems(text, s.get("start"), s.get("end"), where)
        problems += bad_offsets
        if "text" in s and not bad_offsets and s["text"] != text[s["start"] : s["end"]]:
            problems.append(
                f"{where}: span text {s['text']!r} does not match the text at "
                f"{s['start']}-{s['end']} ({text[s['start'] : s['end']]!r})"
            )
    rel_ids: set[str] = set()
    for i, r in enumerate(_list(d, "relations", problems)):
        where = f"relations[{i}]"
        if not isinstance(r, dict) or not {"id", "head", "child", "label"} <= r.keys():
            problems.append(f"{where}: needs id, head, child and label")
            continue
        if not all(isinstance(r[k], str) for k in ("id", "head", "child", "label")):
            problems.append(f"{where}: id, head, child and label must be strings")
            continue
        if r["id"] in rel_ids:
            problems.append(f"{where}: duplicate relation id {r['id']!r}")
        rel_ids.add(r["id"])
        if r.get("attrs") is not None and not isinstance(r["attrs"], dict):
            problems.append(f"{where}: attrs must be an object")
        for end_ in ("head", "child"):
            if r[end_] not in span_ids:
                problems.append(f"{where}: {end_} {r[end_]!r} is not a span of this record")
    status = d.get("status")
    if status is not None and status not in STATUSES:
        problems.append(f"status: {status!r} is not one of {', '.join(STATUSES)}")
    return problems
