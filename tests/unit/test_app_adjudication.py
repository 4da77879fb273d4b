"""Adjudication set-up without a window: the gold path, who adjudicates, the schema, the refusals."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from workbench.app.adjudication import adjudicator_name, gold_path_for, prepare_adjudication
from workbench.app.errors import AppError
from workbench.io.settings import Settings, save_settings


def merged_file(path: Path, schema: str = "news@1") -> Path:
    rec = {"id": "a1", "text": "Hello.", "schema": schema, "merge": {"annotators": ["ann", "bob"]}}
    path.write_text("not json\n" + json.dumps(rec) + "\n", encoding="utf-8")
    return path


def test_gold_sits_beside_the_merged_file() -> None:
    assert gold_path_for(Path("x/demo.merged.jsonl")) == Path("x/demo.merged.gold.jsonl")
    assert gold_path_for(Path("x/merged")) == Path("x/merged.gold.jsonl")


def test_who_adjudicates_flag_then_environment_then_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(AppError, match=r"^say who adjudicates: --adjudicator NAME$"):
        adjudicator_name(None)
    save_settings(Settings(annotator="from-settings"), durable=False)
    assert adjudicator_name(None) == "from-settings"
    monkeypatch.setenv("WORKBENCH_ANNOTATOR", "from-env")
    assert adjudicator_name(None) == "from-env"
    assert adjudicator_name("from-flag") == "from-flag"


def test_setup_takes_the_schema_of_the_first_record_and_defaults(tmp_path: Path) -> None:
    merged = merged_file(tmp_path / "m.jsonl")
    setup = prepare_adjudication(merged, adjudicator="lead")
    assert setup.gold == tmp_path / "m.gold.jsonl" and setup.adjudicator == "lead"
    assert setup.schema.ref == "news@1"
    other = prepare_adjudication(merged, tmp_path / "g.jsonl", "lead")
    assert other.gold == tmp_path / "g.jsonl"
    # a version that is not shipped: the default schema, as before
    unknown = prepare_adjudication(merged_file(tmp_path / "u.jsonl", "news@99"), adjudicator="lead")
    assert unknown.schema.ref == "news@1"


def test_setup_refuses_missing_and_unmerged_files_in_todays_words(tmp_path: Path) -> None:
    nope = tmp_path / "nope.jsonl"
    with pytest.raises(AppError, match="no such file") as e:
        prepare_adjudication(nope, adjudicator="lead")
    assert str(e.value) == f"{nope}: no such file" and e.value.exit_code == 2
    plain = tmp_path / "plain.jsonl"
    plain.write_text(json.dumps({"id": "a", "text": "x"}) + "\n", encoding="utf-8")
    with pytest.raises(AppError) as e:
        prepare_adjudication(plain, adjudicator="lead")
    assert str(e.value) == (
        f"{plain} is not a merged file; make one with `workbench merge A.jsonl B.jsonl -o ...`"
    )
