"""The offset-indexed annotator store: records read when asked, statuses from line tails, stale lines.

An open keeps where each record's latest line is (decision 0020), so these tests look
at what that must never change: the record and status every reader sees, a line edited
by hand after the open, compaction copying lines it does not rewrite, and a status
read from a line's tail that is always the record's own.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from workbench.core.record import Record
from workbench.io.jsonl import dumps, tail_status
from workbench.io.store import AnnotatorStore


def _line(d: dict, spaced: bool = False) -> bytes:
    return ((json.dumps(d, ensure_ascii=False) if spaced else dumps(d)) + "\n").encode("utf-8")


def _rec(i: int, status: str = "todo", **extra: object) -> dict:
    d = Record.new(f"Story {i}: Alice met Bob.", id=f"a{i}", status=status).to_dict()
    d.update(extra)
    return d


@pytest.mark.parametrize("spaced", [False, True])
def test_records_and_statuses_are_the_files_whatever_its_spelling(tmp_path: Path, spaced: bool) -> None:
    path = tmp_path / "ann.jsonl"
    recs = [_rec(i, ["todo", "in_progress", "done", "skipped"][i % 4]) for i in range(12)]
    recs[3]["rejected"] = [{"start": 0, "end": 5, "label": "PERSON"}]  # a key after the usual tail
    recs[5]["annotator"] = 'x","status":"done"}'  # hostile: a string that looks like the tail
    recs[6]["status"] = None
    path.write_bytes(b"".join(_line(d, spaced) for d in recs) + _line(_rec(1, "done"), spaced))
    recs[1] = _rec(1, "done")  # the later line wins
    with AnnotatorStore(path, "ann", readonly=True) as st:
        assert st.ids() == [d["id"] for d in recs if d["id"] != "a1"] + ["a1"]
        for d in recs:
            assert st.status(d["id"]) == d["status"]
            assert st.raw(d["id"]) == d
        assert st.status("nope") is None and st.raw("nope") is None


def test_tail_status_names_the_records_own_status_or_nothing() -> None:
    for d in [_rec(1, "done"), _rec(2, annotator='a"b'), _rec(3, schema="news@1", rev=12)]:
        assert tail_status(_line(d)[-300:]) == d["status"]
    inner = _rec(4, "todo", doc={"x": {"status": "done", "annotator": None, "schema": None, "rev": 1}})
    assert tail_status(_line(inner)) == "todo"
    nested = dict(_rec(5, "todo"), meta=_rec(6, "done"))  # a whole record inside: not at the end
    assert tail_status(_line(nested)) == "todo"
    assert tail_status(_line(_rec(7, rejected=[1]))) is False  # ends otherwise: parse the line
    assert tail_status(b'"status":"done","annotator":null,"schema":null,"rev":1,"updated":null}}\n') is False


def test_a_line_broken_by_hand_after_it_was_indexed_gives_the_earlier_version(tmp_path: Path) -> None:
    path = tmp_path / "ann.jsonl"
    old, new = _rec(1, "in_progress"), _rec(1, "done")
    path.write_bytes(_line(_rec(0)) + _line(old) + _line(new))
    with AnnotatorStore(path, "ann") as st:
        assert st.status("a1") == "done"
        # someone breaks the latest line in the middle while the store is open (same length)
        raw = path.read_bytes()
        at = raw.rindex(b'"meta"')
        path.write_bytes(raw[:at] + b"#" + raw[at + 1 :])
        assert st.raw("a1") == old  # the earlier good version wins, as at an open
        assert st.status("a1") == "in_progress"
        assert [e.line for e in st.report.errors] == [3]
        assert st.report.set_aside is not None and b"#meta" in st.report.set_aside.read_bytes()
    assert [json.loads(x)["status"] for x in path.read_bytes().splitlines()] == ["todo", "in_progress"]


def test_compaction_copies_the_lines_it_does_not_rewrite(tmp_path: Path) -> None:
    path = tmp_path / "ann.jsonl"
    kept = _line(_rec(2, "done"), spaced=True)  # written by another tool: its bytes stay
    path.write_bytes(_line(_rec(1)) + kept + _line(_rec(1, "done")))
    with AnnotatorStore(path, "ann") as st:
        r = st.get("a1")
        assert r is not None
        r.status, r.rev = "skipped", r.rev + 1
        assert st.save(r)
    lines = path.read_bytes().splitlines(keepends=True)
    assert lines[0] == kept and len(lines) == 2
    assert json.loads(lines[1])["status"] == "skipped"
    with AnnotatorStore(path, "ann", readonly=True) as st:
        assert st.status("a2") == "done" and st.status("a1") == "skipped"


def test_compactions_in_a_long_session_keep_a_few_descriptors_and_close_them_all(tmp_path: Path) -> None:
    fds = Path("/proc/self/fd")
    if not fds.is_dir():
        pytest.skip("needs /proc to count open files")

    def open_here() -> int:
        """Descriptors on files of this test's folder (others may close meanwhile: the suite's garbage)."""
        n = 0
        for fd in list(fds.iterdir()):
            try:
                n += os.readlink(fd).startswith(str(tmp_path))
            except OSError:
                continue
        return n

    with AnnotatorStore(tmp_path / "ann.jsonl", "ann") as st:
        r = Record.new("Alice met Bob.", id="a")
        for i in range(40):  # every compaction replaces the file the index reads from
            r.rev = i + 1
            assert st.save(r)
            st.compact()
            assert st.raw("a") == r.to_dict()
        assert open_here() <= 8
    assert open_here() == 0
