"""Near-duplicate articles: the same wire story from two outlets, a re-scrape with another footer.

MinHash over word shingles with LSH, so finding the neighbours of one article does
not compare it with every other one. The MinHash and the LSH index are ``rensa``'s
(Rust): ``datasketch`` did the same but imports SciPy, about 100 MB in the desktop
bundle for one function. Rensa's index takes integer keys and an explicit number of
bands; the keys are mapped here, and the bands chosen the way datasketch chooses, favouring recall.
"""

from __future__ import annotations

import re
from functools import cache

from rensa import RMinHash as MinHash
from rensa import RMinHashLSH

_WORD = re.compile(r"\w+")
SHINGLE = 5
NUM_PERM = 128


def shingles(text: str, k: int = SHINGLE) -> set[str]:
    words = _WORD.findall(text.lower())
    if len(words) <= k:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + k]) for i in range(len(words) - k + 1)}


def minhash(text: str) -> MinHash:
    m = MinHash(NUM_PERM, 1)
    m.update(sorted(shingles(text)))
    return m


@cache
def bands_for(threshold: float, num_perm: int = NUM_PERM, steps: int = 400) -> int:
    """The number of LSH bands that best separates pairs above ``threshold`` from those below.

    Minimises the chance of a false candidate plus the chance of a missed pair, integrated over
    the similarity (datasketch's way of choosing), among the band counts that divide ``num_perm``
    (rensa's requirement). A miss weighs nine times a false candidate: a missed near-duplicate
    leaks across train/test splits, a false candidate costs one exact comparison.
    """

    width = 1.0 / steps
    best = (float("inf"), 1)
    for b in (d for d in range(1, num_perm + 1) if num_perm % d == 0):
        r = num_perm // b
        false_pos = false_neg = 0.0
        for i in range(steps):
            s = (i + 0.5) * width
            p = 1 - (1 - s**r) ** b  # the chance that a pair of similarity s becomes a candidate
            if s < threshold:
                false_pos += p * width
            else:
                false_neg += (1 - p) * width
        best = min(best, (0.1 * false_pos + 0.9 * false_neg, b))
    return best[1]


class NearDuplicateIndex:
    """Add texts by key; ``query`` returns keys whose estimated Jaccard similarity ≥ threshold."""

    def __init__(self, threshold: float = 0.8):
        self.threshold = threshold
        # LSH only proposes candidates; very high thresholds leave it too few bands, so
        # it searches at 0.9 at most and the exact MinHash estimate decides.
        lsh_threshold = min(threshold, 0.9)
        self._lsh = RMinHashLSH(lsh_threshold, NUM_PERM, bands_for(lsh_threshold))
        self._hashes: dict[str, MinHash] = {}
        self._keys: list[str] = []  # rensa's integer key -> ours

    def add(self, key: str, text: str) -> None:
        if key in self._hashes:
            return
        m = minhash(text)
        self._hashes[key] = m
        self._lsh.insert(len(self._keys), m)
        self._keys.append(key)

    def _candidates(self, m: MinHash) -> list[str]:
        return [self._keys[i] for i in self._lsh.query(m)]

    def query(self, text: str) -> list[tuple[str, float]]:
        m = minhash(text)
        hits = [(k, self._hashes[k].jaccard(m)) for k in self._candidates(m)]
        return sorted((h for h in hits if h[1] >= self.threshold), key=lambda h: -h[1])

    def groups(self) -> list[set[str]]:
        """Connected groups of near-duplicate keys (singletons included)."""
        parent = {k: k for k in self._hashes}

        def find(k: str) -> str:
            while parent[k] != k:
                parent[k] = parent[parent[k]]
                k = parent[k]
            return k

        for key, m in self._hashes.items():
            for other in self._candidates(m):
                if other != key and self._hashes[other].jaccard(m) >= self.threshold:
                    parent[find(key)] = find(other)
        out: dict[str, set[str]] = {}
        for k in self._hashes:
            out.setdefault(find(k), set()).add(k)
        return list(out.values())
