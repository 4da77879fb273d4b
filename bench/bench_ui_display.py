"""Open + highlight + paint a 100k-character article with 2,000 spans, against plain text paint.

Budget (issue 4): at most 3x the plain-text time and under 150 ms; a single
100k-character paragraph must not be pathological. Run:
    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_ui_display.py
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtWidgets import QApplication, QPlainTextEdit  # noqa: E402

from bench._ui_fixtures import article  # noqa: E402
from workbench.core.schema import default_schema  # noqa: E402
from workbench.ui import spans as sp  # noqa: E402
from workbench.ui.text_view import SpanTextView  # noqa: E402

REPEAT = 11


def plain(text: str) -> float:
    w = QPlainTextEdit()
    w.resize(900, 800)
    w.show()
    QApplication.processEvents()
    t = time.perf_counter()
    w.setPlainText(text)
    w.viewport().grab()  # forces layout of the visible part and a full paint
    dt = time.perf_counter() - t
    w.close()
    return dt


def highlighted(rec, schema, with_spans: bool = True) -> float:  # noqa: ANN001
    v = SpanTextView()
    v.resize(900, 800)
    v.show()
    QApplication.processEvents()
    t = time.perf_counter()
    styles = [s for s in sp.styles(rec, schema).values() if s is not None] if with_spans else []
    v.set_content(rec.text, styles)
    v.viewport().grab()
    dt = time.perf_counter() - t
    assert len(v.highlighter.spans) == len(styles)
    v.close()
    return dt


def run(label: str, paragraph: int) -> tuple[float, float]:
    schema = default_schema()
    rec = article(100_000, 2_000, paragraph=paragraph)
    plain(rec.text), highlighted(rec, schema)  # warm up fonts and caches
    # interleaved pairs, so load from other processes hits both sides alike
    pairs = [(plain(rec.text), highlighted(rec, schema)) for _ in range(REPEAT)]
    p = statistics.median(a for a, _ in pairs)
    h = statistics.median(b for _, b in pairs)
    bare = statistics.median(highlighted(rec, schema, with_spans=False) for _ in range(REPEAT))
    print(
        f"{label:<26} chars={len(rec.text):,} spans={len(rec.spans):,} "
        f"blocks={rec.text.count(chr(10)) + 1:,}  "
        f"plain {p * 1000:7.1f} ms   highlighted {h * 1000:7.1f} ms   "
        f"ratio {h / p:4.2f}x (median of pairs {statistics.median(b / a for a, b in pairs):4.2f}x) "
        f"(budget 3x, <150 ms: {'OK' if h / p <= 3 and h < 0.150 else 'OVER'}); "
        f"our view without spans {bare * 1000:.1f} ms"
    )
    return p, h


def scroll(paragraph: int) -> None:
    """Page through the whole article: blocks are formatted as they scroll in."""
    schema = default_schema()
    rec = article(100_000, 2_000, paragraph=paragraph)
    times = {}
    for name in ("plain", "highlighted"):
        v = SpanTextView()
        v.resize(900, 800)
        v.show()
        v.set_content(rec.text, [] if name == "plain" else [s for s in sp.styles(rec, schema).values() if s])
        v.viewport().repaint()
        bar = v.verticalScrollBar()
        steps = []
        while bar.value() < bar.maximum():
            t = time.perf_counter()
            bar.setValue(bar.value() + bar.pageStep())
            v.viewport().repaint()
            steps.append(time.perf_counter() - t)
        times[name] = steps
        v.close()
    p, h = (statistics.median(times[k]) * 1000 for k in ("plain", "highlighted"))
    worst = max(times["highlighted"]) * 1000
    print(
        f"scroll page by page        {len(times['highlighted'])} pages: plain {p:5.1f} ms/page, "
        f"highlighted {h:5.1f} ms/page (worst {worst:5.1f} ms), ratio {h / p:4.2f}x"
    )


if __name__ == "__main__":
    app = QApplication.instance() or QApplication(sys.argv[:1])
    run("paragraphs of ~600 chars", 600)
    run("one 100k-char paragraph", 0)
    scroll(600)
