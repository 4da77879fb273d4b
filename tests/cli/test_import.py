"""``workbench import``: corpus written atomically, a summary on stderr, failure only when nothing imports."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, shared_path
from workbench.cli.main import main

SEED = ("seed", "000_bab8e4e99eda0806.txt")


def _records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_seed_without_clean_keeps_the_text_verbatim(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    seed = shared_path(*SEED)
    out = tmp_path / "corpus.jsonl"
    assert main(["import", str(seed), "-o", str(out)]) == 0
    (rec,) = _records(out)
    assert rec["text"] == seed.read_text(encoding="utf-8")
    assert rec["meta"]["file"] == str(seed) and len(rec["meta"]["sha256"]) == 64
    assert rec["status"] == "todo" and rec["spans"] == []
    assert "1 imported, 0 duplicates skipped, 0 problems" in capsys.readouterr().err


def test_seed_with_clean(tmp_path: Path) -> None:
    seed = shared_path(*SEED)
    out = tmp_path / "clean.jsonl"
    assert main(["import", str(seed), "-o", str(out), "--clean"]) == 0
    (rec,) = _records(out)
    assert rec["meta"]["original_text"] == seed.read_text(encoding="utf-8")
    assert rec["meta"]["title"] == "Belarus floats terrifying axis with Russia and North Korea"
    assert rec["meta"]["source"] == "express.co.uk"
    assert rec["text"].startswith("Belarus has suggested a terrifying axis")
    assert rec["text"].endswith("until fully cleared.")
    for junk in ("(Image: GETTY)", "RELATED ARTICLES", "Follow our social media", "No menu items"):
        assert junk not in rec["text"]


def test_html_folder_imports_every_page_and_lists_the_one_bad_file(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    folder = shared_path("data", "html")
    out = tmp_path / "html.jsonl"
    assert main(["import", str(folder), "-o", str(out)]) == 0
    recs = _records(out)
    assert len(recs) == 40 and all(r["text"].strip() for r in recs)
    assert sum(bool(r["meta"].get("title")) for r in recs) == 40
    err = capsys.readouterr().err
    assert "40 imported, 0 duplicates skipped, 1 problem" in err
    assert f"problem: {folder / 'ground-truth.json'}: no article text" in err


def test_mixed_input_summary_names_duplicates_and_problems(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    (tmp_path / "a.txt").write_text("Ministers met in Valdora on Monday.\n")
    (tmp_path / "b.txt").write_text("Ministers met in Valdora on Monday.\r\n")
    (tmp_path / "c.jsonl").write_text('{"text": "Another story."}\n{"text": oops}\n')
    (tmp_path / "d.bin").write_bytes(b"\x00\x01\x02\x03" * 50)
    out = tmp_path / "out" / "corpus.jsonl"
    out.parent.mkdir()
    files = [str(tmp_path / n) for n in ("a.txt", "b.txt", "c.jsonl", "d.bin")]
    assert main(["import", *files, "-o", str(out)]) == 0
    assert [r["text"] for r in _records(out)] == ["Ministers met in Valdora on Monday.\n", "Another story."]
    err = capsys.readouterr().err
    assert "2 imported, 1 duplicate skipped, 2 problems" in err
    assert f"duplicate: {tmp_path / 'b.txt'}: same text as {tmp_path / 'a.txt'}" in err
    assert f"problem: {tmp_path / 'c.jsonl'}:2: not valid JSON" in err
    assert f"problem: {tmp_path / 'd.bin'}: binary file" in err


def test_duplicates_are_named_by_file_and_line(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text('{"id": "a", "text": "Hello world."}\n' * 2 + '{"text": "Hello world."}\n')
    assert main(["import", str(src), "-o", str(tmp_path / "articles.jsonl")]) == 0
    err = capsys.readouterr().err
    assert (
        f"duplicate: {src}:2: same text as {src}:1" in err
        and f"duplicate: {src}:3: same text as {src}:1" in err
    )
    assert main(["import", str(src), "--format", "jsonl", "-o", str(tmp_path / "own.jsonl")]) == 0
    err = capsys.readouterr().err
    assert (
        f"duplicate: record a appears again (first from {src}); the first is kept" in err and "?" not in err
    )
    # two copies of one corpus: the records name where they were first imported from, not this run
    copy = tmp_path / "copy.jsonl"
    copy.write_text((tmp_path / "articles.jsonl").read_text())
    assert (
        main(["import", str(tmp_path / "articles.jsonl"), str(copy), "-o", str(tmp_path / "both.jsonl")]) == 0
    )
    err = capsys.readouterr().err
    assert (
        "1 imported, 1 duplicate skipped" in err
        and f"appears again (first from {tmp_path / 'articles.jsonl'}" in err
    )
    assert f"{src}: same text" not in err


def test_nothing_imported_fails_and_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    (tmp_path / "empty.txt").write_text("")
    out = tmp_path / "corpus.jsonl"
    assert main(["import", str(tmp_path / "empty.txt"), str(tmp_path / "missing.txt"), "-o", str(out)]) == 1
    assert not out.exists() and not list(tmp_path.glob(".corpus.jsonl.*"))
    err = capsys.readouterr().err
    assert (
        "empty.txt: empty file" in err
        and "missing.txt: no such file" in err
        and "nothing was imported" in err
    )


def test_existing_output_needs_force_or_append(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    (tmp_path / "one.txt").write_text("Story one.")
    (tmp_path / "two.txt").write_text("Story two.")
    out = tmp_path / "corpus.jsonl"
    assert main(["import", str(tmp_path / "one.txt"), "-o", str(out)]) == 0
    before = out.read_bytes()
    assert main(["import", str(tmp_path / "two.txt"), "-o", str(out)]) == 2
    assert "use --force" in capsys.readouterr().err and out.read_bytes() == before
    assert (
        main(["import", str(tmp_path / "one.txt"), str(tmp_path / "two.txt"), "-o", str(out), "--append"])
        == 0
    )
    assert [r["text"] for r in _records(out)] == ["Story one.", "Story two."]
    assert "1 imported (+1 kept from before), 1 duplicate skipped" in capsys.readouterr().err
    assert main(["import", str(tmp_path / "two.txt"), "-o", str(out), "--force"]) == 0
    assert [r["text"] for r in _records(out)] == ["Story two."]


def test_user_errors_are_one_line_without_traceback(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    (tmp_path / "a.txt").write_text("Story.")
    assert main(["import", str(tmp_path / "a.txt"), "-o", str(tmp_path), "--force"]) == 2
    assert "is a folder" in capsys.readouterr().err
    assert main(["import", str(tmp_path / "a.txt"), "-o", str(tmp_path / "x.jsonl"), "--format", "nope"]) == 2
    err = capsys.readouterr().err
    assert "unknown format 'nope'; available: articles" in err and "Traceback" not in err
    assert main(["import", str(tmp_path / "a.txt"), "-o", str(tmp_path / "no" / "x.jsonl")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_help_lists_the_formats(capsys: pytest.CaptureFixture) -> None:
    with pytest.raises(SystemExit):
        main(["import", "--help"])
    out = capsys.readouterr().out
    assert "--clean" in out and "articles" in out


def test_other_formats_go_through_the_interop_registry(tmp_path: Path) -> None:
    from workbench.app.importing import other_formats

    if "prodigy" not in other_formats():
        pytest.skip("the interop registry has no prodigy importer")
    src = shared_path("data", "interop", "prodigy", "annotated_news_headlines-ner.jsonl")
    out = tmp_path / "prodigy.jsonl"
    assert main(["import", str(src), "-o", str(out), "--format", "prodigy"]) == 0
    recs = _records(out)
    assert len(recs) > 100 and any(r["spans"] for r in recs)


def test_demo_corpus_is_in_sync_with_its_articles(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """corpora/demo.jsonl is exactly what importing corpora/demo gives (re-run the import after edits)."""
    monkeypatch.chdir(REPO)
    out = tmp_path / "demo.jsonl"
    assert main(["import", "corpora/demo", "-o", str(out)]) == 0
    assert _records(out) == _records(REPO / "corpora" / "demo.jsonl")
    texts = " ".join(r["text"] for r in _records(out))
    for feature in ("“", '"', "said that", "According to", "he said", "she said"):
        assert feature in texts, feature


def test_real_entry_point_runs(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("A short story.")
    out = tmp_path / "c.jsonl"
    proc = subprocess.run(
        [sys.executable, "-m", "workbench", "import", str(tmp_path / "a.txt"), "-o", str(out)],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "1 imported" in proc.stderr and _records(out)[0]["text"] == "A short story."


def test_append_refuses_a_damaged_corpus(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    (tmp_path / "a.txt").write_text("Story.")
    out = tmp_path / "corpus.jsonl"
    out.write_bytes(b'{"id": "x", "text": "ok"}\n{"id": "y", "te\n')
    before = out.read_bytes()
    assert main(["import", str(tmp_path / "a.txt"), "-o", str(out), "--append"]) == 2
    assert f"{out}:2:" in capsys.readouterr().err and out.read_bytes() == before
