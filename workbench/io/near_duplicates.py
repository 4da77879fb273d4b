"""Near-duplicate articles: the same wire story from two outlets, a re-scrape with another footer.

MinHash over word shingles with LSH (datasketch), so finding the neighbours of
one article does not compare it with every other one.
"""

from __future__ import annotations

import re

from datasketch import MinHash, MinHashLSH

_WORD = re.compile(r"\w+")
SHINGLE = 5
NUM_PERM = 128


def shingles(text: str, k: int = SHINGLE) -> set[str]:
    words = _WORD.findall(text.lower())
    if len(words) <= k:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + k]) for i in range(len(words) - k + 1)}


def minhash(text: str) -> MinHash:
    m = MinHash(num_perm=NUM_PERM, seed=1)
    m.update_batch([s.encode("utf-8") for s in shingles(text)])
    return m


class NearDuplicateIndex:
    """Add texts by key; ``query`` returns keys whose estimated Jaccard similarity ≥ threshold."""

    def __init__(self, threshold: float = 0.8):
        self.threshold = threshold
        # LSH only proposes candidates; very high thresholds leave it too few bands, so
        # it searches at 0.9 at most and the exact MinHash estimate decides.
        self._lsh = MinHashLSH(threshold=min(threshold, 0.9), num_perm=NUM_PERM)
        self._hashes: dict[str, MinHash] = {}

    def add(self, key: str, text: str) -> None:
        if key in self._hashes:
            return
        m = minhash(text)
        self._hashes[key] = m
        self._lsh.insert(key, m)

    def query(self, text: str) -> list[tuple[str, float]]:
        m = minhash(text)
        hits = [(k, self._hashes[k].jaccard(m)) for k in self._lsh.query(m)]
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
            for other in self._lsh.query(m):
                if other != key and self._hashes[other].jaccard(m) >= self.threshold:
                    parent[find(key)] = find(other)
        out: dict[str, set[str]] = {}
        for k in self._hashes:
            out.setdefault(find(k), set()).add(k)
        return list(out.values())
