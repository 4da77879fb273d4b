"""Store budgets (issue 15 parts 1 and 2), each a ratio against a baseline measured in the same run.

    python bench/bench_store.py [--edits 400] [--records 10000] [--reopen-edits 10000] [--dir DIR]

- durable edit: what the session does after an edit (``AnnotatorStore.save_edit``: a journal
  entry, written and fsynced) on a 100k-character / 2,000-span article and on a 3 KB one, vs a
  bare ``os.write`` + ``os.fsync`` of a 200-byte line, interleaved. Budget: median <= 1.5x.
  ``Document.apply`` (the edit itself, schema checks included) is shown beside it.
- file size: 1,000 edits on 10 articles, the annotator going back and forth between them as the
  session does (leaving an article folds its journal): the file at rest vs the same records
  written once (<= 1.1x), and the largest file + journal during the edits vs the final file (<= 2.5x).
- reopen after 10,000 edits left as a crash leaves them (no close: file and journal as they are),
  then read every record, vs the same on the compacted file of the same records (the store
  reads records when asked, decision 0020, so the open alone is only an index). Budget: <= 1.5x.
- compaction of N records vs writing the same JSON lines plainly (one file, fsync). Budget: <= 2x.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from workbench.core.document import Document  # noqa: E402
from workbench.core.edits import AddSpan, RemoveSpan, SetDocField, SetSpanAttr, SetSpanLabel  # noqa: E402
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


def long_article() -> Record:
    """100k characters, 2,000 pre-annotated spans (a PERSON and an ORG in most sentences)."""
    text = (SENTENCE * (100_000 // len(SENTENCE) + 1))[:100_000]
    rec = Record.new(text, meta={"title": "Long", "source": "bench"})
    who, org = SENTENCE.index("Alice"), SENTENCE.index("Reuters")
    for k in range(1000):
        base = k * len(SENTENCE)
        rec.spans[f"s{2 * k + 1}"] = Span(
            f"s{2 * k + 1}", base + who, base + who + 12, "PERSON", origin="m@1"
        )
        rec.spans[f"s{2 * k + 2}"] = Span(f"s{2 * k + 2}", base + org, base + org + 7, "ORG", origin="m@1")
    return rec


def _edit(rec: Record, i: int) -> Any:
    """Relabel, set an attribute, add and remove: the edits an annotator makes all day."""
    sid = f"s{(i * 7) % min(30, len(rec.spans)) + 1}"
    kind = i % 4
    if kind == 0 and sid in rec.spans:
        return SetSpanLabel(sid, "ORG" if rec.spans[sid].label == "PERSON" else "PERSON")
    if kind == 1 and sid in rec.spans and rec.spans[sid].label == "PERSON":
        return SetSpanAttr(sid, "sentiment", ["negative", "neutral", "positive"][i % 3])
    if kind == 2:
        at = rec.text.index("Minsk")
        return RemoveSpan("x1") if "x1" in rec.spans else AddSpan(Span("x1", at, at + 5, "GPE"))
    return SetDocField("sentiment", ["negative", "neutral", "positive"][i % 3])


def bench_edit(folder: Path, name: str, rec: Record, n: int) -> float:
    """Median of the durable save of an edit ÷ median of a bare 200-byte write + fsync."""
    doc = Document(rec, default_schema(), annotator="bench")
    path = folder / f"edits-{name}.jsonl"
    ours: list[float] = []
    applies: list[float] = []
    bare: list[float] = []
    line = b"x" * 199 + b"\n"
    fd = os.open(folder / "bare.jsonl", os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    changes: list[Any] = []
    doc.subscribe(changes.append)
    try:
        with AnnotatorStore(path, "bench") as store:
            store.save(rec)
            for i in range(n + 20):
                t = time.perf_counter()
                doc.apply(_edit(rec, i))
                t1 = time.perf_counter()
                ch = changes.pop()
                ok = store.save_edit(rec, ch.span_ids, ch.relation_ids)
                t2 = time.perf_counter()
                assert ok
                # the baseline, interleaved so that both see the same disk and the same load
                os.write(fd, line)
                os.fsync(fd)
                t3 = time.perf_counter()
                if i >= 20:  # the first edits build the store's span index of the record (once)
                    applies.append(t1 - t)
                    ours.append(t2 - t1)
                    bare.append(t3 - t2)
            journal = store.journal_path.stat().st_size if store.journal_path.exists() else 0
    finally:
        os.close(fd)
    mo, mb, ma = statistics.median(ours), statistics.median(bare), statistics.median(applies)
    po, pb = pct(ours, 0.95), pct(bare, 0.95)
    size = len(dumps(rec.to_dict()).encode())
    print(
        f"durable edit, {name} article ({len(rec.text):,} chars, {len(rec.spans):,} spans, line {size:,} B)"
    )
    print(f"  save_edit (journal entry + fsync) median {mo * 1e3:7.3f} ms   p95 {po * 1e3:7.3f} ms")
    print(f"  bare 200-byte write + fsync        median {mb * 1e3:7.3f} ms   p95 {pb * 1e3:7.3f} ms")
    print(f"  Document.apply (the edit itself)   median {ma * 1e3:7.3f} ms")
    print(f"  journal at the end {journal:,} B (folded into the file when it outgrows the record)")
    verdict = "OK" if mo / mb <= 1.5 else "MISSED"
    print(f"  ratio save/bare median {mo / mb:5.2f}x (p95 {po / pb:5.2f}x)   budget <= 1.5x -> {verdict}")
    print(f"  ratio apply+save/bare median {(ma + mo) / mb:5.2f}x (for information)")
    return mo / mb


def _file_bytes(path: Path) -> int:
    total = 0
    for p in (path, path.with_name(path.name + ".journal")):
        if p.exists():
            total += p.stat().st_size
    return total


def bench_file_size(folder: Path, edits: int = 1000, articles: int = 10) -> None:
    """1,000 edits on 10 articles, visiting them in turn (10 edits a visit): sizes along the way."""
    path = folder / "sizes.jsonl"
    records = [article(i) for i in range(articles)]
    docs = [Document(r, default_schema(), annotator="bench") for r in records]
    largest = 0
    with AnnotatorStore(path, "bench") as store:
        for d in docs:
            d.subscribe(lambda ch, d=d: store.save_edit(d.record, ch.span_ids, ch.relation_ids))
        for i in range(edits):
            k = (i // 10) % articles
            if i % 10 == 0:
                store.fold()  # the session folds the article the annotator leaves
            docs[k].apply(_edit(docs[k].record, i))
            largest = max(largest, _file_bytes(path))
    final = _file_bytes(path)
    once = folder / "once.jsonl"
    with open(once, "w", encoding="utf-8") as fh:
        for r in records:
            fh.write(dumps(r.to_dict()) + "\n")
    base = once.stat().st_size
    print(f"file size, {edits:,} edits on {articles} articles ({base:,} B written once)")
    print(
        f"  at rest {final:,} B: ÷ written once {final / base:5.2f}x   budget <= 1.1x -> "
        f"{'OK' if final / base <= 1.1 else 'MISSED'}"
    )
    print(
        f"  largest file + journal during the edits {largest:,} B: ÷ final {largest / final:5.2f}x   "
        f"budget <= 2.5x -> {'OK' if largest / final <= 2.5 else 'MISSED'}"
    )


def crash_after_edits(path: Path, compacted: Path, edits: int, articles: int) -> None:
    """Make ``edits`` edits on ``articles`` articles, write the records plainly to ``compacted``,
    then die as a crash does: no fold, no close.

    Runs in a process of its own (``--crash-after``), so the reopen is measured as a user
    meets it: in a fresh process, not beside the dead session's objects, whose size the
    collector would charge to whichever reopen allocates more.
    """
    records = [article(i) for i in range(articles)]
    docs = [Document(r, default_schema(), annotator="bench") for r in records]
    store = AnnotatorStore(path, "bench")
    for d in docs:
        d.subscribe(lambda ch, d=d: store.save_edit(d.record, ch.span_ids, ch.relation_ids))
    for i in range(edits):
        k = (i // 10) % articles
        if i % 10 == 0:
            store.fold()  # the annotator leaves an article every 10 edits
        docs[k].apply(_edit(docs[k].record, i))
    with open(compacted, "w", encoding="utf-8") as fh:
        for d in docs:
            fh.write(dumps(d.record.to_dict()) + "\n")
    os._exit(0)  # a crash: no fold, no compaction, the lock let go by the kernel


def bench_reopen(folder: Path, edits: int, articles: int = 100, repeats: int = 5) -> None:
    """Reopen after ``edits`` edits left as a crash leaves them, vs opening the compacted file."""
    path = folder / f"reopen-{articles}.jsonl"
    compacted = folder / f"compacted-{articles}.jsonl"
    crash = [sys.executable, __file__, "--crash-after", str(edits), str(articles), str(path), str(compacted)]
    subprocess.run(crash, check=True)
    journal = path.with_name(path.name + ".journal")
    crashed, crashed_journal = path.read_bytes(), journal.read_bytes() if journal.exists() else b""
    ours, base, ours_open, base_open = [], [], [], []
    for _ in range(repeats):
        path.write_bytes(crashed)
        journal.write_bytes(crashed_journal)
        # The store reads a record when asked (decision 0020): reading = the open + every record.
        t = time.perf_counter()
        st = AnnotatorStore(path, "bench")  # indexes the file and replays the journal
        ours_open.append(time.perf_counter() - t)
        got = {rid: st.raw(rid) for rid in st.ids()}
        ours.append(time.perf_counter() - t)
        n = len(st)
        st.close()
        t = time.perf_counter()
        st = AnnotatorStore(compacted, "bench")
        base_open.append(time.perf_counter() - t)
        want = {rid: st.raw(rid) for rid in st.ids()}
        base.append(time.perf_counter() - t)
        st.close()
    assert n == articles and got == want, "the reopened records are not the ones the session had"
    o, b = min(ours), min(base)
    print(
        f"reopen after {edits:,} edits on {articles} articles, left as after a crash "
        f"(file {len(crashed):,} B, journal {len(crashed_journal):,} B; "
        f"compacted {compacted.stat().st_size:,} B)"
    )
    print(
        f"  open + read every record {o * 1e3:8.1f} ms (the open alone {min(ours_open) * 1e3:.1f} ms)   "
        f"the same on the compacted file {b * 1e3:8.1f} ms ({min(base_open) * 1e3:.1f} ms)"
    )
    print(f"  ratio {o / b:5.2f}x   budget <= 1.5x -> {'OK' if o / b <= 1.5 else 'MISSED'}")


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
    ap.add_argument("--reopen-edits", type=int, default=10_000)
    ap.add_argument("--reopen-articles", type=int, nargs="+", default=[100, 1000])
    ap.add_argument(
        "--dir", type=Path, default=None, help="folder on the disk to measure (default: a temp folder)"
    )
    ap.add_argument("--crash-after", nargs=4, help=argparse.SUPPRESS)  # EDITS ARTICLES PATH COMPACTED
    args = ap.parse_args()
    if args.crash_after:
        edits, articles, path, compacted = args.crash_after
        crash_after_edits(Path(path), Path(compacted), int(edits), int(articles))
    with tempfile.TemporaryDirectory(dir=args.dir) as d:
        folder = Path(d)
        print(f"folder: {folder}")
        bench_edit(folder, "long", long_article(), args.edits)
        bench_edit(folder, "3 KB", article(0, sentences=47), args.edits)
        bench_file_size(folder)
        for articles in args.reopen_articles:
            bench_reopen(folder, args.reopen_edits, articles)
        bench_compaction(folder, args.records)


if __name__ == "__main__":
    main()
