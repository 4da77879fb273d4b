"""Opening a 100k-article corpus in the window: time to the first article, and memory, against 1k.

Budget (issue 15): the first article is shown in under a second on a 100k-article corpus
(the list fills in the background), and the window's memory with 100k articles is at most
3x the same window with 1k (it follows the index, not the texts). Each size runs in a fresh
process; the ratios are against the 1k run of the same invocation.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_ui_open.py [--sizes 1000,100000] [--own]

``--own`` opens annotator files (``<corpus>.bench.jsonl``) instead of corpora: the batch's first
reading shows the first article, and the annotator store indexes the whole file after the first
paint (decision 0024); "store indexed" says when an edit no longer waits for it.

``--beside`` opens corpora with an annotator file of every article beside them (a copy of the
corpus, as after pre-annotating the whole batch): the store indexes it before the first article,
and reads its statuses after the first paint; "store indexed" is when those are in.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def child(n: int, folder: Path, own: bool, beside: bool = False) -> None:
    import psutil
    from PySide6.QtWidgets import QApplication

    from bench.bench_ui_switch import make_batch, shown_window

    # ``own``: the annotator's own file (``<name>.bench.jsonl``), which the annotator store reads too
    corpus = folder / (f"own-{n}.bench.jsonl" if own else f"corpus-{n}.jsonl")
    if not corpus.exists():
        make_batch(corpus, n)  # about 3,000 characters and 30 spans an article, each id its own
    if beside:
        shutil.copyfile(corpus, folder / f"corpus-{n}.bench.jsonl")  # every article, this annotator's
    elif not own:
        (folder / f"corpus-{n}.bench.jsonl").unlink(missing_ok=True)  # the last run's annotator file
    proc = psutil.Process()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    rss0 = proc.memory_info().rss
    t = time.perf_counter()
    win = shown_window([corpus])
    win.view.viewport().repaint()
    first_s = time.perf_counter() - t
    s = win.session
    assert s is not None and s.document is not None and win.view.toPlainText() == s.document.record.text
    model = win.doc_list.model
    store_s = None
    while model is None or model.rowCount() < n:  # the list fills in the background
        app.processEvents()
        if store_s is None and s.store.ready and not s.store.statuses_unread:
            store_s = time.perf_counter() - t
        time.sleep(0.01)
        model = win.doc_list.model
    full_s = time.perf_counter() - t
    store_s = store_s if store_s is not None else full_s
    app.processEvents()
    rss = proc.memory_info().rss
    win.close()
    print(
        json.dumps(
            {
                "n": n,
                "first_s": first_s,
                "full_s": full_s,
                "store_s": store_s,
                "rss_mb": rss / 2**20,
                "growth_mb": (rss - rss0) / 2**20,
            }
        )
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="1000,100000")
    ap.add_argument("--data", help="keep the generated corpora here and reuse them")
    ap.add_argument("--child", type=int)
    ap.add_argument("--own", action="store_true", help="open annotator files (the store reads them too)")
    ap.add_argument("--beside", action="store_true", help="corpora with an annotator file of them beside")
    a = ap.parse_args()
    if a.child:
        child(a.child, Path(a.data), a.own, a.beside)
        return
    folder = Path(a.data or tempfile.mkdtemp(prefix="wb-bench-open-"))
    folder.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", WORKBENCH_ANNOTATOR="bench")
    results = []
    for n in map(int, a.sizes.split(",")):
        env["WORKBENCH_CONFIG_DIR"] = tempfile.mkdtemp(prefix="wb-bench-config-")
        cmd = [
            sys.executable,
            __file__,
            "--child",
            str(n),
            "--data",
            str(folder),
            *(["--own"] if a.own else []),
            *(["--beside"] if a.beside else []),
        ]
        out = subprocess.run(cmd, capture_output=True, text=True, env=env, check=True).stdout
        results.append(json.loads(out.strip().splitlines()[-1]))
    for r in results:
        print(
            f"{r['n']:>7,} articles: first article shown {r['first_s']:.2f} s "
            f"(budget 1 s: {'OK' if r['first_s'] < 1 else 'OVER'}), store indexed {r['store_s']:.2f} s, "
            f"list full {r['full_s']:.2f} s, "
            f"window RSS {r['rss_mb']:.0f} MB ({r['growth_mb']:.0f} MB of it from opening)"
        )
    small, big = results[0], results[-1]
    print(
        f"{big['n']:,} vs {small['n']:,}: first article {big['first_s'] / small['first_s']:.2f}x, "
        f"window memory {big['rss_mb'] / small['rss_mb']:.2f}x (target <= 3), "
        f"{(big['growth_mb'] - small['growth_mb']) * 2**20 / (big['n'] - small['n']):.0f} bytes per article"
    )


if __name__ == "__main__":
    main()
