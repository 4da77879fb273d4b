"""Odd command lines a user really types: one-line error, non-zero exit, no traceback, inputs untouched."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.cli.main import main
from workbench.io.jsonl import write_jsonl

RECORD = {
    "id": "a1",
    "text": "Angela Merkel visited Paris.",
    "spans": [{"id": "s1", "start": 0, "end": 13, "label": "PERSON", "attrs": {"sentiment": "negative"}}],
    "status": "done",
}


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    path = tmp_path / "alice.jsonl"
    write_jsonl(path, [RECORD])
    return path


def _one_line_error(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.strip(), err
    return err


@pytest.mark.parametrize("fmt", ["jsonl", "doccano", "prodigy", "newsmtsc", "conll"])
def test_export_onto_its_own_input_is_refused_and_the_input_kept(
    corpus: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    before = corpus.read_bytes()
    assert main(["export", str(corpus), "-f", fmt, "-o", str(corpus)]) == 2
    assert "input" in _one_line_error(capsys)
    assert corpus.read_bytes() == before


def test_export_into_a_folder_whose_default_file_is_the_input_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus = tmp_path / "doccano.jsonl"
    write_jsonl(corpus, [RECORD])
    before = corpus.read_bytes()
    assert main(["export", str(corpus), "-f", "doccano", "-o", str(tmp_path)]) == 2
    _one_line_error(capsys)
    assert corpus.read_bytes() == before


@pytest.mark.parametrize("fmt", ["jsonl", "brat"])
def test_export_below_a_file_is_a_one_line_error(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    assert main(["export", str(corpus), "-f", fmt, "-o", str(corpus / "out")]) == 2
    _one_line_error(capsys)


def test_export_threshold_outside_0_1_is_a_one_line_error(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["export", str(corpus), "-f", "jsonl", "-o", str(tmp_path / "o"), "--split", "80/20"]
    assert main([*args, "--near-duplicate-threshold", "-1"]) == 2
    assert "threshold" in _one_line_error(capsys)


@pytest.mark.parametrize("command", ["export", "init", "schema-change"])
def test_a_folder_given_as_schema_is_a_one_line_error(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    folder = tmp_path / "schemas"
    folder.mkdir()
    project = tmp_path / "proj"
    if command == "schema-change":
        assert main(["init", str(project)]) == 0
        capsys.readouterr()
    argv = {
        "export": [
            "export",
            str(corpus),
            "-f",
            "jsonl",
            "-o",
            str(tmp_path / "o.jsonl"),
            "--schema",
            str(folder),
        ],
        "init": ["init", str(tmp_path / "new"), "--schema", str(folder)],
        "schema-change": ["schema-change", str(project), str(folder)],
    }[command]
    assert main(argv) == 2
    assert str(folder) in _one_line_error(capsys)


def test_init_on_an_existing_file_is_a_one_line_error(
    corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = corpus.read_bytes()
    assert main(["init", str(corpus)]) == 2
    _one_line_error(capsys)
    assert corpus.read_bytes() == before


def test_eval_with_a_prediction_folder_without_ann_files_is_a_one_line_error(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "pred"
    empty.mkdir()
    assert main(["eval", str(corpus), str(empty)]) == 2
    assert "no .ann files" in _one_line_error(capsys)


def test_merge_with_imported_naming_a_file_is_a_one_line_error(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.conftest import shared_path

    folder = shared_path("data", "polnear", "multi-annotator")
    before = corpus.read_bytes()
    out = tmp_path / "merged.jsonl"
    assert main(["merge", str(folder), "-o", str(out), "--imported", str(corpus)]) == 2
    assert str(corpus) in _one_line_error(capsys)
    assert corpus.read_bytes() == before and not out.exists()


@pytest.mark.parametrize("content", ["[]", "{oops", '{"annotators": [], "articles": {}}'])
def test_a_damaged_assignments_file_is_a_one_line_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str
) -> None:
    project = tmp_path / "proj"
    assert main(["init", str(project)]) == 0
    (project / "assignments.json").write_text(content, "utf-8")
    capsys.readouterr()
    assert main(["status", str(project)]) == 2
    assert "assignments.json" in _one_line_error(capsys)
    assert main(["assign", str(project), "--annotators", "alice"]) == 2
    assert "assignments.json" in _one_line_error(capsys)
    assert (project / "assignments.json").read_text("utf-8") == content  # not overwritten


def test_add_with_a_similarity_outside_0_1_is_a_one_line_error(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = tmp_path / "proj"
    assert main(["init", str(project)]) == 0
    capsys.readouterr()
    assert main(["add", str(project), str(corpus), "--near", "-1"]) == 2
    assert "--near" in _one_line_error(capsys)


def test_a_split_part_that_is_the_input_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus = tmp_path / "train.jsonl"
    write_jsonl(corpus, [RECORD, {**RECORD, "id": "a2", "text": "Olaf Scholz visited Rome."}])
    before = corpus.read_bytes()
    assert main(["export", str(corpus), "-f", "jsonl", "-o", str(tmp_path), "--split", "50/50"]) == 2
    assert "input" in _one_line_error(capsys)
    assert corpus.read_bytes() == before


def test_merge_leaves_out_a_record_whose_attrs_are_not_an_object(tmp_path: Path, capsys) -> None:  # noqa: ANN001
    import json

    from workbench.cli.main import main

    text = "Ann Lee spoke in Oslo."
    good = {"id": "a1", "text": text, "spans": [{"id": "s1", "start": 0, "end": 7, "label": "PERSON"}]}
    bad = {
        "id": "a1",
        "text": text,
        "spans": [{"id": "s1", "start": 0, "end": 7, "label": "PERSON", "attrs": "x"}],
    }
    (tmp_path / "alice.jsonl").write_text(json.dumps(good) + "\n", "utf-8")
    (tmp_path / "bob.jsonl").write_text(json.dumps(bad) + "\n", "utf-8")
    code = main(
        ["merge", str(tmp_path / "alice.jsonl"), str(tmp_path / "bob.jsonl"), "-o", str(tmp_path / "m.jsonl")]
    )
    captured = capsys.readouterr()
    said = captured.out + captured.err
    assert "Traceback" not in said
    assert "bob.jsonl:1: spans[0]: attrs must be an object; left out" in said
    assert code == 0
