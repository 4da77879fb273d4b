"""Edit effort (``workbench eval --effort``): hand-made records where the right count is obvious."""

from __future__ import annotations

from workbench.core.edit_effort import EditCounts, edit_counts, effort, gold_labels
from workbench.core.record import Record, Relation, Span

TEXT = "Putin said that the war would end soon. Critics disagreed."
#       0    5    10   15   20   25   30   35   40   45   50   55


def rec(spans: list[tuple[str, int, int, str]], rels: list[tuple[str, str, str]] = ()) -> Record:
    r = Record(id="a", text=TEXT)
    for sid, s, e, lab in spans:
        r.spans[sid] = Span(sid, s, e, lab, {})
    for i, (h, c, lab) in enumerate(rels):
        r.relations[f"r{i}"] = Relation(f"r{i}", h, c, lab)
    return r


GOLD = rec(
    [("q", 16, 38, "QUOTE"), ("c", 6, 10, "CUE"), ("p", 0, 5, "PERSON")],
    [("q", "p", "SPEAKER"), ("q", "c", "CUE")],
)


def test_the_gold_itself_needs_no_edit() -> None:
    assert edit_counts(GOLD, GOLD).total == 0


def test_an_empty_prediction_needs_every_span_and_relation_added() -> None:
    n = edit_counts(GOLD, rec([]))
    assert n == EditCounts(spans_added=3, relations_added=2)


def test_a_span_with_other_bounds_is_one_resize_not_a_removal_and_an_addition() -> None:
    pred = rec(
        [("x", 11, 38, "QUOTE"), ("y", 6, 10, "CUE"), ("z", 0, 5, "PERSON")],  # "that the war…"
        [("x", "z", "SPEAKER"), ("x", "y", "CUE")],
    )
    assert edit_counts(GOLD, pred) == EditCounts(spans_resized=1)


def test_other_label_on_the_same_characters_is_one_relabel() -> None:
    pred = rec(
        [("x", 16, 38, "QUOTE"), ("y", 6, 10, "CUE"), ("z", 0, 5, "ORG")],
        [("x", "z", "SPEAKER"), ("x", "y", "CUE")],
    )
    assert edit_counts(GOLD, pred) == EditCounts(spans_relabelled=1)


def test_a_span_too_small_to_stand_for_the_gold_one_is_removed_and_the_gold_one_added() -> None:
    # "soon" covers 4 of the quote's 18 non-space characters: under 30 %
    pred = rec([("x", 34, 38, "QUOTE"), ("y", 6, 10, "CUE"), ("z", 0, 5, "PERSON")], [("x", "y", "CUE")])
    n = edit_counts(GOLD, pred)
    assert (n.spans_removed, n.spans_added, n.spans_resized) == (1, 1, 0)
    # the removed span takes its CUE relation with it; both gold relations must be drawn
    assert (n.relations_removed, n.relations_added) == (0, 2)


def test_a_wrong_speaker_is_one_relation_removed_and_one_added() -> None:
    spans = [("q", 16, 38, "QUOTE"), ("c", 6, 10, "CUE"), ("p", 0, 5, "PERSON"), ("k", 40, 47, "PERSON")]
    gold = rec(spans, [("q", "p", "SPEAKER")])
    pred = rec(spans, [("q", "k", "SPEAKER")])
    assert edit_counts(gold, pred) == EditCounts(relations_added=1, relations_removed=1)


def test_only_what_the_gold_annotates_is_charged() -> None:
    # the gold marks quotes, cues and MENTION speakers, no entities: a predicted GPE costs nothing,
    # a predicted PERSON that is a quote's speaker is the gold MENTION under another label
    gold = rec(
        [("q", 16, 38, "QUOTE"), ("c", 6, 10, "CUE"), ("m", 0, 5, "MENTION")],
        [("q", "m", "SPEAKER"), ("q", "c", "CUE")],
    )
    pred = rec(
        [("x", 16, 38, "QUOTE"), ("y", 6, 10, "CUE"), ("z", 0, 5, "PERSON"), ("g", 40, 47, "GPE")],
        [("x", "z", "SPEAKER"), ("x", "y", "CUE"), ("x", "g", "REFERS_TO")],
    )
    labels = gold_labels([gold])
    assert edit_counts(gold, pred, labels) == EditCounts(spans_relabelled=1)
    assert edit_counts(gold, pred).spans_removed == 1  # without the corpus labels everything counts


def test_one_predicted_span_stands_for_one_gold_span_only() -> None:
    gold = rec([("a", 0, 10, "QUOTE"), ("b", 11, 38, "QUOTE")])
    pred = rec([("x", 0, 38, "QUOTE")])  # covers both: one resize, the other gold span added
    assert edit_counts(gold, pred) == EditCounts(spans_resized=1, spans_added=1)


def test_totals_and_mean_per_article() -> None:
    rep = effort([(GOLD, rec([])), (GOLD, GOLD)]).to_dict()
    assert rep["articles"] == 2
    assert rep["total"]["total"] == 5
    assert rep["per_article"]["spans_added"] == 1.5
    assert rep["per_article"]["total"] == 2.5


def test_the_edits_are_also_counted_by_kind_and_label() -> None:
    # the speaker marked as ORG, the cue missed, the quote too short: where each edit went
    pred = rec([("x", 11, 38, "QUOTE"), ("z", 0, 5, "ORG")], [("x", "z", "SPEAKER")])
    report = effort([(GOLD, pred), (GOLD, GOLD)])
    by = report.to_dict()["by_label"]
    assert by == {
        "relations_added CUE": 1,
        "spans_added CUE": 1,
        "spans_relabelled PERSON": 1,
        "spans_resized QUOTE": 1,
    }
    assert sum(by.values()) == report.to_dict()["total"]["total"]
