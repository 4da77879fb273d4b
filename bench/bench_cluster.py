"""Cluster pre-annotation against the single-process baseline, measured in the same run.

    python bench/bench_cluster.py [--articles 504] [--shard-size 42] [--workers 2]

Prints: single-process rate (the baseline), the local cluster's rate over the
same shards (ratio; target >= 1.6x with 2 workers), start-up cost and the
corpus size where the cluster starts to pay (break-even), the scheduler's
per-shard overhead measured with shards that do no work (ratio to per-article
work; target < 2 %), and an estimate for 10 million articles. Articles are the
PolNeAR dev texts (../shared), repeated with a numbered suffix so every id is
distinct. These machines are shared: single process and cluster take turns on
the same rounds of shards, and the load average is printed with the figures.
On Linux with autogroup scheduling (``/proc/sys/kernel/sched_autogroup_enabled``)
a busy machine gives this whole benchmark, workers included, one session's
share of the CPU, so the wall-clock ratio says little until the machine is
quiet; the CPU-time figures (per article, in a worker vs a plain process) hold
either way.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from workbench.nlp.cluster import connect, run_on_client  # noqa: E402
from workbench.nlp.shards import ArticleFailure, PreannotateAnnotator, plan_shards, run_local  # noqa: E402

TEXTS = REPO.parent / "shared" / "data" / "polnear" / "dev" / "text"


@dataclass(frozen=True)
class NullAnnotator:
    """Reads a shard and writes nothing per article: what is left is scheduling and file handling."""

    tag: str = "null"

    def fingerprint(self) -> str:
        return self.tag

    def annotate_file(self, path: Path, name: str) -> Iterator[dict[str, Any] | ArticleFailure]:
        return iter(())


def _cpu(proc: Any) -> float:
    t = proc.cpu_times()
    return t.user + t.system


def _worker_cpu() -> float:
    """CPU seconds of this worker process, everything included (event loop, heartbeats, progress)."""
    return _cpu(psutil.Process())


def make_corpus(root: Path, n_articles: int, shard_size: int) -> tuple[int, int]:
    texts = [p.read_text(encoding="utf-8") for p in sorted(TEXTS.glob("*.txt"))]
    if not texts:
        sys.exit(f"no articles under {TEXTS}: the benchmark needs ../shared")
    words = 0
    root.mkdir(parents=True)
    for start in range(0, n_articles, shard_size):
        with open(root / f"shard-{start // shard_size:05d}.jsonl", "w", encoding="utf-8") as fh:
            for i in range(start, min(start + shard_size, n_articles)):
                text = texts[i % len(texts)] + f"\n\n(Archive copy {i}.)"
                words += len(text.split())
                fh.write(json.dumps({"text": text, "title": f"article {i}"}) + "\n")
    return n_articles, words


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=288)
    ap.add_argument("--shard-size", type=int, default=12)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--null-shards", type=int, default=200, help="empty tasks for the overhead figure")
    ap.add_argument("--rounds", type=int, default=2, help="turns taken by single process and cluster")
    args = ap.parse_args()
    logging.getLogger("distributed").setLevel(logging.ERROR)

    tmp = Path(tempfile.mkdtemp(prefix="bench-cluster-"))
    try:
        n, words = make_corpus(tmp / "in", args.articles, args.shard_size)
        shards = plan_shards([str(tmp / "in")], tmp / "single")
        print(f"corpus: {n} articles, {words:,} words, {len(shards)} shards of {args.shard_size}")
        print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
        try:
            autogroup = Path("/proc/sys/kernel/sched_autogroup_enabled").read_text().strip() == "1"
        except OSError:
            autogroup = False
        if autogroup:
            print("note: autogroup scheduling is on: under load, workers share this session's CPU share")

        # Single process and cluster take turns on the same rounds of shards, so a change in the
        # machine's load (these machines are shared) hits both sides alike.
        ann = PreannotateAnnotator(batch_size=args.batch_size)
        t = time.perf_counter()
        ann.warm()
        load1 = time.perf_counter() - t
        me = psutil.Process()
        cshards = plan_shards([str(tmp / "in")], tmp / "cluster")
        per_round = max(args.workers, -(-len(shards) // args.rounds))
        single = run = c1 = c2 = c_client = busy = 0.0
        t = time.perf_counter()
        with connect(f"local:{args.workers}") as client:
            from workbench.nlp.cluster import agreed_fingerprint

            agreed_fingerprint(client, ann)  # workers up and their model loaded
            startup = time.perf_counter() - t
            rss = client.run(lambda: psutil.Process().memory_info().rss)
            for k in range(0, len(shards), per_round):
                t, c = time.perf_counter(), _cpu(me)
                run_local(shards[k : k + per_round], ann)
                single += time.perf_counter() - t
                c1 += _cpu(me) - c

                w0 = client.run(_worker_cpu)
                t, c = time.perf_counter(), _cpu(me)
                summary = run_on_client(client, cshards[k : k + per_round], ann)
                run += time.perf_counter() - t
                c_client += _cpu(me) - c  # scheduler + client (the same process here)
                w1 = client.run(_worker_cpu)
                c2 += sum(w1[w] - w0[w] for w in w1 if w in w0)
                assert summary.ok, summary.failed_shards
                busy += sum(r.seconds for r in summary.results)
                print(f"  round {k // per_round + 1}: load average {os.getloadavg()[0]:.2f}")
            c1, c2, c_client = c1 / n, c2 / n, c_client / n
            r1 = n / single
            per_article = single / n
            print(
                f"single process: model load {load1:.2f} s, {single:.1f} s, {r1:.2f} articles/s "
                f"({words / single:,.0f} words/s), {per_article * 1000:.1f} ms/article"
            )

            # ---- scheduler overhead: shards that do no work ------------------------------
            null_dir = tmp / "null"
            null_dir.mkdir()
            for i in range(args.null_shards):
                (null_dir / f"n{i:05d}.jsonl").write_text("{}\n", encoding="utf-8")
            nshards = plan_shards([str(null_dir)], tmp / "null-out")
            t = time.perf_counter()
            run_on_client(client, nshards, NullAnnotator(f"null-{time.time_ns()}"))
            null = time.perf_counter() - t
        same = all(
            a.output.read_bytes() == b.output.read_bytes() for a, b in zip(shards, cshards, strict=True)
        )
        r2 = n / run
        speedup = r2 / r1  # the measured ratio, wall clock, same rounds
        end_to_end = n / (startup + run)
        print(
            f"local cluster, {args.workers} workers: start-up (cluster + model on every worker) "
            f"{startup:.2f} s, worker RSS {max(rss.values()) / 2**20:.0f} MiB"
        )
        print(
            f"  run {run:.1f} s, {r2:.2f} articles/s  ->  {speedup:.2f}x the single-process rate "
            f"(target >= 1.6x); with start-up {end_to_end / r1:.2f}x; outputs identical: {same}"
        )
        busy_frac = busy / (args.workers * run)
        print(
            f"  workers busy in shards {busy_frac:.1%} of the run "
            f"(the rest: dispatch, start of the run, the last shard's tail)"
        )
        cores = os.cpu_count() or 1
        idle_rate = min(args.workers / c2, cores / (c2 + c_client)) * busy_frac
        print(
            f"  CPU per article: single {c1 * 1000:.1f} ms; cluster worker {c2 * 1000:.1f} ms "
            f"+ scheduler/client {c_client * 1000:.2f} ms  ->  on {cores} idle cores the cluster would "
            f"run at {idle_rate * c1:.2f}x (CPU-time projection, not a measurement)"
        )
        if r2 > r1:
            breakeven = max(0.0, (startup - load1) / (1 / r1 - 1 / r2))
            print(
                f"  break-even: {breakeven:.0f} articles (~{breakeven * per_article:.0f} s of "
                "single-process work); beyond that the cluster finishes first"
            )
        else:
            print("  break-even: none, the cluster was not faster on this machine at this load")

        # ---- overhead per article --------------------------------------------------------
        per_shard = null * args.workers / args.null_shards  # seconds of a worker slot per task
        per_shard_work = args.shard_size * per_article
        print(
            f"scheduler + shard bookkeeping: {per_shard * 1000:.1f} ms per shard "
            f"({args.null_shards} empty shards in {null:.2f} s on {args.workers} workers)"
        )
        print(
            f"  = {per_shard / args.shard_size * 1000:.2f} ms per article at {args.shard_size} "
            f"articles/shard = {per_shard / per_shard_work:.2%} of the per-article work (target < 2 %)"
        )
        min_shard = per_shard / (0.02 * per_article)
        print(f"  shards of at least {max(1, int(min_shard) + 1)} articles keep it under 2 %")

        # ---- 10 million articles ---------------------------------------------------------
        # From CPU time, not wall time: a dedicated worker core spends c2 per article (worker
        # overhead included); shards keep it busy busy_frac of the time.
        total = 10_000_000
        core_hours = total * c2 / 3600
        print(
            f"10 million articles ({words / n:.0f}-word articles like these): {core_hours:,.0f} core-hours "
            f"at {c2 * 1000:.0f} ms CPU per article in a worker, {busy_frac:.0%} of worker time in shards"
        )
        for workers in (16, 64, 256, 1024):
            hours = core_hours / (workers * busy_frac) + startup / 3600
            print(f"  {workers:>5} single-thread workers (cores): ~{hours:,.1f} h")
        day = core_hours / (24 * busy_frac)
        print(f"  within 24 h: ~{day:,.0f} worker cores; shards of 1,000 articles = {total // 1000:,} tasks")
        print(f"load average after: {os.getloadavg()[0]:.2f}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
