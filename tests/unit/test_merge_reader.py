"""The aligned reader: files in any order, later lines win, the fast record check never lets a bad one by."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.core.record import structural_problems
from workbench.io.annotator_files import _looks_sound, iter_bundles, open_annotator_files

TEXT = "Putin said Russia would win 🎉. Biden disagreed."


@st.composite
def records(draw: st.DrawFn) -> dict:
    n = len(TEXT)
    spans = []
    for i in range(draw(st.integers(0, 5))):
        start = draw(st.integers(-2, n + 2))
        end = draw(st.integers(-2, n + 2))
        sid = draw(st.sampled_from([f"s{i}", "s0"]))
        span = {"id": sid, "start": start, "end": end, "label": "PERSON"}
        if draw(st.booleans()):
            span["text"] = TEXT[max(start, 0) : max(end, 0)] if draw(st.booleans()) else "x"
        if draw(st.booleans()):
            span["start"] = float(start) if draw(st.booleans()) else str(start)
        spans.append(span)
    rels = [
        {"id": f"r{j}", "head": draw(st.sampled_from(["s0", "s1", "s9"])), "child": "s0", "label": "SPEAKER"}
        for j in range(draw(st.integers(0, 2)))
    ]
    status = draw(st.sampled_from([None, "done", "todo", "finished"]))
    return {"id": "a", "text": TEXT, "spans": spans, "relations": rels, "status": status}


@settings(max_examples=200, deadline=None)
@given(records())
def test_the_fast_check_passes_only_records_the_full_check_passes(d: dict) -> None:
    if _looks_sound(d):
        assert structural_problems(d) == []


def test_files_in_different_orders_align_and_the_later_line_wins(tmp_path: Path) -> None:
    def line(ann: str, rid: str, rev: int) -> str:
        return json.dumps(
            {"id": rid, "text": f"text {rid}", "annotator": ann, "schema": "news@1", "rev": rev}
        )

    (tmp_path / "a.jsonl").write_text(
        "\n".join([line("a", "x", 1), line("a", "y", 1), line("a", "x", 2)]) + "\n"
    )
    (tmp_path / "b.jsonl").write_text(
        "\n".join([line("b", "y", 1), line("b", "z", 1), line("b", "x", 1)]) + "\n"
    )
    files = open_annotator_files([tmp_path / "a.jsonl", tmp_path / "b.jsonl"])
    bundles = list(iter_bundles(files))
    assert [b.id for b in bundles] == ["y", "x", "z"]
    by_id = {b.id: b for b in bundles}
    assert by_id["x"].versions["a"]["rev"] == 2 and by_id["x"].where["a"][1] == 3
    assert set(by_id["z"].versions) == {"b"}
