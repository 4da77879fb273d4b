"""Prodigy task JSONL: tokens, spans with token indices, relations by head/child token, ``accept`` choices.

Import keeps Prodigy's own keys (hashes, view id, answer, options) under
``meta["prodigy"]`` so an export gives them back; extra keys on spans (``source``,
``input_hash``) are kept the same way. Export adds ``id``/``attrs`` to spans and
relations and a ``_workbench`` block with the record's id and status: Prodigy
ignores unknown keys, so nothing is lost and the file still loads in Prodigy.
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
    doc_values,
    new_span,
    place_categories,
    spans_by_offsets,
    write_json_lines,
)
from workbench.io.interop._corpus import import_objects, origin_meta
from workbench.io.interop.tokens import TokenIndex

_SPAN_KEYS = {"start", "end", "label", "token_start", "token_end", "text", "id", "attrs", "origin", "review"}
_TOP_KEYS = {"text", "meta", "tokens", "spans", "relations", "accept", "_workbench"}
_STATUS_OF_ANSWER = {"accept": "done", "reject": "skipped", "ignore": "skipped"}


def _task_to_record(
    task: dict[str, Any], file: str, line: int, schema: AnnotationSchema | None, warn: list[str] | None = None
) -> Record:
    """One Prodigy task as a record; token indices that disagree with the characters go to ``warn``."""
    warn = [] if warn is None else warn
    text = task.get("text")
    if not isinstance(text, str):
        raise ValueError("task has no 'text' string")
    wb = task.get("_workbench") or {}
    meta = dict(task.get("meta") or {}) if isinstance(task.get("meta"), dict) else {}
    meta.update(origin_meta("prodigy", file, line))
    extra = {k: v for k, v in task.items() if k not in _TOP_KEYS}
    rec = Record.new(text, meta, id=wb.get("id"))
    tokens = task.get("tokens") or []
    span_extra: dict[str, dict[str, Any]] = {}
    for i, s in enumerate(task.get("spans") or []):
        if not isinstance(s, dict):
            raise ValueError(f"spans[{i}] is not an object")
        _check_prodigy_span(text, tokens, s, f"spans[{i}]", warn)
        sid = s.get("id") if isinstance(s.get("id"), str) and s.get("id") not in rec.spans else None
        span = new_span(
            rec, s["start"], s["end"], s["label"], id=sid, attrs=dict(s.get("attrs") or {}),
            origin=s.get("origin"), review=s.get("review"),
        )  # fmt: skip
        more = {k: v for k, v in s.items() if k not in _SPAN_KEYS}
        if more:
            span_extra[span.id] = more
    by_off = spans_by_offsets(rec)
    for i, r in enumerate(task.get("relations") or []):
        ends = []
        for role in ("head", "child"):
            sp = r.get(f"{role}_span") if isinstance(r, dict) else None
            if not isinstance(sp, dict):
                raise ValueError(f"relations[{i}]: no {role}_span, cannot tell which span the relation joins")
            _check_prodigy_span(text, tokens, sp, f"relations[{i}].{role}_span", warn)
            key = (sp["start"], sp["end"], sp["label"])
            own = rec.spans.get(sp["id"]) if isinstance(sp.get("id"), str) else None
            if own is not None and (own.start, own.end, own.label) == key:
                ends.append(own.id)  # our own export names the span: exact even with duplicates
                continue
            if key not in by_off:
                by_off[key] = new_span(rec, *key)
            ends.append(by_off[key].id)
        if not isinstance(r.get("label"), str):
            raise ValueError(f"relations[{i}]: missing label")
        rid = r.get("id") if isinstance(r.get("id"), str) and r.get("id") not in rec.relations else None
        rel = Relation(
            rid or rec.next_relation_id(), ends[0], ends[1], r["label"], dict(r.get("attrs") or {})
        )
        rec.relations[rel.id] = rel
    options = {str(o.get("id")): o for o in task.get("options") or [] if isinstance(o, dict)}
    accept = [str(a) for a in task.get("accept") or []]
    if accept:
        rec.doc = place_categories(
            [a if ":" in a else str(options.get(a, {}).get("text", a)) for a in accept], schema
        )
    if span_extra:
        extra["span_extra"] = span_extra
    if extra:
        rec.meta["prodigy"] = extra
    rec.status = wb.get("status") or _STATUS_OF_ANSWER.get(str(task.get("answer")), "todo")
    for key in ("annotator", "rev", "updated", "schema"):
        if key in wb:
            setattr(rec, key, wb[key])
    return rec


def _check_prodigy_span(text: str, tokens: list[Any], s: dict[str, Any], where: str, warn: list[str]) -> None:
    """Character offsets must fit the text (else ValueError); token indices only get a warning.

    Prodigy reads the character offsets; its relation files (spaCy's ``rel_component``
    tutorial data among them) carry ``head_span``/``child_span`` token indices that disagree
    with them, so refusing such a task would lose a record Prodigy itself reads fine.
    """
    problem = check_span(text, s.get("start"), s.get("end"), s.get("label"), where, s.get("text"))
    if problem:
        raise ValueError(problem)
    ts, te = s.get("token_start"), s.get("token_end")
    if tokens and isinstance(ts, int) and isinstance(te, int):
        if not (0 <= ts <= te < len(tokens)):
            warn.append(f"{where}: token_start/token_end {ts}-{te} outside the {len(tokens)} tokens")
        elif not all(isinstance(t, dict) for t in (tokens[ts], tokens[te])) or (
            tokens[ts].get("start") != s["start"] or tokens[te].get("end") != s["end"]
        ):
            warn.append(f"{where}: tokens {ts}-{te} do not cover characters {s['start']}-{s['end']}")


def import_prodigy(path: Path, schema: AnnotationSchema | None = None) -> Iterator[Record | Problem]:
    """Tasks as records; a task whose token indices disagree with its characters is imported by
    its characters, with a warning after it (file:line) saying which spans disagreed."""
    warned: list[Problem] = []

    def convert(task: dict[str, Any], file: str, line: int) -> Record:
        warn: list[str] = []
        rec = _task_to_record(task, file, line, schema, warn)
        warned.extend(Problem(file, line, f"warning: {w}; the character offsets are kept") for w in warn)
        return rec

    for item in import_objects(path, convert, (ValueError, TypeError, KeyError, AttributeError)):
        yield item
        yield from warned
        warned.clear()


def _span_dict(rec: Record, span_id: str, index: TokenIndex, report: ExportReport) -> dict[str, Any]:
    s = rec.spans[span_id]
    d: dict[str, Any] = {"start": s.start, "end": s.end, "text": rec.text[s.start : s.end]}
    toks = index.span(s.start, s.end)
    if toks is None:
        report.leave_out("token indices of spans not aligned to tokens (character offsets kept)")
    else:
        d["token_start"], d["token_end"] = toks
    d["label"] = s.label
    d["id"] = s.id
    return d


def record_to_task(rec: Record, report: ExportReport) -> dict[str, Any]:
    index = TokenIndex.of(rec, spaces=True)
    text = rec.text
    tokens = [
        {"text": text[s:e], "start": s, "end": e, "id": i, "ws": e < len(text) and text[e].isspace()}
        for i, (s, e) in enumerate(index.offsets)
    ]
    meta = {k: v for k, v in rec.meta.items() if k not in ("imported_from", "prodigy")}
    prodigy = dict(rec.meta.get("prodigy") or {})
    span_extra = prodigy.pop("span_extra", {})
    task: dict[str, Any] = {"text": text, "meta": meta, "tokens": tokens, "spans": []}
    for s in rec.sorted_spans():
        d = _span_dict(rec, s.id, index, report)
        for key in ("attrs", "origin", "review"):
            if getattr(s, key):
                d[key] = getattr(s, key)
        d.update(span_extra.get(s.id, {}))
        task["spans"].append(d)
    rels = []
    for r in rec.relations.values():
        hd, cd = _span_dict(rec, r.head, index, report), _span_dict(rec, r.child, index, report)
        d = {"head": hd.get("token_end"), "child": cd.get("token_end"), "head_span": hd, "child_span": cd}
        d.update({"label": r.label, "id": r.id})
        if r.attrs:
            d["attrs"] = r.attrs
        rels.append(d)
    if rels:
        task["relations"] = rels
    values = doc_values(rec.doc)
    if values:
        task["accept"] = [f"{name}:{v}" for name, v in values]
        if "options" not in prodigy:
            task["options"] = [{"id": f"{name}:{v}", "text": v} for name, v in values]
    task.update(prodigy)
    if "answer" not in task and rec.status == "done":
        task["answer"] = "accept"
    task["_workbench"] = {
        k: v
        for k, v in {
            "id": rec.id, "status": rec.status, "annotator": rec.annotator, "rev": rec.rev,
            "updated": rec.updated, "schema": rec.schema,
        }.items()
        if v is not None
    }  # fmt: skip
    report.records += 1
    report.spans += len(rec.spans)
    report.relations += len(rels)
    report.doc_fields += len(values)
    return task


def export_prodigy(records: Iterable[Record], schema: AnnotationSchema, out: Path) -> ExportReport:
    return write_json_lines("prodigy", records, out, record_to_task)
