"""NewsMTSC target-dependent sentiment JSONL: one sentence, its target mentions and their polarity.

Each target becomes a span (label ``PERSON``: NewsMTSC targets are people) with
``attrs.sentiment`` (2 negative, 4 neutral, 6 positive); each of its ``further_mentions``
becomes a ``MENTION`` span with a ``REFERS_TO`` relation to the target, the news schema's
way of saying "this pronoun stands for that person". ``to`` is end-exclusive, as the
dataset's own example shows (``126``-``139`` is "Judge Gorsuch"). The ids (``primary_gid``,
``Input.gid``) are kept in ``meta["newsmtsc"]`` and written back on export.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from workbench.core.problems import Problem
from workbench.core.record import Record, Relation
from workbench.core.schema import AnnotationSchema
from workbench.io.interop._base import ExportReport, check_span, doc_values, new_span, write_json_lines
from workbench.io.interop._corpus import import_objects, origin_meta

POLARITY = {2.0: "negative", 4.0: "neutral", 6.0: "positive"}
SENTIMENT = {v: k for k, v in POLARITY.items()}
TARGET_LABEL = "PERSON"
MENTION_LABEL = "MENTION"
REFERS_TO = "REFERS_TO"


def _obj_to_record(obj: dict[str, Any], file: str, line: int) -> Record:
    text = obj.get("sentence_normalized")
    if not isinstance(text, str):
        raise ValueError("no 'sentence_normalized' string")
    targets = obj.get("targets")
    if not isinstance(targets, list):
        raise ValueError("no 'targets' list")
    meta = origin_meta("newsmtsc", file, line)
    known = {"sentence_normalized", "targets"}
    ns: dict[str, Any] = {k: v for k, v in obj.items() if k not in known}
    rec = Record.new(text, meta, status="done")
    gids: dict[str, Any] = {}
    for i, t in enumerate(targets):
        if not isinstance(t, dict):
            raise ValueError(f"targets[{i}] is not an object")
        pol = t.get("polarity")
        if pol not in POLARITY:
            raise ValueError(f"targets[{i}]: polarity {pol!r} is not 2, 4 or 6")
        problem = check_span(
            text, t.get("from"), t.get("to"), TARGET_LABEL, f"targets[{i}]", t.get("mention")
        )
        if problem:
            raise ValueError(problem)
        span = new_span(rec, t["from"], t["to"], TARGET_LABEL, attrs={"sentiment": POLARITY[pol]})
        extra = {
            k: v for k, v in t.items() if k not in ("from", "to", "mention", "polarity", "further_mentions")
        }
        if extra:
            gids[span.id] = extra
        for j, fm in enumerate(t.get("further_mentions") or []):
            where = f"targets[{i}].further_mentions[{j}]"
            problem = check_span(text, fm.get("from"), fm.get("to"), MENTION_LABEL, where, fm.get("mention"))
            if problem:
                raise ValueError(problem)
            m = new_span(rec, fm["from"], fm["to"], MENTION_LABEL)
            rid = rec.next_relation_id()
            rec.relations[rid] = Relation(rid, m.id, span.id, REFERS_TO)
    if gids:
        ns["targets"] = gids
    if ns:
        rec.meta["newsmtsc"] = ns
    return rec


def import_newsmtsc(path: Path, schema: AnnotationSchema | None = None) -> Iterator[Record | Problem]:
    yield from import_objects(path, _obj_to_record, (ValueError, TypeError, AttributeError))


def record_to_newsmtsc(rec: Record, report: ExportReport) -> dict[str, Any] | None:
    """Targets are spans with a sentiment attribute; REFERS_TO mentions become further_mentions."""
    ns = dict(rec.meta.get("newsmtsc") or {})
    extra = ns.pop("targets", {})
    targets = []
    carried: set[str] = set()
    for s in rec.spans.values():  # file order, so a round trip gives the same file
        sentiment = s.attrs.get("sentiment")
        if not isinstance(sentiment, str) or sentiment not in SENTIMENT:
            continue
        t: dict[str, Any] = dict(extra.get(s.id, {}))
        t.update({"from": s.start, "to": s.end, "mention": rec.text[s.start : s.end]})
        t["polarity"] = SENTIMENT[sentiment]
        mentions = [r for r in rec.relations.values() if r.label == REFERS_TO and r.child == s.id]
        if mentions:
            t["further_mentions"] = [
                {"from": m.start, "to": m.end, "mention": rec.text[m.start : m.end]}
                for m in (rec.spans[r.head] for r in mentions)
            ]
            carried.update(r.id for r in mentions)
            carried.update(r.head for r in mentions)
        carried.add(s.id)
        targets.append(t)
    report.leave_out("spans without a sentiment (NewsMTSC holds sentiment targets only)",
                     len(rec.spans) - len(carried & rec.spans.keys()))  # fmt: skip
    report.leave_out(
        "relations other than REFERS_TO to a target", len(rec.relations) - len(carried & rec.relations.keys())
    )
    report.leave_out("document fields", len(doc_values(rec.doc)))
    if not targets:
        report.leave_out("records without any sentiment target")
        return None
    report.records += 1
    report.spans += len(carried & rec.spans.keys())
    report.relations += len(carried & rec.relations.keys())
    return {**ns, "sentence_normalized": rec.text, "targets": targets}


def export_newsmtsc(records: Iterable[Record], schema: AnnotationSchema, out: Path) -> ExportReport:
    return write_json_lines("newsmtsc", records, out, record_to_newsmtsc)
