"""ours -> X -> ours is identical for what X can carry, on hypothesis-generated records."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench.core.problems import Problem
from workbench.core.record import Record, Relation, Span
from workbench.core.schema import default_schema
from workbench.io.interop._base import annotation_key
from workbench.io.interop.registry import EXPORTERS, IMPORTERS, OUTPUT_SUFFIX

SCHEMA = default_schema()
# Each is one token for spaCy's English tokenizer, including an astral character and curly quotes.
WORDS = "Anna said the Bank of Paris won . , “ ” élan 🙂 Müller it".split()
ENTITY = ["PERSON", "ORG", "GPE", "LOC"]
OTHER = ["QUOTE", "CUE", "MENTION"]
SENTIMENT = ["negative", "neutral", "positive"]
SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def records(draw: Any, *, nested: bool = True, kinds: list[str] | None = None, doc: bool = True) -> Record:
    """Text of words joined by single spaces (a line break now and then), spans on word edges."""
    words = draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=25))
    seps = [draw(st.sampled_from([" ", " ", " ", "\n"])) for _ in words[1:]]
    starts, pos, text = [], 0, ""
    for i, w in enumerate(words):
        if i:
            text += seps[i - 1]
            pos += 1
        starts.append(pos)
        text += w
        pos += len(w)
    rec = Record.new(text, status=draw(st.sampled_from(["done", "in_progress"])))
    taken: set[int] = set()
    labels = kinds or ENTITY + OTHER
    for _ in range(draw(st.integers(0, 6))):
        a = draw(st.integers(0, len(words) - 1))
        b = draw(st.integers(a, min(len(words) - 1, a + 3)))
        if not nested and taken.intersection(range(a, b + 1)):
            continue
        taken.update(range(a, b + 1))
        label = draw(st.sampled_from(labels))
        attrs = {}
        if label in ENTITY and draw(st.booleans()):
            attrs["sentiment"] = draw(st.sampled_from(SENTIMENT))
        sid = rec.next_span_id()
        rec.spans[sid] = Span(sid, starts[a], starts[b] + len(words[b]), label, attrs)
    ids = list(rec.spans)
    if len(ids) >= 2:
        for _ in range(draw(st.integers(0, 3))):
            h, c = draw(st.sampled_from(ids)), draw(st.sampled_from(ids))
            rid = rec.next_relation_id()
            rec.relations[rid] = Relation(
                rid, h, c, draw(st.sampled_from(["SPEAKER", "REFERS_TO", "AFFILIATION"]))
            )
    if doc and draw(st.booleans()):
        rec.doc["sentiment"] = draw(st.sampled_from(SENTIMENT))
    if doc and draw(st.booleans()):
        rec.doc["topics"] = draw(
            st.lists(st.sampled_from(["politics", "economy", "sport"]), unique=True, min_size=1)
        )
    return rec


def round_trip(fmt: str, recs: list[Record]) -> list[Record]:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / ("out" + OUTPUT_SUFFIX.get(fmt, ""))
        EXPORTERS[fmt](recs, SCHEMA, out)
        got = list(IMPORTERS[fmt](out, schema=SCHEMA))  # type: ignore[call-arg]
    problems = [str(g) for g in got if isinstance(g, Problem)]
    assert not problems
    return [g for g in got if isinstance(g, Record)]


def attrs_key(rec: Record) -> list[Any]:
    return sorted((s.start, s.end, s.label, sorted(s.attrs.items())) for s in rec.spans.values())


@pytest.mark.parametrize("fmt", ["jsonl", "spacy"])
@SETTINGS
@given(recs=st.lists(records(), min_size=1, max_size=4))
def test_lossless_formats_give_back_the_same_record(fmt: str, recs: list[Record]) -> None:
    got = round_trip(fmt, recs)
    assert [r.to_dict() for r in got] == [r.to_dict() for r in recs]


@SETTINGS
@given(recs=st.lists(records(), min_size=1, max_size=4))
def test_prodigy_keeps_ids_attributes_relations_choices_and_status(recs: list[Record]) -> None:
    got = round_trip("prodigy", recs)
    for a, b in zip(recs, got, strict=True):
        assert b.id == a.id and b.text == a.text and b.status == a.status and b.doc == a.doc
        assert b.spans == a.spans
        assert b.relations == a.relations


@SETTINGS
@given(recs=st.lists(records(), min_size=1, max_size=4))
def test_doccano_keeps_spans_relations_and_categories(recs: list[Record]) -> None:
    got = round_trip("doccano", recs)
    for a, b in zip(recs, got, strict=True):
        assert annotation_key(b) == annotation_key(a)
        assert b.doc == a.doc


@SETTINGS
@given(recs=st.lists(records(doc=False), min_size=1, max_size=4))
def test_brat_keeps_spans_attributes_and_relations(recs: list[Record]) -> None:
    recs = list({r.text: r for r in recs}.values())  # one .txt/.ann pair per article text
    got = round_trip("brat", recs)
    assert len(got) == len(recs)
    by_text = {r.text: r for r in got}
    for a in recs:
        b = by_text[a.text]
        assert annotation_key(b) == annotation_key(a)
        assert attrs_key(b) == attrs_key(a)


@SETTINGS
@given(recs=st.lists(records(nested=False, kinds=ENTITY, doc=False), min_size=1, max_size=4))
def test_conll_keeps_tokens_and_non_overlapping_entities(recs: list[Record]) -> None:
    got = round_trip("conll", recs)
    for a, b in zip(recs, got, strict=True):
        assert b.text.split() == a.text.split()

        def by_token(r: Record) -> list[tuple[int, int, str]]:
            starts = [
                m for m, ch in enumerate(r.text) if not ch.isspace() and (m == 0 or r.text[m - 1].isspace())
            ]
            return sorted(
                (starts.index(s.start), len(r.text[: s.end].split()), s.label) for s in r.spans.values()
            )

        assert by_token(b) == by_token(a)


@st.composite
def sentiment_records(draw: Any) -> Record:
    rec = draw(records(nested=True, kinds=["PERSON"], doc=False))
    rec.relations.clear()
    for sid, s in list(rec.spans.items()):
        rec.spans[sid] = s.with_(attrs={"sentiment": draw(st.sampled_from(SENTIMENT))})
    targets = list(rec.spans)
    for t in targets:
        for _ in range(draw(st.integers(0, 2))):
            a = draw(st.integers(0, len(rec.text) - 1))
            if rec.text[a].isspace():
                continue
            m = rec.next_span_id()
            rec.spans[m] = Span(m, a, a + 1, "MENTION")
            rid = rec.next_relation_id()
            rec.relations[rid] = Relation(rid, m, t, "REFERS_TO")
    return rec


@SETTINGS
@given(recs=st.lists(sentiment_records(), min_size=1, max_size=4))
def test_newsmtsc_keeps_targets_sentiment_and_mentions(recs: list[Record]) -> None:
    recs = [r for r in recs if r.spans]
    got = round_trip("newsmtsc", recs)
    for a, b in zip(recs, got, strict=True):
        assert annotation_key(b) == annotation_key(a)
        assert attrs_key(b) == attrs_key(a)
