"""validate, stats and eval as app functions: what a file is, its figures, a score, refusals as AppError."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from workbench.app.errors import AppError
from workbench.app.evaluation import evaluate
from workbench.app.stats import corpus_stats
from workbench.app.validation import check_file
from workbench.core.paths import schemas_dir
from workbench.core.record import Record


def _corpus(tmp_path: Path) -> Path:
    path = tmp_path / "c.jsonl"
    lines = [json.dumps(Record.new(f"Story {i} about the harbour.").to_dict()) for i in range(3)]
    path.write_text("\n".join([*lines, "{broken"]) + "\n", "utf-8")
    return path


def test_check_file_says_what_it_checked_and_streams_the_problems(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path)
    check = check_file(corpus)
    assert check.kind == "records"
    (problem,) = list(check.problems)
    assert problem.line == 4 and check.summary.records == 3 and check.summary.problems == 1
    schema = check_file(schemas_dir() / "news.json")
    assert schema.kind == "schema" and not list(schema.problems)
    (tmp_path / "bad.json").write_text("{not json", "utf-8")
    assert check_file(tmp_path / "bad.json").kind == "not_json"
    (tmp_path / "s.json").write_text('{"span_labels": 3}', "utf-8")
    bad = check_file(corpus, tmp_path / "s.json")
    assert bad.kind == "bad_schema" and bad.summary.problems == len(list(bad.problems)) > 0
    with pytest.raises(AppError, match="no such schema file"):
        check_file(corpus, tmp_path / "missing.json")
    with pytest.raises(AppError, match="is a folder"):
        check_file(tmp_path)


def test_corpus_stats_counts_documents_and_keeps_the_bad_lines(tmp_path: Path) -> None:
    stats = corpus_stats(_corpus(tmp_path))
    assert stats.figures["documents"] == 3 and len(stats.bad_lines) == 1 == len(stats.figures["bad_lines"])
    (tmp_path / "b.jsonl").write_bytes(b"x\0y")
    with pytest.raises(AppError, match="a binary file"):
        corpus_stats(tmp_path / "b.jsonl")
    (tmp_path / "n.jsonl").write_text("{broken\n", "utf-8")
    with pytest.raises(AppError, match="no records here"):
        corpus_stats(tmp_path / "n.jsonl")


def test_evaluate_scores_records_against_themselves_and_tells_the_bad_lines(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path)
    told: list[str] = []
    report = evaluate(corpus, corpus, tell=told.append)
    assert report["docs"] == 3 and report["gold_file"] == str(corpus)
    assert [t[:6] for t in told] == ["gold: ", "pred: "]
    with pytest.raises(AppError, match="no such file or folder"):
        evaluate(tmp_path / "missing.jsonl", corpus)
