"""Reported speech, scare quotes, and the per-article API: people's work kept, bad input survived."""

from __future__ import annotations

import dataclasses
import random

import pytest

from tests.unit.test_speakers_seed import attributions, find
from workbench.core.checks import record_problems
from workbench.core.record import Record, Relation, Span
from workbench.nlp import preannotate
from workbench.nlp.models import select_model
from workbench.nlp.preannotate import LONG_CHARS, Preannotator, preannotate_records


@pytest.fixture(scope="session")
def annotator() -> Preannotator:
    return Preannotator.create()


def test_reported_speech_patterns(annotator: Preannotator) -> None:
    text = (
        "The minister stressed that the budget was balanced. "
        "Officials claimed the troops had withdrawn from the border. "
        "According to the Central Bank, inflation will fall next year. "
        "The governor told reporters that he would not resign."
    )
    atts = attributions(annotator.annotate(Record.new(text)))
    stressed = find(atts, "that the budget was balanced")
    assert stressed.kind == "indirect" and stressed.cue == "stressed" and stressed.speaker == "The minister"
    claimed = find(atts, "the troops had withdrawn")
    assert claimed.cue == "claimed" and claimed.speaker == "Officials"
    bank = find(atts, "inflation will fall next year")
    assert bank.cue == "According to" and bank.speaker == "the Central Bank"
    told = find(atts, "that he would not resign")
    assert told.cue == "told" and told.speaker == "The governor"


def test_interrupted_quote_pieces_share_speaker_and_cue(annotator: Preannotator) -> None:
    rec = annotator.annotate(
        Record.new("“We are ready,” said Jane Smith, the party leader. “The voters will decide.”")
    )
    quotes = [s for s in rec.sorted_spans() if s.label == "QUOTE"]
    assert [rec.span_text(q) for q in quotes] == ["“We are ready,”", "“The voters will decide.”"]
    rel = {(r.head, r.label): r.child for r in rec.relations.values()}
    assert rel[(quotes[0].id, "CUE")] == rel[(quotes[1].id, "CUE")]
    assert rel[(quotes[0].id, "SPEAKER")] == rel[(quotes[1].id, "SPEAKER")]
    assert rec.span_text(rec.spans[rel[(quotes[0].id, "SPEAKER")]]) == "Jane Smith"


def test_scare_quotes_partial_or_omitted_by_schema(annotator: Preannotator) -> None:
    text = "The “reform” of the tax code passed in the spring, and its “mission creep” went on all year."
    atts = attributions(annotator.annotate(Record.new(text)))
    partial = [a for a in atts if a.kind == "partial"]
    assert [a.quote for a in partial] == ["“reform”", "“mission creep”"]
    assert all(a.speaker is None for a in partial)
    omit = dataclasses.replace(
        annotator.schema, preannotation=dict(annotator.schema.preannotation, scare_quotes="omit")
    )
    atts = attributions(Preannotator(annotator.model, omit).annotate(Record.new(text)))
    assert not [a for a in atts if a.kind == "partial"]


def test_people_work_is_never_overwritten(annotator: Preannotator) -> None:
    text = "“We are ready,” said Jane Smith in Paris. Jane Smith said that the vote was fair."
    rec = Record.new(text)
    # a person marked "Jane Smith" as ORG (on purpose odd) and a QUOTE crossing the model's choice
    rec.spans["s1"] = Span("s1", 21, 31, "ORG")
    rec.spans["s2"] = Span("s2", 0, 10, "QUOTE", {"quote_kind": "partial"})
    rec.spans["s3"] = Span("s3", 35, 40, "GPE", origin="model:x@1", review="accepted")
    rec.spans["s4"] = Span(
        "s4", 42, 52, "PERSON", origin="model:x@1", review="pending"
    )  # stale pre-annotation
    rec.relations["r1"] = Relation("r1", "s2", "s1", "SPEAKER")
    rec.rejected = [{"start": 78, "end": 82, "label": "GPE"}]
    before = {k: v for k, v in rec.spans.items() if k != "s4"}
    out = annotator.annotate(rec)
    for k, span in before.items():
        assert out.spans[k] == span
    assert out.relations["r1"] == Relation("r1", "s2", "s1", "SPEAKER")
    assert "s4" not in out.spans or out.spans["s4"].origin == annotator.model.origin
    # the quote a person made blocks a crossing (non-nested) pre-annotated quote
    rec2 = Record.new(text)
    rec2.spans["s1"] = Span("s1", 5, 20, "QUOTE", {"quote_kind": "direct"})  # crosses “We are ready,”
    out2 = annotator.annotate(rec2)
    assert out2.spans["s1"] == rec2.spans["s1"]
    assert not [s for s in out2.spans.values() if s.label == "QUOTE" and s.start == 0]
    assert record_problems(annotator.schema, out) == []
    # running again changes nothing a person made and duplicates nothing
    again = annotator.annotate(Record.from_dict(out.to_dict()))
    assert sorted((s.start, s.end, s.label) for s in again.spans.values()) == sorted(
        (s.start, s.end, s.label) for s in out.spans.values()
    )


def _bad_inputs() -> dict[str, str]:
    rnd = random.Random(7)
    marks = "“”‘’«»„‚\"'‹› ab cd\n"
    seed_like = "“We will win,” said Anna Berg in Oslo. Berg said that the vote was fair.\n\n"
    return {
        "empty": "",
        "blank": " \n\n\t ",
        "only-quotes": "“We will win.”\n\n“And soon,”\n\n‘Never.’ “Again”",
        "long": seed_like * (preannotate.LONG_CHARS // len(seed_like) + 20),  # goes through spaCy alone
        "unbalanced": "".join(rnd.choice(marks) for _ in range(5000)),
        "russian": "Путин заявил: «Мы победим». Он сказал, что «всё будет хорошо».",
        "chinese": "普京说：“我们会赢。”他还说‘没问题’。",
        "control": "He said \x00\x01 “hi\x07 there,” she\x1b said.\x0c",
        "astral": "“😀 I love it 𝔘,” said Bob 🎉. Bob said that 😀 was fine.",
    }


def test_bad_input_never_breaks_the_batch(annotator: Preannotator, monkeypatch: pytest.MonkeyPatch) -> None:
    # "long" takes the path of an article too long to batch (spaCy alone) at a tenth of the real
    # threshold: the same code, without parsing 50,000 characters in the suite.
    monkeypatch.setattr(preannotate, "LONG_CHARS", LONG_CHARS // 10)
    inputs = _bad_inputs()
    assert len(inputs["long"]) > preannotate.LONG_CHARS
    recs = [Record(id=k, text=t) for k, t in inputs.items()]
    outcomes = list(preannotate_records(recs, annotator, batch_size=4))
    assert [o.id for o in outcomes] == list(inputs)
    by_id = {o.id: o for o in outcomes}
    assert by_id["empty"].error and "empty" in by_id["empty"].error and by_id["empty"].record is None
    assert by_id["blank"].record is None
    for k in inputs:
        if k in ("empty", "blank"):
            continue
        rec = by_id[k].record
        assert rec is not None, by_id[k].error
        assert record_problems(annotator.schema, rec) == []
        assert Record.from_dict(rec.to_dict()).text == inputs[k]  # offsets valid, text untouched
    astral = by_id["astral"].record
    assert astral is not None
    q = next(s for s in astral.sorted_spans() if s.label == "QUOTE")
    assert astral.span_text(q) == "“😀 I love it 𝔘,”"


def test_a_failing_article_is_reported_with_its_id_and_skipped(
    annotator: Preannotator, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = annotator.annotate_doc

    def flaky(rec: Record, doc: object) -> Record:
        if rec.id == "bad":
            raise RuntimeError("boom")
        return real(rec, doc)  # type: ignore[arg-type]

    monkeypatch.setattr(annotator, "annotate_doc", flaky)
    recs = [Record(id=i, text=f"{i} said that it works.") for i in ("a", "bad", "c")]
    outcomes = list(preannotate_records(recs, annotator, batch_size=8))
    assert [(o.id, o.record is not None) for o in outcomes] == [("a", True), ("bad", False), ("c", True)]
    assert "RuntimeError: boom" in (outcomes[1].error or "")


def test_rules_only_pipeline_never_walks_a_parse_it_does_not_have() -> None:
    """spaCy's Token.children/.rights read past an unparsed doc: ``workbench eval
    ../shared/data/polnear/dev --run --model blank:en`` died of SIGSEGV in the cue span of a
    "said X" quote. Without a parse, the cue and the speaker are their own tokens."""
    import spacy

    from workbench.nlp.cues import _cue_span
    from workbench.nlp.speakers import _np_extent

    doc = spacy.blank("en")("“We will win,” said Senator Anna Berg of Ohio.")
    said, berg = (next(t for t in doc if t.text == w) for w in ("said", "Berg"))
    assert not doc.has_annotation("DEP")
    assert _cue_span(said) == (said.idx, said.idx + 4)
    assert _np_extent(berg) == (berg.idx, berg.idx + 4)
    atts = attributions(Preannotator(select_model(flag="blank:en")).annotate(Record.new(doc.text)))
    assert [(a.quote, a.cue, a.speaker) for a in atts] == [("“We will win,”", "said", "Senator")]
