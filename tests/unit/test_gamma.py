"""γ through pygamma-agreement: the package's own published example, and the message when it is missing."""

from __future__ import annotations

import importlib.util

import pytest

from workbench.app import gamma

# pygamma-agreement 0.5.9, tests/data/AlexPaulSuzan.csv (MIT): annotator, category, start, end.
# Its tests/test_gammas.py::test_gamma_alexpaulsuzan expects γ in [0.44, 0.47] with the combined
# categorical dissimilarity (delta_empty=1, alpha=3, beta=1), seed 4772, precision 0.05.
ALEX_PAUL_SUZAN = """Alex,1,2,9 Alex,2,11,17 Alex,5,24,30 Alex,6,32,36 Alex,6,36,44 Alex,7,44,60
Paul,1,2,9 Paul,3,11,17 Paul,5,19,25 Paul,6,32,44
Suzan,1,2,9 Suzan,4,11,17 Suzan,5,21,27 Suzan,6,32,36 Suzan,6,36,40 Suzan,6,40,44"""


def _units() -> gamma.Units:
    out = []
    for row in ALEX_PAUL_SUZAN.split():
        name, cat, start, end = row.split(",")
        out.append((name, int(start), int(end), cat))
    return out


@pytest.mark.slow  # the package's import compiles with numba: 15-25 s on the test machine
def test_the_adapter_reproduces_the_packages_published_gamma() -> None:
    pytest.importorskip("pygamma_agreement", reason="the optional extra workbench[gamma] is not installed")
    g, per_label = gamma.gamma_of_units(_units(), ["Alex", "Paul", "Suzan"], alpha=3, beta=1, seed=4772)
    assert 0.44 <= g <= 0.47
    assert per_label["1"] == pytest.approx(1, abs=0.01) and per_label["6"] == pytest.approx(0.37, abs=0.01)
    # through the report: one article of three annotators is one continuum, measured whole
    units = [(n, s * 10, e * 10, c) for n, s, e, c in _units()]  # offsets in characters scale out
    rep = gamma.gamma_report({"a1": (["Alex", "Paul", "Suzan"], units)}, asked=True)
    assert rep.mode == "all" and rep.measured == rep.continua == 1 and not rep.sampled
    assert rep.gamma is not None and 0.3 < rep.gamma < 0.8  # default alpha=1 weighs labels less
    assert rep.seconds > 0 and rep.to_dict()["seconds_per_continuum"] is not None


def test_without_the_extra_the_report_says_how_to_get_gamma(monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == gamma.PACKAGE else real(name, *a)
    )
    rep = gamma.gamma_report({"a1": (["Alex", "Paul", "Suzan"], _units())}, asked=True)
    assert not rep.available and rep.gamma is None
    assert "pip install 'workbench[gamma]'" in rep.message
    assert rep.to_dict()["computed"] is False


def test_more_than_three_annotators_are_taken_in_pairs_and_sampled_with_a_fixed_seed() -> None:
    names = ["a", "b", "c", "d"]
    arts = {f"x{i}": (names, [(n, 0, 5, "L") for n in names]) for i in range(5)}
    mode, continua = gamma._continua(arts)
    assert mode == "pairs" and len(continua) == 5 * 6
    rep = gamma.gamma_report(arts, asked=False)
    assert rep.continua == 30 and rep.articles == 5 and rep.gamma is None
