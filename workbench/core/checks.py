"""Does a record, or an edit to it, respect the annotation schema?

Edits are checked after they are applied to a scratch state and rolled back on
failure (see :class:`workbench.core.document.Document`); these functions only
say what is wrong, in words an annotator understands.
"""

from __future__ import annotations

from typing import Any

from workbench.core.record import STATUSES, Record, Relation, Span
from workbench.core.schema import AnnotationSchema


def span_problems(
    schema: AnnotationSchema, record: Record, span: Span, check_overlap: bool = True
) -> list[str]:
    lab = schema.labels.get(span.label)
    if lab is None:
        return [f"label {span.label!r} is not in schema {schema.ref}"]
    problems: list[str] = []
    for name, value in span.attrs.items():
        if name not in lab.attributes:
            problems.append(f"{span.label} spans have no attribute {name!r}")
        elif value not in schema.value_sets[name].values:
            allowed = ", ".join(schema.value_sets[name].values)
            problems.append(f"{value!r} is not a value of {name} ({allowed})")
    if schema.overlap != "any" and check_overlap:
        for other in record.spans.values():
            if other.id == span.id or schema.labels.get(other.label, lab).kind != lab.kind:
                continue
            clash = _overlap(schema, span, other)
            if clash:
                problems.append(clash)
                break
    return problems


def _overlap(schema: AnnotationSchema, span: Span, other: Span) -> str | None:
    """Why two spans of one kind may not overlap as they do under the schema, or None."""
    if not (other.start < span.end and span.start < other.end):
        return None
    nested = (other.start <= span.start and span.end <= other.end) or (
        span.start <= other.start and other.end <= span.end
    )
    if schema.overlap == "nested" and nested:
        return None
    return (
        f"{span.label} at {span.start}-{span.end} would overlap {other.label} at "
        f"{other.start}-{other.end} (schema overlap policy: {schema.overlap})"
    )


def _overlap_sweep(schema: AnnotationSchema, spans: list[Span]) -> dict[str, str]:
    """First overlap problem per span id, in one pass over spans sorted by start (not all pairs)."""
    out: dict[str, str] = {}
    active: dict[str, list[Span]] = {}
    for span in spans:
        lab = schema.labels.get(span.label)
        if lab is None:
            continue
        live = [o for o in active.get(lab.kind, []) if o.end > span.start]
        for other in live:
            clash = _overlap(schema, span, other)
            if clash:
                out.setdefault(span.id, clash)
                out.setdefault(other.id, _overlap(schema, other, span) or clash)
        live.append(span)
        active[lab.kind] = live
    return out


def relation_problems(schema: AnnotationSchema, record: Record, rel: Relation) -> list[str]:
    rt = schema.relations.get(rel.label)
    if rt is None:
        return [f"relation type {rel.label!r} is not in schema {schema.ref}"]
    head, child = record.spans.get(rel.head), record.spans.get(rel.child)
    if head is None or child is None:
        return [f"{rel.label} relation refers to a span that does not exist"]
    if rel.head == rel.child:
        return [f"a {rel.label} relation cannot link a span to itself"]
    problems: list[str] = []
    if not rt.allows(head.label, child.label):
        problems.append(
            f"{rel.label} cannot go from {head.label} to {child.label} "
            f"(allowed: {'/'.join(rt.head)} → {'/'.join(rt.child)})"
        )
    for other in record.relations.values():
        if other.id == rel.id or other.label != rel.label:
            continue
        same = other.head == rel.head and other.child == rel.child
        if rt.symmetric:
            same = same or (other.head == rel.child and other.child == rel.head)
        if same:
            problems.append(f"this {rel.label} relation already exists")
            break
    if rt.max_per_head is not None:
        count = sum(1 for o in record.relations.values() if o.label == rel.label and o.head == rel.head)
        if count > rt.max_per_head:
            problems.append(
                f"a {head.label} has at most {rt.max_per_head} {rel.label} relation(s); "
                "remove the existing one first"
            )
    return problems


def doc_field_problems(schema: AnnotationSchema, name: str, value: Any) -> list[str]:
    df = schema.doc_fields.get(name)
    if df is None:
        return [f"document field {name!r} is not in schema {schema.ref}"]
    if value is None:
        return []
    allowed = schema.value_sets[df.attribute].values
    values = value if isinstance(value, list | tuple) else [value]
    if not df.multiple and isinstance(value, list | tuple):
        return [f"document field {name!r} takes one value"]
    if df.multiple and not isinstance(value, list | tuple):
        return [f"document field {name!r} takes a list of values"]
    return [f"{v!r} is not a value of {name} ({', '.join(allowed)})" for v in values if v not in allowed]


def record_problems(schema: AnnotationSchema, record: Record) -> list[str]:
    """Everything in a record that the schema does not allow, for ``workbench validate``."""
    problems: list[str] = []
    if record.schema is not None and record.schema.split("@")[0] != schema.name:
        problems.append(f"record was made under schema {record.schema!r}, not {schema.ref!r}")
    spans = record.sorted_spans()
    overlaps = _overlap_sweep(schema, spans) if schema.overlap != "any" else {}
    for s in spans:
        found = span_problems(schema, record, s, check_overlap=False)
        if s.id in overlaps:
            found.append(overlaps[s.id])
        problems += [f"span {s.id}: {p}" for p in found]
    for r in record.relations.values():
        problems += [f"relation {r.id}: {p}" for p in relation_problems(schema, record, r)]
    for name, value in record.doc.items():
        problems += [f"doc.{name}: {p}" for p in doc_field_problems(schema, name, value)]
    if record.status not in STATUSES:
        problems.append(f"status {record.status!r} is not one of {', '.join(STATUSES)}")
    return problems
