"""Pre-annotate an archive on a Dask cluster: one task per shard, the model loaded once per worker.

Dask is an optional extra (``pip install 'workbench[cluster]'``); this module
imports it only inside functions so the desktop app never needs it, and says
how to install it when it is missing. The work itself is
:func:`workbench.nlp.shards.process_shard`, the same function the single-process
path runs, so both write byte-identical shards.

Progress is per article, not per task: each worker publishes its shard's
running count as a Dask event (``log_event``) about twice a second and the
client adds them up, so a lead sees articles done, rate and ETA for the whole
cluster rather than a bar that moves once per shard.
"""

from __future__ import annotations

import contextlib
import os
import queue
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workbench.nlp.shards import (
    Shard,
    ShardAnnotator,
    ShardError,
    ShardResult,
    finished_result,
    is_finished,
    plan_shards,
    process_shard,
    remove_stale_temps,
)

PROGRESS_TOPIC = "workbench-preannotate"
INSTALL_HINT = "pip install 'workbench[cluster]'"


class ClusterUnavailable(ShardError):
    """Dask is not installed, or the scheduler cannot be reached: a message for the user, not a traceback."""


def require_dask() -> Any:
    """Import ``dask.distributed`` or explain, in one sentence, how to get it."""
    try:
        import distributed
    except ImportError as e:
        raise ClusterUnavailable(
            f"cluster mode needs Dask, which is not installed ({e.name or e}); "
            f"install the optional extra with: {INSTALL_HINT}"
        ) from None
    return distributed


# --------------------------------------------------------------------------- progress
@dataclass(slots=True)
class ClusterProgress:
    """A snapshot of the whole run, handed to the progress callback."""

    shards_total: int
    shards_skipped: int = 0
    shards_done: int = 0
    shards_failed: int = 0
    articles: int = 0
    bytes_done: int = 0
    bytes_total: int = 0
    elapsed: float = 0.0
    workers: int = 0
    dashboard: str | None = None
    finished: bool = False

    @property
    def rate(self) -> float:
        """Articles per second since the run started (start-up included: what the lead waits for)."""
        return self.articles / self.elapsed if self.elapsed > 0 else 0.0

    @property
    def eta(self) -> float | None:
        """Seconds left, from input bytes: shard sizes are known up front, article counts are not."""
        if self.bytes_done <= 0 or self.elapsed <= 0:
            return None
        return max(0.0, (self.bytes_total - self.bytes_done) * self.elapsed / self.bytes_done)


@dataclass(slots=True)
class ClusterSummary:
    """What ``run_cluster`` returns: per-shard results and the failures a lead must look at."""

    outdir: str
    dashboard: str | None
    workers: int
    seconds: float
    results: list[ShardResult] = field(default_factory=list)
    failed_shards: dict[str, str] = field(default_factory=dict)
    fingerprint: str = ""  # model@version | rules+code | schema, as every worker reported it

    @property
    def articles(self) -> int:
        return sum(r.articles for r in self.results)

    @property
    def skipped(self) -> int:
        return sum(1 for r in self.results if r.skipped)

    @property
    def processed(self) -> int:
        return sum(1 for r in self.results if not r.skipped)

    @property
    def failed_articles(self) -> int:
        return sum(r.failed + r.bad_lines for r in self.results)

    @property
    def ok(self) -> bool:
        return not self.failed_shards


# --------------------------------------------------------------------------- worker side
class WorkerMismatch(RuntimeError):
    """A worker that joined mid-run would write different output (other model, code or schema)."""


def _shard_task(shard: Shard, annotator: ShardAnnotator, run: str, expected: str) -> ShardResult:
    """Runs on a worker: the shared shard function plus progress events for the client."""
    from distributed import get_worker

    worker = get_worker()
    mine = annotator.fingerprint()
    if mine != expected:
        raise WorkerMismatch(
            f"worker {worker.address} pre-annotates with {mine}, this run with {expected}: "
            "install the same workbench and model on every worker"
        )
    attempt = uuid.uuid4().hex[:8]

    def emit(articles: int, read: int) -> None:
        worker.log_event(PROGRESS_TOPIC, (run, str(shard.output), attempt, articles, read))

    if is_finished(shard, mine):
        return finished_result(shard, worker.address)
    remove_stale_temps(shard)
    return process_shard(shard, annotator, progress=emit, worker=worker.address)


def _make_preload_plugin(annotator: ShardAnnotator) -> Any:
    """A worker plugin that loads the model when a worker joins, before its first shard arrives."""
    from distributed.diagnostics.plugin import WorkerPlugin

    class WarmModel(WorkerPlugin):
        name = "workbench-warm-model"

        def __init__(self, annotator: ShardAnnotator):
            self.annotator = annotator

        def setup(self, worker: Any) -> None:
            _relax_malloc_trim()
            warm = getattr(self.annotator, "warm", None)
            if warm is not None:
                warm()

    return WarmModel(annotator)


def _relax_malloc_trim(threshold: int = 128 * 2**20) -> None:
    """Undo the Dask nanny's ``MALLOC_TRIM_THRESHOLD_=65536`` in this worker (glibc only).

    Dask sets it so workers hand memory back to the OS; spaCy allocates and frees
    many small arrays per article, and with that threshold glibc trims the heap
    often. Measured here over 40 articles, three times: about 0.5 s more system
    time per 8 s of CPU (~6 %) with Dask's setting, user time within noise. A
    worker that keeps one model for its whole life gains nothing from trimming.
    """
    if not os.environ.get("MALLOC_TRIM_THRESHOLD_"):
        return
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(-1, threshold)  # M_TRIM_THRESHOLD
    except (OSError, AttributeError):
        pass


# --------------------------------------------------------------------------- client side
@contextlib.contextmanager
def connect(cluster: str, memory_limit: str = "auto") -> Iterator[Any]:
    """A client for ``local``, ``local:N``, a scheduler address, or a scheduler file.

    ``local[:N]`` starts N single-threaded worker processes (spaCy holds the
    GIL, so threads would not add speed) and stops them afterwards.
    """
    distributed = require_dask()
    spec = cluster.strip()
    if spec == "local" or spec.startswith("local:"):
        n_text = spec.partition(":")[2]
        try:
            n = int(n_text) if n_text else (os.cpu_count() or 1)
        except ValueError:
            raise ClusterUnavailable(f"--cluster {cluster}: expected local or local:N (N workers)") from None
        if n < 1:
            raise ClusterUnavailable(f"--cluster {cluster}: need at least one worker")
        import dask

        # One shard per worker thread at a time: a prefetched shard on a worker that dies would be
        # counted as a suspect of the crash too, and big shards balance better when not hoarded.
        # No MALLOC_TRIM_THRESHOLD_ for our workers (see _relax_malloc_trim); the rest of Dask's defaults.
        environ = dict(dask.config.get("distributed.nanny.pre-spawn-environ", {}))
        environ["MALLOC_TRIM_THRESHOLD_"] = None
        with (
            dask.config.set(
                {
                    "distributed.scheduler.worker-saturation": 1.0,
                    "distributed.nanny.pre-spawn-environ": environ,
                }
            ),
            distributed.LocalCluster(
                n_workers=n,
                threads_per_worker=1,
                processes=True,
                memory_limit=memory_limit,
                host="127.0.0.1",
                dashboard_address=":0",
            ) as lc,
            distributed.Client(lc) as client,
        ):
            yield client
        return
    kwargs: dict[str, Any]
    if Path(spec).is_file():
        kwargs = {"scheduler_file": spec}
    else:
        kwargs = {"address": spec if "://" in spec else f"tcp://{spec}"}
    try:
        client = distributed.Client(timeout="20s", **kwargs)
    except (OSError, TimeoutError) as e:
        raise ClusterUnavailable(f"--cluster {cluster}: cannot reach the Dask scheduler ({e})") from None
    with client:
        yield client


def run_on_client(
    client: Any,
    shards: list[Shard],
    annotator: ShardAnnotator,
    progress: Callable[[ClusterProgress], None] | None = None,
    every: float = 0.5,
) -> ClusterSummary:
    """Submit every unfinished shard, largest first, and gather results as they come."""
    t0 = time.perf_counter()
    fingerprint = _agreed_fingerprint(client, annotator)
    results: list[ShardResult] = []
    todo: list[Shard] = []
    for shard in shards:
        if is_finished(shard, fingerprint):
            results.append(ShardResult(str(shard.source), str(shard.output), skipped=True))
        else:
            todo.append(shard)
    sizes = {str(s.output): s.source.stat().st_size for s in todo}
    dashboard = _dashboard(client)
    state = ClusterProgress(
        shards_total=len(shards),
        shards_skipped=len(results),
        bytes_total=sum(sizes.values()),
        dashboard=dashboard,
    )
    summary = ClusterSummary(
        str(shards[0].output.parent) if shards else "", dashboard, 0, 0.0, results, fingerprint=fingerprint
    )
    if not todo:
        summary.workers = len(_threads(client))
        state.finished, state.workers = True, summary.workers
        if progress is not None:
            progress(state)
        return summary

    run = uuid.uuid4().hex[:12]
    lock = threading.Lock()
    live: dict[str, tuple[str, int, int]] = {}  # shard -> (attempt, articles, bytes) while running
    finished_articles = 0
    finished_bytes = 0

    def on_event(event: Any) -> None:
        _, msg = event
        run_id, out, attempt, articles, read = msg
        if run_id != run:
            return
        with lock:
            if out in sizes:  # a late event for a shard already gathered is ignored
                live[out] = (attempt, articles, read)

    client.subscribe_topic(PROGRESS_TOPIC, on_event)
    done_q: queue.Queue[Any] = queue.Queue()
    waiting = sorted(todo, key=lambda s: -sizes[str(s.output)])
    waiting.reverse()  # pop() from the end hands out the largest shard first
    in_flight: dict[str, tuple[Any, Shard]] = {}
    submitted = 0
    threads = _threads(client)
    polled = time.perf_counter()

    def refill() -> None:
        # As many shards in flight as worker threads: each worker holds only the shard it runs, so
        # a worker that dies takes no queued bystander down with it, and order stays largest-first.
        nonlocal submitted
        while waiting and len(in_flight) < max(1, sum(threads.values())):
            shard = waiting.pop()
            key = f"preannotate-{run}-{submitted}-{shard.name}"
            submitted += 1
            fut = client.submit(_shard_task, shard, annotator, run, fingerprint, key=key, pure=False)
            in_flight[fut.key] = (fut, shard)
            fut.add_done_callback(done_q.put)

    try:
        refill()
        while in_flight:
            try:
                fut = done_q.get(timeout=every)
            except queue.Empty:
                fut = None
            if fut is not None and fut.key in in_flight:
                shard = in_flight.pop(fut.key)[1]
                out = str(shard.output)
                try:
                    # result() waits out a recompute when the finished result was lost with its worker
                    res: ShardResult = fut.result()
                except Exception as e:  # noqa: BLE001  (any task error fails this shard only)
                    summary.failed_shards[str(shard.source)] = f"{type(e).__name__}: {e}"
                    state.shards_failed += 1
                    finished_bytes += sizes[out]
                else:
                    results.append(res)
                    finished_articles += res.articles
                    finished_bytes += res.input_bytes
                    state.shards_done += 1
                with lock:
                    live.pop(out, None)
                    sizes.pop(out, None)
            refill()  # first, with the worker count we know: an idle worker should not wait on an RPC
            if time.perf_counter() - polled >= 2.0:  # then notice workers that joined or left
                polled = time.perf_counter()
                threads = _threads(client)
                refill()
            if progress is not None:
                with lock:
                    state.articles = finished_articles + sum(v[1] for v in live.values())
                    state.bytes_done = finished_bytes + sum(v[2] for v in live.values())
                state.elapsed = time.perf_counter() - t0
                state.workers = len(threads)
                progress(state)
    finally:
        if in_flight:
            client.cancel([f for f, _ in in_flight.values()])
        with contextlib.suppress(Exception):
            client.unsubscribe_topic(PROGRESS_TOPIC)
    summary.seconds = time.perf_counter() - t0
    summary.workers = len(_threads(client))
    state.finished, state.elapsed, state.workers = True, summary.seconds, summary.workers
    state.articles, state.bytes_done = finished_articles, state.bytes_total
    if progress is not None:
        progress(state)
    return summary


def _fingerprint_here(annotator: ShardAnnotator) -> str:
    return annotator.fingerprint()


def _agreed_fingerprint(client: Any, annotator: ShardAnnotator, wait: float = 60.0) -> str:
    """Load the model on every worker (plugin) and check they would all write the same output.

    Workers that loaded another model or run other rule code would make a shard's
    content depend on where it ran; better to refuse before any shard is written.
    """
    try:
        client.wait_for_workers(1, timeout=wait)
    except TimeoutError:
        raise ClusterUnavailable(
            f"no Dask worker joined the scheduler within {wait:.0f} s; start some with: "
            f"dask worker {client.scheduler.address}"
        ) from None
    try:
        client.register_plugin(_make_preload_plugin(annotator))
        found = client.run(_fingerprint_here, annotator)
    except Exception as e:  # noqa: BLE001  (a worker's own error, e.g. its model is missing)
        with contextlib.suppress(Exception):
            client.unregister_worker_plugin("workbench-warm-model")
        raise ClusterUnavailable(
            f"a worker could not prepare the pre-annotation: {type(e).__name__}: {e}"
        ) from None
    kinds: dict[str, list[str]] = {}
    for worker, fp in found.items():
        kinds.setdefault(fp, []).append(worker)
    if len(kinds) > 1:
        lines = "; ".join(f"{fp} on {', '.join(sorted(ws))}" for fp, ws in sorted(kinds.items()))
        raise ClusterUnavailable(
            "workers disagree on model, rules or schema, so shards would differ by where they ran: "
            f"{lines}. Install the same workbench and model on every worker."
        )
    return next(iter(kinds)) if kinds else annotator.fingerprint()


def _threads(client: Any) -> dict[str, int]:
    try:
        return dict(client.nthreads())
    except Exception:
        return {}


def _dashboard(client: Any) -> str | None:
    """The dashboard's address, or None when the scheduler serves none (bokeh not installed there)."""
    try:
        if "dashboard" not in client.scheduler_info(n_workers=0).get("services", {}):
            return None
        return client.dashboard_link
    except Exception:
        return None


def run_cluster(
    inputs: list[str],
    outdir: str | Path,
    cluster: str,
    model: str | None = None,
    batch_size: int = 64,
    schema: str | Path | None = None,
    progress: Callable[[ClusterProgress], None] | bool | None = None,
    annotator: ShardAnnotator | None = None,
) -> ClusterSummary:
    """``workbench preannotate INPUT... -o OUTDIR --cluster ADDRESS`` as a plain function.

    ``cluster`` is ``local``, ``local:N``, ``tcp://host:8786`` (or ``host:8786``) or a
    scheduler file. ``model`` is resolved here, on the client, the way the
    single-machine command does (flag, ``$WORKBENCH_MODEL``, settings) and then
    loaded strictly on every worker; the schema is read here and sent as JSON.
    ``progress=True`` draws the terminal progress on stderr. ``annotator``
    replaces the real pre-annotation (tests, benchmarks). User mistakes raise
    :class:`~workbench.nlp.shards.ShardError` (``ClusterUnavailable`` is one).
    """
    if batch_size < 1:
        raise ShardError("--batch-size must be at least 1")
    shards = plan_shards(inputs, outdir)
    if annotator is None:
        annotator = _default_annotator(model, batch_size, schema)
    with connect(cluster) as client:
        if progress is True:
            with terminal_progress() as draw:
                return run_on_client(client, shards, annotator, draw)
        return run_on_client(client, shards, annotator, progress or None)


def _default_annotator(model: str | None, batch_size: int, schema: str | Path | None) -> ShardAnnotator:
    from workbench.core.schema import SchemaError, load_schema
    from workbench.nlp.shards import PreannotateAnnotator

    try:
        raw = load_schema(schema).raw if schema is not None else None
    except SchemaError as e:
        raise ShardError(str(e)) from None
    try:
        from workbench.nlp.models import configured_model

        model = configured_model(model)
    except ImportError:  # spaCy missing on the client: the workers resolve the default chain
        pass
    return PreannotateAnnotator(model=model, batch_size=batch_size, schema=raw)


def summary_lines(summary: ClusterSummary) -> list[str]:
    """What the command prints at the end: counts, where things are, and what needs a look."""
    model = summary.fingerprint.split("|", 1)[0]
    lines = [
        f"{summary.outdir}: {summary.articles:,} articles pre-annotated in {summary.processed} shards, "
        f"{summary.skipped} shards already done, {summary.failed_articles} articles or input lines "
        f"skipped (each listed in its shard's .done file), {summary.seconds:.1f} s on "
        f"{summary.workers} workers",
    ]
    if model:
        lines.append(f"model on every worker: {model.removeprefix('model:')}")
    if "blank:en" in model:
        lines.append("WARNING: no trained model on the workers: entities were not pre-annotated")
    if 0 < summary.processed < summary.workers:
        lines.append(
            f"note: {summary.processed} shards for {summary.workers} workers left some idle; split big "
            "JSONL files into shards of ~1,000 articles (docs/cluster.md, 'Sizing shards')"
        )
    for source, why in summary.failed_shards.items():
        lines.append(f"{source}: shard failed: {why}")
    if summary.failed_shards:
        lines.append("run the same command again to redo the failed shards (finished ones are skipped)")
    return lines


# --------------------------------------------------------------------------- terminal
def _fmt_eta(seconds: float | None) -> str:
    if seconds is None:
        return "ETA --"
    s = int(seconds)
    return f"ETA {s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}"


def describe(state: ClusterProgress) -> str:
    """One log line: what a lead tailing a log on a headless box needs."""
    return (
        f"shards {state.shards_done + state.shards_skipped}/{state.shards_total}"
        f" ({state.shards_skipped} skipped, {state.shards_failed} failed)"
        f" · {state.articles:,} articles · {state.rate:,.1f}/s · {state.workers} workers"
        f" · {_fmt_eta(0.0 if state.finished else state.eta)}"
    )


@contextlib.contextmanager
def terminal_progress(
    stream: Any = None, interval: float = 10.0
) -> Iterator[Callable[[ClusterProgress], None]]:
    """A progress callback: a live rich bar on a terminal, a plain line every ``interval`` s otherwise.

    The dashboard address is printed once, first, so it can be opened while the run goes.
    """
    import sys

    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn

    stream = stream or sys.stderr
    console = Console(file=stream)
    shown_dashboard = False
    last_line = 0.0

    def header(state: ClusterProgress) -> None:
        nonlocal shown_dashboard
        if not shown_dashboard:
            shown_dashboard = True
            where = state.dashboard or "(no dashboard: install bokeh on the scheduler to get one)"
            console.print(f"Dask dashboard: {where}", highlight=False, soft_wrap=True)

    if not console.is_terminal:

        def plain(state: ClusterProgress) -> None:
            nonlocal last_line
            header(state)
            now = time.monotonic()
            if state.finished or now - last_line >= interval:
                last_line = now
                print(describe(state), file=stream, flush=True)

        yield plain
        return

    bar = Progress(
        BarColumn(bar_width=20),
        TextColumn("{task.percentage:>5.1f}%"),
        TextColumn("{task.fields[line]}"),
        console=console,
        transient=False,
    )
    task = bar.add_task("run", total=1, line="")

    def live(state: ClusterProgress) -> None:
        header(state)
        bar.update(task, total=max(1, state.bytes_total), completed=state.bytes_done, line=describe(state))

    with bar:
        yield live
