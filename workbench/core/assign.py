"""Handing out articles: who annotates what, with a controlled overlap.

An ``overlap`` share of the newly assigned articles goes to two annotators (for
agreement), the rest to one; load is balanced so every annotator gets ``size``
articles when there are enough. Finished work is never taken away: callers pass
only articles nobody has started as candidates.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass
class Assignment:
    """New work per annotator, in the order they should see it."""

    batches: dict[str, list[str]] = field(default_factory=dict)
    shared: set[str] = field(default_factory=set)

    @property
    def articles(self) -> set[str]:
        return {a for ids in self.batches.values() for a in ids}


def plan(
    candidates: Sequence[str],
    annotators: Sequence[str],
    size: int,
    overlap: float,
    seed: int = 0,
) -> Assignment:
    """Assign up to ``size`` articles to each annotator from ``candidates``.

    With A annotators there are ``size * A`` slots; S of them go to doubled articles so
    that S / U = overlap for U unique articles (S + U = slots). Fewer candidates
    shrink every batch evenly.
    """
    if not annotators:
        raise ValueError("name at least one annotator")
    if len(set(annotators)) != len(annotators):
        raise ValueError("an annotator is named twice")
    if size < 1:
        raise ValueError("batch size must be at least 1")
    if not 0.0 <= overlap <= 1.0:
        raise ValueError("overlap is a share between 0 and 1")
    if len(annotators) < 2:
        overlap = 0.0
    rng = random.Random(seed)
    pool = list(candidates)
    rng.shuffle(pool)
    slots = size * len(annotators)
    n_shared = round(slots * overlap / (1 + overlap))
    unique = slots - n_shared
    if unique > len(pool):  # too few articles: shrink every batch evenly, same share
        unique = len(pool)
        n_shared = min(unique, round(overlap * unique))
    chosen = pool[:unique]
    shared, single = chosen[:n_shared], chosen[n_shared:]
    load = dict.fromkeys(annotators, 0)
    batches: dict[str, list[str]] = {name: [] for name in annotators}

    def least_loaded(exclude: set[str]) -> str:
        return min((n for n in annotators if n not in exclude), key=lambda n: (load[n], rng.random()))

    for art in shared:
        first = least_loaded(set())
        second = least_loaded({first})
        for n in (first, second):
            batches[n].append(art)
            load[n] += 1
    for art in single:
        n = least_loaded(set())
        batches[n].append(art)
        load[n] += 1
    for name in annotators:
        rng.shuffle(batches[name])
    return Assignment(batches=batches, shared=set(shared))
