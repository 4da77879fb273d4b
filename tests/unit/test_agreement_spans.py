"""Span, relation and per-document agreement on small hand-checked cases."""

from __future__ import annotations

import pytest
from sklearn.metrics import cohen_kappa_score

from workbench.core.agreement import Agreement, agreement_for_schema
from workbench.core.schema import default_schema
from workbench.core.span_matching import NONE, lenient_matches, token_values

from .test_merge import TEXT, rec


def test_strict_and_lenient_f1_as_gate_counts_them() -> None:
    a = rec("a", [(0, 5, "PERSON"), (11, 17, "GPE"), (29, 34, "PERSON")])
    b = rec("b", [(0, 5, "PERSON"), (11, 16, "GPE"), (35, 44, "PERSON")])
    acc = Agreement(["a", "b"])
    acc.add("art1", TEXT, {"a": a, "b": b})
    r = acc.report()
    strict, lenient = r.spans["strict"], r.spans["lenient"]
    assert strict["labels"]["PERSON"]["micro"]["f1"] == pytest.approx(0.5)  # 1 of 2 each side
    assert strict["labels"]["GPE"]["micro"]["f1"] == 0
    assert lenient["labels"]["GPE"]["micro"]["f1"] == 1  # 11-17 overlaps 11-16
    assert lenient["labels"]["PERSON"]["micro"]["f1"] == pytest.approx(0.5)  # 29-34 and 35-44 do not touch
    assert strict["pairs"]["a~b"]["f1"] == pytest.approx(2 / 6)
    doc = r.per_document[0]
    assert doc["strict_f1"] == pytest.approx(2 / 6) and doc["lenient_f1"] == pytest.approx(4 / 6)


def test_lenient_matching_is_one_to_one() -> None:
    a = {(0, 10, "Q")}
    b = {(0, 4, "Q"), (5, 10, "Q")}
    assert lenient_matches(a, b) == 1


def test_confusion_counts_labels_at_the_same_offsets_and_misses() -> None:
    a = rec("a", [(0, 5, "PERSON"), (11, 17, "GPE")])
    b = rec("b", [(0, 5, "ORG"), (29, 34, "PERSON")])
    acc = Agreement(["a", "b"])
    acc.add("art1", TEXT, {"a": a, "b": b})
    conf = acc.report().confusion
    cell = {
        (x, y): conf["counts"][i][j]
        for i, x in enumerate(conf["labels"])
        for j, y in enumerate(conf["labels"])
    }
    assert cell[("PERSON", "ORG")] == 1
    assert cell[("GPE", NONE)] == 1
    assert cell[(NONE, "PERSON")] == 1
    assert sum(map(sum, conf["counts"])) == 3


def test_relation_f1_and_speaker_agreement_ignore_span_ids() -> None:
    a = rec("a", [(11, 27, "QUOTE"), (0, 5, "PERSON")], [(0, 1, "SPEAKER")])
    b = rec("b", [(0, 5, "PERSON"), (11, 27, "QUOTE")], [(1, 0, "SPEAKER")])
    c = rec("c", [(0, 5, "PERSON"), (11, 27, "QUOTE"), (29, 34, "PERSON")], [(1, 2, "SPEAKER")])
    acc = agreement_for_schema(["a", "b", "c"], default_schema())
    acc.add("art1", TEXT, {"a": a, "b": b, "c": c})
    r = acc.report()
    pairs = r.relations["SPEAKER"]["pairs"]
    assert pairs["a~b"]["f1"] == 1 and pairs["a~c"]["f1"] == 0 and pairs["b~c"]["f1"] == 0
    speaker = r.coefficients["quote speaker"]
    assert speaker["units"] == 1 and speaker["fleiss_units"] == 1


def test_kappa_over_records_matches_scikit_learn_on_the_same_units() -> None:
    """Entity sentiment on spans both annotators marked, through the whole accumulator."""
    words = TEXT.split()
    values = ["negative", "neutral", "positive"]
    spans_a, spans_b, ya, yb = [], [], [], []
    pos = 0
    for i, w in enumerate(words):
        start = TEXT.index(w, pos)
        pos = start + len(w)
        va, vb = values[i % 3], values[(i * i) % 3]
        spans_a.append((start, pos, "PERSON", {"sentiment": va}))
        spans_b.append((start, pos, "PERSON", {"sentiment": vb}))
        ya.append(va)
        yb.append(vb)
    acc = agreement_for_schema(["a", "b"], default_schema())
    acc.add("art1", TEXT, {"a": rec("a", spans_a), "b": rec("b", spans_b)})
    c = acc.report().coefficients["entity sentiment"]
    assert c["units"] == len(words)
    assert c["cohen"]["a~b"] == pytest.approx(cohen_kappa_score(ya, yb))
    assert "alpha_ordinal" in c  # the sentiment scale is ordered in the news schema


def test_token_values_mark_every_token_a_span_touches() -> None:
    tokens = [(0, 3), (4, 8), (9, 12)]
    assert token_values(tokens, [(2, 5, "Q")], "Q") == ["Q", "Q", "O"]
    assert token_values(tokens, [(9, 12, "X")], "Q") == ["O", "O", "O"]


def test_documents_are_ranked_worst_first() -> None:
    acc = Agreement(["a", "b"])
    good = {x: rec(x, [(0, 5, "PERSON")]) for x in "ab"}
    bad = {"a": rec("a", [(0, 5, "PERSON")]), "b": rec("b", [(11, 17, "GPE")])}
    acc.add("good", TEXT, good)
    acc.add("bad", TEXT, bad)
    assert [d["id"] for d in acc.report().per_document] == ["bad", "good"]


def test_symmetric_relations_agree_whichever_way_they_were_drawn() -> None:
    a = rec("a", [(0, 5, "PERSON"), (29, 34, "PERSON")], [(0, 1, "INTERACTION")])
    b = rec("b", [(0, 5, "PERSON"), (29, 34, "PERSON")], [(1, 0, "INTERACTION")])
    acc = agreement_for_schema(["a", "b"], default_schema())
    acc.add("art1", TEXT, {"a": a, "b": b})
    assert acc.report().relations["INTERACTION"]["pairs"]["a~b"]["f1"] == 1


def test_a_speaker_relation_to_a_missing_span_does_not_hide_the_speaker_given() -> None:
    def version(rels: list[dict]) -> dict:
        spans = [
            {"id": "q", "start": 0, "end": 5, "label": "QUOTE"},
            {"id": "p", "start": 10, "end": 15, "label": "PERSON"},
        ]
        return {"spans": spans, "relations": rels}

    said = {"id": "r1", "head": "q", "child": "p", "label": "SPEAKER"}
    dangling = {"id": "r2", "head": "q", "child": "gone", "label": "SPEAKER"}
    reports = []
    for alice in ([said], [said, dangling]):
        acc = Agreement(["alice", "bob"])
        acc.add("d1", "x" * 20, {"alice": version(alice), "bob": version([said])})
        acc.add("d2", "x" * 20, {"alice": version([]), "bob": version([said])})
        reports.append(acc.report().coefficients["quote speaker"])
    assert reports[0] == reports[1] and reports[0]["units"] == 2


def test_an_attribute_task_named_like_a_built_in_one_is_counted_apart() -> None:
    from workbench.core.agreement import Task

    def version(speaker_attr: str) -> dict:
        q = {"id": "q", "start": 0, "end": 5, "label": "QUOTE", "attrs": {"speaker": speaker_attr}}
        return {"spans": [q], "relations": []}

    acc = Agreement(["a", "b"], tasks=[Task("quote speaker", ("QUOTE",), "speaker")])
    acc.add("d", "x" * 20, {"a": version("mayor"), "b": version("minister")})
    coefficients = acc.report().coefficients
    by_relation, by_attribute = coefficients["quote speaker"], coefficients["quote speaker (attribute)"]
    assert by_relation["units"] == by_attribute["units"] == 1
    assert by_relation["cohen"]["a~b"] is None  # no SPEAKER relation on either side: they agree
    assert by_attribute["cohen"]["a~b"] == 0.0  # mayor against minister
