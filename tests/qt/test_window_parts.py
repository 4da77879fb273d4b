"""The Qt-free parts behind the window: batch index, annotator paths, settings, pre-annotation merge."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.qt.conftest import REPO
from workbench.app.batch import Batch, index_jsonl
from workbench.app.opening import OpenError, annotator_path, build_batch
from workbench.app.premerge import merge_edit
from workbench.core.document import Document
from workbench.core.edits import AddSpan, SetSpanLabel
from workbench.core.record import Record, Span
from workbench.core.schema import default_schema
from workbench.io.settings import Settings, config_dir, load_settings, save_settings


def test_batch_index_reads_lazily_and_names_bad_lines(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    path.write_text(
        json.dumps({"id": "a", "text": "Alpha story about Rome.", "status": "done"})
        + "\n{not json\n"
        + json.dumps({"text": "Beta story, no id."})
        + "\n"
        + json.dumps({"id": "x", "no_text": 1})
        + "\n",
        "utf-8",
    )
    batch = Batch()
    index_jsonl(batch, path)
    assert [it.id for it in batch.items][0] == "a" and len(batch) == 2
    assert [(e.path, e.line) for e in batch.errors] == [(str(path), 2), (str(path), 4)]
    assert batch.load("a").text == "Alpha story about Rome."
    assert batch.search("ROME") == {"a"} and batch.search("beta") == {batch.items[1].id}


def test_build_batch_refuses_nothing_to_open(tmp_path: Path) -> None:
    with pytest.raises(OpenError, match="no such file"):
        build_batch([tmp_path / "missing.txt"])
    empty = tmp_path / "empty.jsonl"
    empty.write_text("{broken\n")
    with pytest.raises(OpenError, match=r"no articles found\n.*empty.jsonl:1"):
        build_batch([empty])


def test_annotator_file_sits_next_to_the_corpus(tmp_path: Path) -> None:
    corpus = tmp_path / "week12.jsonl"
    corpus.write_text("")
    assert annotator_path([corpus], "Ann Lee") == tmp_path / "week12.Ann_Lee.jsonl"
    folder = tmp_path / "articles"
    folder.mkdir()
    assert annotator_path([folder], "ann") == tmp_path / "articles.ann.jsonl"
    own = tmp_path / "week12.ann.jsonl"
    own.write_text("")
    assert annotator_path([own], "ann") == own  # opening one's own file writes to it


def test_settings_live_in_the_overridden_folder_and_survive_damage(tmp_path: Path) -> None:
    s = Settings(annotator="zoë")
    s.add_recent(tmp_path / "a.jsonl")
    s.add_recent(tmp_path / "b.jsonl")
    s.add_recent(tmp_path / "a.jsonl")
    assert save_settings(s, durable=False)
    back = load_settings()
    assert back.annotator == "zoë" and back.recent[0].endswith("a.jsonl") and len(back.recent) == 2
    (config_dir() / "settings.json").write_text("{half a file")
    assert load_settings() == Settings()  # defaults, and the damaged file kept aside
    assert (config_dir() / "settings.json.bad").exists()


def _rec() -> Record:
    text = "Maria Lopez met Pedro Alvarez in Madrid."
    return Record.new(text, id="m1")


def test_merge_keeps_what_a_person_made_or_changed() -> None:
    schema = default_schema()
    live = _rec()
    doc = Document(live, schema, "ann")
    # an old pre-annotation the person relabelled, and one still pending
    old1 = Span("s1", 0, 11, "ORG", origin="model:x@1", review="pending")
    old2 = Span("s2", 16, 29, "PERSON", origin="model:x@1", review="pending")
    doc.apply(AddSpan(old1))
    doc.apply(AddSpan(old2))
    snapshot = Record.from_dict(live.to_dict())
    doc.apply(SetSpanLabel("s1", "PERSON"))  # the person edits s1 while the model runs
    doc.apply(AddSpan(Span("s3", 33, 39, "LOC")))  # and draws Madrid as LOC
    # the model's result: s1, s2 replaced by fresh proposals, plus GPE Madrid
    result = Record.from_dict(snapshot.to_dict())
    result.spans.clear()
    result.spans["s4"] = Span("s4", 0, 11, "PERSON", origin="model:x@2", review="pending")
    result.spans["s5"] = Span("s5", 16, 29, "PERSON", origin="model:x@2", review="pending")
    result.spans["s6"] = Span("s6", 33, 39, "GPE", origin="model:x@2", review="pending")
    edit = merge_edit(live, snapshot, result, schema)
    assert edit is not None
    doc.apply(edit, "Pre-annotate")
    spans = {(s.start, s.end): s for s in live.spans.values()}
    assert (
        spans[(0, 11)].id == "s1" and spans[(0, 11)].review == "edited"
    )  # the person's s1 kept, no duplicate
    assert sum(1 for s in live.spans.values() if (s.start, s.end) == (0, 11)) == 1
    assert spans[(16, 29)].origin == "model:x@2"  # the untouched pending one was replaced
    assert "s2" not in live.spans
    assert spans[(33, 39)].label == "LOC" and sum(1 for s in live.spans.values() if s.start == 33) == 1
    doc.undo()  # the pass is one step
    assert set(live.spans) == {"s1", "s2", "s3"}


def test_cli_open_refuses_a_missing_path_without_traceback(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "workbench", "open", str(tmp_path / "nope.txt")],
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    assert out.returncode == 2
    assert "no such file or folder" in out.stderr and "Traceback" not in out.stderr


def test_cli_open_starts_the_window_on_the_files(tmp_path: Path) -> None:
    """`workbench open PATH` (the real entry point) opens the batch: its annotator file gets locked."""
    import os
    import time

    from workbench.io.store import AnnotatorStore

    corpus = tmp_path / "c.jsonl"
    corpus.write_text(json.dumps({"id": "a", "text": "Hello from Oslo."}) + "\n")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", WORKBENCH_ANNOTATOR="cli")
    child = subprocess.Popen([sys.executable, "-m", "workbench", "open", str(corpus)], cwd=REPO, env=env)
    try:
        deadline = time.monotonic() + 60
        holder = None
        while holder is None and time.monotonic() < deadline and child.poll() is None:
            time.sleep(0.1)
            holder = AnnotatorStore.holder(tmp_path / "c.cli.jsonl")
        assert holder is not None and holder["pid"] == child.pid and holder["annotator"] == "cli"
    finally:
        child.terminate()
        child.wait(timeout=30)
