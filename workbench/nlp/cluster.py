"""Pre-annotate an archive on a Dask cluster, the client side: one task per shard, largest first.

Dask is an optional extra (``pip install 'workbench[cluster]'``); this module
imports it only inside functions so the desktop app never needs it, and says
how to install it when it is missing. The work itself is
:func:`workbench.nlp.shards.process_shard`, the same function the single-process
path runs, so both write byte-identical shards; what runs on a worker is in
:mod:`workbench.nlp.cluster_worker`.

Progress is per article, not per task: each worker publishes its shard's
running count as a Dask event (``log_event``) about twice a second and the
client adds them up into a :class:`ClusterProgress` snapshot, so a lead sees
articles done, rate and ETA for the whole cluster rather than a bar that moves
once per shard. Drawing it is the caller's business (the application layer
turns it into its ``Progress``).
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

from workbench.nlp.cluster_worker import (
    PLUGIN_NAME,
    PROGRESS_TOPIC,
    fingerprint_here,
    preload_plugin,
    shard_task,
)
from workbench.nlp.shards import Shard, ShardAnnotator, ShardError, ShardResult, is_finished

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
    fingerprint = agreed_fingerprint(client, annotator)
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
            fut = client.submit(shard_task, shard, annotator, run, fingerprint, key=key, pure=False)
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


def agreed_fingerprint(client: Any, annotator: ShardAnnotator, wait: float = 60.0) -> str:
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
        client.register_plugin(preload_plugin(annotator))
        found = client.run(fingerprint_here, annotator)
    except Exception as e:  # noqa: BLE001  (a worker's own error, e.g. its model is missing)
        with contextlib.suppress(Exception):
            client.unregister_worker_plugin(PLUGIN_NAME)
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
