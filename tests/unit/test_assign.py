"""Batches: overlap share, balance, and never taking finished work away."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.core.assign import plan


def test_overlap_share_and_balance() -> None:
    ids = [f"a{i}" for i in range(1000)]
    result = plan(ids, ["alice", "bob", "carol"], size=60, overlap=0.2, seed=3)
    owners = Counter(i for ids in result.batches.values() for i in ids)
    unique = len(owners)
    doubled = sum(1 for n in owners.values() if n == 2)
    assert max(owners.values()) == 2
    assert doubled / unique == pytest.approx(0.2, abs=0.01)
    sizes = [len(v) for v in result.batches.values()]
    assert max(sizes) - min(sizes) <= 1
    assert sum(sizes) == pytest.approx(180, abs=2)
    for ids_ in result.batches.values():
        assert len(set(ids_)) == len(ids_), "an annotator got the same article twice"


def test_seed_makes_it_reproducible_and_different_seeds_differ() -> None:
    ids = [f"a{i}" for i in range(200)]
    a = plan(ids, ["x", "y"], 20, 0.5, seed=1).batches
    b = plan(ids, ["x", "y"], 20, 0.5, seed=1).batches
    c = plan(ids, ["x", "y"], 20, 0.5, seed=2).batches
    assert a == b
    assert a != c


def test_bad_requests_are_refused() -> None:
    with pytest.raises(ValueError, match="twice"):
        plan(["a"], ["x", "x"], 1, 0.2)
    with pytest.raises(ValueError, match="share"):
        plan(["a"], ["x", "y"], 1, 1.5)
    with pytest.raises(ValueError, match="at least one"):
        plan(["a"], [], 1, 0.2)


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(0, 300),
    annotators=st.integers(1, 6),
    size=st.integers(1, 80),
    overlap=st.floats(0, 1),
)
def test_never_more_than_two_owners_and_never_beyond_the_pool(
    n: int, annotators: int, size: int, overlap: float
) -> None:
    ids = [f"a{i}" for i in range(n)]
    names = [f"n{i}" for i in range(annotators)]
    result = plan(ids, names, size, overlap, seed=0)
    owners = Counter(i for v in result.batches.values() for i in v)
    assert set(owners) <= set(ids)
    assert all(c <= 2 for c in owners.values())
    if annotators == 1:
        assert all(c == 1 for c in owners.values())
