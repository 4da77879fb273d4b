"""The near-duplicate index (rensa MinHash + LSH): finds re-scrapes, not distinct stories, needs no SciPy."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

from workbench.io.near_duplicates import NearDuplicateIndex, bands_for, shingles

REPO = Path(__file__).resolve().parents[2]


def _story(seed: int, words: int = 400) -> str:
    rng = random.Random(seed)
    vocab = [f"w{i}" for i in range(3000)]
    return " ".join(rng.choice(vocab) for _ in range(words))


def _jaccard(a: str, b: str) -> float:
    x, y = shingles(a), shingles(b)
    return len(x & y) / len(x | y)


def test_rescrapes_are_found_and_other_stories_are_not() -> None:
    index = NearDuplicateIndex(threshold=0.8)
    stories = {f"s{i}": _story(i) for i in range(50)}
    for key, text in stories.items():
        index.add(key, text)
    for i in range(50):
        words = stories[f"s{i}"].split()
        rescrape = " ".join(words[:-8] + ["share", "this", "story", "on", "social", "media"])
        assert _jaccard(rescrape, stories[f"s{i}"]) > 0.9
        hits = index.query(rescrape)
        assert [k for k, _ in hits] == [f"s{i}"], (i, hits)  # every pair above 0.9 is a candidate
        assert hits[0][1] >= 0.8
    assert index.query(_story(999)) == []


def test_groups_join_chains_of_near_duplicates_and_keep_singletons() -> None:
    base = _story(1)
    index = NearDuplicateIndex(threshold=0.8)
    index.add("a", base)
    index.add("b", base + " Updated at noon.")
    index.add("c", _story(2))
    index.add("a", _story(3))  # a key already there is not replaced
    assert sorted(map(sorted, index.groups())) == [["a", "b"], ["c"]]


def test_band_counts_divide_the_permutations_and_favour_recall() -> None:
    for threshold in (0.5, 0.7, 0.8, 0.9):
        b = bands_for(threshold)
        r = 128 // b
        assert 128 % b == 0
        assert 1 - (1 - (threshold + 0.05) ** r) ** b > 0.75  # a pair just above is very likely a candidate


def test_the_index_does_not_load_scipy() -> None:
    """SciPy is ~100 MB in the desktop bundle: neither the index nor the splitter may pull it in."""
    code = (
        "import sys, workbench.io.near_duplicates, workbench.io.interop.split; "
        "print('scipy' in sys.modules, 'datasketch' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True)
    assert out.stdout.split() == ["False", "False"]
