"""Importing articles as a use case: no terminal, a typed summary, the corpus written atomically."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from tests.unit.test_app_preannotate import ids
from tests.unit.test_app_preannotate_cluster import Recorder
from workbench.app.errors import AppError, Cancelled
from workbench.app.importing import ImportSummary, import_records
from workbench.core.problems import Problem

STORY = "Millbrook council voted on Tuesday to build a tidal barrier across the river."


def _folder(tmp_path: Path) -> Path:
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(STORY, "utf-8")
    (src / "b.txt").write_text(STORY, "utf-8")  # the same story again
    (src / "c.txt").write_text("Another story about the harbour budget.", "utf-8")
    (src / "bad.jsonl").write_text('{"text": "fine story"}\n{broken\n', "utf-8")
    return src


def test_duplicates_and_problems_are_counted_and_the_good_articles_imported(tmp_path: Path) -> None:
    src = _folder(tmp_path)
    out = tmp_path / "corpus.jsonl"
    progress = Recorder()
    s = import_records([src], out, progress=progress)
    assert (s.imported, s.kept, s.nothing_imported) == (3, 0, False)
    (dup,) = s.duplicates
    assert dup.endswith("skipped") and "same text as" in dup and "b.txt" in dup
    (problem,) = s.problems
    assert isinstance(problem, Problem) and problem.line == 2 and problem.path.endswith("bad.jsonl")
    assert len(ids(out)) == 3
    assert s.lines()[0] == f"3 imported, 1 duplicate skipped, 1 problem -> {out}"
    assert s.lines()[2] == f"  problem: {problem}"
    assert progress.calls[0] == ("start", None) and progress.calls[-1] == ("close", None)
    assert sum(1 for kind, _ in progress.calls if kind == "step") == 5


def test_an_existing_corpus_is_refused_replaced_or_appended_to(tmp_path: Path) -> None:
    src = _folder(tmp_path)
    out = tmp_path / "corpus.jsonl"
    import_records([src / "a.txt"], out)
    with pytest.raises(AppError, match="exists; use --force to replace it or --append to add to it"):
        import_records([src], out)
    more = import_records([src], out, append=True)
    assert (more.imported, more.kept) == (2, 1)  # a.txt (and b.txt, its copy) were there already
    assert all("same text as" in d and str(out) in d for d in more.duplicates)
    assert len(ids(out)) == 3
    again = import_records([src / "c.txt"], out, replace=True)
    assert again.imported == 1 and len(ids(out)) == 1


def test_nothing_imported_writes_nothing_and_says_why(tmp_path: Path) -> None:
    src = _folder(tmp_path)
    out = tmp_path / "corpus.jsonl"
    import_records([src / "a.txt"], out)
    before = out.read_bytes()
    s = import_records([src / "b.txt"], out, append=True)  # only a duplicate
    assert s.nothing_imported and s.kept == 1 and out.read_bytes() == before
    assert s.why_nothing() == "nothing was imported (every input was already there); no file written"
    fresh = tmp_path / "new.jsonl"
    bad = import_records([tmp_path / "missing.txt"], fresh)
    assert bad.nothing_imported and not fresh.exists()
    assert bad.why_nothing() == "nothing was imported; no file written"
    assert bad.lines()[0] == "0 imported, 0 duplicates skipped, 1 problem"


def test_a_stream_receives_the_records_and_unknown_formats_are_refused(tmp_path: Path) -> None:
    src = _folder(tmp_path)
    buf = io.StringIO()
    s = import_records([src / "c.txt"], buf)
    assert s.output is None and json.loads(buf.getvalue())["text"].startswith("Another story")
    assert s.why_nothing() == f"nothing was imported (no articles input found in {src / 'c.txt'})"  # no file
    with pytest.raises(AppError, match="unknown format 'nope'; available: articles"):
        import_records([src], tmp_path / "x.jsonl", format="nope")
    with pytest.raises(AppError, match="is a folder; -o needs a file name"):
        import_records([src], tmp_path)


def test_cancel_leaves_no_file(tmp_path: Path) -> None:
    src = _folder(tmp_path)
    out = tmp_path / "corpus.jsonl"
    with pytest.raises(Cancelled):
        import_records([src], out, progress=Recorder(cancel=True))
    assert not out.exists()


def test_an_empty_summary_reads_as_nothing_imported(tmp_path: Path) -> None:
    s = ImportSummary(tmp_path / "c.jsonl")
    assert s.nothing_imported and s.lines() == ["0 imported, 0 duplicates skipped, 0 problems"]
