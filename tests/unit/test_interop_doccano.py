"""doccano JSONL: every shipped example imports, invalid ones are reported by line, export reproduces them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import shared_path
from workbench.core.problems import Problem
from workbench.core.record import Record
from workbench.core.schema import default_schema
from workbench.io.interop._base import annotation_key
from workbench.io.interop.doccano import export_doccano, import_doccano

SCHEMA = default_schema()


def _objects(path: Path) -> list[dict]:
    raw = path.read_text("utf-8")
    if raw.lstrip().startswith("{\n"):
        return [json.loads(raw)]  # doccano's pretty-printed example
    return [json.loads(ln) for ln in raw.splitlines() if ln.strip()]


def _expected(obj: dict) -> tuple[int, int, int]:
    """(spans, relations, categories) as a reader of the object counts them."""
    labels = obj.get("label", obj.get("column_label", []))
    spans = [x for x in labels if isinstance(x, list)] + obj.get("entities", [])
    cats = [x for x in labels if isinstance(x, str)]
    return len(spans), len(obj.get("relations", [])), len(cats)


@pytest.mark.parametrize(
    "name",
    [
        "export-relation_extraction.jsonl",
        "export-sequence_labeling.jsonl",
        "export-text_classification.jsonl",
        "import-relation_extraction.jsonl",
        "import-sequence_labeling.jsonl",
        "import-text_classification.jsonl",
        "tests-rel-example.jsonl",
        "tests-seq-example_overlapping.jsonl",
    ],
)
def test_doccano_file_imports_with_reader_counts_and_exports_back(name: str, tmp_path: Path) -> None:
    path = shared_path("data", "interop", "doccano", name)
    objs = _objects(path)
    items = list(import_doccano(path, schema=SCHEMA))
    recs = [i for i in items if isinstance(i, Record)]
    assert [i for i in items if isinstance(i, Problem)] == []
    assert len(recs) == len(objs)
    for obj, rec in zip(objs, recs, strict=True):
        n_spans, n_rels, n_cats = _expected(obj)
        assert (len(rec.spans), len(rec.relations)) == (n_spans, n_rels)
        assert sum(len(v) if isinstance(v, list) else 1 for v in rec.doc.values()) == n_cats
    out = tmp_path / "back.jsonl"
    export_doccano(recs, SCHEMA, out)
    back = [i for i in import_doccano(out, schema=SCHEMA)]
    assert [annotation_key(r) for r in back] == [annotation_key(r) for r in recs]
    assert [r.doc for r in back] == [r.doc for r in recs]
    for obj, line in zip(objs, out.read_text("utf-8").splitlines(), strict=True):
        d = json.loads(line)
        labels = obj.get("label", obj.get("column_label", []))
        cats = [x for x in labels if isinstance(x, str)]
        spans = [x for x in labels if isinstance(x, list)]
        spans += [[e["start_offset"], e["end_offset"], e["label"]] for e in obj.get("entities", [])]
        assert sorted([e["start_offset"], e["end_offset"], e["label"]] for e in d["entities"]) == sorted(
            spans
        )
        assert d.get("cats", []) == cats


def test_doccano_categories_land_in_the_sentiment_field() -> None:
    path = shared_path("data", "interop", "doccano", "export-text_classification.jsonl")
    recs = [r for r in import_doccano(path, schema=SCHEMA) if isinstance(r, Record)]
    assert [r.doc for r in recs] == [
        {"sentiment": "negative"},
        {"sentiment": "positive"},
        {"sentiment": "positive"},
    ]


def test_doccano_relations_join_the_right_entities() -> None:
    path = shared_path("data", "interop", "doccano", "tests-rel-example.jsonl")
    (rec,) = [r for r in import_doccano(path) if isinstance(r, Record)]
    pairs = sorted(
        (rec.span_text(rec.spans[r.head]), rec.span_text(rec.spans[r.child]), r.label)
        for r in rec.relations.values()
    )
    assert pairs == [
        ("Google", "Larry Page", "foundedBy"),
        ("Google", "September 4, 1998", "foundedAt"),
        ("Google", "Sergey Brin", "foundedBy"),
    ]


def test_invalid_doccano_line_is_reported_with_file_and_line() -> None:
    path = shared_path("data", "interop", "doccano", "tests-seq-example.jsonl")
    items = list(import_doccano(path))
    problems = [i for i in items if isinstance(i, Problem)]
    no_text = [n for n, ln in enumerate(path.read_text("utf-8").splitlines(), 1) if '"text"' not in ln]
    assert [(p.path, p.line) for p in problems] == [(str(path), n) for n in no_text]
    assert "no text" in problems[0].message
    assert len([i for i in items if isinstance(i, Record)]) == 3 - len(no_text)


def test_offsets_that_do_not_fit_are_reported_not_moved(tmp_path: Path) -> None:
    f = tmp_path / "x.jsonl"
    entity = {"id": 1, "start_offset": 0, "end_offset": 1, "label": "X"}
    rows = [
        {"text": "abc", "label": [[0, 9, "ORG"]]},
        {"text": "abc", "entities": [entity], "relations": [{"from_id": 1, "to_id": 7, "type": "R"}]},
    ]
    f.write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
    problems = [i for i in import_doccano(f) if isinstance(i, Problem)]
    assert [p.line for p in problems] == [1, 2]
    assert "outside the text" in problems[0].message and "name no entity" in problems[1].message
