"""Speakers with the real model: the seed article's cases, mentions, carry-over between paragraphs."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.conftest import shared_path
from workbench.core.checks import record_problems
from workbench.core.record import Record
from workbench.nlp.preannotate import Preannotator


@dataclass
class Att:
    quote: str
    kind: str
    cue: str | None
    speaker: str | None
    speaker_label: str | None
    refers: str | None
    reference: str | None


@pytest.fixture(scope="session")
def annotator() -> Preannotator:
    return Preannotator.create()


def attributions(rec: Record) -> list[Att]:
    out = []
    rel = {(r.head, r.label): r.child for r in rec.relations.values()}
    for q in rec.sorted_spans():
        if q.label != "QUOTE":
            continue
        cue = rec.spans.get(rel.get((q.id, "CUE"), ""))
        spk = rec.spans.get(rel.get((q.id, "SPEAKER"), ""))
        ref = rec.spans.get(rel.get((spk.id, "REFERS_TO"), "")) if spk else None
        out.append(
            Att(
                rec.span_text(q),
                q.attrs.get("quote_kind", ""),
                rec.span_text(cue) if cue else None,
                rec.span_text(spk) if spk else None,
                spk.label if spk else None,
                rec.span_text(ref) if ref else None,
                spk.attrs.get("reference") if spk else None,
            )
        )
    return out


def find(atts: list[Att], start: str) -> Att:
    found = [a for a in atts if a.quote.startswith(start)]
    assert found, f"no quote starting {start!r} in {[a.quote[:40] for a in atts]}"
    return found[0]


def who(a: Att) -> str | None:
    """The named entity a quote is attributed to: through the mention, or directly."""
    return a.refers or a.speaker


@pytest.fixture(scope="module")
def seed(annotator: Preannotator) -> Record:
    text = shared_path("seed", "000_bab8e4e99eda0806.txt").read_text("utf-8")
    return annotator.annotate(Record.new(text))


def test_seed_president_quote_is_lukashenkos(seed: Record) -> None:
    atts = attributions(seed)
    first = find(atts, "‘I think that we can think about three-way cooperation. North Korea, Russia .")
    assert first.kind == "direct" and first.cue == "said"
    assert first.speaker == "The President" and first.speaker_label == "MENTION"
    assert first.refers == "Alexander Lukashenko" and first.reference == "resolved"
    # the quote opened before the first one closed belongs to the same speech
    second = find(atts, "‘I know that the Koreans")
    assert second.quote.endswith("exist.’")
    assert who(second) == "Alexander Lukashenko" and second.cue == "said"


def test_seed_putin_press_conference(seed: Record) -> None:
    atts = attributions(seed)
    korea = find(atts, "‘Korea is our neighbour")
    assert korea.speaker == "Putin" and korea.speaker_label == "PERSON" and korea.cue == "said"
    # the two quotes that follow carry the same speaker
    assert who(find(atts, "‘Yes, there are certain specifics")) == "Putin"
    assert who(find(atts, "‘But, of course, we will look")) == "Putin"
    stressed = find(atts, "that Moscow did not agree")
    assert stressed.kind == "indirect" and stressed.cue == "stressed" and stressed.speaker == "Putin"


def test_seed_indirect_quotes(seed: Record) -> None:
    atts = attributions(seed)
    peskov = find(atts, "that no agreements or arms deals had been signed")
    assert peskov.kind == "indirect" and peskov.cue == "said" and peskov.speaker == "Dmitry Peskov"
    isw = find(atts, "the strike could ultimately have “reverberating impacts”")
    assert isw.cue == "According to" and isw.speaker == "the Institute for the Study of War"
    assert isw.kind == "mixed"  # the scare-quoted phrases inside make it mixed, not separate quotes
    claimed = find(atts, "its troops intercepted seven")
    assert claimed.cue == "claimed" and claimed.speaker == "Russia"
    # "The Belarusian President, it claims, enabled ...": the parenthetical cue splits the content
    pieces = [a for a in atts if a.cue == "claims"]
    assert [p.quote[:24] for p in pieces][:2] == ["The Belarusian President", "enabled ” Russia’s unjus"]
    assert all(p.speaker == "it" and p.speaker_label == "MENTION" for p in pieces)


def test_seed_record_is_schema_valid_and_marked_pending(seed: Record, annotator: Preannotator) -> None:
    assert record_problems(annotator.schema, seed) == []
    for s in seed.spans.values():
        assert s.review == "pending" and s.origin is not None
    ents = [s for s in seed.spans.values() if s.label == "PERSON"]
    assert {seed.span_text(s) for s in ents} >= {"Alexander Lukashenko", "Vladimir Putin", "Dmitry Peskov"}
    assert all(s.origin == annotator.model.origin for s in ents)
    assert all(s.origin == "rule:quotes@1" for s in seed.spans.values() if s.label in ("QUOTE", "CUE"))


def test_speaker_named_in_paragraph_before_and_carried_over(annotator: Preannotator) -> None:
    text = (
        "The senator spoke to reporters on Tuesday. Senator Mary Walsh continued:\n\n"
        "“We cannot wait any longer for this bill to pass the house.\n\n"
        "“Families are paying the price every single day,” she added.\n\n"
        "“And I will not stop until it is done.”\n\n"
        "The vote is expected next week."
    )
    atts = attributions(annotator.annotate(Record.new(text)))
    assert len(atts) == 3
    assert [who(a) for a in atts] == ["Mary Walsh"] * 3
    # the quote continued over the first paragraph break shares its cue with the next piece
    assert atts[0].cue == atts[1].cue


def test_pronoun_resolves_to_subject_and_unresolved_without_antecedent(annotator: Preannotator) -> None:
    text = (
        "Prime Minister Anna Berg met the unions in Oslo. Berg rejected the offer. "
        "“This is not acceptable,” she said.\n\n"
        "“We will see,” he said."
    )
    atts = attributions(annotator.annotate(Record.new(text)))
    first = find(atts, "“This is not acceptable,”")
    assert first.speaker == "she" and first.refers in ("Berg", "Anna Berg") and first.reference == "resolved"
    unresolved = Preannotator(annotator.model, annotator.schema)
    lone = attributions(unresolved.annotate(Record.new("“We will see,” he said.")))
    assert lone[0].speaker == "he" and lone[0].reference == "unresolved" and lone[0].refers is None


def test_role_noun_and_it_mentions(annotator: Preannotator) -> None:
    text = (
        "Acme Corporation reported its results on Monday. The company said that sales rose by ten percent. "
        "The European Commission is reviewing the merger. It said that a decision would come in May."
    )
    atts = attributions(annotator.annotate(Record.new(text)))
    company = find(atts, "that sales rose")
    assert company.speaker == "The company" and company.refers == "Acme Corporation"
    it = find(atts, "that a decision would come")
    assert it.speaker == "It" and it.refers == "The European Commission"


def test_quote_opening_a_paragraph_takes_the_person_named_before(annotator: Preannotator) -> None:
    text = (
        "Senator Mary Walsh spoke at the rally on Sunday in Boston.\n\n"
        "“We cannot wait any longer for this bill to pass the house.”\n\n"
        "The vote is expected next week."
    )
    (att,) = attributions(annotator.annotate(Record.new(text)))
    assert who(att) == "Mary Walsh" and att.cue is None
