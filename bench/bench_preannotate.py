"""Pre-annotation cost, as ratios against baselines measured in the same run.

1. Full pre-annotation (entities + quotes + speakers) words/s ÷ bare ``nlp.pipe``
   words/s, same model, same components, same batch size (target ≥ 0.75).
2. ``n_process=2`` ÷ ``n_process=1`` throughput of ``preannotate_records`` (target ≥ 1.4 on 2 cores).
3. Peak RSS of a streaming run over 1k vs 10k articles, each in a fresh process
   (target: within 10 %).

Articles are PolNeAR dev texts (../shared); the memory runs use their first
600 characters so 10k articles finish in minutes. The machine is shared: runs
alternate and the best of each is kept, and the ratios are what to read.

    .venv/bin/python bench/bench_preannotate.py [--batch-size 64] [--articles 84] [--skip-memory]
"""

from __future__ import annotations

import argparse
import itertools
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
SHARED = REPO.parent / "shared" / "data" / "polnear"


def texts(limit: int | None = None, chars: int | None = None) -> list[str]:
    files = sorted((SHARED / "dev" / "text").glob("*.txt"))
    files += sorted((SHARED / "multi-annotator" / "text").glob("*.txt"))
    if not files:
        sys.exit(f"no PolNeAR texts under {SHARED}")
    out = [f.read_text("utf-8") for f in files]
    if chars:
        out = [t[:chars] for t in out]
    return out[:limit] if limit else out


def words(ts: list[str]) -> int:
    return sum(len(t.split()) for t in ts)


def bench_overhead(batch_size: int, n_articles: int, rounds: int) -> None:
    from workbench.core.record import Record
    from workbench.nlp.models import select_model
    from workbench.nlp.preannotate import Preannotator

    model = select_model()
    ann = Preannotator(model)
    ts = texts(n_articles)
    n_words = words(ts)
    list(model.nlp.pipe(ts[:8], batch_size=batch_size))  # warm up
    bare, full = [], []
    for _ in range(rounds):
        t0 = time.perf_counter()
        for _doc in model.nlp.pipe(ts, batch_size=batch_size):
            pass
        bare.append(n_words / (time.perf_counter() - t0))
        recs = [Record(id=str(i), text=t) for i, t in enumerate(ts)]
        t0 = time.perf_counter()
        outs = ann.annotate_batch(recs, batch_size)
        full.append(n_words / (time.perf_counter() - t0))
        assert all(o.record is not None for o in outs)
    print(f"model {model.origin}, components {model.nlp.pipe_names}, batch {batch_size}, {len(ts)} articles")
    print(
        f"bare nlp.pipe          best {max(bare):8.0f} words/s  (runs: {', '.join(f'{x:.0f}' for x in bare)})"
    )
    print(
        f"full pre-annotation    best {max(full):8.0f} words/s  (runs: {', '.join(f'{x:.0f}' for x in full)})"
    )
    print(f"RATIO full / bare = {max(full) / max(bare):.3f}   (target >= 0.75)")
    # Less noisy on a busy machine: time the rule part alone on docs parsed once.
    docs = list(model.nlp.pipe(ts, batch_size=batch_size))
    t0 = time.perf_counter()
    for i, (t, d) in enumerate(zip(ts, docs, strict=True)):
        ann.annotate_doc(Record(id=str(i), text=t), d)
    rules_s = time.perf_counter() - t0
    pipe_s = n_words / max(bare)
    print(f"rules alone: {rules_s:.2f} s for {len(ts)} articles vs best bare pipe {pipe_s:.2f} s")
    print(f"RATIO pipe / (pipe + rules) = {pipe_s / (pipe_s + rules_s):.3f}   (same target, steadier)")


def bench_processes(batch_size: int, n_articles: int) -> None:
    from workbench.core.record import Record
    from workbench.nlp.preannotate import Preannotator, preannotate_records

    ann = Preannotator.create()
    ts = list(itertools.islice(itertools.cycle(texts()), n_articles))
    n_words = words(ts)
    rates = {}
    for n in (1, 2):
        recs = (Record(id=str(i), text=t) for i, t in enumerate(ts))
        t0 = time.perf_counter()
        k = sum(1 for o in preannotate_records(recs, ann, batch_size, n_process=n) if o.record is not None)
        rates[n] = n_words / (time.perf_counter() - t0)
        assert k == len(ts)
        print(f"n_process={n}: {rates[n]:8.0f} words/s ({len(ts)} articles, worker start-up included)")
    print(f"RATIO n_process 2 / 1 = {rates[2] / rates[1]:.3f}   (target >= 1.4 on 2 idle cores)")


def memory_child(n: int, batch_size: int) -> None:
    """Stream n articles through pre-annotation, writing lines to /dev/null; print peak RSS."""
    from workbench.core.record import Record
    from workbench.io.jsonl import dumps
    from workbench.nlp.preannotate import Preannotator, preannotate_records

    ann = Preannotator.create()
    base = texts(chars=600)
    recs = (Record(id=str(i), text=t) for i, t in enumerate(itertools.islice(itertools.cycle(base), n)))
    with open("/dev/null", "w") as out:
        for o in preannotate_records(recs, ann, batch_size):
            if o.record is not None:
                out.write(dumps(o.record.to_dict()) + "\n")
    print(json.dumps({"n": n, "maxrss_kb": peak_rss_kb()}))


def peak_rss_kb() -> int:
    """VmHWM of this process: ru_maxrss survives exec on Linux and would report the parent's peak."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def bench_memory(batch_size: int, sizes: tuple[int, int]) -> None:
    peaks = {}
    for n in sizes:
        t0 = time.perf_counter()
        out = subprocess.run(
            [sys.executable, __file__, "--memory-child", str(n), "--batch-size", str(batch_size)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        peaks[n] = json.loads(out.strip().splitlines()[-1])["maxrss_kb"]
        print(f"{n:>6} articles: peak RSS {peaks[n] / 1024:.1f} MB ({time.perf_counter() - t0:.0f} s)")
    a, b = sizes
    print(f"RATIO peak RSS {b} / {a} = {peaks[b] / peaks[a]:.3f}   (target <= 1.10)")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--articles", type=int, default=88)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--process-articles", type=int, default=264)
    ap.add_argument("--memory-sizes", type=int, nargs=2, default=(1000, 10000))
    ap.add_argument("--skip-memory", action="store_true")
    ap.add_argument("--skip-processes", action="store_true")
    ap.add_argument("--memory-child", type=int, default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.memory_child is not None:
        memory_child(args.memory_child, args.batch_size)
        return
    bench_overhead(args.batch_size, args.articles, args.rounds)
    if not args.skip_processes:
        bench_processes(args.batch_size, args.process_articles)
    if not args.skip_memory:
        bench_memory(args.batch_size, tuple(args.memory_sizes))


if __name__ == "__main__":
    main()
