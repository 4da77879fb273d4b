"""Splits by article: proportions, every label in every split where possible, near-duplicates together."""

from __future__ import annotations

import random

import pytest

from workbench.io.interop.split import parse_ratios, plan_split

VOCAB = [f"w{i}" for i in range(3000)]


def _article(rng: random.Random, n: int = 120) -> str:
    return " ".join(rng.choice(VOCAB) for _ in range(n))


def _corpus(seed: int = 5) -> tuple[list[tuple[str, str, set[str]]], list[tuple[str, str]]]:
    rng = random.Random(seed)
    items, pairs = [], []
    for i in range(300):
        labels = {"PERSON"} | ({"ORG"} if i % 4 == 0 else set()) | ({"EVENT"} if i % 60 == 0 else set())
        text = _article(rng)
        items.append((f"a{i}", text, labels))
        if i % 25 == 0:
            # The same wire story from another outlet: a different footer and a changed first word.
            syndicated = "Reuters " + text.split(" ", 1)[1] + " Copyright 2024 Reuters. All rights reserved."
            items.append((f"a{i}-syndicated", syndicated, labels))
            pairs.append((f"a{i}", f"a{i}-syndicated"))
    return items, pairs


def test_ratios_parse() -> None:
    assert parse_ratios("80/10/10") == pytest.approx({"train": 0.8, "dev": 0.1, "test": 0.1})
    assert parse_ratios("9/1") == pytest.approx({"train": 0.9, "dev": 0.1})
    for bad in ("80", "a/b", "0/50/50", "10/-1/91", "1/1/1/1"):
        with pytest.raises(ValueError):
            parse_ratios(bad)


def test_split_proportions_labels_and_near_duplicates() -> None:
    items, pairs = _corpus()
    plan = plan_split(items, parse_ratios("80/10/10"), seed=3)
    sizes = plan.sizes()
    n = len(items)
    assert sum(sizes.values()) == n
    for name, share in (("train", 0.8), ("dev", 0.1), ("test", 0.1)):
        assert abs(sizes[name] - share * n) <= 0.03 * n
    for a, b in pairs:
        assert plan.assignment[a] == plan.assignment[b]
    assert sorted(map(sorted, plan.near_duplicate_groups)) == sorted(map(sorted, pairs))
    # EVENT is on 5 articles (10 with their syndicated copies, i.e. 5 groups): still in every split.
    for name in ("train", "dev", "test"):
        assert plan.labels[name]["EVENT"] >= 1
    assert plan.missing == {}


def test_same_seed_same_split_other_seed_other_split() -> None:
    items, _ = _corpus()
    r = parse_ratios("80/10/10")
    assert plan_split(items, r, seed=1).assignment == plan_split(items, r, seed=1).assignment
    assert plan_split(items, r, seed=1).assignment != plan_split(items, r, seed=2).assignment


def test_a_label_too_rare_for_every_split_is_reported() -> None:
    items, _ = _corpus()
    items.append(("lonely", _article(random.Random(99)), {"PERSON", "LOC"}))
    plan = plan_split(items, parse_ratios("80/10/10"), seed=0)
    assert len(plan.missing["LOC"]) == 2
