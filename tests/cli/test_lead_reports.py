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


def test_agreement_by_batch_and_week_follows_the_simulated_drift(project: Path, capsys) -> None:  # noqa: ANN001
    for by, keys in (
        ("batch", ["batch 1 (2026-11-23 09:00)", "batch 2 (2026-11-30 09:00)"]),
        ("week", ["2026-W48", "2026-W49"]),
    ):
        assert main(["agreement", str(project), "--by", by, "--json"]) == 0
        r = json.loads(capsys.readouterr().out)
        groups = r["groups"]["groups"]
        assert [g["key"] for g in groups] == keys
        assert [g["documents"] for g in groups] == [6, 6]
        first, second = (g["figures"] for g in groups)
        # carol's LOC for the town in the first batch only: the second batch agrees more
        assert first["span F1 strict"] < second["span F1 strict"]
        assert first["α span label"] < second["α span label"] == pytest.approx(1.0)
    assert main(["agreement", str(project), "--by", "week"]) == 0
    out = capsys.readouterr().out
    assert "By week" in out and "2026-W48" in out


def test_disputes_name_the_label_the_guideline_and_spans_that_open_in_the_window(
    project: Path,
    tmp_path: Path,
    capsys,  # noqa: ANN001
) -> None:
    html = tmp_path / "r.html"
    assert main(["agreement", str(project), "--json", "--html", str(html), "--dispute-below", "0.6"]) == 0
    r = json.loads(capsys.readouterr().out)
    d = r["disputes"]
    labels = {x["label"]: x for x in d["labels"]}
    assert set(labels) == {"LOC", "ORG", "GPE"}  # PERSON is accepted by all: no dispute
    assert labels["LOC"]["guideline"]["definition"]  # the schema's entry (schemas/news.json)
    assert [a["name"] for a in d["annotators"]] == ["bob"]
    files = {p.stem: p for p in (project / "annotations").glob("*.jsonl")}
    for ex in labels["ORG"]["examples"]:
        assert ex["marked_by"] and ex["not_by"]
        who = ex["marked_by"][0]
        assert ex["file"] == str(files[who]) and ex["open"].endswith(f"--at {ex['id']}:{ex['start']}")
        rec = next(
            json.loads(line)
            for line in files[who].read_text("utf-8").splitlines()
            if json.loads(line)["id"] == ex["id"]
        )
        assert any(
            (s["start"], s["end"], s["label"]) == (ex["start"], ex["end"], "ORG") for s in rec["spans"]
        )
    # the HTML carries the same: each section, the course of the figures, the commands to copy
    page = html.read_text("utf-8")
    assert "Disputes: strict span F1 below 0.6" in page and "Throughput and pre-annotations" in page
    assert labels["ORG"]["examples"][0]["open"].split(" --at ")[1] in page
    assert r["throughput"][0]["annotator"] in page
    # 0 lists none; a plain run's JSON keeps its published shape plus the γ note
    assert main(["agreement", str(project), "--json", "--dispute-below", "0"]) == 0
    assert "disputes" not in json.loads(capsys.readouterr().out)


def test_a_bad_grouping_or_sample_is_refused(project: Path, capsys) -> None:  # noqa: ANN001
    with pytest.raises(SystemExit):
        main(["agreement", str(project), "--by", "month"])
    assert "invalid choice" in capsys.readouterr().err
    assert main(["agreement", str(project), "--gamma-sample", "0"]) != 0
    assert "--gamma-sample" in capsys.readouterr().err


@pytest.fixture(scope="module")
def polnear(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The six-annotator PolNeAR set as annotator files (merge --imported keeps them)."""
    from tests.conftest import shared_path

    folder = shared_path("data", "polnear", "multi-annotator")
    tmp = tmp_path_factory.mktemp("polnear")
    assert main(["merge", str(folder), "-o", str(tmp / "m.jsonl"), "--imported", str(tmp / "ann")]) == 0
    return tmp / "ann"


def test_polnear_six_annotators_by_week_disputes_and_links(polnear: Path, capsys) -> None:  # noqa: ANN001
    files = sorted(polnear.glob("*.jsonl"))
    assert len(files) == 6
    capsys.readouterr()
    assert main(["agreement", *map(str, files), "--json", "--by", "week", "--dispute-below", "0.8"]) == 0
    r = json.loads(capsys.readouterr().out)
    # brat has no times: one group, and measured on its own it gives the corpus figures
    (group,) = r["groups"]["groups"]
    assert group["key"] == "no date" and group["documents"] == r["documents"] == 4
    assert group["figures"]["span F1 strict"] == pytest.approx(r["spans"]["strict"]["mean_f1"])
    assert group["figures"]["α span label"] == pytest.approx(r["coefficients"]["span label"]["alpha_nominal"])
    d = r["disputes"]
    for lab in d["labels"]:
        low = lab["f1"] < 0.8 or any(a["f1"] < 0.8 for a in lab["annotators"])
        assert low and lab["examples"]
        for ex in lab["examples"]:
            assert set(ex["marked_by"]) | set(ex["not_by"]) == set(r["annotators"])
            assert Path(ex["file"]).parent == polnear
    assert r["gamma"]["continua"] == 0 or r["gamma"]["mode"] == "pairs"  # six annotators: γ by pairs
    folder = polnear.parent  # neither a brat folder nor a project: refused plainly
    assert main(["agreement", str(folder)]) != 0
    assert "folder without .ann files" in capsys.readouterr().err


@pytest.mark.slow  # pygamma-agreement's import compiles with numba (15-25 s here)
def test_polnear_gamma_on_a_sample_of_pairs(polnear: Path, capsys) -> None:  # noqa: ANN001
    pytest.importorskip("pygamma_agreement", reason="the optional extra workbench[gamma] is not installed")
    files = sorted(polnear.glob("*.jsonl"))
    capsys.readouterr()
    assert main(["agreement", *map(str, files), "--json", "--gamma", "--gamma-sample", "2"]) == 0
    g = json.loads(capsys.readouterr().out)["gamma"]
    assert g["computed"] and g["mode"] == "pairs" and g["continua"] == 4 * 15
    assert g["measured"] == 2 and g["sampled"] and "sample of 2 of 60" in g["message"]
    assert 0 < g["gamma"] < 1 and g["seconds_per_continuum"] > 0
    assert set(g["per_label"]) <= {"MENTION", "CUE", "QUOTE"}
