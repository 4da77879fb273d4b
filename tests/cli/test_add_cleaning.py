"""``workbench add`` cleans a raw page exactly as the window cleans it on open (decision 0015).

Before, the project's article kept the page furniture ("No menu items!", "HomeSources…")
that the window takes out when the same file is opened directly; JSON input, whose spans
point into its text, must come in as it is.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import shared_path
from workbench.app.opening import build_batch
from workbench.cli.main import main

FURNITURE = ("No menu items!", "HomeSources")


def _corpus(project: Path) -> list[dict]:
    return [json.loads(line) for line in (project / "corpus.jsonl").read_text("utf-8").splitlines()]


def test_add_keeps_what_the_window_keeps_of_a_raw_page(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    seed = tmp_path / "seed.txt"
    shutil.copy(shared_path("seed", "000_bab8e4e99eda0806.txt"), seed)
    raw = seed.read_text("utf-8")
    assert all(f in raw for f in FURNITURE)
    assert main(["init", str(tmp_path / "P")]) == 0
    capsys.readouterr()
    copy = tmp_path / "again.txt"  # the same page under another name: a duplicate, not said cleaned
    shutil.copy(seed, copy)
    assert main(["add", str(tmp_path / "P"), str(seed), str(copy)]) == 0
    err = capsys.readouterr().err
    assert "added 1 article(s)" in err and "cleaned 1 article(s)" in err and "--no-clean" in err
    [rec] = _corpus(tmp_path / "P")
    [opened] = build_batch([seed]).items  # the window's direct open of the same file
    window = build_batch([seed]).load(opened.id)
    assert rec["id"] == window.id and rec["text"] == window.text
    assert not any(f in rec["text"] for f in FURNITURE)
    assert rec["meta"]["original_text"] == raw and rec["meta"]["cleaning"]["removed"]
    assert rec["meta"]["title"] == window.meta["title"] == opened.title
    # the same page again, twice, and its copy: nothing added, nothing said cleaned
    assert main(["add", str(tmp_path / "P"), str(seed), str(copy), str(seed)]) == 0
    err = capsys.readouterr().err
    assert "added 0 article(s)" in err and "cleaned" not in err and err.count("duplicate") == 3
    # --no-clean: the page as its file has it
    assert main(["init", str(tmp_path / "Q")]) == 0
    capsys.readouterr()
    assert main(["add", str(tmp_path / "Q"), str(seed), "--no-clean"]) == 0
    assert "cleaned" not in capsys.readouterr().err
    [as_is] = _corpus(tmp_path / "Q")
    assert as_is["text"] == raw and "original_text" not in as_is["meta"]


def test_add_leaves_json_input_and_its_offsets_alone(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    """Prepared JSON is never cleaned by default; a record with spans not even with --clean."""
    text = "No menu items!\nHomeSources\n\nAlice Smith said the council will meet on Monday. " * 3
    with_spans = {
        "text": text,
        "status": "todo",
        "spans": [{"id": "s1", "start": 28, "end": 39, "label": "PERSON"}],
    }
    (tmp_path / "in.jsonl").write_text(json.dumps(with_spans) + "\n", encoding="utf-8")
    bare_text = text.replace("Alice", "Carol")
    (tmp_path / "bare.json").write_text(json.dumps({"text": bare_text}), encoding="utf-8")
    for flags in ([], ["--clean"]):
        project = tmp_path / f"P{len(flags)}"
        assert main(["init", str(project)]) == 0
        assert (
            main(["add", str(project), str(tmp_path / "in.jsonl"), str(tmp_path / "bare.json"), *flags]) == 0
        )
        got = {r["text"][:200]: r for r in _corpus(project)}
        spanned = next(r for r in got.values() if r.get("spans"))
        assert spanned["text"] == text and spanned["text"][28:39] == "Alice Smith"
        bare = next(r for r in got.values() if not r.get("spans"))
        assert (bare["text"] == bare_text) is (not flags)  # --clean: bare JSON too
    capsys.readouterr()
