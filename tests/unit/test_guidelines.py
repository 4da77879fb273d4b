"""Guidelines in the schema: the example notation, the entries by kind, and every bad one reported
with its JSON path."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import news_without_guidelines, news_without_label
from workbench.core.guidelines import ExampleError, Guideline, Mark, parse_example
from workbench.core.paths import schemas_dir
from workbench.core.schema import SchemaError, default_schema, parse_schema, schema_problems

NEWS = json.loads((schemas_dir() / "news.json").read_text("utf-8"))


def news(**changes: Any) -> dict[str, Any]:
    d = copy.deepcopy(NEWS)
    d.update(changes)
    return d


def test_marks_come_out_as_ranges_of_the_plain_text() -> None:
    ex = parse_example("“We will win,” [[said|CUE]] [[the mayor]]. A | stays.")
    assert ex.text == "“We will win,” said the mayor. A | stays."
    assert ex.marks == (Mark(15, 19, "CUE"), Mark(20, 29, None))
    assert ex.text[15:19] == "said" and ex.text[20:29] == "the mayor"


def test_marks_nest_and_the_outer_one_comes_first() -> None:
    ex = parse_example("[[“Let [[Hungary|GPE]] decide,”|QUOTE]] he said")
    assert ex.text == "“Let Hungary decide,” he said"
    assert ex.marks == (Mark(0, 21, "QUOTE"), Mark(5, 12, "GPE"))


@pytest.mark.parametrize(
    ("source", "offset"),
    [("a [[b", 2), ("a ]] b", 2), ("[[]] x", 0), ("[[a [[b]]", 0), ("x [[|GPE]]", 2)],
)
def test_a_marker_that_does_not_pair_up_is_an_error_with_its_place(source: str, offset: int) -> None:
    with pytest.raises(ExampleError) as e:
        parse_example(source)
    assert e.value.offset == offset


@given(st.lists(st.tuples(st.text(st.characters(blacklist_characters="[]|")), st.booleans()), max_size=6))
def test_plain_text_with_marks_round_trips(parts: list[tuple[str, bool]]) -> None:
    source = "".join(f"[[{t}]]" if marked and t else t for t, marked in parts)
    ex = parse_example(source)
    assert ex.text == "".join(t for t, _ in parts)
    assert [ex.text[m.start : m.end] for m in ex.marks] == [t for t, marked in parts if marked and t]


def test_the_shipped_news_schema_has_an_entry_for_what_annotators_decide() -> None:
    s = default_schema()
    assert s.guidelines.strip() and s.has_guidelines
    for kind, name in [
        ("label", "QUOTE"),
        ("label", "CUE"),
        ("label", "MENTION"),
        ("label", "PERSON"),
        ("relation", "SPEAKER"),
        ("relation", "CUE"),
        ("relation", "REFERS_TO"),
        ("attribute", "quote_kind"),
        ("attribute", "sentiment"),
        ("field", "sentiment"),
    ]:
        g = s.guideline_for(kind, name)  # type: ignore[arg-type]
        assert isinstance(g, Guideline) and g.definition and g.positive and g.negative, (kind, name)
        for source in g.positive + g.negative:
            parse_example(source)
    # the label CUE and the relation CUE are different entries
    assert s.guideline_for("label", "CUE") != s.guideline_for("relation", "CUE")
    assert s.guideline_for("label", "NOPE") is None


def test_a_schema_without_guidelines_has_none() -> None:
    s = parse_schema(news_without_guidelines())
    assert s.guidelines == "" and not s.has_guidelines
    assert s.guideline_for("label", "QUOTE") is None


def test_every_bad_guideline_is_reported_with_its_path() -> None:
    d = news(guidelines=7)
    d["span_labels"][7]["guideline"] = {
        "definition": "Said or written.",
        "positive": ["a [[b]] c", "[[open", "marks nothing"],
        "negative": ["x]]", "nothing marked is fine", "[[x|NOPE]]"],
    }
    d["span_labels"][8]["guideline"] = {"definition": "", "extra": 1}
    d["attributes"]["quote_kind"]["guideline"] = {"definition": "k", "positive": ["[[a|direct]]", "a [[]] b"]}
    problems = dict(schema_problems(d))
    assert set(problems) == {
        "$.guidelines",
        "$.span_labels[7].guideline.positive[1]",
        "$.span_labels[7].guideline.positive[2]",
        "$.span_labels[7].guideline.negative[0]",
        "$.span_labels[8].guideline",
        "$.span_labels[8].guideline.definition",
        "$.attributes.quote_kind.guideline.positive[1]",
    }
    assert "never closed" in problems["$.span_labels[7].guideline.positive[1]"]
    assert "marks nothing" in problems["$.span_labels[7].guideline.positive[2]"]
    with pytest.raises(SchemaError) as e:
        parse_schema(d, "bad.json")
    assert "$.attributes.quote_kind.guideline.positive[1]" in str(e.value)


def test_a_tag_naming_nothing_declared_is_a_note_not_a_problem() -> None:
    """Removing ORG mid-project must not be blocked by the SPEAKER example that marks an ORG; the
    lead is told which examples to rewrite."""
    d = news_without_label("ORG")
    d["attributes"]["quote_kind"]["guideline"]["positive"].append("[[a|dirct]] and [[b|dirct]] [[c|GPE]]")
    assert schema_problems(d) == []
    notes = parse_schema(d).guideline_notes()
    paths = [p for p, _ in notes]
    assert "$.relation_types[0].guideline.positive[2]" in paths  # [[The ministry|ORG]] said …
    assert paths.count("$.attributes.quote_kind.guideline.positive[4]") == 1  # each tag once
    messages = dict(notes)
    assert "'ORG' is not a declared span label" in messages["$.relation_types[0].guideline.positive[2]"]
    assert (
        "'dirct' is not a declared span label or a value of quote_kind"
        in messages["$.attributes.quote_kind.guideline.positive[4]"]
    )
    assert default_schema().guideline_notes() == []
