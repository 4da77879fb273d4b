"""doccano JSONL: the ``label`` shape (``[[start, end, label]]`` or category strings) and the
``entities``/``relations`` shape, plus doccano's custom column names (``column_data``/``column_label``).

Export writes the ``entities``/``relations`` shape with document categories in ``cats``
(doccano's intent-and-slot shape); span and relation attributes have no place in doccano
and are counted as left out.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from workbench.core.problems import Problem
from workbench.core.record import Record, Relation
from workbench.core.schema import AnnotationSchema
from workbench.io.interop._base import (
    ExportReport,
    check_span,
    flat_categories,
    new_span,
    place_categories,
    write_json_lines,
)
from workbench.io.interop._corpus import import_objects, origin_meta

_TEXT_KEYS = ("text", "data", "column_data")
_LABEL_KEYS = ("label", "labels", "column_label")
_KNOWN = {*_TEXT_KEYS, *_LABEL_KEYS, "entities", "relations", "cats", "meta"}


def _obj_to_record(obj: dict[str, Any], file: str, line: int, schema: AnnotationSchema | None) -> Record:
    text_key = next((k for k in _TEXT_KEYS if k in obj), None)
    if text_key is None or not isinstance(obj[text_key], str):
        raise ValueError(f"no text: expected one of {', '.join(_TEXT_KEYS)} holding a string")
    text = obj[text_key]
    meta = dict(obj["meta"]) if isinstance(obj.get("meta"), dict) else {}
    meta.update(origin_meta("doccano", file, line))
    extra = {k: v for k, v in obj.items() if k not in _KNOWN}
    if extra:
        meta["doccano"] = extra
    rec = Record.new(text, meta, status="done")
    cats: list[str] = [str(c) for c in obj.get("cats") or []]
    for key in _LABEL_KEYS:
        for i, item in enumerate(obj.get(key) or []):
            if isinstance(item, str):
                cats.append(item)
            elif isinstance(item, list | tuple) and len(item) == 3:
                problem = check_span(text, item[0], item[1], item[2], f"{key}[{i}]")
                if problem:
                    raise ValueError(problem)
                new_span(rec, item[0], item[1], item[2])
            else:
                raise ValueError(
                    f"{key}[{i}]: expected [start, end, label] or a category string, found {item!r}"
                )
    by_doccano_id: dict[Any, str] = {}
    for i, e in enumerate(obj.get("entities") or []):
        if not isinstance(e, dict):
            raise ValueError(f"entities[{i}] is not an object")
        start, end = e.get("start_offset"), e.get("end_offset")
        problem = check_span(text, start, end, e.get("label"), f"entities[{i}]")
        if problem:
            raise ValueError(problem)
        if "id" in e and e["id"] in by_doccano_id:
            raise ValueError(f"entities[{i}]: duplicate id {e['id']!r}")
        span = new_span(rec, start, end, e["label"])
        by_doccano_id[e.get("id", i)] = span.id
    for i, r in enumerate(obj.get("relations") or []):
        if not isinstance(r, dict):
            raise ValueError(f"relations[{i}] is not an object")
        ends = [by_doccano_id.get(r.get(k)) for k in ("from_id", "to_id")]
        if None in ends:
            raise ValueError(
                f"relations[{i}]: from_id/to_id {r.get('from_id')!r}/{r.get('to_id')!r} name no entity"
            )
        label = r.get("type", r.get("label"))
        if not isinstance(label, str):
            raise ValueError(f"relations[{i}]: missing type")
        rel = Relation(rec.next_relation_id(), str(ends[0]), str(ends[1]), label)
        rec.relations[rel.id] = rel
    if cats:
        rec.doc = place_categories(cats, schema)
    return rec


def import_doccano(path: Path, schema: AnnotationSchema | None = None) -> Iterator[Record | Problem]:
    yield from import_objects(path, lambda obj, file, line: _obj_to_record(obj, file, line, schema))


def record_to_doccano(rec: Record, schema: AnnotationSchema | None, report: ExportReport) -> dict[str, Any]:
    ids = {s.id: i for i, s in enumerate(rec.sorted_spans())}
    entities = [
        {"id": ids[s.id], "label": s.label, "start_offset": s.start, "end_offset": s.end}
        for s in rec.sorted_spans()
    ]
    relations = [
        {"id": i, "from_id": ids[r.head], "to_id": ids[r.child], "type": r.label}
        for i, r in enumerate(rec.relations.values())
    ]
    report.leave_out(
        "span attributes (sentiment, quote kind, ...)", sum(len(s.attrs) for s in rec.spans.values())
    )
    report.leave_out("relation attributes", sum(len(r.attrs) for r in rec.relations.values()))
    d: dict[str, Any] = {"text": rec.text, "entities": entities, "relations": relations}
    cats = flat_categories(rec.doc, schema)
    if cats:
        d["cats"] = cats
    meta = {k: v for k, v in rec.meta.items() if k not in ("imported_from", "doccano")}
    if meta:
        d["meta"] = meta
    d.update(rec.meta.get("doccano") or {})
    report.records += 1
    report.spans += len(entities)
    report.relations += len(relations)
    report.doc_fields += len(cats)
    return d


def export_doccano(records: Iterable[Record], schema: AnnotationSchema, out: Path) -> ExportReport:
    def convert(rec: Record, report: ExportReport) -> dict[str, Any]:
        return record_to_doccano(rec, schema, report)

    return write_json_lines("doccano", records, out, convert)
