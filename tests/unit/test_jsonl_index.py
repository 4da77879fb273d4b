"""The one JSONL walk and its one record rule, and the readers that share it (no Qt)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from workbench.app.batch import Batch, index_jsonl
from workbench.core.problems import Problem
from workbench.core.record import Record, article_id
from workbench.io.annotator_files import index_file, iter_bundles
from workbench.io.corpus import index_corpus
from workbench.io.jsonl import (
    NOT_A_RECORD,
    TORN,
    LineError,
    dumps,
    iter_records,
    lines_at,
    read_at,
    read_jsonl,
    record_id,
    skim_records,
)
from workbench.io.store import AnnotatorStore


def rec(i: int, **kw: object) -> dict[str, object]:
    return Record(id=f"r{i}", text=f"Story {i} about the minister.", **kw).to_dict()  # type: ignore[arg-type]


def write_lines(path: Path, lines: list[str | dict[str, object]], end: str = "\n") -> Path:
    body = end.join(x if isinstance(x, str) else dumps(x) for x in lines)
    path.write_bytes(body.encode("utf-8"))
    return path


def split(items: list) -> tuple[list, list[LineError]]:
    return [i for i in items if not isinstance(i, LineError)], [i for i in items if isinstance(i, LineError)]


@pytest.mark.parametrize("fast", [False, True])
def test_valid_lines_come_with_number_offset_size_and_id(tmp_path: Path, fast: bool) -> None:
    f = write_lines(tmp_path / "c.jsonl", [rec(1), rec(2), ""])
    good, bad = split(list(iter_records(f, fast=fast)))
    assert not bad and [(n, rid) for n, _, _, rid, _ in good] == [(1, "r1"), (2, "r2")]
    data = f.read_bytes()
    for _, offset, size, rid, obj in good:
        assert json.loads(data[offset : offset + size]) == obj == read_at(f, offset)
        assert obj["id"] == rid


def test_invalid_json_and_non_objects_are_named_by_line(tmp_path: Path) -> None:
    f = write_lines(tmp_path / "c.jsonl", [rec(1), "{not json", "[1, 2]", "7", rec(2), ""])
    good, bad = split(list(iter_records(f)))
    assert [g[0] for g in good] == [1, 5]
    assert [(e.line, e.torn) for e in bad] == [(2, False), (3, False), (4, False)]
    assert str(bad[0]).startswith(f"{f}:2: not valid JSON (Expecting property name")
    assert str(bad[1]) == f"{f}:3: expected a JSON object, found list"
    assert str(bad[2]) == f"{f}:4: expected a JSON object, found int"
    assert bad[0].raw == b"{not json"


def test_missing_text_is_not_a_record_but_any_object_is_an_object(tmp_path: Path) -> None:
    f = write_lines(tmp_path / "c.jsonl", [{"id": "a"}, {"id": "b", "text": 5}, rec(1), ""])
    _, bad = split(list(iter_records(f)))
    assert [(e.line, e.message) for e in bad] == [(1, NOT_A_RECORD), (2, NOT_A_RECORD)]
    good, bad = split(list(read_jsonl(f)))
    assert not bad and [g[0] for g in good] == [1, 2, 3]


def test_missing_id_is_the_article_id_of_the_text_as_record_and_import_give_it(tmp_path: Path) -> None:
    text = "An article\nwith no id."
    lines = [{"text": text}, {"id": None, "text": text + " 2"}, {"id": "", "text": text + " 3"}, ""]
    f = write_lines(tmp_path / "c.jsonl", lines)
    good, bad = split(list(iter_records(f)))
    assert not bad
    assert [g[3] for g in good] == [article_id(text), article_id(text + " 2"), article_id(text + " 3")]
    assert [Record.from_dict(g[4]).id for g in good] == [g[3] for g in good]  # the record agrees
    assert Record.new(text).id == good[0][3]  # and so does an article read by io/articles


def test_an_id_that_is_not_a_string_is_refused() -> None:
    with pytest.raises(ValueError, match="record id must be a string, found int"):
        record_id({"id": 7, "text": "x"})
    with pytest.raises(ValueError, match="needs a 'text' string"):
        record_id({"id": "a"})
    assert record_id({"id": "a", "text": ""}) == "a"


def test_torn_last_line_is_marked_and_keeps_its_bytes(tmp_path: Path) -> None:
    torn = dumps(rec(3))[:40]
    f = write_lines(tmp_path / "c.jsonl", [rec(1), rec(2), torn])
    good, bad = split(list(iter_records(f)))
    assert len(good) == 2 and len(bad) == 1
    assert bad[0].torn and bad[0].line == 3 and bad[0].raw == torn.encode()
    assert str(bad[0]) == f"{f}:3: {TORN}"


def test_a_whole_last_line_without_newline_is_accepted(tmp_path: Path) -> None:
    f = write_lines(tmp_path / "c.jsonl", [rec(1), rec(2)])
    good, bad = split(list(iter_records(f)))
    assert not bad and [g[3] for g in good] == ["r1", "r2"]


@pytest.mark.parametrize("fast", [False, True])
def test_crlf_lines_and_blank_lines(tmp_path: Path, fast: bool) -> None:
    f = write_lines(tmp_path / "c.jsonl", [rec(1), "", "   ", rec(2), "{bad", rec(3), ""], end="\r\n")
    good, bad = split(list(iter_records(f, fast=fast)))
    assert [(g[0], g[3]) for g in good] == [(1, "r1"), (4, "r2"), (6, "r3")]
    assert [(e.line, e.raw) for e in bad] == [(5, b"{bad")]
    for _, offset, size, _, obj in good:
        assert read_at(f, offset) == obj and f.read_bytes()[offset + size - 2 : offset + size] == b"\r\n"


def test_fast_parsing_accepts_exactly_what_the_standard_parser_accepts(tmp_path: Path) -> None:
    lines = ['{"id": "a", "text": "\\ud83d lone"}', '{"id": "b", "text": "x", "n": NaN}', "\ufeff"]
    f = write_lines(tmp_path / "c.jsonl", [*lines[:2], rec(1), ""])
    slow, fast = list(iter_records(f)), list(iter_records(f, fast=True))
    assert [g[3] for g in slow] == [g[3] for g in fast] == ["a", "b", "r1"]


def test_read_jsonl_is_the_object_walk(tmp_path: Path) -> None:
    f = write_lines(tmp_path / "c.jsonl", [rec(1), "[]", {"no": "text"}, ""])
    got = list(read_jsonl(f))
    assert got[0] == (1, rec(1)) and isinstance(got[1], LineError) and got[2] == (3, {"no": "text"})


def test_skimming_finds_the_same_ids_and_places_and_the_rule_is_applied_on_read(tmp_path: Path) -> None:
    lines = [rec(1), rec(2), {"id": "x", "no_text": 1}, "{oops", {"text": "no id here"}, rec(1), ""]
    f = write_lines(tmp_path / "alice.jsonl", lines)
    full = [i if isinstance(i, LineError) else i[:4] for i in iter_records(f)]
    skim = list(skim_records(f))
    full_bad = [i for i in full if isinstance(i, LineError)]
    assert [e.line for e in full_bad] == [3, 4]
    assert [i for i in skim if isinstance(i, LineError)] == full_bad[1:]  # line 3 is skimmed
    full_ids = [i[:4] for i in full if not isinstance(i, LineError)]
    skim_ids = [i[:4] for i in skim if not isinstance(i, LineError)]
    assert [i for i in skim_ids if i[3] != "x"] == full_ids  # the skimmed "x" line is judged on read
    af = index_file(f, "alice")
    problems: list[str] = []
    bundles = list(iter_bundles([af], problems))
    assert [b.id for b in bundles if b.versions] == ["r2", article_id("no id here"), "r1"]
    assert problems == [f"{f}:3: {NOT_A_RECORD}; left out"]


def test_skimmed_ids_are_the_parsed_ids_whatever_the_head_spells(tmp_path: Path) -> None:
    """Escapes, spaces, non-ASCII and invalid UTF-8 in the id: the skim finds what parsing finds."""
    heads = [
        '{"id":"plain","text":"a"}',
        '{"id": "spaced", "text": "a"}',
        '{ "id" : "odd spacing", "text": "a"}',
        '{"id":"caf\u00e9","text":"a"}',
        '{"id":"quote\\"inside","text":"a"}',
        '{"id":"back\\\\slash","text":"a"}',
        '{"id":"Zürich 北京","text":"a"}',
        '{"id":"","text":"empty id"}',
        '{"id":"t","id":"twice","text":"a"}',
    ]
    f = tmp_path / "ids.jsonl"
    body = "".join(h + "\n" for h in ['{"id":"first","text":"a"}', *heads]).encode("utf-8")
    f.write_bytes(body + b'{"id":"bad \xff utf8","text":"a"}\n')
    parsed = [i[3] if not isinstance(i, LineError) else ("error", i.line) for i in iter_records(f)]
    skimmed = [i[3] if not isinstance(i, LineError) else ("error", i.line) for i in skim_records(f)]
    assert (
        parsed[:8]
        == skimmed[:8]
        == ["first", "plain", "spaced", "odd spacing", "café", 'quote"inside', "back\\slash", "Zürich 北京"]
    )
    assert parsed[8] == skimmed[8] == article_id("empty id")  # no id: the text's, both ways
    assert parsed[9] == "twice" and skimmed[9] == "t"  # a repeated key: its reader parses the line
    assert parsed[10] == ("error", 11) and skimmed[10] == ("error", 11)


def test_the_four_readers_agree_on_the_same_file(tmp_path: Path) -> None:
    text = "An article given without an id."
    lines = [rec(1), "{oops", rec(2), "[1]", {"text": text}, {"id": 5, "text": "n"}, rec(1, status="done")]
    f = write_lines(tmp_path / "corpus.alice.jsonl", [*lines, '{"id": "torn", "te'])
    expect_ids = {"r1", "r2", article_id(text)}
    expect_bad = [2, 4, 6, 8]

    index = index_corpus(f)
    assert set(index.ids()) == expect_ids and [e.line for e in index.errors] == expect_bad
    assert index.statuses()["r1"] == "done"  # the later line wins

    af = index_file(f)
    assert set(af.offsets) == expect_ids and [e.line for e in af.errors] == expect_bad
    assert af.offsets["r1"][0] == index.entries["r1"].offset

    batch = Batch()
    index_jsonl(batch, f)
    assert {it.id for it in batch.items} == expect_ids and [e.line for e in batch.errors] == expect_bad
    assert batch.item("r1").status == "done" and batch.load(article_id(text)).text == text

    with AnnotatorStore(f, "alice", readonly=True) as store:
        assert set(store.ids()) == expect_ids and [e.line for e in store.report.errors] == expect_bad
        assert store.get(article_id(text)).text == text  # type: ignore[union-attr]

    messages = {str(e) for e in index.errors}
    assert messages == {str(e) for e in af.errors} == {str(e) for e in batch.errors}
    assert messages == {str(e) for e in store.report.errors}


def test_problem_prints_file_line_and_json_path() -> None:
    assert str(Problem("a.jsonl", 3, "bad")) == "a.jsonl:3: bad"
    assert str(Problem("a.jsonl", None, "empty file")) == "a.jsonl: empty file"
    assert str(Problem("a.jsonl", 3, "too long", "$.spans[2]")) == "a.jsonl:3: $.spans[2]: too long"
    assert str(Problem("s.json", None, "unknown", "$.labels")) == "s.json: $.labels: unknown"
    err = LineError("a.jsonl", 4, TORN, raw=b'{"id', torn=True)
    assert isinstance(err, Problem) and str(err) == f"a.jsonl:4: {TORN}"


def test_lines_at_reads_whole_lines_by_offset_without_moving_the_descriptor(tmp_path: Path) -> None:
    long = "x" * 50_000  # longer than a block: read again from its start, more at a time
    f = write_lines(tmp_path / "c.jsonl", [rec(1), {"id": "long", "text": long}, rec(2)])
    data = f.read_bytes()
    starts = [0, *(i + 1 for i, b in enumerate(data) if b == ord("\n"))][:3]
    with open(f, "rb") as fh:
        fh.readline()  # a walk under way on the same descriptor
        got = list(lines_at(fh.fileno(), [starts[0], starts[1], starts[2], starts[0]], block=64))
        assert fh.tell() == starts[1]
    assert got == [*data.splitlines(keepends=True), data.splitlines(keepends=True)[0]]
    g = tmp_path / "torn.jsonl"
    g.write_bytes(b'{"id": "a"}\n{"id": "b"}')  # a last line without a newline
    with open(g, "rb") as fh:
        assert list(lines_at(fh.fileno(), [0, 12], block=4)) == [b'{"id": "a"}\n', b'{"id": "b"}']


def test_a_batch_reads_the_file_it_indexed_after_the_file_is_replaced(tmp_path: Path) -> None:
    """The annotator store compacts by replacing the file: the batch's offsets stay on what it indexed."""
    f = write_lines(tmp_path / "own.alice.jsonl", [rec(i) for i in range(50)])
    batch = Batch()
    index_jsonl(batch, f)
    # another order and other lengths in the new file: every old offset is another line's or none
    write_lines(tmp_path / "new.jsonl", [rec(i, status="done") for i in reversed(range(50))])
    (tmp_path / "new.jsonl").replace(f)
    assert all(batch.raw(it.id)["id"] == it.id for it in batch.items)
    assert batch.text("r7") == "Story 7 about the minister."
    assert batch.search("story 7 ") == {"r7"}


def test_a_bounded_walk_refuses_a_long_line_by_number_and_keeps_the_offsets(tmp_path: Path) -> None:
    from workbench.io.jsonl import iter_records, line_at

    path = tmp_path / "x.jsonl"
    lines = [
        json.dumps({"id": "a", "text": "short"}) + "\n",
        json.dumps({"id": "b", "text": "long " * 500}) + "\n",
        json.dumps({"id": "c", "text": "after"}),  # no newline at the end
    ]
    path.write_text("".join(lines), "utf-8")
    got = list(iter_records(path, max_bytes=200))
    assert [g.line if isinstance(g, LineError) else g[3] for g in got] == ["a", 2, "c"]
    bad = got[1]
    assert isinstance(bad, LineError) and bad.message == "line is over the 0.0 MB limit for one record"
    start = len(lines[0].encode()) + len(lines[1].encode())
    fd = os.open(path, os.O_RDONLY)
    try:
        assert got[2][1] == start and line_at(fd, start) == json.loads(lines[2])
    finally:
        os.close(fd)
    assert list(iter_records(path)) and len(list(iter_records(path))) == 3  # unbounded: all read
