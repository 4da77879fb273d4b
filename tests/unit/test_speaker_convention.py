"""How a gold marks its named speakers decides how a model trained on it marks them.

PolNeAR marks every source as one MENTION over the source phrase; our guideline
makes the named entity the speaker and keeps MENTION for "he" or "the spokesperson".
A model trained on either must propose speakers the way its gold does, or every
named speaker costs the annotator a relabel and a resize.
"""

from __future__ import annotations

from workbench.core.record import Record, Relation, Span
from workbench.nlp.attribution_model import speaker_convention, speakers_as_mentions


def _rec(i: int, speaker: str, label: str) -> Record:
    text = f"{speaker} said the plan works."
    rec = Record(id=f"r{i}", text=text)
    n = len(speaker)
    rec.spans = {
        "s1": Span("s1", 0, n, label),
        "s2": Span("s2", n + 1, n + 5, "CUE"),
        "s3": Span("s3", n + 6, len(text) - 1, "QUOTE"),
    }
    rec.relations = {"r1": Relation("r1", "s3", "s1", "SPEAKER"), "r2": Relation("r2", "s3", "s2", "CUE")}
    return rec


def test_named_speakers_marked_as_mentions_make_the_mention_convention() -> None:
    gold = [
        _rec(1, "Mike Pence", "MENTION"),
        _rec(2, "The senator from Ohio", "MENTION"),
        _rec(3, "He", "MENTION"),
    ]
    assert speaker_convention(gold) == "mention"


def test_named_speakers_marked_as_entities_keep_the_entity_convention() -> None:
    gold = [
        _rec(1, "Mike Pence", "PERSON"),
        _rec(2, "Reuters", "ORG"),
        _rec(3, "He", "MENTION"),  # pronouns are mentions in both conventions: they do not decide
        _rec(4, "She", "MENTION"),
        _rec(5, "the spokesperson", "MENTION"),
    ]
    assert speaker_convention(gold) == "entity"


def test_a_gold_without_named_speakers_keeps_the_entity_convention() -> None:
    assert speaker_convention([_rec(1, "He", "MENTION"), _rec(2, "they", "MENTION")]) == "entity"
    assert speaker_convention([]) == "entity"


def test_the_meta_flag_is_read_only_when_it_says_mention() -> None:
    assert speakers_as_mentions({"workbench": {"combine": {"speakers": "mention"}}})
    assert not speakers_as_mentions({"workbench": {"combine": {"speakers": "entity"}}})
    assert not speakers_as_mentions({"workbench": {"combine": {"rule_reported": "keep"}}})  # older models
    assert not speakers_as_mentions({})
