"""The cluster run as a use case: its progress, its errors and its summary, without a cluster."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.unit.test_shards import CapsAnnotator, corpus  # noqa: F401  (the fixture)
from workbench.app.errors import AppError, Cancelled
from workbench.app.preannotate_cluster import _Reporter, run_cluster, summary_lines
from workbench.app.progress import Progress
from workbench.nlp.cluster import ClusterProgress, ClusterSummary
from workbench.nlp.shards import ShardResult


class Recorder(Progress):
    def __init__(self, cancel: bool = False) -> None:
        self.calls: list[tuple[str, object]] = []
        self.cancel = cancel

    def start(self, total: int | None) -> None:
        self.calls.append(("start", total))

    def step(self, n: int = 1, failed: bool = False) -> None:
        self.calls.append(("step", n))

    def note(self, text: str) -> None:
        self.calls.append(("note", text))

    def cancelled(self) -> bool:
        return self.cancel

    def close(self) -> None:
        self.calls.append(("close", None))


def test_missing_dask_names_the_extra_to_install(
    corpus: Path,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A desktop install has no Dask: cluster mode says how to get it, nothing else breaks."""
    monkeypatch.setitem(sys.modules, "distributed", None)  # makes `import distributed` raise ImportError
    progress = Recorder()
    with pytest.raises(AppError, match=r"pip install 'workbench\[cluster\]'"):
        run_cluster([corpus], tmp_path / "out", "local:2", annotator=CapsAnnotator(), progress=progress)
    assert not (tmp_path / "out").exists()  # refused before writing anything
    assert progress.calls == [("close", None)]


def test_shard_mistakes_and_a_bad_batch_size_are_app_errors(corpus: Path, tmp_path: Path) -> None:  # noqa: F811
    with pytest.raises(AppError, match="no such file or folder"):
        run_cluster([tmp_path / "missing"], tmp_path / "out", "local:2", annotator=CapsAnnotator())
    with pytest.raises(AppError, match="--batch-size must be at least 1"):
        run_cluster([corpus], tmp_path / "out", "local:2", batch_size=0)


def test_progress_reaches_the_front_end_as_dashboard_note_articles_and_an_estimated_total() -> None:
    progress = Recorder()
    report = _Reporter(progress)
    state = ClusterProgress(shards_total=10, shards_skipped=2, bytes_total=1000)
    state.dashboard = "http://10.0.0.5:8787/status"
    report(state)  # nothing read yet: no total
    state.articles, state.bytes_done = 300, 250
    report(state)
    state.articles = 295  # a dead worker's shard restarted: the count dips, the bar does not go back
    report(state)
    state.articles, state.bytes_done = 1190, 1000
    state.finished = True
    report(state)
    assert progress.calls == [
        ("start", None),
        ("note", "Dask dashboard: http://10.0.0.5:8787/status"),
        ("start", 1200),
        ("step", 300),
        ("start", 1190),
        ("step", 890),
    ]


def test_no_dashboard_is_said_and_a_cancel_stops_the_run() -> None:
    progress = Recorder()
    _Reporter(progress)(ClusterProgress(shards_total=1))
    assert (
        "note",
        "Dask dashboard: (no dashboard: install bokeh on the scheduler to get one)",
    ) in progress.calls
    with pytest.raises(Cancelled):
        _Reporter(Recorder(cancel=True))(ClusterProgress(shards_total=1))


def test_the_command_says_how_to_install_dask(
    corpus: Path,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from workbench.cli.main import main

    monkeypatch.setitem(sys.modules, "distributed", None)
    code = main(["preannotate", str(corpus), "-o", str(tmp_path / "out"), "--cluster", "local:2"])
    err = capsys.readouterr().err
    assert code == 2 and "pip install 'workbench[cluster]'" in err and "Traceback" not in err


def test_summary_names_failed_shards_and_how_to_resume() -> None:
    summary = ClusterSummary(
        "out",
        None,
        4,
        12.5,
        [
            ShardResult("a.jsonl", "out/a.jsonl", articles=10, failed=1, bad_lines=2),
            ShardResult("b", "b", skipped=True),
        ],
        {"c.jsonl": "KilledWorker: worker died twice"},
        fingerprint="model:blank:en@3.8.18|rule:quotes@1+abc|news@1#123",
    )
    text = "\n".join(summary_lines(summary))
    assert "10 articles pre-annotated in 1 shards, 1 shards already done, 3 articles or input lines" in text
    assert "c.jsonl: shard failed: KilledWorker: worker died twice" in text
    assert "run the same command again" in text
    assert "WARNING: no trained model" in text
    assert "1 shards for 4 workers" in text
