"""``workbench import --format polnear DIR -o gold.jsonl``: one version per article, the others named."""

from __future__ import annotations

import json

import pytest

from tests.conftest import shared_path
from workbench.cli.main import main
from workbench.io.brat.polnear import records_by_annotator


def test_import_polnear_keeps_the_first_annotator_and_names_the_others(
    tmp_path, capsys: pytest.CaptureFixture[str]
) -> None:
    dev = shared_path("data", "polnear", "dev")
    out = tmp_path / "gold.jsonl"
    code = main(["import", str(dev), "--format", "polnear", "-o", str(out)])
    err = capsys.readouterr().err
    assert code == 0
    assert "84 imported, 10 duplicates skipped, 1 problem" in err
    dropped = [ln for ln in err.splitlines() if ln.startswith("  duplicate: ")]
    assert len(dropped) == 10
    assert all("_4b22.ann (id " in ln and "_4b22.ann: same text" not in ln for ln in dropped)
    gold = [json.loads(ln) for ln in out.read_text("utf-8").splitlines()]
    first = records_by_annotator(dev)["4b22"]
    kept = {r["id"]: r for r in gold}
    for rec in first:
        if rec.id in kept:
            assert kept[rec.id] == json.loads(json.dumps(rec.to_dict(), ensure_ascii=False))
    # The gold file scores against the folder exactly as the folder does against itself.
    code = main(["eval", str(out), str(dev), "--json"])
    report = json.loads(capsys.readouterr().out)
    assert code == 0 and report["docs"] == 84 and report["quotes"]["all"]["@80"]["f1"] == 1.0
