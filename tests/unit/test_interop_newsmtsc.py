"""NewsMTSC: targets become spans with sentiment, further mentions refer to them; export gives it back."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import shared_path
from workbench.core.problems import Problem
from workbench.core.record import Record
from workbench.core.schema import default_schema
from workbench.io.interop.newsmtsc import export_newsmtsc, import_newsmtsc

SCHEMA = default_schema()


def test_devtest_imports_with_reader_counts_and_exports_back_identically(tmp_path: Path) -> None:
    path = shared_path("data", "interop", "newsmtsc", "devtest_mt.jsonl")
    objs = [json.loads(ln) for ln in path.read_text("utf-8").splitlines() if ln.strip()]
    n_targets = sum(len(o["targets"]) for o in objs)
    n_further = sum(len(t.get("further_mentions", [])) for o in objs for t in o["targets"])
    items = list(import_newsmtsc(path, schema=SCHEMA))
    assert [i for i in items if isinstance(i, Problem)] == []
    recs = [i for i in items if isinstance(i, Record)]
    assert len(recs) == len(objs)
    assert sum(len(r.spans) for r in recs) == n_targets + n_further
    assert sum(len(r.relations) for r in recs) == n_further
    polarity = {2.0: "negative", 4.0: "neutral", 6.0: "positive"}
    want = sorted(polarity[t["polarity"]] for o in objs for t in o["targets"])
    assert sorted(s.attrs["sentiment"] for r in recs for s in r.spans.values() if s.label == "PERSON") == want
    first = recs[0]
    (rel,) = first.relations.values()
    assert (first.span_text(first.spans[rel.head]), first.span_text(first.spans[rel.child])) == (
        "she",
        "Hillary Clinton’s",
    )
    out = tmp_path / "back.jsonl"
    report = export_newsmtsc(recs, SCHEMA, out)
    assert not report.left_out
    assert [json.loads(ln) for ln in out.read_text("utf-8").splitlines()] == objs


def test_bad_polarity_and_offsets_are_reported_by_line(tmp_path: Path) -> None:
    f = tmp_path / "x.jsonl"
    rows = [
        {
            "sentence_normalized": "Biden spoke.",
            "targets": [{"from": 0, "to": 5, "mention": "Biden", "polarity": 4.0}],
        },
        {
            "sentence_normalized": "Biden spoke.",
            "targets": [{"from": 0, "to": 5, "mention": "Biden", "polarity": 3.0}],
        },
        {
            "sentence_normalized": "Biden spoke.",
            "targets": [{"from": 1, "to": 6, "mention": "Biden", "polarity": 2.0}],
        },
    ]
    f.write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
    items = list(import_newsmtsc(f))
    assert isinstance(items[0], Record)
    assert [(i.line, "polarity" in i.message) for i in items[1:]] == [(2, True), (3, False)]
    assert "'iden '" in items[2].message
