"""Merge and agreement on hostile input (issue 16): one bad record is reported with file and line and
left out, the rest is processed; a byte order mark does not cost line 1."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from workbench.app.agreement import agreement_over
from workbench.app.inputs import open_inputs
from workbench.app.merge import merge_files, parse_policy
from workbench.core.schema import default_schema

TEXT = "Putin said Russia would win. Biden disagreed."


def _record(ann: str, rid: str) -> dict:
    return {
        "id": rid,
        "text": TEXT,
        "meta": {"title": f"story {rid}"},
        "spans": [
            {"id": "s1", "start": 0, "end": 5, "label": "PERSON", "attrs": {"sentiment": "negative"}},
            {"id": "s2", "start": 11, "end": 17, "label": "GPE"},
        ],
        "relations": [],
        "doc": {"sentiment": "neutral"},
        "annotator": ann,
        "schema": "news@1",
        "status": "done",
        "rev": 2,
    }


def _set(key: str, value: object) -> Callable[[dict], None]:
    return lambda d: d.__setitem__(key, value)


def _attr(value: object) -> Callable[[dict], None]:
    return lambda d: d["spans"][0].__setitem__("attrs", {"sentiment": value})


BAD_RECORDS = {
    "meta a list": (_set("meta", ["x"]), "meta must be an object"),
    "doc a list": (_set("doc", ["x"]), "doc must be an object"),
    "rev a string": (_set("rev", "3"), "rev must be a whole number"),
    "rev negative": (_set("rev", -1), "rev must be a whole number"),
    "attrs not an object": (lambda d: d["spans"][0].__setitem__("attrs", [1]), "attrs must be an object"),
}


def _write(path: Path, records: list[dict], raw: dict[int, str] | None = None, bom: bool = False) -> Path:
    lines = [json.dumps(r, ensure_ascii=False) for r in records]
    for i, line in (raw or {}).items():
        lines[i] = line
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + ("\n".join(lines) + "\n").encode())
    return path


def _inputs(
    tmp_path: Path, spoil: Callable[[dict], None] | None = None, raw: str | None = None
) -> list[Path]:
    """Three annotators, three articles; alice's line 2 spoiled (as a dict, or a raw line)."""
    paths = []
    for ann in ("alice", "bob", "carol"):
        recs = [_record(ann, f"a{i}") for i in range(3)]
        line2: dict[int, str] = {}
        if ann == "alice":
            if spoil is not None:
                spoil(recs[1])
            if raw is not None:
                line2[1] = raw
        paths.append(_write(tmp_path / f"{ann}.jsonl", recs, line2))
    return paths


def _merge(paths: list[Path], out: Path) -> tuple[list[str], list[dict]]:
    files = open_inputs(paths, None)
    summary = merge_files(files, out, parse_policy("majority"), default_schema(), jobs=1)
    return summary.problems, [json.loads(line) for line in out.read_text("utf-8").splitlines()]


@pytest.mark.parametrize("case", sorted(BAD_RECORDS))
def test_a_malformed_record_is_named_and_left_out_and_the_rest_merged(tmp_path: Path, case: str) -> None:
    spoil, message = BAD_RECORDS[case]
    paths = _inputs(tmp_path, spoil)
    problems, merged = _merge(paths, tmp_path / "merged.jsonl")
    assert len(problems) == 1 and problems[0].startswith(f"{paths[0]}:2: ") and message in problems[0]
    assert [m["id"] for m in merged] == ["a0", "a1", "a2"]
    assert [m["merge"]["present"] for m in merged] == [["alice", "bob", "carol"], ["bob", "carol"]] + [
        ["alice", "bob", "carol"]
    ]
    for jobs in (1, 2):
        report = agreement_over(paths, None, None, [], jobs=jobs)
        assert len(report.problems) == 1 and report.problems[0].startswith(f"{paths[0]}:2: ")
        assert report.documents == 3


def test_nan_rev_is_reported_as_a_bad_rev_not_a_parse_error(tmp_path: Path) -> None:
    line = json.dumps(_record("alice", "a1")).replace('"rev": 2', '"rev": NaN')
    paths = _inputs(tmp_path, raw=line)
    problems, merged = _merge(paths, tmp_path / "merged.jsonl")
    assert problems == [f"{paths[0]}:2: rev must be a whole number >= 0, found nan; left out"]
    assert len(merged) == 3


@pytest.mark.parametrize("value", [5, 1.5, ["a"], {"a": 1}, True, None])
def test_attribute_and_field_values_of_any_type_merge_and_measure(tmp_path: Path, value: object) -> None:
    def spoil(d: dict) -> None:
        _attr(value)(d)
        d["doc"] = {"sentiment": value}

    paths = _inputs(tmp_path, spoil)
    problems, merged = _merge(paths, tmp_path / "merged.jsonl")
    assert problems == [] and len(merged) == 3
    report = agreement_over(paths, None, None, [], jobs=1)
    assert report.problems == [] and report.documents == 3


def test_a_title_that_is_no_string_is_shown_as_text(tmp_path: Path) -> None:
    paths = _inputs(tmp_path, lambda d: d["meta"].__setitem__("title", ["x", 1]))
    report = agreement_over(paths, None, None, [], jobs=1)
    assert {d["title"] for d in report.per_document} == {"story a0", "['x', 1]", "story a2"}


def test_a_byte_order_mark_does_not_cost_line_one(tmp_path: Path) -> None:
    paths = [
        _write(tmp_path / f"{ann}.jsonl", [_record(ann, f"a{i}") for i in range(3)], bom=True)
        for ann in ("alice", "bob")
    ]
    problems, merged = _merge(paths, tmp_path / "merged.jsonl")
    assert problems == [] and [m["id"] for m in merged] == ["a0", "a1", "a2"]
    assert all(m["merge"]["present"] == ["alice", "bob"] for m in merged)
    report = agreement_over(paths, None, None, [], jobs=1)
    assert report.problems == [] and report.documents == 3


def test_a_merged_file_with_a_spoiled_version_or_meta_leaves_that_article_out(tmp_path: Path) -> None:
    paths = _inputs(tmp_path)
    out = tmp_path / "merged.jsonl"
    _merge(paths, out)
    lines = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    lines[0]["versions"]["bob"]["doc"] = ["x"]
    lines[2]["meta"] = ["x"]
    out.write_text("".join(json.dumps(d) + "\n" for d in lines), "utf-8")
    report = agreement_over([out], None, None, [])
    assert report.documents == 1
    assert [p.split(": ", 1)[0] for p in report.problems] == [f"{out}:1", f"{out}:3"]
    assert "version of bob: doc must be an object" in report.problems[0]


@pytest.mark.parametrize("rid", [5, None, "", ["a1"]])
def test_a_merged_record_without_a_string_id_is_left_out_not_a_crash(tmp_path: Path, rid: object) -> None:
    paths = _inputs(tmp_path)
    out = tmp_path / "merged.jsonl"
    _merge(paths, out)
    lines = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    lines[0]["id"] = rid
    out.write_text("".join(json.dumps(d) + "\n" for d in lines), "utf-8")
    report = agreement_over([out], None, None, [])
    assert report.documents == len(lines) - 1
    assert [p.split(": ", 1)[0] for p in report.problems] == [f"{out}:1"]
    assert "merged record has no 'id' string" in report.problems[0]


@pytest.mark.parametrize(
    "spoil",
    [
        ("items", "abc"),
        ("items", [[], 5]),
        ("items", {"a": 1}),
        ("annotators", [1.5, "alice", "bob"]),
        ("annotators", "alice"),
    ],
)
def test_a_hand_edited_merged_record_is_named_compiled_or_not(tmp_path: Path, spoil: tuple) -> None:
    """Compiled, an annotation is enforced (decision 0027): a spoiled field must be named, not raise."""
    paths = _inputs(tmp_path)
    out = tmp_path / "merged.jsonl"
    _merge(paths, out)
    lines = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    key, value = spoil
    if key == "items":
        lines[0]["items"] = value
    else:
        lines[0]["merge"]["annotators"] = value
    out.write_text("".join(json.dumps(d) + "\n" for d in lines), "utf-8")
    report = agreement_over([out], None, None, [])
    # spoiled items are made again from the versions; without its annotators the article is left out
    assert report.documents == len(lines) - (key == "annotators")
    assert [p.split(": ", 1)[0] for p in report.problems] == [f"{out}:1"]
    assert report.annotators == ["alice", "bob", "carol"]


def test_a_lone_surrogate_in_one_annotators_text_is_a_text_difference_not_a_crash(tmp_path: Path) -> None:
    line = json.dumps(_record("alice", "a1")).replace("Russia", "Ru\\ud800sia")
    paths = _inputs(tmp_path, raw=line)
    problems, merged = _merge(paths, tmp_path / "merged.jsonl")
    assert problems == [] and merged[1]["merge"]["status"] == "text_differs"
    assert sorted(t["length"] for t in merged[1]["merge"]["texts"]) == [len(TEXT), len(TEXT)]
    report = agreement_over(paths, None, None, [], jobs=1)
    assert report.skipped == ["a1: the annotators' texts differ"]


def test_a_lone_surrogate_everyone_has_is_merged_and_read_back(tmp_path: Path) -> None:
    paths = []
    for ann in ("alice", "bob"):
        d = _record(ann, "a0")
        d["spans"].append(
            {"id": "s3", "start": 10, "end": 17, "label": "GPE"}
        )  # its text holds the surrogate
        line = json.dumps(d).replace("Russia", "Ru\\ud800sia")
        paths.append(_write(tmp_path / f"{ann}.jsonl", [], {}))
        paths[-1].write_text(line + "\n", "ascii")
    problems, merged = _merge(paths, tmp_path / "merged.jsonl")
    assert problems == [] and merged[0]["merge"]["status"] == "merged" and "\ud800" in merged[0]["text"]
    report = agreement_over([tmp_path / "merged.jsonl"], None, None, [], jobs=1)
    assert report.problems == [] and report.documents == 1
