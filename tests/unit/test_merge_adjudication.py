"""Adjudication decisions as undoable edits on the gold record (no Qt)."""

from __future__ import annotations

import pytest

from workbench.core.adjudication import AdjudicationError, conflicts_of, decide, decisions, start_gold
from workbench.core.document import Document, EditRefused
from workbench.core.merge import Policy, merge_versions
from workbench.core.merged_record import MergedRecord
from workbench.core.schema import default_schema

from .test_merge import rec


def merged3() -> MergedRecord:
    a = rec("a", [(11, 27, "QUOTE"), (0, 5, "PERSON")], [(0, 1, "SPEAKER")], doc={"sentiment": "negative"})
    b = rec("b", [(11, 27, "QUOTE"), (29, 34, "PERSON")], [(0, 1, "SPEAKER")], doc={"sentiment": "neutral"})
    c = rec("c", [(11, 27, "QUOTE"), (0, 7, "PERSON")], [(0, 1, "SPEAKER")], doc={"sentiment": "positive"})
    return MergedRecord.from_dict(
        merge_versions("art1", {"a": a, "b": b, "c": c}, ["a", "b", "c"], Policy("majority"))
    )


def test_conflicts_group_overlapping_spans_and_speakers_of_one_quote() -> None:
    cs = conflicts_of(merged3())
    kinds = [c.kind for c in cs]
    assert kinds.count("span") == 2  # 0-5 / 0-7 overlap -> one group; 29-34 alone
    group = next(c for c in cs if c.kind == "span" and c.start == 0)
    assert {v.key for v in group.variants} == {"span|0-5|PERSON", "span|0-7|PERSON"}
    speaker = next(c for c in cs if c.kind == "relation")
    assert len(speaker.variants) == 3 and speaker.target == "span|11-27|QUOTE"
    assert next(c for c in cs if c.kind == "doc").multi is False


def test_decisions_edit_the_gold_and_undo_restores_it() -> None:
    m = merged3()
    cs = conflicts_of(m)
    doc = Document(start_gold(m, "lead", "m.jsonl"), default_schema(), annotator="gold")
    assert {(s.start, s.end) for s in doc.record.spans.values()} == {(11, 27)}
    group = next(c for c in cs if c.kind == "span" and c.start == 0)
    five = [v.key for v in group.variants].index("span|0-5|PERSON")
    doc.apply(decide(doc.record, group, [five], "lead", cs))
    assert {(s.start, s.end) for s in doc.record.spans.values()} == {(11, 27), (0, 5)}
    speaker = next(c for c in cs if c.kind == "relation")
    to_five = [v.key for v in speaker.variants].index("rel|SPEAKER|span|11-27|QUOTE>span|0-5|PERSON")
    doc.apply(decide(doc.record, speaker, [to_five], "lead", cs))
    (r,) = doc.record.relations.values()
    assert doc.record.spans[r.child].end == 5
    # Accepting both PERSON versions is fine (nested spans); two speakers are refused by the
    # schema (SPEAKER: one per quote) and nothing changes.
    doc.apply(decide(doc.record, group, [0, 1], "lead", cs))
    seven = [v.key for v in speaker.variants].index("rel|SPEAKER|span|11-27|QUOTE>span|0-7|PERSON")
    with pytest.raises(EditRefused):
        doc.apply(decide(doc.record, speaker, [to_five, seven], "lead", cs))
    assert len(doc.record.relations) == 1
    doc.undo()
    doc.undo()
    doc.undo()
    assert {(s.start, s.end) for s in doc.record.spans.values()} == {(11, 27)}
    assert decisions(doc.record) == {}


def test_a_relation_to_a_span_not_in_the_gold_asks_for_the_span_first() -> None:
    m = merged3()
    cs = conflicts_of(m)
    gold = start_gold(m, "lead")
    speaker = next(c for c in cs if c.kind == "relation")
    with pytest.raises(AdjudicationError, match="accept it first"):
        decide(gold, speaker, [0], "lead", cs)


def test_settling_every_conflict_marks_the_gold_done_and_reject_all_is_remembered() -> None:
    m = merged3()
    cs = conflicts_of(m)
    doc = Document(start_gold(m, "lead"), default_schema(), annotator="gold")
    for c in cs:
        doc.apply(decide(doc.record, c, [], "lead", cs))
    assert doc.record.status == "done"
    assert {d["how"] for d in decisions(doc.record).values()} == {"rejected"}
    assert set(decisions(doc.record)) == {c.id for c in cs}
    doc.undo()
    assert doc.record.status != "done"


def test_an_accepted_span_brings_the_attribute_values_its_annotators_agreed_on() -> None:
    a = rec("a", [(0, 5, "PERSON", {"sentiment": "negative"})])
    b = rec("b", [(0, 5, "PERSON", {"sentiment": "negative"})])
    c = rec("c", [])
    d = rec("d", [])
    m = MergedRecord.from_dict(
        merge_versions("art1", {"a": a, "b": b, "c": c, "d": d}, list("abcd"), Policy("majority"))
    )
    cs = conflicts_of(m)
    assert [c_.kind for c_ in cs] == ["span"]  # 2 of 4 is no majority; the value itself is agreed
    doc = Document(start_gold(m, "lead"), default_schema(), annotator="gold")
    doc.apply(decide(doc.record, cs[0], [0], "lead", cs))
    (span,) = doc.record.spans.values()
    assert span.attrs == {"sentiment": "negative"}
