"""Merging annotators' versions: items compared by meaning, policies, nothing lost."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from workbench.core.adjudication import gold_from_merged
from workbench.core.merge import MergeError, Policy, merge_versions, merged_problems, rederive
from workbench.core.merged_record import MergedRecord

TEXT = "Putin said Russia would win. Biden disagreed."


def rec(
    ann: str, spans: list[tuple], rels: list[tuple] = (), doc: dict | None = None, text: str = TEXT
) -> dict:
    out_spans = []
    for i, sp in enumerate(spans):
        s, e, lab, *attrs = sp
        d: dict[str, Any] = {"id": f"{ann}-s{i}", "start": s, "end": e, "label": lab, "text": text[s:e]}
        if attrs:
            d["attrs"] = attrs[0]
        out_spans.append(d)
    out_rels = [
        {"id": f"{ann}-r{i}", "head": f"{ann}-s{h}", "child": f"{ann}-s{c}", "label": lab}
        for i, (h, c, lab) in enumerate(rels)
    ]
    return {
        "id": "art1",
        "text": text,
        "meta": {"title": "t"},
        "spans": out_spans,
        "relations": out_rels,
        "doc": doc or {},
        "annotator": ann,
        "schema": "news@1",
    }


def by_key(m: dict) -> dict[str, dict]:
    return {it["key"]: it for it in m["items"]}


def test_spans_relations_and_fields_record_who_chose_them() -> None:
    a = rec("a", [(0, 5, "PERSON"), (11, 17, "GPE"), (29, 34, "PERSON")], doc={"sentiment": "neutral"})
    b = rec("b", [(0, 5, "PERSON"), (11, 17, "GPE")], doc={"sentiment": "negative"})
    c = rec("c", [(0, 5, "PERSON"), (11, 17, "ORG")], doc={"sentiment": "neutral"})
    m = merge_versions("art1", {"a": a, "b": b, "c": c}, ["a", "b", "c"], Policy("majority"))
    items = by_key(m)
    assert items["span|0-5|PERSON"]["by"] == ["a", "b", "c"] and items["span|0-5|PERSON"]["agreed"]
    assert items["span|11-17|GPE"]["by"] == ["a", "b"] and items["span|11-17|GPE"]["agreed"]
    assert items["span|11-17|ORG"]["by"] == ["c"] and not items["span|11-17|ORG"]["agreed"]
    assert not items["span|29-34|PERSON"]["agreed"]
    doc = items["doc|sentiment"]
    assert doc["agreed"] and doc["value"] == "neutral"
    assert doc["choices"] == [{"value": "neutral", "by": ["a", "c"]}, {"value": "negative", "by": ["b"]}]
    # every version is kept in full (text once, at the top)
    assert set(m["versions"]) == {"a", "b", "c"} and m["versions"]["c"]["spans"][1]["label"] == "ORG"


def test_relations_are_compared_by_the_spans_they_connect_not_by_ids() -> None:
    # Same quote and speaker, but the annotators listed their spans in different orders (other ids).
    a = rec("a", [(11, 27, "QUOTE"), (0, 5, "PERSON")], [(0, 1, "SPEAKER")])
    b = rec("b", [(0, 5, "PERSON"), (11, 27, "QUOTE")], [(1, 0, "SPEAKER")])
    c = rec("c", [(0, 5, "PERSON"), (11, 27, "QUOTE"), (29, 34, "PERSON")], [(1, 2, "SPEAKER")])
    m = merge_versions("art1", {"a": a, "b": b, "c": c}, ["a", "b", "c"], Policy("majority"))
    rels = [it for it in m["items"] if it["kind"] == "relation"]
    agreed = [r for r in rels if r["agreed"]]
    assert len(agreed) == 1
    assert agreed[0]["head"] == "span|11-27|QUOTE" and agreed[0]["child"] == "span|0-5|PERSON"
    assert agreed[0]["by"] == ["a", "b"]
    assert [r["by"] for r in rels if not r["agreed"]] == [["c"]]


def test_symmetric_relations_match_whichever_way_round_they_were_drawn() -> None:
    a = rec("a", [(0, 5, "PERSON"), (29, 34, "PERSON")], [(0, 1, "INTERACTION")])
    b = rec("b", [(0, 5, "PERSON"), (29, 34, "PERSON")], [(1, 0, "INTERACTION")])
    m = merge_versions("art1", {"a": a, "b": b}, ["a", "b"], Policy("unanimous"), symmetric=["INTERACTION"])
    rels = [it for it in m["items"] if it["kind"] == "relation"]
    assert len(rels) == 1 and rels[0]["agreed"]


@pytest.mark.parametrize(
    ("policy", "expected"),
    [
        (Policy("unanimous"), False),
        (Policy("majority"), True),
        (Policy("at-least", 3), False),
        (Policy("at-least", 2), True),
    ],
)
def test_policies(policy: Policy, expected: bool) -> None:
    vs = {x: rec(x, [(0, 5, "PERSON")] if x != "c" else []) for x in "abc"}
    m = merge_versions("art1", vs, ["a", "b", "c"], policy)
    assert by_key(m)["span|0-5|PERSON"]["agreed"] is expected


def test_a_tie_is_a_conflict_even_when_the_policy_count_is_met() -> None:
    vs = {
        "a": rec("a", [(0, 5, "PERSON", {"sentiment": "negative"})]),
        "b": rec("b", [(0, 5, "PERSON", {"sentiment": "positive"})]),
    }
    m = merge_versions("art1", vs, ["a", "b"], Policy("at-least", 1))
    attr = by_key(m)["attr|sentiment|span|0-5|PERSON"]
    assert not attr["agreed"] and {c["value"] for c in attr["choices"]} == {"negative", "positive"}


def test_an_attribute_left_unset_is_a_choice_too() -> None:
    vs = {
        "a": rec("a", [(0, 5, "PERSON", {"sentiment": "negative"})]),
        "b": rec("b", [(0, 5, "PERSON")]),
        "c": rec("c", [(0, 5, "PERSON")]),
    }
    m = merge_versions("art1", vs, ["a", "b", "c"], Policy("majority"))
    attr = by_key(m)["attr|sentiment|span|0-5|PERSON"]
    assert attr["agreed"] and attr["value"] is None
    assert attr["choices"][0] == {"value": None, "by": ["b", "c"]}


def test_unknown_policy_is_refused() -> None:
    with pytest.raises(MergeError, match="unknown policy"):
        Policy("most")


def test_texts_that_differ_are_reported_not_merged() -> None:
    a = rec("a", [(0, 5, "PERSON")])
    b = rec("b", [(0, 5, "PERSON")], text=TEXT.replace("win", "lose"))
    m = merge_versions("art1", {"a": a, "b": b}, ["a", "b"], Policy())
    assert m["merge"]["status"] == "text_differs" and m["items"] == []
    assert [t["by"] for t in m["merge"]["texts"]] == [["a"], ["b"]]
    assert m["versions"]["b"]["text"] != m["versions"]["a"]["text"]  # each version kept with its own text


def test_missing_annotators_are_named_and_the_rest_merged() -> None:
    m = merge_versions("art1", {"a": rec("a", [(0, 5, "PERSON")])}, ["a", "b"], Policy("unanimous"))
    assert m["merge"]["missing"] == ["b"] and m["merge"]["present"] == ["a"]
    assert by_key(m)["span|0-5|PERSON"]["agreed"]


def test_a_hand_edited_merged_record_is_noticed_and_can_be_rederived() -> None:
    vs = {x: rec(x, [(0, 5, "PERSON")] if x != "c" else [(0, 5, "ORG")]) for x in "abc"}
    m = merge_versions("art1", vs, ["a", "b", "c"], Policy("majority"))
    assert merged_problems(m) == []
    edited = copy.deepcopy(m)
    edited["items"][0]["agreed"] = not edited["items"][0]["agreed"]
    assert any("do not follow" in p for p in merged_problems(edited))
    assert merged_problems(rederive(edited)) == []
    tampered = copy.deepcopy(m)
    tampered["versions"]["c"]["spans"][0]["label"] = "GPE"
    assert any("digest" in p for p in merged_problems(tampered))
    broken = copy.deepcopy(m)
    broken["versions"]["c"]["spans"][0]["end"] = 10_000
    assert any("outside the text" in p for p in merged_problems(broken))


def test_gold_holds_what_was_agreed_and_leaves_conflicts_open() -> None:
    a = rec("a", [(11, 27, "QUOTE", {"quote_kind": "indirect"}), (0, 5, "PERSON")], [(0, 1, "SPEAKER")])
    b = rec("b", [(0, 5, "PERSON"), (11, 27, "QUOTE", {"quote_kind": "indirect"})], [(1, 0, "SPEAKER")])
    c = rec("c", [(0, 5, "ORG")])
    m = MergedRecord.from_dict(
        merge_versions("art1", {"a": a, "b": b, "c": c}, ["a", "b", "c"], Policy("majority"))
    )
    gold = gold_from_merged(m)
    assert gold.annotator == "gold"
    assert sorted((s.start, s.end, s.label, tuple(s.attrs.items())) for s in gold.spans.values()) == [
        (0, 5, "PERSON", ()),
        (11, 27, "QUOTE", (("quote_kind", "indirect"),)),
    ]
    (rel,) = gold.relations.values()
    assert gold.spans[rel.head].label == "QUOTE" and gold.spans[rel.child].label == "PERSON"
    assert [c_["key"] for c_ in m.conflicts] == ["span|0-5|ORG"]
