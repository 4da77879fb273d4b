"""Switching to the next document in a 10k-document batch; memory against batch size.

Budget (issue 4): under 100 ms per switch; memory does not grow with the batch
size. Each batch size runs in a fresh process; the baseline is the same run on
a 1k batch (and the switch cost against reading+parsing the record alone).
    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_ui_switch.py
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SWITCHES = 600


def make_batch(path: Path, n: int) -> None:
    from bench._ui_fixtures import article

    base = [article(3_000, 30, seed=k).to_dict() for k in range(50)]
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(n):
            d = dict(base[i % 50])
            d["id"] = f"doc{i:06d}"
            d["meta"] = {"title": f"Story {i}"}
            fh.write(json.dumps(d, ensure_ascii=False) + "\n")


def shown_window(paths: list[Path]) -> Any:
    """The window on ``paths``, shown at the benchmarks' size, its first events processed."""
    from PySide6.QtWidgets import QApplication

    from workbench.ui.app import create_window

    win = create_window(paths)
    assert win is not None
    win.resize(1300, 800)
    win.show()
    QApplication.processEvents()
    return win


def child(n: int) -> None:
    import psutil
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    proc = psutil.Process()
    _app = QApplication.instance() or QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "batch.jsonl"
        make_batch(corpus, n)
        rss0 = proc.memory_info().rss
        t = time.perf_counter()
        win = shown_window([corpus])
        open_s = time.perf_counter() - t
        rss_open = proc.memory_info().rss
        times, reads = [], []
        rss_mid = 0
        for i in range(SWITCHES):
            t = time.perf_counter()
            QTest.keyClick(win.view, Qt.Key.Key_PageDown, Qt.KeyboardModifier.AltModifier)
            win.view.viewport().repaint()
            times.append(time.perf_counter() - t)
            if i == 99:
                rss_mid = proc.memory_info().rss
        rss_end = proc.memory_info().rss
        s = win.session
        for it in s.batch.items[:SWITCHES]:
            t = time.perf_counter()
            s.record(it.id)
            reads.append(time.perf_counter() - t)
        assert s.document is not None and s.document.record.id == s.batch.items[SWITCHES % n].id
        win.close()
    print(
        json.dumps(
            {
                "n": n,
                "open_s": open_s,
                "switch_ms": statistics.median(times) * 1000,
                "switch_p95_ms": sorted(times)[int(0.95 * len(times))] * 1000,
                "read_ms": statistics.median(reads) * 1000,
                "index_mb": (rss_open - rss0) / 2**20,
                "growth_kb_per_switch": (rss_end - rss_mid) / (SWITCHES - 100) / 1024,
            }
        )
    )


def main() -> None:
    results = {}
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", WORKBENCH_ANNOTATOR="bench")
    for n in (1_000, 10_000):
        env["WORKBENCH_CONFIG_DIR"] = tempfile.mkdtemp(prefix="wb-bench-config-")
        out = subprocess.run(
            [sys.executable, __file__, "--child", str(n)], capture_output=True, text=True, env=env, check=True
        ).stdout
        results[n] = json.loads(out.strip().splitlines()[-1])
    for n, r in results.items():
        print(
            f"batch {n:>6,}: open {r['open_s']:.2f} s, switch median {r['switch_ms']:.1f} ms "
            f"(p95 {r['switch_p95_ms']:.1f}; budget 100 ms: {'OK' if r['switch_ms'] < 100 else 'OVER'}), "
            f"ratio to reading the record alone {r['switch_ms'] / r['read_ms']:.1f}x; "
            f"batch index {r['index_mb']:.1f} MB, growth per switch {r['growth_kb_per_switch']:.1f} KB"
        )
    a, b = results[1_000], results[10_000]
    print(
        f"10k vs 1k: switch time ratio {b['switch_ms'] / a['switch_ms']:.2f}x, "
        f"index memory {b['index_mb'] / max(a['index_mb'], 0.01):.1f}x for 10x the documents"
    )


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        child(int(sys.argv[2]))
    else:
        main()
