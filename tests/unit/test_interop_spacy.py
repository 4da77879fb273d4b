"""spaCy DocBin export: ents, overlapping spans in a group, cats, user data; import of plain DocBins too."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.core.problems import Problem
from workbench.core.record import Record, Relation, Span
from workbench.core.schema import default_schema
from workbench.io.interop.spacy_config import build_config, textcat_factory
from workbench.io.interop.spacy_docbin import export_spacy, import_spacy

SCHEMA = default_schema()


def _record() -> Record:
    text = "Angela Merkel of Germany said “ the euro is safe ” , adding it was 🙂 good ."
    rec = Record.new(text, doc={"sentiment": "positive", "topics": ["economy", "politics"]}, status="done")
    add = [
        ("s1", 0, 13, "PERSON", {"sentiment": "neutral"}),
        ("s2", 7, 13, "PERSON", {}),  # nested in s1
        ("s3", 17, 24, "GPE", {}),
        ("s4", 30, 50, "QUOTE", {"quote_kind": "direct"}),
        ("s5", 25, 29, "CUE", {}),
        ("s6", 1, 5, "ORG", {}),  # not on token edges
    ]
    for sid, s, e, lab, attrs in add:
        rec.spans[sid] = Span(sid, s, e, lab, attrs)
    rec.relations["r1"] = Relation("r1", "s4", "s1", "SPEAKER")
    rec.relations["r2"] = Relation("r2", "s4", "s5", "CUE")
    return rec


def test_docbin_carries_ents_overlaps_groups_cats_and_user_data(tmp_path: Path) -> None:
    spacy = pytest.importorskip("spacy")
    from spacy.tokens import DocBin

    rec = _record()
    report = export_spacy([rec], SCHEMA, tmp_path / "out")
    (doc,) = DocBin().from_disk(tmp_path / "out" / "000.spacy").get_docs(spacy.blank("en").vocab)
    assert doc.text == rec.text
    assert [(e.text, e.label_) for e in doc.ents] == [("Angela Merkel", "PERSON"), ("Germany", "GPE")]
    assert [(s.text, s.label_) for s in doc.spans["ents_overlap"]] == [("Merkel", "PERSON")]
    assert [(s.text, s.label_) for s in doc.spans["quotes"]] == [("“ the euro is safe ”", "QUOTE")]
    assert [s.text for s in doc.spans["cues"]] == ["said"]
    assert len(doc.spans["sc"]) == 5
    assert doc.cats["sentiment:positive"] == 1.0 and doc.cats["sentiment:negative"] == 0.0
    assert (
        doc.cats["topics:economy"] == doc.cats["topics:politics"] == 1.0 and doc.cats["topics:sport"] == 0.0
    )
    assert dict(report.left_out) == {
        "spans not aligned to tokens (not in doc.ents/span groups; kept in user_data)": 1
    }
    (back,) = list(import_spacy(tmp_path / "out"))
    assert back.to_dict() == rec.to_dict()


def test_export_is_sharded_so_memory_stays_flat(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import workbench.io.interop.spacy_docbin as mod

    monkeypatch.setattr(mod, "SHARD", 3)
    recs = [Record.new(f"Story number {i} about Paris .") for i in range(7)]
    export_spacy(recs, SCHEMA, tmp_path / "out")
    names = sorted(p.name for p in (tmp_path / "out").iterdir() if not p.name.startswith("."))
    assert names == ["000.spacy", "001.spacy", "002.spacy"]
    assert [r.text for r in import_spacy(tmp_path / "out")] == [r.text for r in recs]


def test_plain_docbin_from_another_pipeline_imports(tmp_path: Path) -> None:
    spacy = pytest.importorskip("spacy")
    from spacy.tokens import DocBin
    from spacy.tokens import Span as SpacySpan

    nlp = spacy.blank("en")
    doc = nlp("Apple hired Tim Cook in California .")
    doc.ents = [SpacySpan(doc, 0, 1, "ORG"), SpacySpan(doc, 2, 4, "PERSON")]
    doc.spans["sc"] = [SpacySpan(doc, 5, 6, "GPE"), SpacySpan(doc, 0, 1, "ORG")]
    doc.cats = {"negative": 0.0, "positive": 1.0}
    DocBin(docs=[doc]).to_disk(tmp_path / "plain.spacy")
    (tmp_path / "broken.spacy").write_bytes(b"not a docbin")
    items = list(import_spacy(tmp_path))
    problems = [i for i in items if isinstance(i, Problem)]
    assert len(problems) == 1 and "broken.spacy" in problems[0].path
    (rec,) = [i for i in items if isinstance(i, Record)]
    assert sorted((rec.span_text(s), s.label) for s in rec.spans.values()) == [
        ("Apple", "ORG"), ("California", "GPE"), ("Tim Cook", "PERSON"),
    ]  # fmt: skip
    assert rec.doc == {"labels": ["positive"]}
    (rec2,) = [i for i in import_spacy(tmp_path / "plain.spacy", schema=SCHEMA) if isinstance(i, Record)]
    assert rec2.doc == {"sentiment": "positive"}


def test_config_picks_an_exclusive_classifier_only_for_one_single_choice_field(tmp_path: Path) -> None:
    assert textcat_factory(SCHEMA, {"sentiment"}) == "textcat"
    assert textcat_factory(SCHEMA, {"sentiment", "topics"}) == "textcat_multilabel"
    assert textcat_factory(SCHEMA, {"topics"}) == "textcat_multilabel"
    assert textcat_factory(SCHEMA, set()) is None
    cfg = build_config(SCHEMA, train=tmp_path / "train", dev=tmp_path / "dev", fields_used={"sentiment"})
    assert cfg["nlp"]["pipeline"] == ["tok2vec", "ner", "textcat"]
    assert cfg["paths"]["train"] == str(tmp_path / "train")
