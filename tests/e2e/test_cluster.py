"""Pre-annotation on a real Dask LocalCluster (loopback, 2 worker processes): kill, resume, same output."""

from __future__ import annotations

import json
import logging
import os
import signal
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip(
    "distributed", reason="cluster tests need the optional extra: pip install 'workbench[cluster]'"
)

import cloudpickle  # noqa: E402  (comes with distributed)
import dask  # noqa: E402

from tests.conftest import SHARED  # noqa: E402
from tests.unit.test_app_preannotate_cluster import Recorder  # noqa: E402
from tests.unit.test_shards import write_shard  # noqa: E402
from workbench.app.errors import AppError  # noqa: E402
from workbench.app.preannotate_cluster import run_cluster  # noqa: E402
from workbench.nlp.cluster import connect, run_on_client  # noqa: E402
from workbench.nlp.shards import PreannotateAnnotator, Shard, is_finished, plan_shards, run_local  # noqa: E402

# Workers cannot import this test module by name: ship its classes by value.
cloudpickle.register_pickle_by_value(sys.modules[__name__])
pytestmark = pytest.mark.slow

N_SHARDS = 4
PER_SHARD = 4
SHARED_TEXTS = SHARED / "data" / "polnear" / "dev" / "text"


@dataclass(frozen=True)
class KillWorker:
    """Wraps the real annotator and kill -9s the worker process at one article, mid-shard.

    With ``marker`` the kill happens once (the marker file records it), so the
    retried task succeeds; without it every attempt dies.
    """

    inner: Any
    trigger: str
    marker: str | None = None

    def fingerprint(self) -> str:
        return self.inner.fingerprint()

    def warm(self) -> None:
        warm = getattr(self.inner, "warm", None)
        if warm is not None:
            warm()

    def annotate_file(self, path: Path, name: str) -> Iterator[Any]:
        for out in self.inner.annotate_file(path, name):
            if isinstance(out, dict) and self.trigger in out.get("text", ""):
                first = True
                if self.marker is not None:
                    try:
                        os.close(os.open(self.marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
                    except FileExistsError:
                        first = False
                if first:
                    os.kill(os.getpid(), signal.SIGKILL)
            yield out


@pytest.fixture(scope="module")
def annotator() -> PreannotateAnnotator:
    """The real pre-annotation (spaCy model, quotes, speakers), loaded once in this process."""
    ann = PreannotateAnnotator(batch_size=8)
    ann.warm()
    return ann


def _lead(text: str, limit: int = 1000) -> str:
    """The first paragraphs of an article: real prose and quotes, short enough for a quick suite."""
    out: list[str] = []
    for para in text.split("\n"):
        out.append(para)
        if sum(map(len, out)) >= limit:
            break
    return "\n".join(out)


@pytest.fixture(scope="module")
def texts() -> list[str]:
    """Real articles when ../shared is present, else generated ones (the machinery is what is tested)."""
    if SHARED_TEXTS.is_dir():
        files = sorted(SHARED_TEXTS.glob("*.txt"))[: N_SHARDS * PER_SHARD]
        return [_lead(f.read_text(encoding="utf-8")) for f in files]
    return [
        f'Article {i}. "We will not leave," Alice Moreau said on Tuesday. Bob Smith said that Paris was calm.'
        for i in range(N_SHARDS * PER_SHARD)
    ]


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory, texts: list[str]) -> Path:
    root = tmp_path_factory.mktemp("shards")
    for i in range(N_SHARDS):
        # one marker article per shard, in the middle, so a kill lands mid-shard
        chunk = texts[i * PER_SHARD : (i + 1) * PER_SHARD]
        chunk.insert(PER_SHARD // 2, f"Marker article of shard {i}. It says nothing else.")
        write_shard(root / f"part-{i:02d}.jsonl", chunk)
    with (root / "part-01.jsonl").open("a", encoding="utf-8") as fh:
        fh.write('{"text": ""}\n{not json\n')  # two bad lines: reported by line, the rest still done
    return root.resolve()


@pytest.fixture(scope="module")
def baseline(tmp_path_factory: pytest.TempPathFactory, inputs: Path, annotator: Any) -> dict[str, bytes]:
    """The single-process path over the same shards."""
    out = tmp_path_factory.mktemp("single")
    shards = plan_shards([str(inputs)], out)
    run_local(shards, annotator)
    return {s.name: s.output.read_bytes() for s in shards}


def test_shards_hold_what_the_single_machine_command_writes(
    inputs: Path, baseline: dict[str, bytes], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``workbench preannotate`` (plain loop and --n-process 2) writes the very lines the shards hold."""
    from workbench.cli.main import main

    files = sorted(inputs.glob("*.jsonl"))
    shard_lines = [line for f in files for line in baseline[f.name].decode("utf-8").splitlines()]
    assert len(shard_lines) == N_SHARDS * (PER_SHARD + 1)
    assert any(json.loads(x)["relations"] for x in shard_lines)  # speakers linked: the real thing ran
    for extra in ([], ["--n-process", "2", "--batch-size", "4"]):
        out = tmp_path / f"single{len(extra)}.jsonl"
        main(["preannotate", str(inputs), "-o", str(out), "--quiet", *extra])
        assert out.read_text(encoding="utf-8").splitlines() == shard_lines, extra
    assert "2 input problems" in capsys.readouterr().err


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    logging.getLogger("distributed").setLevel(logging.CRITICAL)
    # One retry after a killed worker: a task on two dead workers fails, so the resume test is quick.
    with (
        dask.config.set({"distributed.scheduler.allowed-failures": 1}),
        connect("local:2", memory_limit="1GiB") as c,
    ):
        yield c


def both_workers_up(client: Any) -> None:
    """The worker an earlier test killed is back: on a loaded machine its nanny takes seconds."""
    client.wait_for_workers(2, timeout=120)


def outputs(shards: list[Shard]) -> dict[str, bytes]:
    return {s.name: s.output.read_bytes() for s in shards if s.output.exists()}


def test_a_killed_worker_is_replaced_and_output_matches_single_process(
    client: Any, inputs: Path, baseline: dict[str, bytes], annotator: Any, tmp_path: Path
) -> None:
    shards = plan_shards([str(inputs)], tmp_path / "out")
    marker = tmp_path / "killed-once"
    pids_before = set(client.run(os.getpid).values())
    states: list[Any] = []
    summary = run_on_client(
        client, shards, KillWorker(annotator, "shard 3.", str(marker)), progress=states.append, every=0.05
    )
    assert marker.exists(), "the worker kill never happened"
    assert summary.ok, summary.failed_shards
    assert summary.processed == N_SHARDS and summary.skipped == 0
    assert summary.articles == N_SHARDS * (PER_SHARD + 1)
    assert summary.failed_articles == 2  # the empty article and the broken line of part-01, named
    (bad,) = [r for r in summary.results if r.failures]
    assert [(f.line, f.id is None) for f in bad.failures] == [(PER_SHARD + 2, True), (PER_SHARD + 3, True)]
    assert outputs(shards) == baseline
    assert list((tmp_path / "out").glob(".*.tmp")) == []  # the dead writer's temp file was cleaned
    assert all(is_finished(s, annotator.fingerprint()) for s in shards)
    assert set(client.run(os.getpid).values()) != pids_before  # a worker process really died
    assert states[-1].finished and states[-1].articles == summary.articles
    assert states[-1].dashboard and states[-1].dashboard.startswith("http")


def test_an_interrupted_run_resumes_by_skipping_finished_shards(
    client: Any, inputs: Path, baseline: dict[str, bytes], annotator: Any, tmp_path: Path
) -> None:
    shards = plan_shards([str(inputs)], tmp_path / "out")
    doomed = next(s for s in shards if s.name == "part-02.jsonl")
    first = run_on_client(client, shards, KillWorker(annotator, "shard 2."))
    assert str(doomed.source) in first.failed_shards
    assert "KilledWorker" in first.failed_shards[str(doomed.source)]
    # Dask also suspects a shard that merely waited on a dying worker; it must be left clean too
    failed = [s for s in shards if str(s.source) in first.failed_shards]
    assert len(failed) < N_SHARDS - 1
    assert not any(s.output.exists() for s in failed)  # never half a file under the real name
    assert first.processed == N_SHARDS - len(failed)
    stamps = {s.name: s.output.stat().st_mtime_ns for s in shards if s not in failed}

    second = run_on_client(client, shards, annotator)
    assert second.ok and second.skipped == N_SHARDS - len(failed) and second.processed == len(failed)
    assert {s.name: s.output.stat().st_mtime_ns for s in shards if s not in failed} == stamps
    assert outputs(shards) == baseline
    assert list((tmp_path / "out").glob(".*.tmp")) == []


def test_run_cluster_on_a_scheduler_address_with_the_default_preannotation(
    client: Any, inputs: Path, baseline: dict[str, bytes], tmp_path: Path
) -> None:
    """What ``--cluster tcp://host:8786`` does: connect to a running scheduler, nothing started locally."""
    both_workers_up(client)
    address = client.scheduler.address
    assert address.startswith("tcp://127.0.0.1:")
    progress = Recorder()
    summary = run_cluster(
        [str(inputs / "part-0*.jsonl")], tmp_path / "out", address, batch_size=8, progress=progress
    )
    assert summary.ok and summary.processed == N_SHARDS and summary.workers == 2
    notes = [text for kind, text in progress.calls if kind == "note"]
    assert len(notes) == 1 and str(notes[0]).startswith("Dask dashboard: ")
    assert sum(n for kind, n in progress.calls if kind == "step") == summary.articles  # type: ignore[misc]
    assert ("start", summary.articles) in progress.calls and progress.calls[-1] == ("close", None)
    assert summary.fingerprint.startswith("model:")
    assert outputs(plan_shards([str(inputs)], tmp_path / "out")) == baseline
    done = json.loads((tmp_path / "out" / "part-00.jsonl.done").read_text(encoding="utf-8"))
    assert done["articles"] == PER_SHARD + 1 and done["worker"].startswith("tcp://127.0.0.1")


def test_a_model_missing_on_the_workers_stops_the_run_before_any_shard(
    client: Any, inputs: Path, tmp_path: Path
) -> None:
    address = client.scheduler.address
    with pytest.raises(AppError, match="a worker could not prepare the pre-annotation: .*no_such_model_xyz"):
        run_cluster([str(inputs)], tmp_path / "out", address, model="no_such_model_xyz")
    assert not list((tmp_path / "out").glob("*.jsonl"))


@dataclass(frozen=True)
class PerProcess:
    """Claims a different model in every process: what workers with mixed installs look like."""

    def fingerprint(self) -> str:
        return f"model:custom@{os.getpid()}"

    def annotate_file(self, path: Path, name: str) -> Iterator[Any]:
        return iter(())


def test_workers_that_would_write_different_output_are_refused(
    client: Any, inputs: Path, tmp_path: Path
) -> None:
    from workbench.nlp.cluster import ClusterUnavailable

    both_workers_up(client)
    shards = plan_shards([str(inputs)], tmp_path / "out")
    with pytest.raises(ClusterUnavailable, match="workers disagree") as err:
        run_on_client(client, shards, PerProcess())
    assert str(err.value).count("tcp://127.0.0.1:") == 2  # both workers named
    assert not (tmp_path / "out").exists()


def test_the_command_with_cluster_writes_the_same_shards(
    client: Any, inputs: Path, baseline: dict[str, bytes], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``workbench preannotate INPUT -o OUTDIR --cluster ADDRESS``, then again: everything skipped."""
    from workbench.cli.main import main

    out = tmp_path / "out"
    argv = ["preannotate", str(inputs), "-o", str(out), "--cluster", client.scheduler.address, "--quiet"]
    assert main(argv) == 0
    assert outputs(plan_shards([str(inputs)], out)) == baseline
    assert main(argv) == 0
    err = capsys.readouterr().err
    assert f"0 articles pre-annotated in 0 shards, {N_SHARDS} shards already done" in err
