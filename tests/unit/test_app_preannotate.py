"""The single-machine pre-annotation run as a use case: no terminal, a Progress, a typed summary."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.unit.test_app_preannotate_cluster import Recorder
from workbench.app.errors import AppError
from workbench.app.preannotate import PreannotateSummary, done_ids, run_preannotation
from workbench.core.problems import Problem
from workbench.core.record import Record, article_id
from workbench.io.jsonl import LineError, read_jsonl
from workbench.nlp.models import NO_MODEL_MESSAGE
from workbench.nlp.preannotate import Preannotator

RULES = "blank:en"  # the rules-only pipeline: quick, and the run is what is tested here


def corpus(path: Path, n: int) -> Path:
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(n):
            fh.write(json.dumps({"text": f"Story {i}. “We will win,” said Jane Smith {i}."}) + "\n")
    return path


def ids(path: Path) -> list[str]:
    out = []
    for item in read_jsonl(path):
        assert not isinstance(item, LineError), str(item)
        out.append(item[1]["id"])
    return out


class StopAfter(Recorder):
    """Asks to stop once ``n`` articles are done (the window's Cancel)."""

    def __init__(self, n: int) -> None:
        super().__init__()
        self.n, self.done = n, 0

    def step(self, n: int = 1, failed: bool = False) -> None:
        super().step(n, failed)
        self.done += n

    def cancelled(self) -> bool:
        return self.done >= self.n


def test_a_run_reports_what_it_did_and_a_rerun_resumes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = corpus(tmp_path / "in.jsonl", 6)
    with open(src, "a", encoding="utf-8") as fh:
        fh.write("{not json\n")
    real = Preannotator.annotate_doc

    def annotate_doc(self: Preannotator, rec: Record, doc: Any) -> Record:
        if rec.text.startswith("Story 3."):
            raise ValueError("a broken article")
        return real(self, rec, doc)

    out = tmp_path / "out" / "o.jsonl"
    told: list[Problem | str] = []
    progress = Recorder()
    with monkeypatch.context() as m:
        m.setattr(Preannotator, "annotate_doc", annotate_doc)
        summary = run_preannotation(
            [src], out, model=RULES, batch_size=2, progress=progress, tell=told.append
        )
    assert summary == PreannotateSummary(out, NO_MODEL_MESSAGE, False, written=5, failed=1, problems=1)
    assert told[0] == "WARNING: " + NO_MODEL_MESSAGE
    (problem,) = [t for t in told if isinstance(t, Problem)]
    assert (problem.path, problem.line) == (str(src), 7) and "JSON" in problem.message
    assert any(
        isinstance(t, str) and t.endswith(": skipped: pre-annotation failed: ValueError: a broken article")
        for t in told
    )
    assert progress.calls[0] == ("start", 7) and progress.calls[-1] == ("close", None)
    assert [n for kind, n in progress.calls if kind == "step"] == [1] * 6
    assert summary.lines() == [
        f"{out}: 5 articles pre-annotated, 1 failed, 0 already done, 1 input problems",
        "WARNING: no trained model was used: " + NO_MODEL_MESSAGE,
    ]
    told.clear()
    # mended: the rerun does what is left
    again = run_preannotation([src], out, model=RULES, progress=Recorder(), tell=told.append)
    assert (again.written, again.skipped, again.failed) == (1, 5, 0)  # the broken one is retried
    assert f"{out}: 5 articles already done, skipping them" in told
    assert len(ids(out)) == 6


def test_cancel_stops_between_batches_with_valid_output_and_a_rerun_finishes(tmp_path: Path) -> None:
    src = corpus(tmp_path / "in.jsonl", 10)
    out = tmp_path / "o.jsonl"
    first = run_preannotation([src], out, model=RULES, batch_size=3, progress=StopAfter(4))
    assert first.interrupted and first.written == 6  # the batch under way is finished, no more
    assert first.lines()[-1] == "interrupted: the output is valid; run the same command again to resume"
    rest = run_preannotation([src], out, model=RULES, batch_size=3)
    assert not rest.interrupted and (rest.written, rest.skipped) == (4, 6)
    assert len(set(ids(out))) == 10


def test_a_torn_last_line_is_set_aside_and_said(tmp_path: Path) -> None:
    src = corpus(tmp_path / "in.jsonl", 3)
    out = tmp_path / "o.jsonl"
    run_preannotation([src], out, model=RULES)
    lines = out.read_bytes().splitlines(keepends=True)
    out.write_bytes(b"".join(lines[:2]) + lines[2][:40])
    told: list[Problem | str] = []
    summary = run_preannotation([src], out, model=RULES, tell=told.append)
    torn = next(t for t in told if isinstance(t, Problem))
    assert (torn.path, torn.line) == (str(out), 3)
    assert torn.message.startswith("incomplete last line set aside to ")
    assert summary.written == 1 and len(ids(out)) == 3


def test_ids_already_done_follow_the_one_record_line_rule(tmp_path: Path) -> None:
    """OUT is read as records are everywhere: an id-less record is its article id; a non-record is said."""
    out = tmp_path / "o.jsonl"
    out.write_text(
        json.dumps({"id": "a1", "text": "x"}) + "\n" + json.dumps({"text": "Story."}) + '\n{"id": "a2"}\n',
        encoding="utf-8",
    )
    told: list[Problem | str] = []
    assert done_ids(out, told.append) == {"a1", article_id("Story.")}
    assert told == [f"warning: {out}:3: not a record (needs a 'text' string) (left as it is)"]


def test_mistakes_are_app_errors_before_anything_is_written(tmp_path: Path) -> None:
    src = corpus(tmp_path / "in.jsonl", 1)
    out = tmp_path / "o.jsonl"
    with pytest.raises(AppError, match="no such file or folder"):
        run_preannotation([tmp_path / "missing"], out, model=RULES)
    with pytest.raises(AppError, match="is a folder"):
        run_preannotation([src], tmp_path, model=RULES)
    with pytest.raises(AppError, match=r"no_such_model_q(.|\n)*python -m spacy info"):
        run_preannotation([src], out, model="no_such_model_q")
    bad = tmp_path / "schema.json"
    bad.write_text("{}", encoding="utf-8")
    with pytest.raises(AppError, match="required property"):
        run_preannotation([src], out, model=RULES, schema=bad)
    assert not out.exists()
