"""Span matching between annotators: GATE's strict and lenient counts, label confusion, token units.

The pieces :mod:`workbench.core.agreement` builds its figures from, kept apart so the
accumulator reads as accumulation. Spans are ``(start, end, label)`` triples here.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

NONE = "∅"  # "no span here" in the confusion matrix


# span matching -------------------------------------------------------------
@dataclass(slots=True)
class PRF:
    """Matches between a reference annotator (a) and a response annotator (b)."""

    tp: float = 0.0
    n_a: int = 0
    n_b: int = 0

    def add(self, other: PRF) -> None:
        self.tp += other.tp
        self.n_a += other.n_a
        self.n_b += other.n_b

    def scores(self) -> dict[str, float | None]:
        p = self.tp / self.n_b if self.n_b else None
        r = self.tp / self.n_a if self.n_a else None
        f = 2 * self.tp / (self.n_a + self.n_b) if self.n_a + self.n_b else None
        return {"precision": p, "recall": r, "f1": f, "matched": self.tp, "a": self.n_a, "b": self.n_b}


Triple = tuple[int, int, str]


def lenient_matches(a: set[Triple], b: set[Triple]) -> int:
    """One-to-one matches of overlapping same-label spans, exact matches first (GATE's lenient)."""
    exact = a & b
    return len(exact) + overlap_matches(sorted(a - exact), sorted(b - exact))


def overlap_matches(rest_a: list[Triple], rest_b: list[Triple]) -> int:
    """Greedy one-to-one matches of overlapping same-label spans, in offset order."""
    used: set[Triple] = set()
    n = 0
    for sa in rest_a:
        for sb in rest_b:
            if sb in used or sb[2] != sa[2]:
                continue
            if sb[0] < sa[1] and sa[0] < sb[1]:
                used.add(sb)
                n += 1
                break
    return n


def overlap_runs(spans: list[tuple[Triple, int]]) -> list[list[tuple[Triple, int]]]:
    """Runs of overlapping spans (sorted by offsets), two or more long.

    Spans in different runs never overlap, so lenient matching can be done run by run.
    """
    out = []
    run: list[tuple[Triple, int]] = []
    reach = -1
    for item in spans:
        start, end, _ = item[0]
        if start >= reach:
            if len(run) > 1:
                out.append(run)
            run = []
        run.append(item)
        reach = max(reach, end)
    if len(run) > 1:
        out.append(run)
    return out


def crosses(m1: int, m2: int, ba: int, bb: int) -> bool:
    """Whether two overlapping spans match leniently for the pair (a, b): one is a's alone, one b's."""
    return bool(
        (m1 & ba and not m1 & bb and m2 & bb and not m2 & ba)
        or (m2 & ba and not m2 & bb and m1 & bb and not m1 & ba)
    )


@dataclass
class SpanSets:
    """Per-pair, per-label strict and lenient counts, plus the label confusion matrix."""

    strict: dict[tuple[str, str, str], PRF] = field(default_factory=dict)
    lenient: dict[tuple[str, str, str], PRF] = field(default_factory=dict)
    confusion: Counter[tuple[str, str]] = field(default_factory=Counter)

    def table(self, which: str, pairs: list[tuple[Any, Any]]) -> dict[str, Any]:
        src = self.strict if which == "strict" else self.lenient
        labels = sorted({lab for (_, _, lab) in src})
        per_label: dict[str, Any] = {}
        for lab in labels:
            pair_scores = {}
            micro = PRF()
            for a, b in pairs:
                prf = src.get((a, b, lab), PRF())
                micro.add(prf)
                pair_scores[f"{a}~{b}"] = prf.scores()
            fs = [s["f1"] for s in pair_scores.values() if s["f1"] is not None]
            per_label[lab] = {
                "pairs": pair_scores,
                "mean_f1": sum(fs) / len(fs) if fs else None,
                "micro": micro.scores(),
            }
        overall_pairs = {}
        for a, b in pairs:
            tot = PRF()
            for lab in labels:
                tot.add(src.get((a, b, lab), PRF()))
            overall_pairs[f"{a}~{b}"] = tot.scores()
        fs = [s["f1"] for s in overall_pairs.values() if s["f1"] is not None]
        return {"labels": per_label, "pairs": overall_pairs, "mean_f1": sum(fs) / len(fs) if fs else None}


def pair_labels(la: list[str], lb: list[str]) -> list[tuple[str, str]]:
    """Confusion cells at offsets where a side has several labels: shared ones, then the rest in order."""
    both = set(la) & set(lb)
    cells = [(lab, lab) for lab in both]
    xa, xb = [x for x in la if x not in both], [x for x in lb if x not in both]
    for i in range(max(len(xa), len(xb))):
        cells.append((xa[i] if i < len(xa) else NONE, xb[i] if i < len(xb) else NONE))
    return cells


# token level ---------------------------------------------------------------
TOKEN = re.compile(r"\w+|[^\w\s]")


def token_units(text: str, pattern: re.Pattern[str] = TOKEN) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in pattern.finditer(text)]


def token_values(tokens: list[tuple[int, int]], spans: Iterable[Triple], label: str) -> list[str]:
    """For each token, ``label`` if a span of that label covers any of it, else "O"."""
    covered = [False] * len(tokens)
    starts = [t[0] for t in tokens]
    for s, e, lab in spans:
        if lab != label:
            continue
        i = bisect.bisect_right(starts, s) - 1
        i = max(i, 0)
        while i < len(tokens) and tokens[i][0] < e:
            if tokens[i][1] > s:
                covered[i] = True
            i += 1
    return [label if c else "O" for c in covered]
