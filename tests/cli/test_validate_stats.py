"""``workbench validate`` and ``workbench stats``, and the streaming corpus index under stats."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench.cli.main import main
from workbench.core.paths import schemas_dir
from workbench.core.record import Record, Relation, Span
from workbench.core.schema import load_schema
from workbench.io.corpus import index_corpus
from workbench.io.jsonl import dumps
from workbench.io.validate import iter_problems, record_dict_problems

REPO = Path(__file__).resolve().parents[2]
NEWS = schemas_dir() / "news.json"
TEXT = 'President Biden said: "We will meet Xi in Beijing." He met him later. 😀 Minsk.'


def good(n: int = 0, status: str = "done", **changes: Any) -> dict[str, Any]:
    text = TEXT + f" Story {n}."
    rec = Record.new(text, meta={"title": f"story {n}"}, status=status, annotator="alice", schema="news@1")
    rec.spans = {
        "s1": Span(
            "s1", 10, 15, "PERSON", {"sentiment": "neutral"}, "model:en_core_web_sm@3.8.0", "accepted"
        ),
        "s2": Span("s2", 16, 20, "CUE"),
        "s3": Span("s3", 22, 51, "QUOTE", {"quote_kind": "direct"}, "rule:quotes@1", "pending"),
        "s4": Span("s4", 42, 49, "GPE"),
    }
    rec.relations = {"r1": Relation("r1", "s3", "s1", "SPEAKER"), "r2": Relation("r2", "s3", "s2", "CUE")}
    rec.doc = {"sentiment": "neutral", "topics": ["politics", "conflict"]}
    rec.rev, rec.updated = 3, "2026-11-28T10:00:00Z"
    d = rec.to_dict()
    d.update(changes)
    return d


def write(path: Path, lines: list[Any]) -> Path:
    path.write_text("".join((x if isinstance(x, str) else dumps(x)) + "\n" for x in lines), "utf-8")
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# --- validate: records --------------------------------------------------------------------------


def test_a_clean_file_passes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = write(tmp_path / "c.jsonl", [good(i) for i in range(3)])
    code, out, err = run(capsys, "validate", str(f), "--schema", str(NEWS))
    assert code == 0 and out == ""
    assert "3 record(s) against news@1, no problems" in err


def test_every_problem_is_reported_with_file_line_and_path(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outside = good(1)
    outside["spans"][0]["end"] = 500
    missing = good(2)
    missing["relations"].append({"id": "r3", "head": "s3", "child": "s99", "label": "SPEAKER"})
    dup = good(3)
    dup["spans"][1]["id"] = "s1"
    # JSON joins an escaped pair into one character; an unpaired half (a broken UTF-16 tool) stays
    split = good(
        4,
        text="ab\ud83dcd",
        spans=[{"id": "s1", "start": 0, "end": 3, "label": "PERSON", "text": "ab\ud83d"}],
    )
    split.update(relations=[], id="split")
    schema_bad = good(5)
    schema_bad["spans"][3]["label"] = "CITY"
    schema_bad["spans"][2]["attrs"] = {"quote_kind": "shouted"}
    schema_bad["doc"] = {"sentiment": "ecstatic"}
    fmt_bad = good(6, status="finished", rev=-1)
    del fmt_bad["meta"]
    lines = [good(0), outside, "{not json", missing, dup, "[1, 2]", schema_bad, fmt_bad, good(7)]
    f = write(tmp_path / "bad.jsonl", lines)
    with open(f, "a", encoding="utf-8", errors="surrogatepass") as fh:
        fh.write(json.dumps(split) + "\n")  # ASCII escapes carry the lone surrogate
        fh.write('{"id": "torn", "te')
    code, out, err = run(capsys, "validate", str(f), "--schema", str(NEWS))
    assert code == 1
    got = out.splitlines()
    expect = [
        f"{f}:2: $.spans[0]: offsets 10-500 fall outside the text",
        f"{f}:3: $: not valid JSON",
        f"{f}:4: $.relations[2]: child 's99' is not a span of this record",
        f"{f}:5: $.spans[1]: duplicate span id 's1'",
        f"{f}:6: $: expected a JSON object, found list",
        f"{f}:7: $.spans[3]: label 'CITY' is not in schema news@1",
        f"{f}:7: $.spans[2]: 'shouted' is not a value of quote_kind",
        f"{f}:7: $.doc.sentiment: 'ecstatic' is not a value of sentiment",
        f'{f}:8: $: "meta" is a required property',
        f'{f}:8: $.status: "finished" is not one of todo, in_progress, done, skipped',
        f"{f}:8: $.rev: -1 is less than the minimum of 0",
        f"{f}:10: $.spans[0]: offsets 0-3 split a surrogate pair",
        f"{f}:11: $: incomplete last line",
    ]
    for e in expect:
        assert any(line.startswith(e) for line in got), f"missing {e!r} in\n{out}"
    assert not any(line.startswith((f"{f}:1:", f"{f}:9:")) for line in got)  # good lines say nothing
    assert sum(line.startswith(f"{f}:8: $.status") for line in got) == 1  # said once, not twice
    assert f"{len(got)} problem(s)" in err


def test_repeated_ids_are_fine_in_an_annotator_file_but_not_with_unique_ids(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = write(tmp_path / "alice.jsonl", [good(1, status="in_progress"), good(2), good(1, status="done")])
    code, out, err = run(capsys, "validate", str(f))
    assert code == 0 and "1 repeated id(s), later lines win" in err
    code, out, err = run(capsys, "validate", str(f), "--unique-ids")
    assert code == 1 and out.startswith(f"{f}:3: $.id: id '{good(1)['id']}' already used on line 1")


def test_validation_streams_the_file(tmp_path: Path) -> None:
    """Problems come out while the file is read: a line appended after the first one was reported is seen."""
    f = write(tmp_path / "big.jsonl", ["{bad"] + [good(i) for i in range(300)])
    stream = iter_problems(f)
    first = next(stream)
    assert first.line == 1
    with open(f, "a", encoding="utf-8") as fh:
        fh.write("{also bad\n")
    rest = list(stream)
    assert [p.line for p in rest] == [302]


def test_a_50mb_single_line_is_handled(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    big = good(0)
    big["text"] = big["text"] + " filler" * (50_000_000 // 7)
    f = write(tmp_path / "huge.jsonl", [big, "x" * 1_000_000])
    code, out, err = run(capsys, "validate", str(f))
    assert code == 1
    assert out.splitlines() == [f"{f}:2: $: not valid JSON (Expecting value: line 1 column 1 (char 0))"]
    assert len(out) < 500  # never echo a huge line back


@pytest.mark.parametrize(
    "content, code, needle",
    [
        (b"", 0, "the file is empty"),
        (b"\x00\xff\xfe binary \x89PNG\r\n\x1a\n", 1, ":1: $: not valid JSON"),
    ],
)
def test_empty_and_binary_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, code: int, needle: str
) -> None:
    f = tmp_path / "x.jsonl"
    f.write_bytes(content)
    got, out, err = run(capsys, "validate", str(f))
    assert got == code and needle in out + err


def test_json_file_of_records_reports_element_paths(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = good(1)
    bad["spans"][0]["start"] = -4
    f = tmp_path / "records.json"
    f.write_text(json.dumps([good(0), bad]), "utf-8")
    code, out, _ = run(capsys, "validate", str(f))
    assert code == 1
    assert f"{f}: $[1].spans[0].start: -4 is less than the minimum of 0" in out


# --- validate: annotation schemas -------------------------------------------------------------


def test_the_news_schema_validates(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "validate", str(NEWS))
    assert code == 0 and out == "" and "annotation schema: valid" in err


def bad_schema(tmp_path: Path) -> Path:
    d = json.loads(NEWS.read_text("utf-8"))
    d["version"] = "one"
    d["span_labels"][0]["color"] = "orange"
    d["span_labels"][3]["attributes"] = ["mood"]
    d["relation_types"][1]["child"] = ["VERB"]
    d["overlap"] = "often"
    p = tmp_path / "bad-schema.json"
    p.write_text(json.dumps(d, indent=2), "utf-8")
    return p


SCHEMA_PATHS = [
    "$.version",
    "$.span_labels[0].color",
    "$.span_labels[3].attributes[0]",
    "$.relation_types[1].child[0]",
    "$.overlap",
]


def test_a_bad_schema_file_reports_every_problem_with_its_json_path(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    p = bad_schema(tmp_path)
    code, out, err = run(capsys, "validate", str(p))
    assert code == 1
    paths = [line.split(": ")[1] for line in out.splitlines()]
    assert sorted(paths) == sorted(SCHEMA_PATHS), out
    assert all(line.startswith(f"{p}: $") for line in out.splitlines())
    assert "5 problem(s)" in err


def test_a_bad_schema_given_with_schema_is_reported_and_records_not_checked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = write(tmp_path / "c.jsonl", [good(0)])
    p = bad_schema(tmp_path)
    code, out, err = run(capsys, "validate", str(f), "--schema", str(p))
    assert code == 1
    assert sorted(line.split(": ")[1] for line in out.splitlines()) == sorted(SCHEMA_PATHS)
    assert "records not checked" in err


def test_user_mistakes_exit_non_zero_without_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The first through the real entry point (``python -m workbench``: exit code and stderr of a
    # process); the others through the same ``main`` in this process, where a traceback would raise.
    first, *others = (
        ["validate", str(tmp_path / "nope.jsonl")],
        ["validate", str(tmp_path)],
        ["validate", str(NEWS), "--schema", str(tmp_path / "nope.json")],
        ["stats", str(tmp_path / "nope.jsonl")],
    )
    r = subprocess.run([sys.executable, "-m", "workbench", *first], capture_output=True, text=True, cwd=REPO)
    assert r.returncode == 2, (first, r.stdout, r.stderr)
    assert "Traceback" not in r.stderr and r.stderr.startswith(f"workbench {first[0]}: ")
    for argv in others:
        code, out, err = run(capsys, *argv)
        assert code == 2, (argv, out, err)
        assert "Traceback" not in err and err.startswith(f"workbench {argv[0]}: ")


# --- stats and the index ----------------------------------------------------------------------


def corpus(tmp_path: Path) -> Path:
    a = good(1, status="in_progress")
    b = good(2, status="todo", doc={}, relations=[], spans=[])
    a_later = good(1, status="done")
    a_later["spans"].append({"id": "s5", "start": 52, "end": 54, "label": "MENTION", "text": "He"})
    c = good(3, status="skipped", annotator="bob", doc={"sentiment": "negative"})
    c["rejected"] = [
        {"id": "s9", "start": 0, "end": 9, "label": "ORG", "text": "President", "origin": "model:x@1"}
    ]
    return write(tmp_path / "corpus.jsonl", [a, b, "{oops", a_later, c, '{"id": "no text"}'])


def test_stats_json_counts_later_lines_only(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = corpus(tmp_path)
    code, out, err = run(capsys, "stats", str(f), "--json")
    assert code == 1  # the figures, and a non-zero exit: two lines are not records
    d = json.loads(out)
    assert d["documents"] == 3 and d["lines"] == 6 and d["repeated_ids"] == 1
    assert d["statuses"] == {"done": 1, "todo": 1, "skipped": 1}
    assert d["spans_per_label"] == {"PERSON": 2, "CUE": 2, "QUOTE": 2, "GPE": 2, "MENTION": 1}
    assert d["spans"] == 9
    assert d["relations_per_type"] == {"SPEAKER": 2, "CUE": 2}
    assert d["doc_fields"] == {
        "sentiment": {"neutral": 1, "negative": 1},
        "topics": {"politics": 1, "conflict": 1},
    }
    assert d["reviews"] == {"accepted": 2, "pending": 2}
    assert d["rejected"] == 1
    assert d["annotators"] == {"alice": 2, "bob": 1}
    assert [b["line"] for b in d["bad_lines"]] == [3, 6]
    assert f"{f}:3: not valid JSON" in err and f"{f}:6: not a record (needs a 'text' string)" in err


def test_stats_table_is_readable(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "stats", str(corpus(tmp_path)))
    assert code == 1
    for needle in (
        "documents",
        "status",
        "done",
        "span label",
        "PERSON",
        "relation type",
        "SPEAKER",
        "doc.topics",
    ):
        assert needle in out
    assert "bad lines" in out


def test_index_keeps_no_texts_and_reads_records_back_by_offset(tmp_path: Path) -> None:
    f = corpus(tmp_path)
    index = index_corpus(f)
    assert index.ids() == [
        good(2)["id"],
        good(1)["id"],
        good(3)["id"],
    ]  # a later line moves an id to its place
    assert index.statuses()[good(1)["id"]] == "done"
    for entry in index:
        values = [getattr(entry, name) for name in entry.__slots__]
        assert not any(isinstance(v, str) and len(v) > 64 for v in values)  # no text kept
        back = index.read(entry.id)
        assert back["id"] == entry.id and back["status"] == entry.status and len(back["text"]) == entry.chars
    assert index.read(good(1)["id"])["status"] == "done"
    assert [e.line for e in index.errors] == [3, 6]


def test_stats_refuses_what_is_not_a_corpus_and_keeps_long_error_lists_short(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    notes = tmp_path / "notes.md"
    notes.write_text("# Notes\n\n" + "".join(f"line {i} of prose\n" for i in range(40)), "utf-8")
    code, out, err = run(capsys, "stats", str(notes))
    assert code == 2 and not out and "no records here: 41 line(s)" in err and "line 1:" in err
    assert "Traceback" not in err
    blob = tmp_path / "photo.jsonl"
    blob.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    code, out, err = run(capsys, "stats", str(blob))
    assert code == 2 and "binary file" in err
    mixed = tmp_path / "mixed.jsonl"
    mixed.write_text(dumps(good(1)) + "\n" + "not json\n" * 25, "utf-8")
    code, out, err = run(capsys, "stats", str(mixed))
    assert code == 1 and "documents" in out
    assert err.count("not valid JSON") == 10 and "... and 15 more bad line(s)" in err


def test_index_of_an_empty_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "e.jsonl"
    f.write_bytes(b"")
    assert len(index_corpus(f)) == 0
    code, out, _ = run(capsys, "stats", str(f), "--json")
    assert code == 0 and json.loads(out)["documents"] == 0


JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-3, 90)
    | st.text(max_size=6)
    | st.sampled_from(["s1", "PERSON", "done"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=10,
)
SPANISH = st.fixed_dictionaries(
    {"id": st.sampled_from(["s1", "s2"]) | JSON, "label": st.sampled_from(["PERSON", "QUOTE", "X"]) | JSON},
    optional={
        "start": st.integers(-1, 90) | JSON,
        "end": st.integers(0, 90) | JSON,
        "attrs": JSON,
        "text": JSON,
    },
)
RECORDISH = st.fixed_dictionaries(
    {"text": st.just(TEXT) | st.text(max_size=10)},
    optional={
        "id": JSON,
        "spans": st.lists(SPANISH | JSON, max_size=3) | JSON,
        "relations": st.lists(
            st.fixed_dictionaries(
                {"id": JSON, "head": st.just("s1") | JSON, "child": st.just("s2") | JSON, "label": JSON}
            )
            | JSON,
            max_size=2,
        ),
        "doc": st.dictionaries(st.sampled_from(["sentiment", "topics", "x"]), JSON, max_size=2) | JSON,
        "status": JSON,
        "schema": JSON,
    },
)


NEWS_SCHEMA = load_schema(NEWS)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(RECORDISH)
def test_validation_never_crashes_on_any_record_shape(d: dict[str, Any]) -> None:
    """A hand-edited line of any shape yields problems (each with a JSON path), never a traceback."""
    problems = record_dict_problems(d, NEWS_SCHEMA)
    assert all(path.startswith("$") and msg for path, msg in problems)
