"""Listing ids and statuses of a 100k-record corpus: speed against a bare json.loads loop, peak memory.

    python bench/bench_corpus_index.py [--records 100000] [--dir DIR]

Baseline, same run, same file: ``for line in file: json.loads(line)`` (parse and
throw away; the least any reader of JSON Lines can do). Budgets: at least 0.5x
the baseline's speed, and a peak under 200 MB (tracemalloc peak of Python
allocations during indexing, and the process's peak RSS growth).
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from workbench.io.corpus import index_corpus  # noqa: E402
from workbench.io.jsonl import dumps  # noqa: E402

WORDS = (
    "the minister said on Monday that talks with Minsk had failed and the opposition "
    "leader told reporters the government would not survive another winter of protests"
).split()
LABELS = ["PERSON", "ORG", "GPE", "NORP", "QUOTE", "CUE"]
STATUSES = ["todo", "in_progress", "done", "skipped"]


def make_record(i: int, rng: random.Random) -> dict:
    """A small realistic record: a few hundred words, a handful of spans and relations."""
    text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(60, 260)))
    spans, pos = [], 0
    for k in range(rng.randint(0, 8)):
        start = text.find(" ", pos) + 1
        end = text.find(" ", start)
        if start <= 0 or end < 0:
            break
        spans.append(
            {
                "id": f"s{k + 1}",
                "start": start,
                "end": end,
                "label": rng.choice(LABELS),
                "text": text[start:end],
            }
        )
        pos = end + rng.randint(5, 60)
    rels = (
        [{"id": "r1", "head": spans[0]["id"], "child": spans[1]["id"], "label": "SPEAKER"}]
        if len(spans) > 1
        else []
    )
    return {
        "id": f"{i:016x}",
        "text": text,
        "meta": {"title": f"story {i}", "source": "bench"},
        "spans": spans,
        "relations": rels,
        "doc": {"sentiment": rng.choice(["negative", "neutral", "positive"])},
        "status": rng.choice(STATUSES),
        "annotator": "bench",
        "schema": "news@1",
        "rev": rng.randint(0, 40),
        "updated": "2026-11-28T10:00:00Z",
    }


def write_corpus(path: Path, n: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(n):
            fh.write(dumps(make_record(i, rng)) + "\n")


def bare_loop(path: Path) -> int:
    n = 0
    loads = json.loads
    with open(path, "rb") as fh:
        for line in fh:
            loads(line)
            n += 1
    return n


def ours(path: Path) -> int:
    """What a project overview does: ids and statuses, nothing else."""
    index = index_corpus(path, details=False)
    ids, statuses = index.ids(), index.statuses()
    return len(ids) + 0 * len(statuses)


def ours_stats(path: Path) -> int:
    """What ``workbench stats`` does: also label, relation, review and doc-field counts."""
    return len(index_corpus(path, details=True))


def child_peak(path: Path, mode: str) -> float:
    """Peak RSS (MB) of a fresh process that imports the workbench and indexes ``path``."""
    out = subprocess.run(
        [sys.executable, __file__, "--child", mode, "--corpus", str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    return float(out.stdout.strip())


def run_child(mode: str, path: Path) -> None:
    if mode != "none":
        index = index_corpus(path, details=mode == "details")
        assert len(index) > 0
    print(_hwm_mb())


def _hwm_mb() -> float:
    """This process's own peak RSS. (ru_maxrss would carry over the parent's peak through fork + exec.)"""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def best_interleaved(fns: list, path: Path, repeats: int) -> list[float]:  # noqa: ANN001
    """Best time of each function, runs interleaved so that load from other processes hits all alike."""
    times: list[list[float]] = [[] for _ in fns]
    for _ in range(repeats):
        for i, fn in enumerate(fns):
            gc.collect()
            t = time.perf_counter()
            fn(path)
            times[i].append(time.perf_counter() - t)
    return [min(t) for t in times]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--records", type=int, default=100_000)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--dir", type=Path, default=None)
    ap.add_argument("--child", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--corpus", type=Path, default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        run_child(args.child, args.corpus)
        return
    with tempfile.TemporaryDirectory(dir=args.dir) as d:
        path = Path(d) / "corpus.jsonl"
        t = time.perf_counter()
        write_corpus(path, args.records)
        mb = path.stat().st_size / 1e6
        print(f"corpus: {args.records:,} records, {mb:.0f} MB (written in {time.perf_counter() - t:.1f} s)")
        b, o, f = best_interleaved([bare_loop, ours, ours_stats], path, args.repeats)
        print(f"  bare json.loads loop                  {b:.3f} s")
        print(f"  ids + statuses (index, details=False) {o:.3f} s   ratio {b / o:.2f}x")
        print(f"  full stats index (details=True)       {f:.3f} s   ratio {b / f:.2f}x")
        print(f"  budget: listing >= 0.5x the bare loop -> {'OK' if b / o >= 0.5 else 'MISSED'}")
        gc.collect()
        tracemalloc.start()
        index = index_corpus(path, details=True)
        current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"  Python allocations while indexing {len(index):,} records:", end=" ")
        print(f"peak {peak / 1e6:.1f} MB, kept {current / 1e6:.1f} MB")
        del index
        base = child_peak(path, "none")
        lean = child_peak(path, "lean")
        full = child_peak(path, "details")
        print(f"  peak RSS of a fresh process: imports only {base:.0f} MB,", end=" ")
        print(f"listing {lean:.0f} MB, stats {full:.0f} MB")
        print(f"  budget: peak under 200 MB -> {'OK' if max(lean, full, peak / 1e6) < 200 else 'MISSED'}")


if __name__ == "__main__":
    main()
