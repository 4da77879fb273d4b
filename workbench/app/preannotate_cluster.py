"""Pre-annotate an archive on a Dask cluster: ``workbench preannotate INPUT... -o OUTDIR --cluster ADDRESS``.

One output file per input shard, written by the same code as the single-machine
run (:mod:`workbench.nlp.shards`, scheduled by :mod:`workbench.nlp.cluster`).
Progress reaches the front end as the :class:`~workbench.app.progress.Progress`
every long use case takes: the dashboard address as a ``note``, articles as
``step``\\ s, and a total estimated from the input bytes read so far (shard
sizes are known up front, article counts are not).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from workbench.app.errors import AppError, Cancelled
from workbench.app.progress import NO_PROGRESS, Progress
from workbench.nlp.cluster import ClusterProgress, ClusterSummary, connect, run_on_client
from workbench.nlp.shards import PreannotateAnnotator, ShardAnnotator, ShardError, plan_shards

NO_DASHBOARD = "(no dashboard: install bokeh on the scheduler to get one)"


def run_cluster(
    inputs: Sequence[str | Path],
    outdir: str | Path,
    cluster: str,
    *,
    model: str | None = None,
    batch_size: int = 64,
    schema: str | Path | None = None,
    progress: Progress = NO_PROGRESS,
    annotator: ShardAnnotator | None = None,
) -> ClusterSummary:
    """Every unfinished shard of ``inputs`` pre-annotated into ``outdir`` on ``cluster``.

    ``cluster`` is ``local``, ``local:N``, ``tcp://host:8786`` (or ``host:8786``) or a
    scheduler file. ``model`` is resolved here, on the client, the way the
    single-machine run names it (flag, ``$WORKBENCH_MODEL``, setting), and every
    worker is pinned to it (:func:`workbench.nlp.models.select_model`): a worker
    that cannot load it stops the run before any shard is written. The schema is
    read here and sent as JSON. ``annotator`` replaces the real pre-annotation
    (tests, benchmarks). ``progress.cancelled()`` stops the run between updates
    (:class:`~workbench.app.errors.Cancelled`); finished shards stay finished.
    """
    try:
        if batch_size < 1:
            raise ShardError("--batch-size must be at least 1")
        shards = plan_shards([str(p) for p in inputs], outdir)
        if annotator is None:
            annotator = _default_annotator(model, batch_size, schema)
        with connect(cluster) as client:
            return run_on_client(client, shards, annotator, _Reporter(progress))
    except ShardError as e:  # ClusterUnavailable included: a message, not a traceback
        raise AppError(str(e)) from None
    finally:
        progress.close()


class _Reporter:
    """Turns the cluster's snapshots into ``Progress`` calls (and the cancel into an exception)."""

    def __init__(self, progress: Progress):
        self.progress = progress
        self.shown = 0  # articles already stepped: the count may dip when a dead worker's shard restarts
        self.total: int | None = None
        self.started = False

    def __call__(self, state: ClusterProgress) -> None:
        p = self.progress
        if p.cancelled():
            raise Cancelled()
        if not self.started:
            self.started = True
            p.start(None)
            p.note(f"Dask dashboard: {state.dashboard or NO_DASHBOARD}")
        total = self._estimate(state)
        if total is not None and total != self.total and self._moved(total, state.finished):
            self.total = total
            p.start(total)
        if state.articles > self.shown:
            p.step(state.articles - self.shown)
            self.shown = state.articles

    def _moved(self, total: int, final: bool) -> bool:
        """Worth redrawing: the exact count at the end, an estimate that moved by more than 2 %."""
        return final or self.total is None or abs(total - self.total) > 0.02 * self.total

    @staticmethod
    def _estimate(state: ClusterProgress) -> int | None:
        if state.finished:
            return state.articles
        if state.bytes_done <= 0 or state.articles <= 0:
            return None
        return round(state.articles * state.bytes_total / state.bytes_done)


def _default_annotator(model: str | None, batch_size: int, schema: str | Path | None) -> ShardAnnotator:
    from workbench.core.schema import SchemaError, load_schema

    try:
        raw = load_schema(schema).raw if schema is not None else None
    except SchemaError as e:
        raise ShardError(str(e)) from None
    try:
        from workbench.nlp.model_names import configured_model

        model = configured_model(model)  # the naming step only: the client need not load the model
    except ImportError:  # spaCy missing on the client: each worker applies the policy itself
        pass
    return PreannotateAnnotator(model=model, batch_size=batch_size, schema=raw)


def summary_lines(summary: ClusterSummary) -> list[str]:
    """What a front end shows at the end: counts, where things are, and what needs a look."""
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
