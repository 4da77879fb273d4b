"""Prodigy JSONL: the real news-headline annotations import, count right and export back unchanged."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import shared_path
from workbench.core.problems import Problem
from workbench.core.record import Record
from workbench.core.schema import default_schema
from workbench.io.interop.prodigy import export_prodigy, import_prodigy

SCHEMA = default_schema()


def _split(items: list) -> tuple[list[Record], list[Problem]]:
    return [i for i in items if isinstance(i, Record)], [i for i in items if isinstance(i, Problem)]


def test_real_headlines_import_with_the_counts_a_reader_sees_and_export_back(tmp_path: Path) -> None:
    path = shared_path("data", "interop", "prodigy", "annotated_news_headlines-ner.jsonl")
    lines = [ln for ln in path.read_text("utf-8").splitlines() if ln.strip()]
    tasks = [json.loads(ln) for ln in lines]
    recs, problems = _split(list(import_prodigy(path, schema=SCHEMA)))
    assert problems == []
    assert len(recs) == len(lines) == 373
    assert sum(len(r.spans) for r in recs) == sum(len(t.get("spans", [])) for t in tasks)
    assert sum(r.status == "skipped" for r in recs) == sum(t["answer"] != "accept" for t in tasks)

    out = tmp_path / "back.jsonl"
    report = export_prodigy(recs, SCHEMA, out)
    assert report.records == 373 and not report.left_out
    back = [json.loads(ln) for ln in out.read_text("utf-8").splitlines()]
    keys = ("start", "end", "token_start", "token_end", "label")
    for orig, new in zip(tasks, back, strict=True):
        assert new["text"] == orig["text"]
        assert new["answer"] == orig["answer"] and new["_input_hash"] == orig["_input_hash"]
        assert [[s[k] for k in keys] for s in new["spans"]] == [
            [s[k] for k in keys] for s in orig.get("spans", [])
        ]
        # Prodigy's extra span keys (pattern source, hashes) survive the trip.
        assert [{k: v for k, v in s.items() if k != "id"} for s in new["spans"]] == [
            {**s, "text": orig["text"][s["start"] : s["end"]]} for s in orig.get("spans", [])
        ]
        assert [t["text"] for t in new["tokens"]] == [t["text"] for t in orig["tokens"]]


def test_raw_headlines_import_as_unannotated_records() -> None:
    path = shared_path("data", "interop", "prodigy", "news_headlines-raw.jsonl")
    recs, problems = _split(list(import_prodigy(path)))
    assert problems == [] and len(recs) == len(path.read_text("utf-8").splitlines())
    assert all(r.status == "todo" and not r.spans for r in recs)


def test_relations_and_choices_import_and_a_span_off_its_text_is_reported(tmp_path: Path) -> None:
    good = {
        "text": "Merkel met Macron.",
        "spans": [{"start": 0, "end": 6, "label": "PERSON"}],
        "relations": [
            {"head": 0, "child": 2, "label": "INTERACTION",
             "head_span": {"start": 0, "end": 6, "label": "PERSON"},
             "child_span": {"start": 11, "end": 17, "label": "PERSON"}},
        ],
        "options": [{"id": 1, "text": "neutral"}],
        "accept": [1],
        "answer": "accept",
    }  # fmt: skip
    bad = {
        "text": "Short.",
        "spans": [{"start": 0, "end": 5, "label": "ORG", "text": "Shorx"}],
        "answer": "accept",
    }
    f = tmp_path / "t.jsonl"
    f.write_text(json.dumps(good) + "\n" + json.dumps(bad) + "\nnot json\n", "utf-8")
    recs, problems = _split(list(import_prodigy(f, schema=SCHEMA)))
    assert len(recs) == 1
    rec = recs[0]
    assert sorted((s.start, s.end) for s in rec.spans.values()) == [(0, 6), (11, 17)]
    (rel,) = rec.relations.values()
    assert (rec.spans[rel.head].start, rec.spans[rel.child].start, rel.label) == (0, 11, "INTERACTION")
    assert rec.doc == {"sentiment": "neutral"}
    assert [(p.line, "Shorx" in p.message) for p in problems] == [(2, True), (3, False)]
