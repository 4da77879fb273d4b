"""Which articles Train from gold uses, and switching a project to a trained model."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from workbench.app.errors import AppError
from workbench.app.inputs import annotator_inputs
from workbench.app.project_gold import project_gold, use_model
from workbench.core.record import Record
from workbench.io.project import Project
from workbench.io.project_status import project_status


def _line(text: str, status: str, annotator: str, rid: str | None = None) -> str:
    rec = Record.new(text, id=rid, status=status, annotator=annotator)
    return json.dumps(rec.to_dict()) + "\n"


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return Project.init(tmp_path / "p")


def test_gold_wins_then_done_records_in_file_order(project: Project) -> None:
    root = project.root
    (root / "gold" / "adjudicated.jsonl").write_text(_line("Gold text.", "done", "lead", "a1"))
    (root / "annotations" / "alice.jsonl").write_text(
        _line("Alice a1.", "done", "alice", "a1")
        + _line("Alice a2.", "in_progress", "alice", "a2")
        + _line("Alice a2, finished.", "done", "alice", "a2")
        + _line("Alice a3.", "skipped", "alice", "a3")
    )
    (root / "annotations" / "bob.jsonl").write_text(
        _line("Bob a2.", "done", "bob", "a2") + _line("Bob a4.", "done", "bob", "a4") + "{torn"
    )
    gold = project_gold(project)
    by_id = {r.id: r for r in gold.records}
    assert sorted(by_id) == ["a1", "a2", "a4"]
    assert by_id["a1"].text == "Gold text."  # adjudicated beats the annotators
    assert by_id["a2"].text == "Alice a2, finished."  # later line wins; alice before bob
    assert (gold.adjudicated, gold.done) == (1, 2)
    assert len(gold.problems) == 1 and "bob.jsonl:3" in str(gold.problems[0])
    assert "3 article(s): 1 adjudicated, 2 done by annotators" in gold.describe()


def test_use_model_stores_a_relative_path_that_resolves(project: Project, tmp_path: Path) -> None:
    model = project.root / "models" / "model-1"
    model.mkdir(parents=True)
    (model / "meta.json").write_text("{}")
    assert use_model(project, model) == "models/model-1"
    again = Project.open(project.root)
    assert again.data["model"] == "models/model-1"
    assert Path(again.model or "") == model
    moved = tmp_path / "moved"
    project.root.rename(moved)
    assert Path(Project.open(moved).model or "") == moved / "models" / "model-1"


def test_use_model_refuses_a_folder_that_is_not_a_model(project: Project, tmp_path: Path) -> None:
    with pytest.raises(AppError, match="not a trained model"):
        use_model(project, tmp_path)
    assert Project.open(project.root).data["model"] is None


def test_a_fifo_or_a_link_out_of_the_project_is_named_never_read(project: Project, tmp_path: Path) -> None:
    """Someone else's folder: a FIFO would block every reader for ever, a link may point anywhere."""
    root = project.root
    (root / "annotations" / "alice.jsonl").write_text(
        "".join(_line(f"Alice {i}.", "done", "alice", f"a{i}") for i in range(3))
    )
    os.mkfifo(root / "annotations" / "stuck.jsonl")
    secret = tmp_path / "secret.jsonl"
    secret.write_text(_line("Not the project's.", "done", "eve", "s1"))
    (root / "gold" / "outside.jsonl").symlink_to(secret)
    gold = project_gold(project)
    assert sorted(r.id for r in gold.records) == ["a0", "a1", "a2"]
    said = " | ".join(str(p) for p in gold.problems)
    assert "stuck.jsonl: skipped: a FIFO" in said and "outside.jsonl: skipped: a link that leaves" in said
    names = {a.name for a in project_status(project).annotators}
    assert names == {"alice"}  # the FIFO is not an annotator, and status did not block on it
    with pytest.raises(AppError, match="stuck.jsonl: skipped: a FIFO"):
        with annotator_inputs([str(root)]):
            pass
