"""Mathet's γ for spans, through ``pygamma-agreement`` (the optional extra ``workbench[gamma]``).

F1 and κ need units at the same offsets; γ aligns overlapping and nested spans of
any number of annotators and weighs how far they are apart and how their labels
differ, against the disorder of random continua (Mathet, Widlöcher & Métivier 2015).
INCEpTION users ask for it (#5305). We do not write it again: the maintained
implementation pulls cvxpy (its alignment is a mixed-integer program) and numba,
about 150 MB and a 15-second first import, so it stays out of the default install
and the desktop bundle (decision 0022).

Each article is one continuum (positions are code-point offsets). γ's exact alignment
grows combinatorially with the number of annotators: on a PolNeAR article (≈ 45 spans
each) two annotators take about 2 s, three 3 s, four close to 3 minutes. So an
article with up to :data:`MAX_TOGETHER` annotators is one continuum of them all; with
more, γ is the mean over annotator *pairs* (as the F1 and Cohen's κ columns are), and
the report says which. The corpus figure is the mean over the measured continua, each
label's γ_k the mean where the label occurs, each annotator's the mean of the pairs
they are in. At most ``sample`` continua are measured, drawn with a fixed seed, and the
report says so with the sample size and the time taken.
"""

from __future__ import annotations

import importlib.util
import itertools
import logging
import random
import statistics
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

PACKAGE = "pygamma_agreement"
HOW_TO_GET = (
    "γ needs the optional extra: pip install 'workbench[gamma]' (pygamma-agreement, with cvxpy and numba)"
)
SAMPLE = 60  # continua (article, or article and pair) measured at most; --gamma-sample changes it
SEED = 4772
MAX_TOGETHER = 3  # annotators in one continuum; more are taken in pairs

# (annotator, start, end, label) of one article
Units = list[tuple[str, int, int, str]]


def available() -> bool:
    """Whether γ can be computed here, without importing the (slow to import) package."""
    return importlib.util.find_spec(PACKAGE) is not None


@dataclass
class GammaReport:
    available: bool
    asked: bool = False
    mode: str = ""  # "all" (every annotator of an article in one continuum) or "pairs"
    gamma: float | None = None  # mean over the measured continua
    per_label: dict[str, float] = field(default_factory=dict)  # mean γ_k where the label occurs
    per_annotator: dict[str, float] = field(default_factory=dict)  # mean over the continua they are in
    per_article: dict[str, float] = field(default_factory=dict)  # mean over the article's continua
    measured: int = 0  # continua measured
    continua: int = 0  # continua there are
    articles: int = 0  # articles with spans from at least two annotators
    seconds: float = 0.0  # computing (the import not included)
    import_seconds: float = 0.0
    message: str = ""

    @property
    def sampled(self) -> bool:
        return self.asked and self.available and self.measured < self.continua

    def to_dict(self) -> dict[str, Any]:
        per = self.seconds / self.measured if self.measured else None
        return {
            "available": self.available,
            "computed": self.asked and self.available,
            "mode": self.mode,
            "gamma": self.gamma,
            "per_label": self.per_label,
            "per_annotator": self.per_annotator,
            "per_article": self.per_article,
            "measured": self.measured,
            "continua": self.continua,
            "articles": self.articles,
            "sampled": self.sampled,
            "seconds": round(self.seconds, 2),
            "seconds_per_continuum": None if per is None else round(per, 2),
            "import_seconds": round(self.import_seconds, 2),
            "message": self.message,
        }


def units_of(versions: dict[str, dict[str, Any]], labels: set[str] | None = None) -> Units:
    """The spans of each annotator's version of one article, as γ's units (empty spans left out)."""
    out: Units = []
    for name, rec in versions.items():
        for s in rec.get("spans") or ():
            if s["end"] > s["start"] and (labels is None or s["label"] in labels):
                out.append((name, int(s["start"]), int(s["end"]), str(s["label"])))
    return out


def gamma_of_units(
    units: Units, annotators: Iterable[str], alpha: float = 1.0, beta: float = 1.0, seed: int = SEED
) -> tuple[float, dict[str, float]]:
    """γ and each category's γ_k of one continuum (the package's combined categorical dissimilarity)."""
    import numpy as np
    from pyannote.core import Segment
    from pygamma_agreement import CombinedCategoricalDissimilarity, Continuum
    from pygamma_agreement.sampler import ShuffleContinuumSampler

    continuum = Continuum()
    for name in annotators:
        continuum.add_annotator(name)
    for name, start, end, label in units:
        continuum.add(name, Segment(start, end), label)
    np.random.seed(seed)
    dissim = CombinedCategoricalDissimilarity(delta_empty=1, alpha=alpha, beta=beta)
    result = continuum.compute_gamma(dissim, sampler=ShuffleContinuumSampler(), precision_level=0.05)
    per_label = {str(c): float(result.gamma_k(c)) for c in continuum.categories}
    return float(result.gamma), per_label


def _continua(articles: dict[str, tuple[list[str], Units]]) -> tuple[str, list[tuple[str, tuple[str, ...]]]]:
    """The mode and every (article, annotators) continuum to measure."""
    widest = max((len(names) for names, _ in articles.values()), default=0)
    mode = "all" if widest <= MAX_TOGETHER else "pairs"
    out = []
    for art, (names, _units) in sorted(articles.items()):
        if mode == "all":
            out.append((art, tuple(names)))
        else:
            out += [(art, pair) for pair in itertools.combinations(names, 2)]
    return mode, out


def gamma_report(
    articles: dict[str, tuple[list[str], Units]], asked: bool, sample: int = SAMPLE, seed: int = SEED
) -> GammaReport:
    """γ over ``articles`` (id -> annotators present, units), measuring at most ``sample`` continua."""
    report = GammaReport(available=available(), asked=asked)
    eligible = {
        i: (names, units) for i, (names, units) in articles.items() if len({u[0] for u in units}) >= 2
    }
    report.articles = len(eligible)
    report.mode, continua = _continua(eligible)
    report.continua = len(continua)
    if not report.available:
        report.message = HOW_TO_GET
        return report
    if not asked:
        report.message = "γ not computed: add --gamma (seconds per article; see docs/agreement.md)"
        return report
    if len(continua) > sample:
        continua = sorted(random.Random(seed).sample(continua, sample))
    t0 = time.perf_counter()
    logging.getLogger().setLevel(max(logging.getLogger().level, logging.ERROR))  # "CBC not installed" x 30
    import pygamma_agreement  # noqa: F401  - the import alone costs seconds (numba); measured apart

    report.import_seconds = time.perf_counter() - t0
    t0 = time.perf_counter()
    values: list[float] = []
    by_label: dict[str, list[float]] = {}
    by_annotator: dict[str, list[float]] = {}
    by_article: dict[str, list[float]] = {}
    for art, names in continua:
        units = [u for u in eligible[art][1] if u[0] in names]
        if len({u[0] for u in units}) < 2:
            continue  # one of the pair marked nothing here: γ has nothing to align (F1 counts it)
        g, per = gamma_of_units(units, names, seed=seed)
        values.append(g)
        by_article.setdefault(art, []).append(g)
        for name in names:
            by_annotator.setdefault(name, []).append(g)
        for label, v in per.items():
            by_label.setdefault(label, []).append(v)
    report.seconds = time.perf_counter() - t0
    report.measured = len(continua)
    mean = statistics.fmean
    report.gamma = mean(values) if values else None
    report.per_label = {k: mean(v) for k, v in sorted(by_label.items())}
    report.per_annotator = (
        {k: mean(v) for k, v in sorted(by_annotator.items())} if report.mode == "pairs" else {}
    )
    report.per_article = {k: mean(v) for k, v in sorted(by_article.items())}
    if report.sampled:
        report.message = (
            f"γ measured on a sample of {report.measured} of {report.continua} continua (seed {seed}); "
            f"--gamma-sample {report.continua} measures all"
        )
    return report
