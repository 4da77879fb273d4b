"""How close the HTML reader's article text is to the gold bodies in ../shared/data/html.

Run: ``.venv/bin/python bench/bench_html_f1.py``

Scores token-level precision/recall/F1 of the extracted body against the gold
``articleBody``: a bag of lower-cased ``\\w+`` tokens (multiset overlap), and
the scrapinghub article-extraction-benchmark's own measure (sets of 4-token
shingles). The baseline in the same run is every visible text node of the
page; the ratio printed is the reader's mean F1 over the baseline's.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path
from statistics import mean

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from workbench.io.articles import decode_bytes  # noqa: E402
from workbench.io.clean import clean_text  # noqa: E402
from workbench.io.html import declared_charset, extract_html, visible_text  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "html"
_TOKEN = re.compile(r"\w+")


def prf(tp: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    if n_pred == 0 and n_gold == 0:
        return 1.0, 1.0, 1.0
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def bag_prf(pred: str, gold: str) -> tuple[float, float, float]:
    a, b = Counter(_TOKEN.findall(pred.lower())), Counter(_TOKEN.findall(gold.lower()))
    return prf(sum((a & b).values()), sum(a.values()), sum(b.values()))


def shingle_prf(pred: str, gold: str, n: int = 4) -> tuple[float, float, float]:
    def shingles(text: str) -> set[tuple[str, ...]]:
        toks = _TOKEN.findall(text)
        return {tuple(toks[i : i + n]) for i in range(max(1, len(toks) - n + 1))} if toks else set()

    a, b = shingles(pred), shingles(gold)
    return prf(len(a & b), len(a), len(b))


def main() -> int:
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args()
    gold_file = DATA / "ground-truth.json"
    if not gold_file.is_file():
        print(f"{gold_file} is absent: this benchmark needs ../shared/data/html", file=sys.stderr)
        return 2
    gold = json.loads(gold_file.read_text(encoding="utf-8"))
    names = ("reader", "cleaned", "precision", "visible")
    systems: dict[str, list[tuple[float, float, float]]] = {n: [] for n in names}
    shingle: dict[str, list[tuple[float, float, float]]] = {n: [] for n in names}
    print(f"{'page':<18}{'P':>7}{'R':>7}{'F1':>7}   {'visible F1':>10}")
    for key in sorted(gold):
        data = (DATA / f"{key}.html").read_bytes()
        html, _ = decode_bytes(data, declared_charset(data))
        body = gold[key]["articleBody"]
        art = extract_html(html)
        outputs = {
            "reader": art.text if art else "",
            "cleaned": clean_text(art.text, title=art.meta.get("title")).text if art else "",
            "precision": getattr(extract_html(html, favor_precision=True), "text", ""),
            "visible": visible_text(data),
        }
        for name, text in outputs.items():
            systems[name].append(bag_prf(text, body))
            shingle[name].append(shingle_prf(text, body))
        p, r, f = systems["reader"][-1]
        print(f"{key:<18}{p:7.3f}{r:7.3f}{f:7.3f}   {systems['visible'][-1][2]:10.3f}")
    print()
    print(f"{'mean over ' + str(len(gold)) + ' pages':<34}{'P':>7}{'R':>7}{'F1':>7}   {'4-gram F1':>9}")
    for name, label in (
        ("reader", "reader (trafilatura, balanced)"),
        ("cleaned", "reader + import --clean"),
        ("precision", "trafilatura favor_precision"),
        ("visible", "baseline: all visible text"),
    ):
        p, r, f = (mean(x[i] for x in systems[name]) for i in range(3))
        f4 = mean(x[2] for x in shingle[name])
        print(f"{label:<34}{p:7.3f}{r:7.3f}{f:7.3f}   {f4:9.3f}")
    ratio = mean(x[2] for x in systems["reader"]) / mean(x[2] for x in systems["visible"])
    worst = min(x[2] for x in systems["reader"])
    print(f"\nreader F1 / visible-text F1 = {ratio:.2f}x   (worst page F1 {worst:.3f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
