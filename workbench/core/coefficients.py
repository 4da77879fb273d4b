"""Agreement coefficients from sufficient statistics, accumulated one unit at a time.

Cohen's kappa, Fleiss' kappa and Krippendorff's alpha follow their textbook
definitions (Cohen 1960, Fleiss 1971, Krippendorff 2011); :class:`Categorical`
keeps just what they need, so a coding task over a corpus of any size streams.
Split from :mod:`workbench.core.agreement`, which builds the units from records.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

_IGNORED = object()  # a unit fewer than two annotators coded
_STEPS_KEPT = 4096  # patterns whose increments a Categorical remembers


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
    """Krippendorff's alpha from a coincidence matrix; None when every value is the same."""
    totals: Counter[str] = Counter()
    for (c, _k), w in o.items():
        totals[c] += w
    n = sum(totals.values())
    if n <= 1:
        return None
    if ordered is None:
        # Nominal: disagreement is 1 off the diagonal, so both sums need only the totals (O(values)).
        observed = n - sum(w for (c, k), w in o.items() if c == k)
        expected = (n * n - sum(t * t for t in totals.values())) / (n - 1)
    else:
        ordered = [v for v in ordered if v in totals] + sorted(v for v in totals if v not in ordered)
        d = delta2(ordered, totals)
        observed = sum(w * d(c, k) for (c, k), w in o.items())
        values = list(totals)
        expected = sum(totals[c] * totals[k] * d(c, k) for c in values for k in values) / (n - 1)
    if expected == 0:
        return None
    return 1 - observed / expected


Pattern = tuple[str | None, ...]  # one unit: each annotator's value in annotator order, None = not coded


@dataclass
class Categorical:
    """One coding task (e.g. entity sentiment): units coded by some annotators with values.

    Units are counted by pattern (who chose what), which is all Cohen's and Fleiss' kappa
    need; the contingency tables and Fleiss sums are derived from those counts when asked.
    The coincidence matrix and the Fleiss agreement sum are floats, so they are still added
    unit by unit, in order (the figures do not depend on how units are grouped), but with the
    increments of each distinct pattern worked out once.
    """

    annotators: list[str]
    ordered: tuple[str, ...] | None = None
    patterns: Counter[Pattern] = field(default_factory=Counter)
    coincidences: Counter[tuple[str, str]] = field(default_factory=Counter)
    fleiss_p: float = 0.0
    _steps: dict[Pattern, Any] = field(default_factory=dict, repr=False, compare=False)

    def add_unit(self, values: dict[str, str]) -> None:
        """``annotator -> value`` for one unit; annotators who did not code it are absent."""
        if len(values) >= 2:
            self.add_coded(tuple(values.get(a) for a in self.annotators))

    def add_coded(self, pattern: Pattern) -> None:
        """One unit as a pattern (see :data:`Pattern`); units fewer than two coded are ignored."""
        self.add_many((pattern,))

    def add_many(self, patterns: Iterable[Pattern]) -> None:
        """Several units, in order (the float sums are added unit by unit, as one at a time)."""
        steps, co, fleiss_p = self._steps, self.coincidences, self.fleiss_p
        counted = []
        for pattern in patterns:
            step = steps.get(pattern)
            if step is None:
                step = self._step(pattern)
                if len(steps) < _STEPS_KEPT:  # values like speaker offsets rarely repeat
                    steps[pattern] = step
            if step is _IGNORED:
                continue
            counted.append(pattern)
            for cell, w in step[0]:
                co[cell] += w
            if step[1] is not None:
                fleiss_p += step[1]
        self.fleiss_p = fleiss_p
        self.patterns.update(counted)

    def _step(self, pattern: Pattern) -> Any:
        """What one unit of this pattern adds to the coincidences and to the Fleiss sum."""
        coded = [v for v in pattern if v is not None]
        m = len(coded)
        if m < 2:
            return _IGNORED
        counts: dict[str, int] = {}
        for v in coded:
            counts[v] = counts.get(v, 0) + 1
        cells: list[tuple[tuple[str, str], float]] = []
        if len(counts) == 1:
            cells.append(((coded[0], coded[0]), m))
        else:
            for c, nc in counts.items():
                for k, nk in counts.items():
                    pairs = nc * (nc - 1) if c == k else nc * nk
                    if pairs:
                        cells.append(((c, k), pairs / (m - 1)))
        fleiss = None
        if m == len(self.annotators):
            fleiss = (sum(x * x for x in counts.values()) - m) / (m * (m - 1))
        return cells, fleiss

    @property
    def units(self) -> int:
        return sum(self.patterns.values())

    @property
    def fleiss_units(self) -> int:
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
                        out.setdefault((names[i], names[j]), Counter())[(va, vb)] += n
        return out

    def absorb(self, other: Categorical) -> None:
        """Add the counts of another accumulator over other units (parallel workers)."""
        self.patterns.update(other.patterns)
        self.coincidences.update(other.coincidences)
        self.fleiss_p += other.fleiss_p

    def fleiss(self) -> float | None:
        n, m = self.fleiss_units, len(self.annotators)
        if n == 0:
            return None
        p_bar = self.fleiss_p / n
        p_e = sum((t / (n * m)) ** 2 for t in self.fleiss_totals.values())
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
            "alpha_nominal": alpha_from_coincidences(self.coincidences),
        }
        if self.ordered is not None:
            out["alpha_ordinal"] = alpha_from_coincidences(self.coincidences, self.ordered)
        return out
