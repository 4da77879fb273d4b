"""What runs on a Dask worker: one shard per task, progress events, the model loaded when it joins.

Kept apart from the client side (:mod:`workbench.nlp.cluster`) because this is the
code a worker executes: it must import nothing the client alone needs, and a
reader looking for "what happens on the worker" finds all of it here.
"""

from __future__ import annotations

import os
import uuid
from typing import Any

from workbench.nlp.shards import (
    Shard,
    ShardAnnotator,
    ShardResult,
    finished_result,
    is_finished,
    process_shard,
    remove_stale_temps,
)

PROGRESS_TOPIC = "workbench-preannotate"
PLUGIN_NAME = "workbench-warm-model"


class WorkerMismatch(RuntimeError):
    """A worker that joined mid-run would write different output (other model, code or schema)."""


def shard_task(shard: Shard, annotator: ShardAnnotator, run: str, expected: str) -> ShardResult:
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


def fingerprint_here(annotator: ShardAnnotator) -> str:
    """Run on every worker by the client: what this worker would write with (loads its model)."""
    return annotator.fingerprint()


def preload_plugin(annotator: ShardAnnotator) -> Any:
    """A worker plugin that loads the model when a worker joins, before its first shard arrives."""
    from distributed.diagnostics.plugin import WorkerPlugin

    class WarmModel(WorkerPlugin):
        name = PLUGIN_NAME

        def __init__(self, annotator: ShardAnnotator):
            self.annotator = annotator

        def setup(self, worker: Any) -> None:
            relax_malloc_trim()
            warm = getattr(self.annotator, "warm", None)
            if warm is not None:
                warm()

    return WarmModel(annotator)


def relax_malloc_trim(threshold: int = 128 * 2**20) -> None:
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
