"""Each coefficient against an independent reference on the same data."""

from __future__ import annotations

import random
from collections import Counter

import krippendorff
import numpy as np
import pytest
from sklearn.metrics import cohen_kappa_score

from workbench.core.coefficients import Categorical, alpha_from_coincidences, cohen_kappa

# Fleiss (1971) as worked in most textbooks (and Wikipedia): 10 subjects, 14 raters, 5 categories.
FLEISS_TABLE = [
    [0, 0, 0, 0, 14],
    [0, 2, 6, 4, 2],
    [0, 0, 3, 5, 6],
    [0, 3, 9, 2, 0],
    [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0],
    [3, 2, 6, 3, 0],
    [2, 5, 3, 2, 2],
    [6, 5, 2, 1, 0],
    [0, 2, 2, 3, 7],
]


def _random_units(
    rng: random.Random, raters: int, units: int, cats: int, missing: float
) -> list[list[int | None]]:
    rows = []
    for _ in range(units):
        truth = rng.randrange(cats)
        row: list[int | None] = []
        for _ in range(raters):
            if rng.random() < missing:
                row.append(None)
            else:
                row.append(truth if rng.random() < 0.6 else rng.randrange(cats))
        rows.append(row)
    return rows


@pytest.mark.parametrize("seed", range(8))
def test_cohen_kappa_matches_scikit_learn(seed: int) -> None:
    rng = random.Random(seed)
    a = [rng.choice("xyz") for _ in range(60)]
    b = [x if rng.random() < 0.5 else rng.choice("xyzw") for x in a]
    table = Counter(zip(a, b, strict=True))
    assert cohen_kappa(table) == pytest.approx(cohen_kappa_score(a, b))


def test_cohen_kappa_is_undefined_when_both_always_say_the_same_thing() -> None:
    assert cohen_kappa(Counter({("x", "x"): 5})) is None


def test_categorical_pairs_match_scikit_learn_on_units_both_coded() -> None:
    rng = random.Random(3)
    rows = _random_units(rng, 3, 80, 4, 0.2)
    cat = Categorical(["a", "b", "c"])
    for row in rows:
        cat.add_unit({n: str(v) for n, v in zip("abc", row, strict=True) if v is not None})
    summary = cat.summary()
    for i, j, name in [(0, 1, "a~b"), (0, 2, "a~c"), (1, 2, "b~c")]:
        both = [(r[i], r[j]) for r in rows if r[i] is not None and r[j] is not None]
        ref = cohen_kappa_score([str(x) for x, _ in both], [str(y) for _, y in both])
        assert summary["cohen"][name] == pytest.approx(ref)


def test_fleiss_kappa_matches_the_textbook_example() -> None:
    raters = [f"r{i}" for i in range(14)]
    cat = Categorical(raters)
    for counts in FLEISS_TABLE:
        values = [c for c, n in enumerate(counts) for _ in range(n)]
        cat.add_unit({r: str(v) for r, v in zip(raters, values, strict=True)})
    assert cat.fleiss() == pytest.approx(0.2099, abs=1e-4)


def test_fleiss_kappa_matches_a_direct_computation_on_random_data() -> None:
    rng = random.Random(11)
    rows = _random_units(rng, 4, 50, 3, 0.0)
    cat = Categorical(list("abcd"))
    for row in rows:
        cat.add_unit({n: str(v) for n, v in zip("abcd", row, strict=True)})
    counts = np.array([[row.count(c) for c in range(3)] for row in rows], dtype=float)
    n, m = counts.shape[0], 4
    p_i = ((counts**2).sum(axis=1) - m) / (m * (m - 1))
    p_j = counts.sum(axis=0) / (n * m)
    ref = (p_i.mean() - (p_j**2).sum()) / (1 - (p_j**2).sum())
    assert cat.fleiss() == pytest.approx(ref)


@pytest.mark.parametrize("level", ["nominal", "ordinal"])
@pytest.mark.parametrize("seed", range(6))
def test_krippendorff_alpha_matches_the_krippendorff_package(level: str, seed: int) -> None:
    rng = random.Random(seed)
    raters = rng.randint(2, 6)
    rows = _random_units(rng, raters, rng.randint(10, 60), 5, 0.3)
    names = [f"r{i}" for i in range(raters)]
    cat = Categorical(names, tuple(str(v) for v in range(5)))
    for row in rows:
        cat.add_unit({n: str(v) for n, v in zip(names, row, strict=True) if v is not None})
    data = np.array([[np.nan if r[i] is None else r[i] for r in rows] for i in range(raters)], dtype=float)
    ref = krippendorff.alpha(reliability_data=data, level_of_measurement=level, value_domain=list(range(5)))
    ours = cat.summary()["alpha_ordinal" if level == "ordinal" else "alpha_nominal"]
    assert ours == pytest.approx(ref)


def test_alpha_is_undefined_without_variation() -> None:
    assert alpha_from_coincidences(Counter({("x", "x"): 4.0})) is None
