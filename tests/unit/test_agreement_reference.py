"""Span agreement against a plain pair-by-pair reference, on random articles.

The accumulator counts spans by who marked them and expands the per-pair figures
when the report is made; this checks every figure against the textbook
computation done pair by pair, article by article, on random annotations with
every kind of disagreement (missed spans, other labels at the same offsets,
shifted boundaries, chains of overlaps, annotators absent from an article).
"""

from __future__ import annotations

from collections import Counter
from itertools import combinations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.core.agreement import Agreement
from workbench.core.coefficients import Categorical
from workbench.core.span_matching import NONE

NAMES = ["a", "b", "c", "d"]
LABELS = ["PERSON", "ORG", "QUOTE"]
TEXT = "x" * 60

Triple = tuple[int, int, str]


@st.composite
def articles(draw: st.DrawFn) -> list[dict[str, set[Triple]]]:
    """Articles as annotator -> spans; spans come from a shared pool so that annotators agree often."""
    docs = []
    for _ in range(draw(st.integers(1, 4))):
        pool = []
        for _ in range(draw(st.integers(0, 8))):
            start = draw(st.integers(0, 20))
            pool.append((start, start + draw(st.integers(1, 6)), draw(st.sampled_from(LABELS))))
        doc = {}
        for name in NAMES:
            if draw(st.integers(0, 5)) == 0:
                continue  # this annotator did not do the article
            spans = set()
            for s, e, lab in pool:
                kind = draw(st.integers(0, 5))
                if kind == 0:
                    continue
                if kind == 1:
                    lab = draw(st.sampled_from(LABELS))
                elif kind == 2:
                    e = max(s + 1, e + draw(st.integers(-3, 3)))
                spans.add((s, e, lab))
            doc[name] = spans
        docs.append(doc)
    return docs


def record(spans: set[Triple]) -> dict:
    return {
        "text": TEXT,
        "spans": [
            {"id": f"s{i}", "start": s, "end": e, "label": lab} for i, (s, e, lab) in enumerate(sorted(spans))
        ],
        "relations": [],
    }


def greedy(a: set[Triple], b: set[Triple]) -> int:
    """GATE's lenient count: exact matches, then overlapping same-label spans one to one, in order."""
    exact = a & b
    used: set[Triple] = set()
    n = len(exact)
    for sa in sorted(a - exact):
        for sb in sorted(b - exact):
            if sb not in used and sb[2] == sa[2] and sb[0] < sa[1] and sa[0] < sb[1]:
                used.add(sb)
                n += 1
                break
    return n


def pair_cells(la: list[str], lb: list[str]) -> list[tuple[str, str]]:
    if not la:
        return [(NONE, y) for y in lb]
    if not lb:
        return [(x, NONE) for x in la]
    both = set(la) & set(lb)
    rest_a, rest_b = [x for x in la if x not in both], [y for y in lb if y not in both]
    cells = [(x, x) for x in both]
    for i in range(max(len(rest_a), len(rest_b))):
        cells.append((rest_a[i] if i < len(rest_a) else NONE, rest_b[i] if i < len(rest_b) else NONE))
    return cells


def reference(docs: list[dict[str, set[Triple]]]) -> dict:
    strict: dict[tuple[str, str, str], list[int]] = {}
    lenient: dict[tuple[str, str, str], int] = {}
    confusion: Counter[tuple[str, str]] = Counter()
    units: Counter[tuple] = Counter()
    per_doc = []
    for doc in docs:
        s_tp = s_n = l_tp = 0
        for a, b in combinations(NAMES, 2):
            if a not in doc or b not in doc:
                continue
            for lab in sorted({t[2] for t in doc[a] | doc[b]}):
                la = {t for t in doc[a] if t[2] == lab}
                lb = {t for t in doc[b] if t[2] == lab}
                counts = strict.setdefault((a, b, lab), [0, 0, 0])
                counts[0] += len(la & lb)
                counts[1] += len(la)
                counts[2] += len(lb)
                lenient[(a, b, lab)] = lenient.get((a, b, lab), 0) + greedy(la, lb)
                s_tp += len(la & lb)
                s_n += len(la) + len(lb)
                l_tp += greedy(la, lb)
            for off in {t[:2] for t in doc[a] | doc[b]}:
                la_ = sorted(t[2] for t in doc[a] if t[:2] == off)
                lb_ = sorted(t[2] for t in doc[b] if t[:2] == off)
                confusion.update(pair_cells(la_, lb_))
        for off in {t[:2] for spans in doc.values() for t in spans}:
            row = []
            for name in NAMES:
                labels = sorted(t[2] for t in doc.get(name, ()) if t[:2] == off)
                row.append(labels[0] if labels else None)
            units[tuple(row)] += 1
        per_doc.append((2 * s_tp / s_n if s_n else None, 2 * l_tp / s_n if s_n else None))
    return {"strict": strict, "lenient": lenient, "confusion": confusion, "units": units, "per_doc": per_doc}


@settings(max_examples=150, deadline=None)
@given(articles())
def test_every_span_figure_matches_the_pair_by_pair_reference(docs: list[dict[str, set[Triple]]]) -> None:
    acc = Agreement(NAMES)
    for i, doc in enumerate(docs):
        acc.add(f"d{i}", TEXT, {name: record(spans) for name, spans in doc.items()})
    ref = reference(docs)
    sets = acc.span_sets()
    assert {k: [int(p.tp), p.n_a, p.n_b] for k, p in sets.strict.items()} == ref["strict"]
    assert {k: int(p.tp) for k, p in sets.lenient.items()} == ref["lenient"]
    assert +sets.confusion == +ref["confusion"]
    expected = Categorical(NAMES)
    expected.add_many(ref["units"].elements())
    assert acc.report().coefficients["span label"] == expected.summary()
    by_id = {d["id"]: d for d in acc.documents}
    for i, (strict_f1, lenient_f1) in enumerate(ref["per_doc"]):
        assert by_id[f"d{i}"]["strict_f1"] == pytest.approx(strict_f1)
        assert by_id[f"d{i}"]["lenient_f1"] == pytest.approx(lenient_f1)


@settings(max_examples=60, deadline=None)
@given(articles(), st.integers(1, 3))
def test_split_accumulators_add_up_to_the_same_report(docs: list[dict[str, set[Triple]]], cut: int) -> None:
    whole, first, second = Agreement(NAMES), Agreement(NAMES), Agreement(NAMES)
    for i, doc in enumerate(docs):
        versions = {name: record(spans) for name, spans in doc.items()}
        whole.add(f"d{i}", TEXT, versions)
        (first if i < cut else second).add(f"d{i}", TEXT, versions)
    first.absorb(second)
    assert first.report() == whole.report()


def test_keys_waiting_to_be_counted_stay_bounded_without_any_coding_task() -> None:
    """Streaming: whatever the schema, what waits to be counted is an entry per distinct key, not per span."""
    acc = Agreement(["a", "b"], quote_labels=())
    spans = [(j * 3, j * 3 + 2, "PERSON") for j in range(20)]
    n = 3_000
    for i in range(n):
        acc.add(f"d{i}", TEXT, {"a": record(set(spans)), "b": record(set(spans[::2]))})
        assert sum(map(len, acc._fresh.values())) <= 2  # (both marked, PERSON) and (a alone, PERSON)
    assert acc.span_sets().strict[("a", "b", "PERSON")].n_a == 20 * n
    assert acc.span_sets().strict[("a", "b", "PERSON")].tp == 10 * n
