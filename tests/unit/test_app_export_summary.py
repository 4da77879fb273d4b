"""Export as the application layer offers it: an ExportSummary, problems as Problems, JSON at the edge."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from workbench.app.errors import AppError
from workbench.app.export import check_export, export_corpus, output_path
from workbench.core.problems import Problem
from workbench.core.schema import default_schema
from workbench.io.jsonl import write_jsonl


def _record(i: int) -> dict:
    text = f"Angela Merkel met Olaf Scholz in Berlin on day {i}."
    return {
        "id": f"a{i:02d}",
        "text": text,
        "meta": {"title": f"story {i}"},
        "spans": [
            {"id": "s1", "start": 0, "end": 13, "label": "PERSON", "text": text[0:13]},
            {"id": "s2", "start": 33, "end": 39, "label": "GPE", "text": text[33:39]},
        ],
        "relations": [],
        "doc": {"sentiment": "neutral" if i % 2 else "negative"},
        "status": "done",
        "annotator": "alice",
        "schema": "news@1",
    }


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    path = tmp_path / "gold.jsonl"
    write_jsonl(path, [_record(i) for i in range(20)])
    with open(path, "a", encoding="utf-8") as fh:
        fh.write("{not json\n")
    return path


def test_an_export_reports_what_it_wrote_per_split(corpus, tmp_path) -> None:
    out = tmp_path / "out"
    s = export_corpus(corpus, "jsonl", out, default_schema(), split="80/20", seed=1)
    assert s.format == "jsonl" and list(s.reports) == ["train", "dev"] and list(s.groups) == ["train", "dev"]
    assert sum(r.records for r in s.reports.values()) == 20
    assert s.reports["train"].outputs == [out / "train.jsonl"] and s.config is None
    assert s.plan is not None and sum(s.plan.sizes().values()) == 20
    assert s.problems == [Problem(str(corpus), 21, s.problems[0].message)]
    assert str(s.problems[0]).startswith(f"{corpus}:21: ")
    records, spans = s.labels_per_split()["train"]
    assert records["PERSON"] == len(s.groups["train"]) and spans["GPE"] == len(s.groups["train"])
    data = json.loads(s.to_json())
    assert data["train"]["records"] == s.reports["train"].records and "_split" in data


def test_an_export_without_split_goes_to_one_file(corpus, tmp_path) -> None:
    s = export_corpus(corpus, "jsonl", tmp_path / "all.jsonl", default_schema(), statuses=["done"])
    assert list(s.reports) == ["all"] and s.plan is None and s.reports["all"].records == 20
    assert "_split" not in json.loads(s.to_json())


def test_mistakes_are_app_errors(corpus, tmp_path) -> None:
    with pytest.raises(AppError, match="no such file"):
        export_corpus(tmp_path / "missing.jsonl", "jsonl", tmp_path / "x.jsonl", default_schema())
    with pytest.raises(AppError, match="no records with status skipped"):
        export_corpus(corpus, "jsonl", tmp_path / "x.jsonl", default_schema(), statuses=["skipped"])
    with pytest.raises(AppError, match="is the input file"):
        check_export(corpus, "jsonl", corpus)
    assert output_path(tmp_path, "conll", None) == tmp_path / "conll.conll"


def test_a_split_export_names_each_problem_once(tmp_path: Path) -> None:
    """The split is planned on one reading of the corpus and written on another."""
    from workbench.app.export import export_corpus
    from workbench.core.record import Record
    from workbench.core.schema import default_schema
    from workbench.io.jsonl import write_jsonl

    records = [Record.new(f"Story {i} about the council and its budget.").to_dict() for i in range(20)]
    records[3]["text"] = "A lone \ud83d surrogate in story 3."
    records[5]["rev"] = -1  # refused by the record gate
    corpus = tmp_path / "c.jsonl"
    write_jsonl(corpus, records)
    summary = export_corpus(corpus, "spacy", tmp_path / "out", default_schema(), split="80/10/10")
    said = [str(p) for p in summary.problems]
    assert len(said) == 2 and len(set(said)) == 2, said
