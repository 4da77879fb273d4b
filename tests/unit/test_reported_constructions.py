"""Reported speech by construction (``nlp/reported.py``): each construction on constructed sentences,
with the real model, where it applies and where the same shape carries no report."""

from __future__ import annotations

import pytest

from tests.unit.test_speakers_seed import Att, attributions
from workbench.core.record import Record
from workbench.nlp.preannotate import Preannotator


@pytest.fixture(scope="module")
def annotator() -> Preannotator:
    return Preannotator.create()


def atts(annotator: Preannotator, text: str) -> list[Att]:
    return attributions(annotator.annotate(Record.new(text)))


def one(annotator: Preannotator, text: str) -> Att:
    found = [a for a in atts(annotator, text) if a.kind != "partial"]
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("text", "content", "cue", "speaker"),
    [
        # verb + that-clause, a verb that reports only with a clause
        (
            "The court ruled that the law was unconstitutional.",
            "that the law was unconstitutional",
            "ruled",
            "The court",
        ),
        # verb + to-clause
        ("The senators agreed to extend the deadline.", "to extend the deadline", "agreed", "The senators"),
        # verb + object
        (
            "The mayor expressed concern about the budget.",
            "concern about the budget",
            "expressed",
            "The mayor",
        ),
        # verb + preposition: the preposition belongs to the cue
        ("Clinton spoke about her plan for child care.", "her plan for child care", "spoke about", "Clinton"),
        # verb + object + preposition: what is cast and as what
        (
            "Critics cast the deal as a betrayal of workers.",
            "the deal as a betrayal of workers",
            "cast",
            "Critics",
        ),
        # accuse X of Y: the object and what it is accused of
        (
            "The senator accused the governor of lying to voters.",
            "the governor of lying to voters",
            "accused",
            "The senator",
        ),
        # noun + that-clause, whose claim: the possessor
        (
            "Trump's claim that the election was rigged has no basis.",
            "that the election was rigged",
            "claim",
            "Trump",
        ),
        # noun + preposition
        ("His criticism of the tax plan drew applause.", "the tax plan", "criticism", "His"),
    ],
)
def test_construction_finds_content_cue_and_speaker(
    annotator: Preannotator, text: str, content: str, cue: str, speaker: str
) -> None:
    a = one(annotator, text)
    assert (a.quote, a.kind, a.cue, a.speaker) == (content, "indirect", cue, speaker)


@pytest.mark.parametrize(
    "text",
    [
        "The king ruled the country for decades.",  # "rule" without a clause
        "The senators tried to extend the deadline.",  # "try" is not a report
        "The mayor cut the budget.",  # a verb outside the lists
        "She walked about the town for an hour.",  # a preposition after a verb outside the lists
        "The criticism drew applause.",  # the noun without its preposition
        "The bill is going to pass next week.",  # "going to" is no expectation of anyone's
    ],
)
def test_same_shape_without_a_reporting_word_is_not_reported_speech(
    annotator: Preannotator, text: str
) -> None:
    assert [a for a in atts(annotator, text) if a.kind != "partial"] == []


def test_raising_makes_the_subject_and_the_to_clause_one_content_in_two_pieces(
    annotator: Preannotator,
) -> None:
    rec = annotator.annotate(Record.new("The bill is expected to pass next week."))
    found = attributions(rec)
    assert [a.quote for a in found] == ["The bill", "to pass next week"]
    assert {a.cue for a in found} == {"is expected"} and {a.speaker for a in found} == {None}
    # the pieces share one CUE span, so they are one attribution
    cues = {r.child for r in rec.relations.values() if r.label == "CUE"}
    assert len(cues) == 1


def test_passive_cue_takes_its_agent_as_speaker(annotator: Preannotator) -> None:
    found = atts(annotator, "The deal was expected by analysts to collapse within a year.")
    assert {a.quote for a in found} == {"The deal", "to collapse within a year"}
    assert {a.speaker for a in found} == {"analysts"}


def test_reported_speech_inside_other_reported_speech_is_part_of_it(annotator: Preannotator) -> None:
    found = atts(annotator, "Carson said he did not support the plan.")
    assert [(a.quote, a.cue) for a in found] == [("he did not support the plan", "said")]
    # alone, the inner one is reported speech of its own
    assert one(annotator, "He did not support the plan.").cue == "did not support"


def test_reported_speech_after_a_quotes_cue_keeps_the_next_piece_with_the_quote(
    annotator: Preannotator,
) -> None:
    text = (
        "“This is in their heads,” said Caddell, speaking of the health issue. "
        "“It is one of the things worrying them.”"
    )
    found = atts(annotator, text)
    direct = [a for a in found if a.kind == "direct"]
    assert [a.cue for a in direct] == ["said", "said"] and {a.speaker for a in direct} == {"Caddell"}
    speaking = [a for a in found if a.kind == "indirect"]
    assert [(a.quote, a.cue) for a in speaking] == [("the health issue", "speaking of")]
