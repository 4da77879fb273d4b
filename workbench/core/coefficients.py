"""Agreement coefficients from sufficient statistics, accumulated one unit at a time.

Cohen's kappa, Fleiss' kappa and Krippendorff's alpha follow their textbook
definitions (Cohen 1960, Fleiss 1971, Krippendorff 2011); :class:`Categorical`
keeps just what they need, so a coding task over a corpus of any size streams.
Split from :mod:`workbench.core.agreement`, which builds the units from records.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any


# coefficients from sufficient statistics ----------------------------------
def cohen_kappa(table: Counter[tuple[str, str]]) -> float | None:
    """Cohen's kappa from a contingency table ``(value_a, value_b) -> count``; None if undefined."""
    n = sum(table.values())
    if n == 0:
        return None
    rows: Counter[str] = Counter()
    cols: Counter[str] = Counter()
    agree = 0
    for (a, b), c in table.items():
        rows[a] += c
        cols[b] += c
        if a == b:
            agree += c
    po = agree / n
    pe = sum(rows[v] * cols[v] for v in rows) / (n * n)
    if pe == 1:
        return None
    return (po - pe) / (1 - pe)


def delta2(ordered: Sequence[str] | None, totals: Counter[str]) -> Any:
    """The squared difference function of Krippendorff's alpha: nominal or ordinal."""
    if ordered is None:
        return lambda c, k: 0.0 if c == k else 1.0
    rank = {v: i for i, v in enumerate(ordered)}

    def ordinal(c: str, k: str) -> float:
        if c == k:
            return 0.0
        lo, hi = sorted((rank[c], rank[k]))
        s = sum(totals[ordered[g]] for g in range(lo, hi + 1))
        return (s - (totals[c] + totals[k]) / 2) ** 2

    return ordinal


def alpha_from_coincidences(
    o: Counter[tuple[str, str]], ordered: Sequence[str] | None = None
) -> float | None:
    """Krippendorff's alpha from a coincidence matrix; None when every value is the same.

    Every sum is exactly rounded (``math.fsum``), so alpha does not depend on the order of
    the matrix's cells, which follows the order units happened to come in.
    """
    parts: dict[str, list[float]] = {}
    for (c, _k), w in o.items():
        parts.setdefault(c, []).append(w)
    totals: Counter[str] = Counter({c: math.fsum(ws) for c, ws in parts.items()})
    n = math.fsum(totals.values())
    if n <= 1:
        return None
    if ordered is None:
        # Nominal: disagreement is 1 off the diagonal, so both sums need only the totals (O(values)).
        observed = math.fsum(w for (c, k), w in o.items() if c != k)
        expected = (n * n - math.fsum(t * t for t in totals.values())) / (n - 1)
    else:
        ordered = [v for v in ordered if v in totals] + sorted(v for v in totals if v not in ordered)
        d = delta2(ordered, totals)
        observed = math.fsum(w * d(c, k) for (c, k), w in o.items())
        values = list(totals)
        expected = math.fsum(totals[c] * totals[k] * d(c, k) for c in values for k in values) / (n - 1)
    if expected == 0:
        return None
    return 1 - observed / expected


Pattern = tuple[str | None, ...]  # one unit: each annotator's value in annotator order, None = not coded


def _coded(pattern: Pattern) -> int:
    return len(pattern) - pattern.count(None)


def _value_counts(pattern: Pattern) -> dict[str, int]:
    """How many annotators chose each value in one unit (a plain dict: this runs per distinct pattern)."""
    counts: dict[str, int] = {}
    for v in pattern:
        if v is not None:
            counts[v] = counts.get(v, 0) + 1
    return counts


@dataclass
class Categorical:
    """One coding task (e.g. entity sentiment): units coded by some annotators with values.

    Units are only counted by pattern (who chose what): a C-level ``Counter.update`` per
    article, however many units it has. Every coefficient is derived from those integer
    counts when asked, and the float sums are exactly rounded (``math.fsum``), so the figures
    do not depend on the order the units came in or on how workers split the corpus.
    """

    annotators: list[str]
    ordered: tuple[str, ...] | None = None
    patterns: Counter[Pattern] = field(default_factory=Counter)  # includes units fewer than two coded

    def add_unit(self, values: dict[str, str]) -> None:
        """``annotator -> value`` for one unit; annotators who did not code it are absent."""
        if len(values) >= 2:
            self.add_coded(tuple(values.get(a) for a in self.annotators))

    def add_coded(self, pattern: Pattern) -> None:
        """One unit as a pattern (see :data:`Pattern`); units fewer than two coded are ignored."""
        self.patterns[pattern] += 1

    def add_many(self, patterns: Iterable[Pattern]) -> None:
        """Several units (those fewer than two coded are ignored when the figures are read)."""
        self.patterns.update(patterns)

    def _counted(self) -> dict[Pattern, int]:
        """The units that count: coded by at least two annotators."""
        return {p: n for p, n in self.patterns.items() if _coded(p) >= 2}

    @property
    def units(self) -> int:
        return sum(self._counted().values())

    @property
    def fleiss_units(self) -> int:
        if len(self.annotators) < 2:
            return 0
        return sum(n for p, n in self.patterns.items() if None not in p)

    @property
    def fleiss_totals(self) -> Counter[str]:
        totals: Counter[str] = Counter()
        for p, n in self.patterns.items():
            if None not in p:
                for v in p:
                    totals[v] += n
        return totals

    @property
    def fleiss_p(self) -> float:
        """Sum over units coded by everyone of the share of agreeing rater pairs."""
        m = len(self.annotators)
        if m < 2:
            return 0.0
        terms = []
        for p, n in self.patterns.items():
            if None not in p:
                counts = _value_counts(p)
                terms.append(n * (sum(x * x for x in counts.values()) - m) / (m * (m - 1)))
        return math.fsum(terms)

    @property
    def coincidences(self) -> Counter[tuple[str, str]]:
        """Krippendorff's coincidence matrix: each unit's ordered value pairs, weighted 1/(m-1)."""
        terms: dict[tuple[str, str], list[float]] = {}
        for p, n in self._counted().items():
            counts = _value_counts(p)
            m = sum(counts.values())
            for c, nc in counts.items():
                for k, nk in counts.items():
                    pairs = nc * (nc - 1) if c == k else nc * nk
                    if pairs:
                        terms.setdefault((c, k), []).append(n * pairs / (m - 1))
        return Counter({cell: math.fsum(ts) for cell, ts in terms.items()})

    @property
    def pairs(self) -> dict[tuple[str, str], Counter[tuple[str, str]]]:
        """Contingency table per annotator pair (in annotator order) over the units both coded."""
        out: dict[tuple[str, str], Counter[tuple[str, str]]] = {}
        names = self.annotators
        for p, n in self.patterns.items():
            for i, va in enumerate(p):
                if va is None:
                    continue
                for j in range(i + 1, len(p)):
                    vb = p[j]
                    if vb is not None:
                        table = out.get((names[i], names[j]))
                        if table is None:
                            table = out[(names[i], names[j])] = Counter()
                        table[(va, vb)] += n
        return out

    def absorb(self, other: Categorical) -> None:
        """Add the counts of another accumulator over other units (parallel workers)."""
        self.patterns.update(other.patterns)

    def fleiss(self) -> float | None:
        n, m = self.fleiss_units, len(self.annotators)
        if n == 0:
            return None
        p_bar = self.fleiss_p / n
        p_e = math.fsum((t / (n * m)) ** 2 for t in self.fleiss_totals.values())
        if p_e == 1:
            return None
        return (p_bar - p_e) / (1 - p_e)

    def summary(self) -> dict[str, Any]:
        kappas = {f"{a}~{b}": cohen_kappa(t) for (a, b), t in sorted(self.pairs.items())}
        defined = [k for k in kappas.values() if k is not None]
        out: dict[str, Any] = {
            "units": self.units,
            "cohen": kappas,
            "cohen_mean": sum(defined) / len(defined) if defined else None,
            "fleiss": self.fleiss(),
            "fleiss_units": self.fleiss_units,
            "alpha_nominal": alpha_from_coincidences(co := self.coincidences),
        }
        if self.ordered is not None:
            out["alpha_ordinal"] = alpha_from_coincidences(co, self.ordered)
        return out
