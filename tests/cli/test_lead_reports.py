"""The lead's reports on a project made with init/add/assign and annotated on a simulated clock."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.simulated_project import ANNOTATORS, SECONDS_PER_ACT, build
from workbench.cli.main import main

ACTS = {"alice": 6, "bob": 8, "carol": 6}  # acts per article in the simulation (bob reads longer)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("sim") / "proj").root


def test_status_shows_throughput_from_the_recorded_times(project: Path, capsys) -> None:  # noqa: ANN001
    assert main(["status", str(project), "--json"]) == 0
    st = json.loads(capsys.readouterr().out)
    tp = {t["annotator"]: t for t in st["throughput"]}
    assert set(tp) == set(ANNOTATORS)
    for name in ANNOTATORS:
        minutes = ACTS[name] * SECONDS_PER_ACT[name] / 60  # the 10-minute breaks are idle, not work
        assert tp[name]["done"] == tp[name]["timed"] == 8
        assert tp[name]["median_minutes"] == pytest.approx(minutes)
        assert tp[name]["articles_per_hour"] == pytest.approx(60 / minutes)
        assert tp[name]["edits_per_article"] == 5  # three reviews, one span, done
    assert tp["bob"]["preannotation"] == {"accepted": 16, "edited": 0, "rejected": 8, "pending": 0}
    assert tp["carol"]["preannotation"]["edited"] == 4  # the town relabelled in her first batch
    seconds = {a["name"]: a["seconds"] for a in st["annotators"]}
    assert seconds["bob"] == pytest.approx(8 * ACTS["bob"] * SECONDS_PER_ACT["bob"])
    assert main(["status", str(project)]) == 0
    out = capsys.readouterr().out
    assert "Throughput" in out and "bob" in out
