"""Train/dev/test splits by article, stratified by label, with near-duplicates kept together.

Why these three rules: a sentence-level split leaks an article's context into test;
a split that misses a rare label in dev cannot tell whether the model learnt it; and the
same wire story syndicated by two outlets (or re-scraped with another footer) in train and
test measures memory, not skill. Near-duplicates are found with MinHash over word shingles
and LSH (``workbench.io.near_duplicates``); the groups they form are the units that are
assigned, rarest label first, each to the split that lacks most of its labels, then to the one
furthest below its share of the rarest label, then of articles (iterative stratification,
Sechidis et al. 2011). Labels that still miss a split are reported in ``SplitPlan.missing``.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from workbench.io.near_duplicates import NearDuplicateIndex

SPLIT_NAMES = ("train", "dev", "test")


def parse_ratios(spec: str) -> dict[str, float]:
    """``80/10/10`` -> {train: .8, dev: .1, test: .1}; ``90/10`` -> train/dev. Raises ValueError."""
    try:
        parts = [float(p) for p in spec.split("/")]
    except ValueError:
        raise ValueError(f"--split {spec!r}: expected numbers separated by '/', e.g. 80/10/10") from None
    if not 2 <= len(parts) <= 3 or any(p < 0 for p in parts) or sum(parts) <= 0 or parts[0] <= 0:
        raise ValueError(f"--split {spec!r}: give 2 or 3 non-negative shares, the first above 0")
    total = sum(parts)
    return {name: p / total for name, p in zip(SPLIT_NAMES, parts, strict=False)}


@dataclass
class SplitPlan:
    assignment: dict[str, str]
    ratios: dict[str, float]
    groups: list[list[str]]
    labels: dict[str, Counter[str]] = field(default_factory=dict)  # split -> label -> records
    missing: dict[str, list[str]] = field(default_factory=dict)  # label -> splits without it

    @property
    def near_duplicate_groups(self) -> list[list[str]]:
        return [g for g in self.groups if len(g) > 1]

    def sizes(self) -> Counter[str]:
        return Counter(self.assignment.values())


def plan_split(
    items: Iterable[tuple[str, str, Iterable[str]]],
    ratios: dict[str, float],
    seed: int = 0,
    threshold: float = 0.7,
) -> SplitPlan:
    """Assign each ``(id, text, labels)`` to a split. Only the MinHash of each text is kept."""
    index = NearDuplicateIndex(threshold=threshold)
    labels_of: dict[str, frozenset[str]] = {}
    for rid, text, labels in items:
        labels_of[rid] = frozenset(labels)
        index.add(rid, text)
    rng = random.Random(seed)
    groups = [sorted(g) for g in index.groups()]
    groups.sort()
    rng.shuffle(groups)
    group_labels = [frozenset().union(*(labels_of[r] for r in g)) for g in groups]
    total: Counter[str] = Counter()
    for gl in group_labels:
        total.update(gl)
    n = len(labels_of)
    names = [s for s in ratios if ratios[s] > 0]
    want_size = {s: ratios[s] * n for s in names}
    want_label = {s: {lab: ratios[s] * c for lab, c in total.items()} for s in names}
    have_size: Counter[str] = Counter()
    have_label: dict[str, Counter[str]] = {s: Counter() for s in names}
    order = sorted(
        range(len(groups)), key=lambda i: min((total[lab] for lab in group_labels[i]), default=n + 1)
    )
    assignment: dict[str, str] = {}
    for i in order:
        g, gl = groups[i], group_labels[i]
        rare = min(gl, key=lambda lab: (total[lab], lab)) if gl else None

        def score(s: str, rare: str | None = rare, gl: frozenset[str] = gl) -> tuple[float, ...]:
            size_gap = want_size[s] - have_size[s]
            if rare is None:
                return (size_gap, ratios[s])
            # Labels of this group the split has none of yet (among labels common enough to go round).
            lacks = sum(1 for lab in gl if have_label[s][lab] == 0 and total[lab] >= len(names))
            return (float(lacks), want_label[s][rare] - have_label[s][rare], size_gap, ratios[s])

        best = max(names, key=lambda s: (score(s), rng.random()))
        for rid in g:
            assignment[rid] = best
        have_size[best] += len(g)
        have_label[best].update(gl)
    plan = SplitPlan(assignment, ratios, groups)
    for s in names:
        plan.labels[s] = Counter()
    for rid, s in assignment.items():
        plan.labels[s].update(labels_of[rid])
    for lab in total:
        lacking = [s for s in names if plan.labels[s][lab] == 0]
        if lacking:
            plan.missing[lab] = lacking
    return plan
