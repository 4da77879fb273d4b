"""A lone surrogate in an article no longer fails its pre-annotation outside ``workbench preannotate``.

A JSON ``\\ud800`` escape lets one into a record; spaCy cannot encode it. The command line replaced
them before pre-annotating (decision 0017), the window, ``assign --preannotate``, the cluster and
``eval --run`` did not, so the same article was annotated by one and "failed" in the others.
"""

from __future__ import annotations

from workbench.core.record import Record
from workbench.nlp.preannotate import Preannotator, preannotate_records


def test_an_article_with_a_lone_surrogate_is_preannotated_in_place() -> None:
    text = "Alice Smith said \ud800 the council will meet in Paris on Monday."
    ann = Preannotator.create(None, None)
    [out] = list(preannotate_records([Record.new(text)], ann, 8))
    assert out.error is None and out.record is not None
    rec = out.record
    assert rec.text == text  # the record keeps its text: the offsets are into it
    found = {(rec.text[s.start : s.end], s.label) for s in rec.spans.values()}
    assert ("Paris", "GPE") in found and ("Alice Smith", "PERSON") in found
    one = ann.annotate(Record.new(text))  # the window's path: one article at a time
    assert {(one.text[s.start : s.end], s.label) for s in one.spans.values()} == found
