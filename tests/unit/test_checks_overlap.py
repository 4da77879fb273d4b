"""The one-pass overlap check of whole records flags exactly the spans a pairwise check does."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.core.checks import record_problems, span_problems
from workbench.core.record import Record, Span
from workbench.core.schema import default_schema

SCHEMA = default_schema()  # overlap "nested" between spans of the same kind
TEXT = "x" * 60


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 58), st.integers(1, 12), st.sampled_from(["PERSON", "ORG", "QUOTE", "CUE"])),
        max_size=12,
    )
)
def test_sweep_matches_pairwise(raw: list[tuple[int, int, str]]) -> None:
    rec = Record.new(TEXT)
    for i, (start, length, label) in enumerate(raw):
        end = min(start + length, len(TEXT))
        rec.spans[f"s{i}"] = Span(f"s{i}", start, end, label)
    pairwise = {
        s.id for s in rec.spans.values() if any("overlap" in p for p in span_problems(SCHEMA, rec, s))
    }
    swept = {p.split(":")[0].removeprefix("span ") for p in record_problems(SCHEMA, rec) if "overlap" in p}
    assert swept == pairwise


def test_a_crossing_pair_is_reported_once_per_span() -> None:
    rec = Record.new("Ann Lee of Acme Corp spoke.")
    rec.spans = {"a": Span("a", 0, 7, "PERSON"), "b": Span("b", 4, 15, "ORG")}
    problems = record_problems(SCHEMA, rec)
    assert len(problems) == 2 and all("overlap" in p for p in problems)
    rec.spans["b"] = Span("b", 11, 20, "ORG")
    assert record_problems(SCHEMA, rec) == []
