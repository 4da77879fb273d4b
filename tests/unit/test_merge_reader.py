"""The aligned reader: files in any order, later lines win, the fast record check never lets a bad one by."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.core.record import structural_problems
from workbench.io.annotator_files import _looks_sound, iter_bundles, open_annotator_files

TEXT = "Putin said Russia would win 🎉. Biden disagreed."
ODD = st.sampled_from([None, 0, 1.5, [], ["a"], {}, {"sentiment": "negative"}, "", "s0"])


@st.composite
def records(draw: st.DrawFn) -> dict:
    """Mostly sound records, each with at most one thing wrong, so both checks get exercised."""
    n = len(TEXT)
    spans = []
    for i in range(draw(st.integers(0, 5))):
        start = draw(st.integers(0, n - 1))
        end = draw(st.integers(start + 1, n))
        span = {"id": f"s{i}", "start": start, "end": end, "label": "PERSON"}
        if draw(st.booleans()):
            span["text"] = TEXT[start:end]
        if draw(st.booleans()):
            span["attrs"] = {"sentiment": "negative"}
        spans.append(span)
    rels = [
        {
            "id": f"r{j}",
            "head": draw(st.sampled_from([s["id"] for s in spans])),
            "child": spans[0]["id"],
            "label": "SPEAKER",
        }
        for j in range(draw(st.integers(0, 2)) if spans else 0)
    ]
    d = {"id": "a", "text": TEXT, "spans": spans, "relations": rels, "status": "done"}
    flaw = draw(st.integers(0, 9))
    if flaw == 1 and spans:  # offsets out of range, reversed or not integers
        span = draw(st.sampled_from(spans))
        span[draw(st.sampled_from(["start", "end"]))] = draw(st.sampled_from([-1, n + 1, 0, 1.0, "3", None]))
    elif flaw == 2 and spans:  # a field of the wrong type, or null where a string goes
        draw(st.sampled_from(spans))[draw(st.sampled_from(["id", "label", "attrs", "text"]))] = draw(ODD)
    elif flaw == 3 and rels:
        draw(st.sampled_from(rels))[draw(st.sampled_from(["id", "head", "child", "label", "attrs"]))] = draw(
            ODD
        )
    elif flaw == 4 and len(spans) > 1:  # a duplicate id
        spans[1]["id"] = spans[0]["id"]
    elif flaw == 5 and len(rels) > 1:
        rels[1]["id"] = rels[0]["id"]
    elif flaw == 6:
        d["status"] = draw(st.sampled_from(["finished", 3, None]))
    elif flaw == 7 and spans:
        draw(st.sampled_from(spans))["text"] = "x"
    elif flaw == 8 and spans:
        del draw(st.sampled_from(spans))[draw(st.sampled_from(["id", "start", "end", "label"]))]
    return d


@settings(max_examples=200, deadline=None)
@given(records())
def test_the_fast_check_passes_only_records_the_full_check_passes(d: dict) -> None:
    # Never lets a bad record by, and takes every sound one of these (so the fast path is the usual one).
    assert _looks_sound(d) == (structural_problems(d) == [])


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
