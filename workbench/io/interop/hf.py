"""Hugging Face token classification: JSON Lines with ``tokens`` and IOB2 ``ner_tags`` (ints) plus the
label list, and a separate file for what IOB cannot hold.

Files written into the output folder:
- ``ner.jsonl``: ``{"id", "tokens", "ner_tags"}``, one article a row (split long articles yourself
  to your model's window; splitting here would cut entities);
- ``labels.json``: ``{"ner_tags": ["O", "B-PERSON", "I-PERSON", ...]}`` (index = tag id);
- ``relations.jsonl``: per article its relations (head/child spans with character and token
  offsets), sentiment targets (spans carrying a ``sentiment``), spans outside ``ner_tags``
  (quotes, cues, nested entities) and the document fields.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from workbench.core.record import Record
from workbench.core.schema import AnnotationSchema
from workbench.io.atomic import atomic_folder
from workbench.io.interop._base import ExportReport, doc_values
from workbench.io.interop.tokens import TokenIndex, iob2_tags, iob_entities
from workbench.io.jsonl import dumps


def _span(rec: Record, span_id: str, index: TokenIndex, report: ExportReport) -> dict[str, Any]:
    s = rec.spans[span_id]
    d: dict[str, Any] = {
        "id": s.id,
        "start": s.start,
        "end": s.end,
        "label": s.label,
        "text": rec.text[s.start : s.end],
    }
    toks = index.span(s.start, s.end)
    if toks is None:
        report.leave_out("token offsets of spans not aligned to tokens (character offsets kept)")
    else:
        d["token_start"], d["token_end"] = toks[0], toks[1] + 1  # end exclusive, like Python slices
    if s.attrs:
        d["attrs"] = s.attrs
    return d


def export_hf(records: Iterable[Record], schema: AnnotationSchema, out: Path) -> ExportReport:
    """``ner.jsonl``, ``relations.jsonl`` and ``labels.json``, built beside ``out`` and swapped in whole."""
    out = Path(out)
    report = ExportReport("hf", [out / "ner.jsonl", out / "labels.json", out / "relations.jsonl"])
    with atomic_folder(out) as stage:
        _write_hf(records, schema, stage, report)
    report.notes.append(
        "spans outside ner_tags (quotes, nested, unaligned) are in relations.jsonl other_spans"
    )
    return report


def _write_hf(records: Iterable[Record], schema: AnnotationSchema, out: Path, report: ExportReport) -> None:
    tag_names = ["O"]
    for lab in schema.labels.values():
        if lab.kind == "entity":
            tag_names += [f"B-{lab.name}", f"I-{lab.name}"]
    tag_ids = {t: i for i, t in enumerate(tag_names)}
    with (
        open(out / "ner.jsonl", "x", encoding="utf-8") as ner_fh,
        open(out / "relations.jsonl", "x", encoding="utf-8") as rel_fh,
    ):
        for rec in records:
            index = TokenIndex.of(rec)
            sub = ExportReport("hf")
            ents = iob_entities(rec, index, schema, sub)
            tags = iob2_tags(len(index), ents)
            for t in tags:
                if t not in tag_ids:
                    tag_ids[t] = len(tag_names)
                    tag_names.append(t)
                    other = ("I-" if t[0] == "B" else "B-") + t[2:]
                    tag_ids[other] = len(tag_names)
                    tag_names.append(other)
            tokens = [rec.text[s:e] for s, e in index.offsets]
            ner_fh.write(
                dumps({"id": rec.id, "tokens": tokens, "ner_tags": [tag_ids[t] for t in tags]}) + "\n"
            )
            in_tags = {(index.offsets[a][0], index.offsets[b][1], lab) for a, b, lab in ents}
            outside = [s.id for s in rec.sorted_spans() if (s.start, s.end, s.label) not in in_tags]
            row = {
                "id": rec.id,
                "relations": [
                    {"id": r.id, "label": r.label, "head": _span(rec, r.head, index, report),
                     "child": _span(rec, r.child, index, report), **({"attrs": r.attrs} if r.attrs else {})}
                    for r in rec.relations.values()
                ],
                "sentiment_targets": [
                    _span(rec, s.id, index, report) for s in rec.sorted_spans() if "sentiment" in s.attrs
                ],
                "other_spans": [_span(rec, sid, index, report) for sid in outside],
                "doc": rec.doc,
            }  # fmt: skip
            rel_fh.write(dumps(row) + "\n")
            report.records += 1
            report.spans += len(rec.spans)
            report.relations += len(rec.relations)
            report.doc_fields += len(doc_values(rec.doc))
    (out / "labels.json").write_text(json.dumps({"ner_tags": tag_names}, indent=1) + "\n", "utf-8")
