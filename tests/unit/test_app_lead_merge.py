"""Merge and agreement as the application layer offers them: no terminal, a Progress, a cancel."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from workbench.app import workers
from workbench.app.agreement import agreement_over
from workbench.app.errors import AppError, Cancelled
from workbench.app.inputs import annotator_inputs, ensure_parent, open_inputs
from workbench.app.merge import MergeSummary, merge_files, parse_policy
from workbench.app.progress import Progress
from workbench.core.agreement import agreement_for_schema
from workbench.core.agreement_report import AgreementReport
from workbench.core.merged_record import MergedRecord
from workbench.core.schema import default_schema
from workbench.io.jsonl import write_jsonl

TEXT = "Putin said Russia would win. Biden disagreed."


def _record(ann: str, rid: str, spans: list[tuple[int, int, str]]) -> dict:
    return {
        "id": rid,
        "text": TEXT,
        "meta": {"title": f"story {rid}"},
        "spans": [
            {"id": f"s{i}", "start": s, "end": e, "label": lab, "text": TEXT[s:e]}
            for i, (s, e, lab) in enumerate(spans)
        ],
        "relations": [],
        "doc": {},
        "annotator": ann,
        "schema": "news@1",
        "status": "done",
    }


@pytest.fixture
def inputs(tmp_path: Path) -> list[Path]:
    """Three annotators, five articles each; they disagree on Russia's label."""
    paths = []
    for ann, label in (("alice", "GPE"), ("bob", "ORG"), ("carol", "GPE")):
        p = tmp_path / f"{ann}.jsonl"
        write_jsonl(p, [_record(ann, f"a{i}", [(0, 5, "PERSON"), (11, 17, label)]) for i in range(5)])
        paths.append(p)
    return paths


class Recorder(Progress):
    """Keeps every call; answers ``cancelled`` True once ``stop_after`` articles are done."""

    def __init__(self, stop_after: int | None = None):
        self.calls: list[tuple[str, int | None]] = []
        self.done = 0
        self.stop_after = stop_after

    def start(self, total: int | None) -> None:
        self.calls.append(("start", total))

    def step(self, n: int = 1, failed: bool = False) -> None:
        self.calls.append(("step", n))
        self.done += n

    def cancelled(self) -> bool:
        return self.stop_after is not None and self.done >= self.stop_after


def test_a_merge_reports_its_total_then_each_slice(inputs, tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(workers, "CHUNK", 2)
    progress = Recorder()
    summary = merge_files(
        open_inputs(inputs, None), tmp_path / "m.jsonl", parse_policy("majority"), progress=progress
    )
    assert progress.calls == [("start", 5), ("step", 2), ("step", 2), ("step", 1)]
    assert summary == MergeSummary(
        ["alice", "bob", "carol"], articles=5, agreed=10, conflicts=5, with_conflicts=5
    )
    lines = (tmp_path / "m.jsonl").read_text().splitlines()
    m = MergedRecord.from_dict(json.loads(lines[0]))
    assert m.id == "a0" and m.status == "merged" and m.present == ["alice", "bob", "carol"] and not m.missing
    assert [c["key"] for c in m.conflicts] == ["span|11-17|ORG"]
    assert m.to_dict() == json.loads(lines[0])  # the file's shape, keys in its order
    assert list(m.to_dict()) == list(json.loads(lines[0]))


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_cancelled_merge_stops_between_slices_and_writes_nothing(
    inputs, tmp_path, monkeypatch, jobs
) -> None:
    monkeypatch.setattr(workers, "CHUNK", 2)
    progress = Recorder(stop_after=2)
    out = tmp_path / "m.jsonl"
    with pytest.raises(Cancelled) as stopped:
        merge_files(open_inputs(inputs, None), out, parse_policy("majority"), jobs=jobs, progress=progress)
    assert stopped.value.exit_code == 130
    assert progress.calls == [("start", 5), ("step", 2)]
    assert not out.exists() and not [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_agreement_is_measured_in_the_merge_pass_or_alone_alike(inputs, tmp_path) -> None:
    files = open_inputs(inputs, None)
    acc = agreement_for_schema([f.annotator for f in files], default_schema())
    merge_files(files, tmp_path / "m.jsonl", parse_policy("majority"), default_schema(), agreement=acc)
    alone = agreement_over(inputs, None, None, [], progress=Recorder())
    from_merged = agreement_over([tmp_path / "m.jsonl"], None, None, [])
    assert isinstance(alone, AgreementReport) and alone.documents == 5
    assert acc.report() == alone
    assert from_merged.spans == alone.spans and from_merged.coefficients == alone.coefficients


def test_the_use_cases_raise_app_errors_not_the_commands(inputs, tmp_path) -> None:
    with pytest.raises(AppError, match="at least two annotator files"):
        agreement_over(inputs[:1], None, None, [])
    with pytest.raises(AppError, match="is a folder; give a file name"):
        ensure_parent(tmp_path)
    (tmp_path / "empty").mkdir()
    with pytest.raises(AppError, match="folder without .ann files"):
        with annotator_inputs([str(tmp_path / "empty")]):
            pass
    with pytest.raises(AppError):
        parse_policy("at-least", 0)
