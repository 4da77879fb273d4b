"""Store budgets: one edit made durable, and compaction, as ratios against bare writes.

    python bench/bench_store.py [--edits 400] [--records 10000] [--dir DIR]

Baselines are measured in the same run on the same folder (the disk and its
fsync cost are what they are; the ratio is what the code adds):
- durable edit: ``Document.apply`` + ``AnnotatorStore.save`` (append + fsync) vs a bare
  ``os.write`` + ``os.fsync`` of the same line. Budget: median under 5 ms.
- compaction of N records vs writing the same JSON lines plainly (one file, fsync). Budget: <= 2x.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from workbench.core.document import Document  # noqa: E402
from workbench.core.edits import AddSpan, SetSpanAttr, SetSpanLabel  # noqa: E402
from workbench.core.record import Record, Span  # noqa: E402
from workbench.core.schema import default_schema  # noqa: E402
from workbench.io.jsonl import dumps  # noqa: E402
from workbench.io.store import AnnotatorStore  # noqa: E402

SENTENCE = 'Alice Walker told Reuters in Minsk that "the talks will go on". '


def article(n: int, sentences: int = 40) -> Record:
    text = f"Story {n}. " + SENTENCE * sentences
    rec = Record.new(text, meta={"title": f"Story {n}", "source": "bench"})
    pos = 0
    for i in range(min(sentences, 30)):
        start = text.index("Alice", pos)
        rec.spans[f"s{i + 1}"] = Span(
            f"s{i + 1}", start, start + 12, "PERSON", origin="model:bench@1", review="pending"
        )
        pos = start + 1
    return rec


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(q * len(s)))]


def bench_edits(folder: Path, n: int) -> None:
    rec = article(0)
    doc = Document(rec, default_schema(), annotator="bench")
    path = folder / "edits.jsonl"
    ours: list[float] = []
    bare: list[float] = []
    line = b""
    fd = os.open(folder / "bare.jsonl", os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        with AnnotatorStore(path, "bench") as store:
            store.save(rec)
            for i in range(n):
                sid = f"s{i % 30 + 1}"
                edit = (
                    SetSpanLabel(sid, "ORG" if rec.spans[sid].label == "PERSON" else "PERSON")
                    if i % 3
                    else SetSpanAttr(sid, "sentiment", ["negative", "neutral", "positive"][i % 3])
                )
                t = time.perf_counter()
                doc.apply(edit)
                ok = store.save(rec)
                ours.append(time.perf_counter() - t)
                assert ok
                # the baseline, interleaved so that both see the same disk and the same load
                line = (dumps(rec.to_dict()) + "\n").encode()
                t = time.perf_counter()
                os.write(fd, line)
                os.fsync(fd)
                bare.append(time.perf_counter() - t)
            doc.apply(AddSpan(Span("s99", 0, 5, "EVENT")))
    finally:
        os.close(fd)
    mo, mb = statistics.median(ours), statistics.median(bare)
    po, pb = pct(ours, 0.95), pct(bare, 0.95)
    print(f"durable edit ({n} edits, record line {len(line):,} bytes, {len(rec.spans)} spans)")
    print(f"  apply + save (fsync)   median {mo * 1e3:7.3f} ms   p95 {po * 1e3:7.3f} ms")
    print(f"  bare write + fsync     median {mb * 1e3:7.3f} ms   p95 {pb * 1e3:7.3f} ms")
    print(f"  ratio ours/bare        median {mo / mb:5.2f}x      p95 {po / pb:5.2f}x")
    print(f"  added by the workbench median {(mo - mb) * 1e3:7.3f} ms (the rest is the disk's fsync)")
    verdict = "OK" if mo < 5e-3 else ("MISSED: the bare fsync alone is slower" if mb >= 5e-3 else "MISSED")
    print(f"  budget: median under 5 ms -> {mo * 1e3:.3f} ms {verdict}")


def bench_compaction(folder: Path, n: int, repeats: int = 3) -> None:
    path = folder / "compact.jsonl"
    records = [article(i, sentences=8).to_dict() for i in range(n)]
    with AnnotatorStore(path, "bench") as store:
        for d in records:
            store._records[d["id"]] = d  # fill memory directly: we time compaction, not 10k fsyncs
        ours, bare = [], []
        for _ in range(repeats):
            t = time.perf_counter()
            store.compact()
            ours.append(time.perf_counter() - t)
            t = time.perf_counter()
            with open(folder / "plain.jsonl", "w", encoding="utf-8") as fh:
                for d in records:
                    fh.write(dumps(d) + "\n")
                fh.flush()
                os.fsync(fh.fileno())
            bare.append(time.perf_counter() - t)
    o, b = min(ours), min(bare)
    size = path.stat().st_size
    print(f"compaction ({n:,} records, {size / 1e6:.1f} MB, best of {repeats})")
    print(f"  compact (temp + fsync + replace + dir fsync)  {o:.3f} s")
    print(f"  plain write of the same lines + fsync         {b:.3f} s")
    print(f"  ratio {o / b:.2f}x   budget <= 2x -> {'OK' if o / b <= 2 else 'MISSED'}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--edits", type=int, default=400)
    ap.add_argument("--records", type=int, default=10_000)
    ap.add_argument(
        "--dir", type=Path, default=None, help="folder on the disk to measure (default: a temp folder)"
    )
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(dir=args.dir) as d:
        folder = Path(d)
        print(f"folder: {folder}")
        bench_edits(folder, args.edits)
        bench_compaction(folder, args.records)


if __name__ == "__main__":
    main()
