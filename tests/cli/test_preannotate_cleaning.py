"""``workbench preannotate`` cleans a raw page as ``add`` and the window do (decision 0015).

Before, ``preannotate page.txt`` pre-annotated the page furniture ("No menu items!",
"HomeSources…") that ``add`` and the window take out, so the same page had two texts and two
ids depending on the command. A record that carries spans is never cleaned: its offsets point
into its text as it is.
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


def _lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def _offsets_hold(rec: dict) -> None:
    assert rec["spans"], "the page got no pre-annotation at all"
    for s in rec["spans"]:
        assert 0 <= s["start"] < s["end"] <= len(rec["text"])
        if "text" in s:
            assert rec["text"][s["start"] : s["end"]] == s["text"], s


def test_preannotate_cleans_a_raw_page_as_the_window_does(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = tmp_path / "page.txt"
    shutil.copy(shared_path("seed", "000_bab8e4e99eda0806.txt"), page)
    raw = page.read_text("utf-8")
    assert all(f in raw for f in FURNITURE)
    out = tmp_path / "out.jsonl"
    assert main(["preannotate", str(page), "-o", str(out), "--quiet"]) == 0
    err = capsys.readouterr().err
    assert "1 articles pre-annotated" in err
    assert "cleaned 1 article(s) as the window does" in err and "--no-clean pre-annotates" in err
    [rec] = _lines(out)
    assert not any(f in rec["text"] for f in FURNITURE)
    _offsets_hold(rec)
    window = build_batch([page])  # the window's direct open of the same file: same text, same id
    [item] = window.items
    assert rec["id"] == item.id and rec["text"] == window.load(item.id).text
    assert rec["meta"]["original_text"] == raw and rec["meta"]["cleaning"]["removed"]

    # --no-clean: the page as its file has it, offsets into that text
    as_is = tmp_path / "as_is.jsonl"
    assert main(["preannotate", str(page), "-o", str(as_is), "--no-clean", "--quiet"]) == 0
    assert "cleaned" not in capsys.readouterr().err
    [raw_rec] = _lines(as_is)
    assert raw_rec["text"] == raw and "original_text" not in raw_rec["meta"]
    _offsets_hold(raw_rec)

    # a run begun uncleaned (or by an older version) resumes: the page counts as done, not redone
    assert main(["preannotate", str(page), "-o", str(as_is), "--quiet"]) == 0
    err = capsys.readouterr().err
    assert "0 articles pre-annotated" in err and "1 already done" in err and "cleaned" not in err
    assert len(_lines(as_is)) == 1


def test_a_record_with_spans_is_never_cleaned(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = "No menu items!\nHomeSources\n\nAlice Smith said the council will meet on Monday.\n" * 2
    start = text.index("Alice Smith")
    made = {
        "text": text,
        "status": "in_progress",
        "spans": [{"id": "s1", "start": start, "end": start + 11, "label": "PERSON"}],
    }
    src = tmp_path / "made.jsonl"
    src.write_text(json.dumps(made) + "\n", encoding="utf-8")
    bare = tmp_path / "bare.json"  # the same furniture, no spans: cleaned with --clean only
    bare.write_text(json.dumps({"text": text.replace("Alice", "Carol")}), encoding="utf-8")
    for flags in ([], ["--clean"]):
        out = tmp_path / f"out{len(flags)}.jsonl"
        assert main(["preannotate", str(src), str(bare), "-o", str(out), "--quiet", *flags]) == 0
        got = {"Alice" in r["text"]: r for r in _lines(out)}
        kept = got[True]
        assert kept["text"] == text and "original_text" not in kept["meta"]
        [person] = [s for s in kept["spans"] if s["id"] == "s1"]
        assert text[person["start"] : person["end"]] == "Alice Smith" and person["label"] == "PERSON"
        _offsets_hold(kept)
        assert ("No menu items!" in got[False]["text"]) is (not flags)
        _offsets_hold(got[False])
    capsys.readouterr()


def test_clean_is_refused_with_a_cluster(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Cluster shards are JSONL, never cleaned: ``--clean`` there would be silently ignored."""
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"text": "Alice said so."}) + "\n", encoding="utf-8")
    code = main(["preannotate", str(src), "-o", str(tmp_path / "out"), "--cluster", "local", "--clean"])
    assert code != 0
    assert "--clean with --cluster" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_eval_says_when_predictions_are_of_cleaned_pages(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Gold of the page as it was, predictions of the cleaned page: named, not just 'missing'."""
    from workbench.core.record import Record, Span

    text = "No menu items!\nHomeSources\n\nAlice Smith said the council will meet on Monday.\n"
    gold = Record.new(text)
    start = text.index("Alice Smith")
    gold.spans = {"p1": Span("p1", start, start + 11, "PERSON")}
    (tmp_path / "gold.jsonl").write_text(json.dumps(gold.to_dict()) + "\n", "utf-8")
    (tmp_path / "page.txt").write_text(text, "utf-8")
    for flags, cleaned in ((["--no-clean"], False), ([], True)):
        pred = tmp_path / f"pred{len(flags)}.jsonl"
        assert main(["preannotate", str(tmp_path / "page.txt"), "-o", str(pred), "--quiet", *flags]) == 0
        capsys.readouterr()
        assert main(["eval", str(tmp_path / "gold.jsonl"), str(pred)]) == 0
        err = capsys.readouterr().err
        assert ("1 prediction(s) are of pages cleaned" in err) is cleaned
        assert ("--no-clean" in err) is cleaned


def test_the_progress_total_counts_the_lines_of_every_json_lines_kind(tmp_path: Path) -> None:
    """``.ndjson`` is read line by line like ``.jsonl``; its total was one article per file."""
    from workbench.app.preannotate import estimate_total

    for name in ("a.jsonl", "b.ndjson", "c.NDJSON"):
        (tmp_path / name).write_text("".join(json.dumps({"text": f"Story {i}."}) + "\n" for i in range(3)))
    (tmp_path / "page.txt").write_text("One page.", "utf-8")
    assert estimate_total([tmp_path]) == 10
