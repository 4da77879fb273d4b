"""Offsets are code points, end exclusive, whatever the text holds (emoji, astral letters, CJK).

Property tests: any span drawn over any such text serialises, reloads and still
covers the same characters; offsets that split a surrogate pair (a text holding
UTF-16 halves, or offsets counted in UTF-16 units) are refused on load and as edits.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.core.document import Document, EditRefused
from workbench.core.edits import AddSpan, EditError, ResizeSpan
from workbench.core.record import Record, RecordError, Span, offset_problems, structural_problems
from workbench.core.schema import default_schema
from workbench.io.jsonl import dumps
from workbench.io.validate import record_dict_problems

ASTRAL = ["😀", "👍🏽", "🇧🇾", "𝔘", "𠜎", "🧑‍🤝‍🧑"]
TEXTS = st.lists(
    st.one_of(
        st.sampled_from(ASTRAL),
        st.text(st.characters(exclude_categories=["Cs"]), min_size=1, max_size=8),
        st.sampled_from([" ", "\n", "Minsk", "“Quote”", "é", "ß"]),
    ),
    min_size=1,
    max_size=30,
).map("".join)


@st.composite
def text_and_spans(draw: st.DrawFn) -> tuple[str, list[tuple[int, int]]]:
    text = draw(TEXTS)
    spans = []
    for _ in range(draw(st.integers(1, 6))):
        start = draw(st.integers(0, len(text) - 1))
        end = draw(st.integers(start + 1, len(text)))
        spans.append((start, end))
    return text, spans


@settings(max_examples=200, deadline=None)
@given(text_and_spans())
def test_offsets_round_trip_through_a_json_line(case: tuple[str, list[tuple[int, int]]]) -> None:
    text, offsets = case
    rec = Record.new(text)
    for i, (start, end) in enumerate(offsets, 1):
        rec.spans[f"s{i}"] = Span(f"s{i}", start, end, "PERSON")
    line = dumps(rec.to_dict())
    assert line.encode("utf-8").decode("utf-8") == line  # no lone surrogates written
    data = json.loads(line)
    assert structural_problems(data) == []
    assert record_dict_problems(data) == []
    back = Record.from_dict(data)
    for i, (start, end) in enumerate(offsets, 1):
        span = back.spans[f"s{i}"]
        assert (span.start, span.end) == (start, end)
        assert back.span_text(span) == text[start:end]
        assert data["spans"][[s["id"] for s in data["spans"]].index(f"s{i}")]["text"] == text[start:end]


@settings(max_examples=100, deadline=None)
@given(TEXTS, st.sampled_from(ASTRAL), st.integers(0, 5))
def test_an_astral_character_is_one_offset(prefix: str, char: str, pad: int) -> None:
    """A span over an emoji covers exactly len(emoji) code points, never half of one."""
    text = prefix + char + " " * pad
    start = len(prefix)
    rec = Record.new(text)
    rec.spans["s1"] = Span("s1", start, start + len(char), "PERSON")
    assert Record.from_dict(json.loads(dumps(rec.to_dict()))).span_text(rec.spans["s1"]) == char


@settings(max_examples=100, deadline=None)
@given(TEXTS)
def test_utf16_counted_offsets_are_caught_by_the_span_text_check(prefix: str) -> None:
    """A tool that counts UTF-16 units (JavaScript, Qt) lands on other characters; the stored text says so."""
    text = prefix + "😀 Lukashenko said"
    start_cp = text.index("Lukashenko")
    start_u16 = len(text[:start_cp].encode("utf-16-le")) // 2
    assert start_u16 > start_cp
    d = Record.new(text).to_dict()
    d["spans"] = [
        {"id": "s1", "start": start_u16, "end": start_u16 + 10, "label": "PERSON", "text": "Lukashenko"}
    ]
    problems = structural_problems(d)
    assert problems and ("does not match" in problems[0] or "outside the text" in problems[0])
    with pytest.raises(RecordError):
        Record.from_dict(d)


# A text that carries UTF-16 halves as separate code points (decoded with surrogatepass, or built by
# a tool that did): an offset between the halves would cut a character in two.
SPLIT_TEXT = "ab" + "\ud83d\ude00" + "cd"


@pytest.mark.parametrize("start, end", [(0, 3), (3, 6), (3, 4), (2, 3)])
def test_offsets_splitting_a_surrogate_pair_are_refused_on_load(start: int, end: int) -> None:
    problems = offset_problems(SPLIT_TEXT, start, end, "spans[0]")
    assert problems == [f"spans[0]: offsets {start}-{end} split a surrogate pair"]
    d = {
        "id": "x",
        "text": SPLIT_TEXT,
        "spans": [{"id": "s1", "start": start, "end": end, "label": "PERSON"}],
    }
    with pytest.raises(RecordError, match="split a surrogate pair"):
        Record.from_dict(d)


def test_an_edge_on_any_surrogate_half_is_refused_conservatively() -> None:
    # start on the high half, end after the low half: the span edge lands on a surrogate code point
    assert offset_problems(SPLIT_TEXT, 2, 4, "s") == ["s: offsets 2-4 split a surrogate pair"]
    assert offset_problems(SPLIT_TEXT, 0, 2, "s") == []
    assert offset_problems(SPLIT_TEXT, 4, 6, "s") == []


@pytest.mark.parametrize("edit", [AddSpan(Span("s1", 3, 5, "PERSON")), AddSpan(Span("s1", 0, 3, "PERSON"))])
def test_edits_splitting_a_surrogate_pair_are_refused(edit: AddSpan) -> None:
    rec = Record.new(SPLIT_TEXT)
    with pytest.raises(EditError, match="surrogate"):
        edit.apply(rec)
    assert rec.spans == {}
    doc = Document(rec, default_schema())
    with pytest.raises(EditRefused, match="surrogate"):
        doc.apply(edit)


def test_resize_onto_a_surrogate_half_is_refused() -> None:
    rec = Record.new(SPLIT_TEXT)
    rec.spans["s1"] = Span("s1", 0, 2, "PERSON")
    doc = Document(rec, default_schema())
    with pytest.raises(EditRefused, match="surrogate"):
        doc.apply(ResizeSpan("s1", 0, 3))
    assert rec.spans["s1"].end == 2


@settings(max_examples=100, deadline=None)
@given(TEXTS, st.integers(-3, 3), st.integers(0, 4))
def test_out_of_range_offsets_are_always_refused(text: str, before: int, after: int) -> None:
    for start, end in [
        (-1 - after, 1),
        (0, len(text) + 1 + after),
        (len(text), len(text)),
        (2 + before, 2 + before),
    ]:
        assert offset_problems(text, start, end, "s"), (start, end)
        with pytest.raises(EditError):
            AddSpan(Span("s1", start, end, "PERSON")).apply(Record.new(text))
