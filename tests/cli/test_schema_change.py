"""Schema changes mid-project: additions pass, removals need a mapping, nothing is dropped silently."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from workbench.cli.main import main
from workbench.core.paths import schemas_dir
from workbench.core.record import Record, Relation, Span
from workbench.io.jsonl import read_jsonl
from workbench.io.project import Project
from workbench.io.store import AnnotatorStore


@pytest.fixture
def project(tmp_path: Path) -> Project:
    p = Project.init(tmp_path / "proj")
    text = "Mayor Ann Lee said the port of Halden will reopen."
    rec = Record.new(text)
    rec.spans = {
        "s1": Span("s1", 6, 13, "PERSON", {"sentiment": "positive"}),
        "s2": Span("s2", 31, 37, "GPE"),
        "s3": Span("s3", 14, 18, "CUE"),
        "s4": Span("s4", 19, 50, "QUOTE"),
    }
    rec.relations = {"r1": Relation("r1", "s4", "s1", "SPEAKER"), "r2": Relation("r2", "s4", "s3", "CUE")}
    p.add_records([Record.new(text)])
    with AnnotatorStore(p.annotator_file("alice"), "alice") as store:
        store.save(rec)
    return p


def _schema(tmp_path: Path, edit) -> Path:  # noqa: ANN001
    data = json.loads((schemas_dir() / "news.json").read_text())
    edit(data)
    out = tmp_path / "new.json"
    out.write_text(json.dumps(data))
    return out


def _rename_gpe(data: dict) -> None:
    for lab in data["span_labels"]:
        if lab["name"] == "GPE":
            lab["name"] = "PLACE"
    for rel in data["relation_types"]:
        for end in ("head", "child"):
            rel[end] = ["PLACE" if x == "GPE" else x for x in rel[end]]
    data["model_labels"]["GPE"] = "PLACE"
    data["version"] = 2


def test_adding_a_label_needs_no_mapping(project: Project, tmp_path: Path, capsys) -> None:  # noqa: ANN001
    def add(data: dict) -> None:
        data["span_labels"].append({"name": "PRODUCT", "color": "#123456", "kind": "entity"})

    new = _schema(tmp_path, add)
    assert main(["schema-change", str(project.root), str(new), "--apply"]) == 0
    assert "PRODUCT" in Project.open(project.root).schema().labels


def test_renaming_shows_affected_records_and_refuses_without_mapping(
    project: Project,
    tmp_path: Path,
    capsys,  # noqa: ANN001
) -> None:
    new = _schema(tmp_path, _rename_gpe)
    assert main(["schema-change", str(project.root), str(new)]) == 1
    err = capsys.readouterr().err
    assert "removed labels: GPE" in err
    assert "annotations/alice.jsonl: 1 annotation(s) affected" in err
    assert "s2: label GPE" in err
    assert main(["schema-change", str(project.root), str(new), "--apply"]) == 2
    assert "refusing to drop" in capsys.readouterr().err
    # nothing changed on disk
    assert Project.open(project.root).schema().ref == "news@1"


def test_mapping_renames_in_every_file(project: Project, tmp_path: Path) -> None:
    new = _schema(tmp_path, _rename_gpe)
    assert main(["schema-change", str(project.root), str(new), "--map", "GPE=PLACE", "--apply"]) == 0
    proj = Project.open(project.root)
    assert proj.schema().ref == "news@2"
    lines = [item[1] for item in read_jsonl(proj.annotator_file("alice"))]
    assert len(lines) == 1  # compacted
    labels = sorted(s["label"] for s in lines[0]["spans"])
    assert labels == ["CUE", "PERSON", "PLACE", "QUOTE"]
    assert len(lines[0]["relations"]) == 2


def test_removing_a_value_can_map_it(project: Project, tmp_path: Path) -> None:
    def three_to_two(data: dict) -> None:
        data["attributes"]["sentiment"]["values"] = ["negative", "neutral"]
        data["attributes"]["sentiment"]["keys"] = {"negative": "-", "neutral": "0"}

    new = _schema(tmp_path, three_to_two)
    args = ["schema-change", str(project.root), str(new), "--map", "sentiment=positive=neutral", "--apply"]
    assert main(args) == 0
    rec = next(item[1] for item in read_jsonl(project.annotator_file("alice")))
    person = next(s for s in rec["spans"] if s["label"] == "PERSON")
    assert person["attrs"] == {"sentiment": "neutral"}


def test_a_locked_annotator_file_is_not_rewritten(project: Project, tmp_path: Path, capsys) -> None:  # noqa: ANN001
    new = _schema(tmp_path, _rename_gpe)
    holder = AnnotatorStore(project.annotator_file("alice"), "alice")
    try:
        assert main(["schema-change", str(project.root), str(new), "--map", "GPE=PLACE", "--apply"]) == 2
        assert "alice" in capsys.readouterr().err
    finally:
        holder.close()
