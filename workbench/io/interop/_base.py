"""What every importer and exporter shares: reports, offset checks, doc-field placement.

Kept apart from ``registry`` so format modules can import it without a cycle.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workbench.core.record import Record, Span, offset_problems
from workbench.core.schema import AnnotationSchema
from workbench.io.atomic import atomic_write
from workbench.io.jsonl import dumps


@dataclass(slots=True)
class ExportReport:
    """What an exporter wrote and, per kind, what the format could not carry (counts)."""

    format: str
    outputs: list[Path] = field(default_factory=list)
    records: int = 0
    spans: int = 0
    relations: int = 0
    doc_fields: int = 0
    left_out: Counter[str] = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)

    def leave_out(self, what: str, n: int = 1) -> None:
        if n:
            self.left_out[what] += n

    def merge(self, other: ExportReport) -> None:
        self.outputs += other.outputs
        self.records += other.records
        self.spans += other.spans
        self.relations += other.relations
        self.doc_fields += other.doc_fields
        self.left_out.update(other.left_out)
        self.notes += [n for n in other.notes if n not in self.notes]

    def lines(self) -> list[str]:
        out = [
            f"{self.format}: wrote {self.records} records, {self.spans} spans, "
            f"{self.relations} relations, {self.doc_fields} document fields"
        ]
        out += [f"  -> {p}" for p in self.outputs]
        if self.left_out:
            out.append(f"  not carried by {self.format}:")
            out += [f"    {n:>7}  {what}" for what, n in sorted(self.left_out.items())]
        else:
            out.append(f"  nothing left out: {self.format} carried every annotation")
        out += [f"  note: {n}" for n in self.notes]
        return out


_UNSAFE = re.compile(r"[^\w.-]+")
_SURROGATE = re.compile("[\ud800-\udfff]")


def safe_file_name(name: str, limit: int = 120) -> str:
    """A name made of the given one's letters, digits, ``.``, ``-`` and ``_`` that stays in its folder.

    Separators, ``..``, leading dots and control characters go (an id is any string), and
    the name is kept short enough for every file system; never empty.
    """
    safe = _UNSAFE.sub("_", name).lstrip(".")[:limit].rstrip(".")
    return safe or "_"


def inside(folder: Path, name: str) -> Path:
    """``folder / name``, refused (ValueError) if it would resolve anywhere but directly in ``folder``."""
    path = folder / name
    if path.parent != folder or name in ("", ".", "..") or "/" in name or "\\" in name:
        raise ValueError(f"{name!r} is not a file name inside {folder}")
    return path


def without_surrogates(text: str) -> tuple[str, int]:
    """``text`` with lone surrogates (not encodable as UTF-8) as U+FFFD, and how many there were.

    One code point for one, so every offset stays right; a JSON ``\\ud83d`` escape lets
    them into a record, and text formats and spaCy cannot write them.
    """
    if text.isascii():
        return text, 0
    fixed, n = _SURROGATE.subn("\ufffd", text)
    return fixed, n


def write_json_lines(
    fmt: str,
    records: Iterable[Record],
    out: Path,
    convert: Callable[[Record, ExportReport], dict[str, Any] | None],
) -> ExportReport:
    """One JSON object a line, written atomically: every exporter whose format is JSON Lines.

    ``convert`` counts what it carries (and what it leaves out) in the report; a record it
    turns into ``None`` is not written.
    """
    report = ExportReport(fmt, [Path(out)])
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    with atomic_write(out) as fh:
        for rec in records:
            d = convert(rec, report)
            if d is not None:
                fh.write(dumps(d) + "\n")
    return report


def check_span(
    text: str, start: Any, end: Any, label: Any, where: str, expect: str | None = None
) -> str | None:
    """Why a foreign span does not fit its text, or None. Offsets are never shifted to make it fit."""
    if not isinstance(label, str) or not label:
        return f"{where}: missing label"
    probs = offset_problems(text, start, end, where)
    if probs:
        return probs[0]
    if expect is not None and text[start:end] != expect:
        return f"{where}: text at {start}-{end} is {text[start:end]!r}, the file says {expect!r}"
    return None


def doc_values(doc: dict[str, Any]) -> list[tuple[str, str]]:
    """(field, value) pairs of a record's document fields, lists flattened."""
    out: list[tuple[str, str]] = []
    for name, value in doc.items():
        for v in value if isinstance(value, list) else [value]:
            if v is not None:
                out.append((name, str(v)))
    return out


def place_categories(cats: Iterable[str], schema: AnnotationSchema | None) -> dict[str, Any]:
    """Put foreign document categories into the schema's document fields.

    ``field:value`` is taken literally; a bare value goes to the one field whose value set holds it;
    anything ambiguous or unknown is kept under ``labels`` rather than guessed.
    """
    doc: dict[str, Any] = {}
    fields = schema.doc_fields if schema else {}

    def put(name: str, value: str, multiple: bool) -> None:
        if multiple:
            doc.setdefault(name, [])
            if value not in doc[name]:
                doc[name].append(value)
        elif name not in doc:
            doc[name] = value
        else:
            put("labels", value, True)

    for cat in cats:
        name, sep, value = cat.partition(":")
        if sep and name in fields:
            put(name, value, fields[name].multiple)
            continue
        if sep and not fields:
            put(name, value, False)
            continue
        owners = [f for f in fields.values() if schema and cat in schema.value_sets[f.attribute].values]
        if len(owners) == 1:
            put(owners[0].name, cat, owners[0].multiple)
        else:
            put("labels", cat, True)
    return doc


def flat_categories(doc: dict[str, Any], schema: AnnotationSchema | None) -> list[str]:
    """Document fields as plain category strings; values that are ambiguous across fields keep ``field:``."""
    out = []
    for name, value in doc_values(doc):
        if name == "labels":
            out.append(value)
            continue
        back = place_categories([value], schema)
        plain = name in back and (back[name] == value or back[name] == [value])
        out.append(value if plain else f"{name}:{value}")
    return out


def spans_by_offsets(rec: Record) -> dict[tuple[int, int, str], Span]:
    return {(s.start, s.end, s.label): s for s in rec.spans.values()}


def annotation_key(rec: Record) -> tuple[Any, ...]:
    """The annotations of a record independent of ids: what a round trip must preserve."""
    spans = sorted((s.start, s.end, s.label) for s in rec.spans.values())
    rels = sorted(
        (
            (rec.spans[r.head].start, rec.spans[r.head].end, rec.spans[r.head].label),
            (rec.spans[r.child].start, rec.spans[r.child].end, rec.spans[r.child].label),
            r.label,
        )
        for r in rec.relations.values()
    )
    return (rec.text, spans, rels)


def new_span(rec: Record, start: int, end: int, label: str, **kw: Any) -> Span:
    span = Span(id=kw.pop("id", None) or rec.next_span_id(), start=start, end=end, label=label, **kw)
    rec.spans[span.id] = span
    return span
