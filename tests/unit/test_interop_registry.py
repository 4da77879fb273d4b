"""Every data file under ../shared/data/interop imports through the registry; only the deliberately
invalid doccano files report problems, and those name file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import SHARED, shared_path
from workbench.core.problems import Problem
from workbench.core.record import Record
from workbench.io.interop.registry import EXPORTERS, IMPORTERS

FORMAT_OF = {  # (folder, suffix) -> format; .conf and .md files are configuration and prose, not data
    ("doccano", ".jsonl"): "doccano",
    ("doccano", ".conll"): "conll",
    ("brat-news", ".ann"): "brat",
    ("prodigy", ".jsonl"): "prodigy",
    ("newsmtsc", ".jsonl"): "newsmtsc",
    ("conll", ".txt"): "conll",
}
INVALID = {"tests-seq-example.jsonl": 1, "tests-seq-labeling.invalid.conll": 1}


def _data_files() -> list[Path]:
    root = SHARED / "data" / "interop"
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and (p.parent.name, p.suffix) in FORMAT_OF)


def test_registry_interface() -> None:
    assert {"prodigy", "doccano", "brat", "conll", "newsmtsc", "spacy", "jsonl"} <= IMPORTERS.keys()
    assert {"spacy", "jsonl", "prodigy", "hf", "conll", "brat", "doccano"} <= EXPORTERS.keys()
    assert str(Problem("f.jsonl", 3, "bad")) == "f.jsonl:3: bad"


@pytest.mark.parametrize("path", _data_files(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_shared_interop_file_imports(path: Path) -> None:
    shared_path("data", "interop")
    items = list(IMPORTERS[FORMAT_OF[(path.parent.name, path.suffix)]](path))
    problems = [i for i in items if isinstance(i, Problem)]
    records = [i for i in items if isinstance(i, Record)]
    assert len(problems) == INVALID.get(path.name, 0), [str(p) for p in problems]
    assert all(p.path == str(path) and p.line >= 1 for p in problems)
    size = path.stat().st_size
    assert records or size == 0 or path.suffix == ".ann"
    for rec in records:
        for s in rec.spans.values():
            assert 0 <= s.start < s.end <= len(rec.text)


def test_the_folder_list_is_not_empty_when_shared_is_present() -> None:
    shared_path("data", "interop")
    assert len(_data_files()) >= 20
