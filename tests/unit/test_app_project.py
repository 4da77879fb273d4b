"""Project operations as use cases: AppError for every refusal, relative paths, assign pre-annotating."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from workbench.app.errors import AppError
from workbench.app.project import (
    add_articles,
    apply_schema_change,
    assign_batches,
    create_project,
    open_project,
    plan_schema_change,
    status_of,
)
from workbench.core.paths import schemas_dir
from workbench.core.problems import Problem
from workbench.core.record import Record, Span
from workbench.io.project import Project
from workbench.io.store import AnnotatorStore
from workbench.nlp.preannotate import Preannotator

STORIES = [
    "“We will build the barrier,” said Ellen Okafor, the mayor of Millbrook, on Tuesday night.",
    "The grain talks in Valdora ended without a deal after three days of argument.",
    "Lumenfold will cut four hundred jobs at its plant by the river, the company said.",
    "A bakery on Rook Lane has closed after ninety years; its owner is retiring.",
]


@pytest.fixture
def articles(tmp_path: Path) -> Path:
    src = tmp_path / "articles"
    src.mkdir()
    for i, text in enumerate(STORIES):
        (src / f"{i}.txt").write_text(text, "utf-8")
    (src / "again.txt").write_text(STORIES[0], "utf-8")
    (src / "bad.json").write_text("{not json", "utf-8")
    return src


def _records(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def test_create_and_open_refuse_in_the_users_words(tmp_path: Path) -> None:
    project = create_project(tmp_path / "p", name="demo")
    assert project.data["name"] == "demo" and open_project(tmp_path / "p").root == project.root
    with pytest.raises(AppError, match="is already a project"):
        create_project(tmp_path / "p")
    with pytest.raises(AppError, match="not a project folder"):
        open_project(tmp_path / "nowhere")
    (tmp_path / "file").write_text("x", "utf-8")
    with pytest.raises(AppError, match="cannot create the project in"):
        create_project(tmp_path / "file" / "p")
    with pytest.raises(AppError, match="problem"):
        create_project(tmp_path / "q", schema=str(tmp_path / "missing.json"))


def test_add_keeps_paths_relative_to_the_project_and_reports_duplicates(
    tmp_path: Path, articles: Path
) -> None:
    project = create_project(tmp_path / "p")
    done = add_articles(project, [articles])
    assert done.report.added == 4 and not done.failed
    assert [s for s, _ in done.report.duplicates] == [str(Path("..") / "articles" / "again.txt")]
    (problem,) = done.problems
    assert isinstance(problem, Problem) and problem.path.endswith("bad.json")
    files = [r["meta"]["file"] for r in _records(project.corpus_path)]
    assert files == [str(Path("..") / "articles" / f"{i}.txt") for i in range(4)]
    again = add_articles(project, [articles / "bad.json"])
    assert again.report.added == 0 and again.failed  # only an unreadable input: the command fails
    with pytest.raises(AppError, match="--near is a similarity between 0 and 1"):
        add_articles(project, [articles], near=1.5)


def test_assign_pre_annotates_through_the_app_and_an_article_that_fails_goes_out_plain(
    tmp_path: Path, articles: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = Project.init(tmp_path / "p", model="blank:en")
    add_articles(project, [articles])
    real = Preannotator.annotate_doc

    def annotate_doc(self: Preannotator, rec: Record, doc: Any) -> Record:
        if "bakery" in rec.text:
            raise ValueError("a broken article")
        return real(self, rec, doc)

    said: list[str] = []
    monkeypatch.setattr(Preannotator, "annotate_doc", annotate_doc)
    batches = assign_batches(project, ["alice"], size=10, overlap=0.0, preannotate=True, say=said.append)
    assert sorted(batches["alice"]) == sorted(r["id"] for r in _records(project.corpus_path))
    assert said[0]  # the model in use, first
    (failed,) = [s for s in said if s.startswith("pre-annotation failed for ")]
    assert "a broken article" in failed
    out = {r["text"]: r for r in _records(project.batch_file("alice"))}
    assert len(out) == 4 and all(r["annotator"] == "alice" for r in out.values())
    assert any(s.get("origin") for s in out[STORIES[0]]["spans"])  # the quote rules found it
    assert not out[STORIES[3]]["spans"]  # the failed one, plain
    assert assign_batches(project, ["bob"], size=10, overlap=0.0) == {"bob": []}
    with pytest.raises(AppError, match="overlap"):
        assign_batches(project, ["bob"], overlap=3.0)
    st = status_of(project)
    assert st.corpus == 4 and st.unassigned == 0


def test_a_schema_change_that_would_drop_annotations_is_refused(tmp_path: Path, articles: Path) -> None:
    project = create_project(tmp_path / "p")
    add_articles(project, [articles])
    rec = Record.new(STORIES[2])
    rec.spans = {"s1": Span("s1", 0, 9, "ORG")}
    with AnnotatorStore(project.annotator_file("alice"), "alice") as store:
        store.save(rec)
    data = json.loads((schemas_dir() / "news.json").read_text("utf-8"))
    data["span_labels"] = [lab for lab in data["span_labels"] if lab["name"] != "ORG"]
    for rel in data["relation_types"]:
        for end in ("head", "child"):
            rel[end] = [x for x in rel[end] if x != "ORG"]
    data["model_labels"] = {k: v for k, v in data["model_labels"].items() if v != "ORG"}
    new = tmp_path / "new.json"
    new.write_text(json.dumps(data), "utf-8")
    plan = plan_schema_change(project, new)
    assert plan.change.removed_labels == ["ORG"] and plan.total_hits == 1
    with pytest.raises(AppError, match="refusing to drop annotations silently: map ORG first"):
        apply_schema_change(project, new, plan, {})
    assert apply_schema_change(project, new, plan, {"ORG": None}) == 1
    with pytest.raises(AppError, match="problem"):
        plan_schema_change(project, tmp_path / "missing.json")
