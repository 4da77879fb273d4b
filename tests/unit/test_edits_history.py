"""Every edit's inverse restores the record exactly; undo/redo, grouping and the history bound.

The property tests draw edit sequences against the record's current state
(only edits that can apply), so hypothesis explores real editing sessions:
add, relabel, resize, attribute, accept/reject, relations, document fields,
status, groups, in any order.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench.core.document import Change, Document, EditRefused
from workbench.core.edits import (
    AcceptSpan,
    AddRelation,
    AddSpan,
    EditError,
    EditGroup,
    RejectSpan,
    RemoveRelation,
    RemoveSpan,
    ReplaceRelation,
    ResizeSpan,
    SetDocField,
    SetSpanAttr,
    SetSpanLabel,
    SetStatus,
)
from workbench.core.history import History
from workbench.core.record import Record, Relation, Span
from workbench.core.schema import AnnotationSchema, parse_schema

TEXT = 'Lukashenko said: "We will win 😀." Putin met him in Минск. 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 ok.'
LABELS = ["PERSON", "ORG", "QUOTE"]
ORIGINS = [None, "model:en_core_web_sm@3.8.0", "rule:quotes@1"]


def permissive_schema() -> AnnotationSchema:
    """Every label pair allowed, overlap allowed: the sequences test edits, not schema rules."""
    return parse_schema(
        {
            "name": "test",
            "version": 1,
            "attributes": {
                "sentiment": {"values": ["negative", "neutral", "positive"]},
                "topic": {"values": ["politics", "sport", "economy"]},
            },
            "span_labels": [{"name": n, "color": "#112233", "attributes": ["sentiment"]} for n in LABELS],
            "relation_types": [
                {"name": "LINK", "head": LABELS, "child": LABELS},
                {"name": "OTHER", "head": LABELS, "child": LABELS},
            ],
            "document_fields": [
                {"name": "sentiment", "attribute": "sentiment"},
                {"name": "topics", "attribute": "topic", "multiple": True},
            ],
            "overlap": "any",
        }
    )


def snapshot(record: Record) -> dict[str, Any]:
    """A deep copy of the serialised record, so later edits cannot alias into it."""
    return json.loads(json.dumps(record.to_dict(), ensure_ascii=False))


def content(d: dict[str, Any]) -> dict[str, Any]:
    """What an annotator edited, without the bookkeeping every step stamps (rev, updated, annotator)."""
    return {k: v for k, v in d.items() if k not in ("rev", "updated", "annotator")}


@st.composite
def offsets(draw: st.DrawFn, text: str = TEXT) -> tuple[int, int]:
    start = draw(st.integers(0, len(text) - 1))
    end = draw(st.integers(start + 1, min(len(text), start + 20)))
    return start, end


def draw_edit(data: st.DataObject, rec: Record, allow_group: bool = True) -> Any:
    """One edit that can apply to ``rec`` as it is now."""
    kinds = ["add", "add", "status", "doc"]
    if rec.spans:
        kinds += ["remove", "relabel", "resize", "attr", "accept", "reject", "relation", "relation"]
    if rec.relations:
        kinds += ["unrelate", "rerelation"]
    if allow_group:
        kinds.append("group")
    kind = data.draw(st.sampled_from(kinds))
    span_ids = sorted(rec.spans)
    if kind == "add":
        start, end = data.draw(offsets())
        origin = data.draw(st.sampled_from(ORIGINS))
        attrs = data.draw(st.sampled_from([{}, {"sentiment": "positive"}]))
        return AddSpan(
            Span(
                rec.next_span_id(),
                start,
                end,
                data.draw(st.sampled_from(LABELS)),
                attrs=attrs,
                origin=origin,
                review="pending" if origin else None,
            )
        )
    if kind == "status":
        return SetStatus(data.draw(st.sampled_from(["todo", "in_progress", "done", "skipped"])))
    if kind == "doc":
        name = data.draw(st.sampled_from(["sentiment", "topics"]))
        if name == "sentiment":
            return SetDocField(name, data.draw(st.sampled_from([None, "negative", "positive"])))
        values = data.draw(
            st.lists(st.sampled_from(["politics", "sport", "economy"]), unique=True, max_size=3)
        )
        return SetDocField(name, tuple(values) if values else None)
    if kind == "group":
        scratch = copy.deepcopy(rec)
        edits = []
        for _ in range(data.draw(st.integers(1, 4))):
            e = draw_edit(data, scratch, allow_group=False)
            e.apply(scratch)
            edits.append(e)
        return EditGroup(tuple(edits), "group")
    sid = data.draw(st.sampled_from(span_ids)) if span_ids else None
    if kind == "remove":
        return RemoveSpan(sid)
    if kind == "relabel":
        return SetSpanLabel(sid, data.draw(st.sampled_from(LABELS)))
    if kind == "resize":
        start, end = data.draw(offsets())
        return ResizeSpan(sid, start, end)
    if kind == "attr":
        return SetSpanAttr(sid, "sentiment", data.draw(st.sampled_from([None, "negative", "neutral"])))
    if kind == "accept":
        return AcceptSpan(sid)
    if kind == "reject":
        return RejectSpan(sid)
    if kind == "relation":
        other = data.draw(st.sampled_from(span_ids))
        return AddRelation(
            Relation(rec.next_relation_id(), sid, other, data.draw(st.sampled_from(["LINK", "OTHER"])))
        )
    rid = data.draw(st.sampled_from(sorted(rec.relations)))
    if kind == "unrelate":
        return RemoveRelation(rid)
    old = rec.relations[rid]
    return ReplaceRelation(old.with_(label="OTHER" if old.label == "LINK" else "LINK"))


def seeded_record() -> Record:
    rec = Record.new(TEXT, meta={"title": "t", "source": "test"})
    rec.spans["s1"] = Span("s1", 0, 10, "PERSON", origin="model:en_core_web_sm@3.8.0", review="pending")
    rec.spans["s2"] = Span("s2", 17, 33, "QUOTE", attrs={"sentiment": "neutral"})
    rec.relations["r1"] = Relation("r1", "s2", "s1", "LINK")
    return rec


# --- raw edits: apply, then the inverses in reverse order -------------------------------------


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_inverses_undo_any_edit_sequence_exactly(data: st.DataObject) -> None:
    rec = seeded_record()
    original = snapshot(rec)
    inverses = []
    states = [original]
    for _ in range(data.draw(st.integers(1, 25))):
        edit = draw_edit(data, rec)
        inverses.append(edit.apply(rec))
        states.append(snapshot(rec))
    # Undo one step at a time: each intermediate state comes back exactly.
    for inv, expected in zip(reversed(inverses), reversed(states[:-1]), strict=True):
        inv.apply(rec)
        assert snapshot(rec) == expected
    assert snapshot(rec) == original


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_inverse_of_inverse_is_the_edit_again(data: st.DataObject) -> None:
    rec = seeded_record()
    edit = draw_edit(data, rec)
    inverse = edit.apply(rec)
    after = snapshot(rec)
    redo = inverse.apply(rec)
    redo.apply(rec)
    assert snapshot(rec) == after


# --- the document: undo everything, redo everything -------------------------------------------


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_document_undo_all_then_redo_all(data: st.DataObject) -> None:
    rec = seeded_record()
    doc = Document(rec, permissive_schema(), annotator="alice")
    original = content(snapshot(rec))
    states = []
    for _ in range(data.draw(st.integers(1, 15))):
        edit = draw_edit(data, rec)
        try:
            doc.apply(edit)
        except EditRefused:
            continue  # e.g. a relation that already exists: refused, nothing changed
        states.append(content(snapshot(rec)))
    n = len(states)
    for i in range(n):
        assert doc.undo() is not None
        expected = states[n - 2 - i] if i < n - 1 else original
        assert content(snapshot(rec)) == expected
    assert doc.undo() is None and not doc.history.can_undo
    for i in range(n):
        assert doc.redo() is not None
        assert content(snapshot(rec)) == states[i]
    assert doc.redo() is None


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_refused_edit_changes_nothing(data: st.DataObject) -> None:
    rec = seeded_record()
    doc = Document(rec, permissive_schema(), annotator="alice")
    before = snapshot(rec)
    bad = data.draw(
        st.sampled_from(
            [
                AddSpan(Span("s9", 0, 4, "NOPE")),
                SetSpanLabel("s1", "NOPE"),
                SetSpanAttr("s2", "sentiment", "furious"),
                SetDocField("sentiment", "furious"),
                SetDocField("topics", "politics"),  # multiple field needs a list
                AddRelation(Relation("r9", "s2", "s1", "NOPE")),
                AddRelation(Relation("r9", "s2", "s404", "LINK")),
                RemoveSpan("s404"),
                ResizeSpan("s1", 5, 500),
                SetStatus("finished"),
                EditGroup((SetStatus("done"), SetSpanLabel("s1", "NOPE")), "half bad"),
            ]
        )
    )
    with pytest.raises(EditRefused):
        doc.apply(bad)
    assert snapshot(rec) == before
    assert not doc.history.can_undo


def test_first_edit_moves_todo_to_in_progress_and_undo_restores_todo() -> None:
    rec = seeded_record()
    doc = Document(rec, permissive_schema(), annotator="alice")
    assert rec.status == "todo"
    doc.apply(SetSpanLabel("s1", "ORG"))
    assert rec.status == "in_progress" and rec.rev == 1 and rec.annotator == "alice"
    assert rec.updated is not None
    doc.undo()
    assert rec.status == "todo" and rec.spans["s1"].label == "PERSON"
    assert rec.rev == 2  # undo is a change too: the store must save it


def test_new_edit_after_undo_clears_redo() -> None:
    doc = Document(seeded_record(), permissive_schema())
    doc.apply(SetSpanLabel("s1", "ORG"))
    doc.undo()
    assert doc.history.can_redo
    doc.apply(SetSpanLabel("s1", "QUOTE"))
    assert not doc.history.can_redo
    assert doc.redo() is None


def test_group_is_one_undo_step_and_nested_groups_join_the_outer() -> None:
    rec = seeded_record()
    doc = Document(rec, permissive_schema())
    doc.apply(SetStatus("in_progress"))
    before = snapshot(rec)
    with doc.group("Pre-annotate"):
        doc.apply(AddSpan(Span("s3", 35, 40, "PERSON", origin="rule:x@1", review="pending")))
        with doc.group("inner"):
            doc.apply(AddSpan(Span("s4", 50, 55, "ORG")))
            doc.apply(AddRelation(Relation("r2", "s3", "s4", "LINK")))
        doc.apply(SetDocField("topics", ("politics",)))
    assert doc.history.undo_label == "Pre-annotate"
    after = snapshot(rec)
    assert doc.undo() == "Pre-annotate"
    assert content(snapshot(rec)) == content(before)
    assert doc.redo() == "Pre-annotate"
    assert content(snapshot(rec)) == content(after)
    doc.undo()
    assert doc.undo() == "Mark in progress"


def test_empty_group_records_nothing() -> None:
    doc = Document(seeded_record(), permissive_schema())
    with doc.group("nothing"):
        pass
    assert not doc.history.can_undo


def test_group_keeps_edits_made_before_a_refusal_inside_it() -> None:
    """A refused edit inside a group is refused alone; the group's good edits stay and undo together."""
    rec = seeded_record()
    doc = Document(rec, permissive_schema())
    doc.apply(SetStatus("in_progress"))
    before = snapshot(rec)
    with doc.group("batch"):
        doc.apply(SetSpanLabel("s1", "ORG"))
        with pytest.raises(EditRefused):
            doc.apply(SetSpanLabel("s2", "NOPE"))
        doc.apply(SetSpanAttr("s2", "sentiment", "negative"))
    doc.undo()
    assert content(snapshot(rec)) == content(before)


def test_history_is_bounded() -> None:
    rec = seeded_record()
    doc = Document(rec, permissive_schema(), history_limit=3)
    for label in ["ORG", "QUOTE", "PERSON", "ORG", "QUOTE"]:
        doc.apply(SetSpanLabel("s1", label))
    undone = 0
    while doc.undo() is not None:
        undone += 1
    assert undone == 3
    # the oldest steps fell off: the label is the one after the second edit
    assert rec.spans["s1"].label == "QUOTE"


def test_history_object_bound_and_labels() -> None:
    h = History(limit=2)
    for i in range(4):
        h.record(f"e{i}", SetStatus("todo"))
    assert h.undo_label == "e3"
    assert h.pop_undo().label == "e3"
    assert h.pop_undo().label == "e2"
    assert h.pop_undo() is None
    assert h.redo_label is None


def test_listeners_hear_apply_undo_redo_with_the_ids_touched() -> None:
    doc = Document(seeded_record(), permissive_schema())
    heard: list[Change] = []
    unsubscribe = doc.subscribe(heard.append)
    doc.apply(SetSpanLabel("s1", "ORG"))
    doc.undo()
    doc.redo()
    doc.apply(RemoveSpan("s2"))
    assert [c.kind for c in heard] == ["apply", "undo", "redo", "apply"]
    assert "s1" in heard[0].span_ids
    assert "s2" in heard[3].span_ids and "r1" in heard[3].relation_ids
    unsubscribe()
    doc.undo()
    assert len(heard) == 4


def test_edit_group_rolls_back_when_a_member_fails() -> None:
    rec = seeded_record()
    before = snapshot(rec)
    group = EditGroup((SetSpanLabel("s1", "ORG"), RemoveSpan("s2"), RemoveSpan("s404")), "bad")
    with pytest.raises(EditError):
        group.apply(rec)
    assert snapshot(rec) == before


def test_reject_keeps_the_pre_annotation_and_undo_brings_it_back() -> None:
    rec = seeded_record()
    inverse = RejectSpan("s1").apply(rec)
    assert "s1" not in rec.spans and "r1" not in rec.relations  # its relation goes with it
    assert rec.rejected == [
        {"id": "s1", "start": 0, "end": 10, "label": "PERSON", "text": "Lukashenko",
         "origin": "model:en_core_web_sm@3.8.0", "review": "pending"}
    ]  # fmt: skip
    inverse.apply(rec)
    assert rec.rejected == [] and rec.spans["s1"].review == "pending" and "r1" in rec.relations


def test_touching_a_pending_pre_annotation_marks_it_edited_and_accept_marks_accepted() -> None:
    rec = seeded_record()
    SetSpanAttr("s1", "sentiment", "negative").apply(rec)
    assert rec.spans["s1"].review == "edited"
    rec2 = seeded_record()
    AcceptSpan("s1").apply(rec2)
    assert rec2.spans["s1"].review == "accepted"
    SetSpanLabel("s1", "ORG").apply(rec2)
    assert rec2.spans["s1"].review == "accepted"  # only pending turns into edited
    rec3 = seeded_record()
    ResizeSpan("s1", 0, 5).apply(rec3)
    assert rec3.spans["s1"].review == "edited"
    assert rec3.spans["s2"].review is None  # a person's own span has no review


@pytest.mark.parametrize(
    "edit",
    [
        AddSpan(Span("s1", 0, 3, "PERSON")),  # id taken
        AddSpan(Span("s9", 5, 5, "PERSON")),  # empty
        AddSpan(Span("s9", 0, len(TEXT) + 1, "PERSON")),
        ResizeSpan("s1", -1, 3),
        RemoveSpan("nope"),
        SetSpanLabel("nope", "ORG"),
        AddRelation(Relation("r1", "s1", "s2", "LINK")),  # id taken
        AddRelation(Relation("r9", "s1", "nope", "LINK")),
        RemoveRelation("nope"),
        ReplaceRelation(Relation("nope", "s1", "s2", "LINK")),
    ],
)
def test_edits_that_cannot_apply_raise_and_change_nothing(edit: Any) -> None:
    rec = seeded_record()
    before = snapshot(rec)
    with pytest.raises(EditError):
        edit.apply(rec)
    assert snapshot(rec) == before
