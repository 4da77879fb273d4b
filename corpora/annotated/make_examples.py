"""Write demo.alice.jsonl and demo.bob.jsonl: two annotators' work on the demo corpus.

Why: `workbench merge` and `workbench agreement` need something to show before anyone has
annotated. The annotations are written here by hand as (label, words, occurrence) anchors, so the
offsets always fit ../demo.jsonl; bob differs from alice the way real annotators differ (a label
mix-up, a quote boundary, a missed entity, a speaker left unresolved, a sentiment, a quote kind).
Alice did all five articles, bob the first four, so the tools also show an article only one
annotator has.

    .venv/bin/python corpora/annotated/make_examples.py     # after editing corpora/demo.jsonl
"""

from __future__ import annotations

import copy
import json
import re
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
DEMO = HERE.parent / "demo.jsonl"

# Per article (by the start of its title): spans as (id, label, words, nth occurrence, attrs),
# relations as (head id, child id, label), document fields.
Span = tuple[str, str, str, int, dict[str, str]]
ALICE: dict[str, dict[str, Any]] = {
    "Millbrook council": {
        "spans": [
            ("s1", "ORG", "Millbrook Town Council", 0, {}),
            ("s2", "LOC", "River Eddle", 0, {}),
            ("s3", "PERSON", "Ellen Okafor", 0, {"sentiment": "positive"}),
            ("s4", "CUE", "said", 0, {}),
            (
                "s5",
                "QUOTE",
                "“the most important thing this chamber will do in a generation.”",
                0,
                {"quote_kind": "direct", "sentiment": "positive"},
            ),
            ("s6", "MENTION", "She", 0, {"reference": "resolved"}),
            ("s7", "CUE", "added", 0, {}),
            (
                "s8",
                "QUOTE",
                "“Every family on Quay Street has been flooded at least once. We are not going to ask "
                "them to wait for a third time.”",
                0,
                {"quote_kind": "direct", "sentiment": "negative"},
            ),
            ("s9", "LOC", "Quay Street", 0, {}),
            ("s10", "PERSON", "Dougie Harrow", 0, {"sentiment": "negative"}),
            ("s11", "CUE", "said", 1, {}),
            (
                "s12",
                "QUOTE",
                "the barrier would narrow the channel and make it harder for his boat to reach open "
                "water at low tide",
                0,
                {"quote_kind": "indirect", "sentiment": "negative"},
            ),
            (
                "s13",
                "QUOTE",
                "“They have listened to the engineers and nobody else,”",
                0,
                {"quote_kind": "direct", "sentiment": "negative"},
            ),
            ("s14", "MENTION", "he", 0, {"reference": "resolved"}),
            ("s15", "CUE", "said", 2, {}),
            (
                "s16",
                "QUOTE",
                "“I have worked this harbour for thirty years.”",
                0,
                {"quote_kind": "direct", "sentiment": "neutral"},
            ),
            ("s17", "CUE", "According to", 0, {}),
            ("s18", "ORG", "Coastline Engineering", 0, {"sentiment": "neutral"}),
            (
                "s19",
                "QUOTE",
                "the barrier will stay open in normal weather and close only when a surge is forecast",
                0,
                {"quote_kind": "indirect", "sentiment": "neutral"},
            ),
            ("s20", "PERSON", "Tomasz Wierzbicki", 0, {"sentiment": "neutral"}),
            ("s21", "ORG", "Coastline Engineering", 1, {}),
            ("s22", "CUE", "told", 0, {}),
            (
                "s23",
                "QUOTE",
                "the gates would be shut on perhaps six nights a year",
                0,
                {"quote_kind": "indirect", "sentiment": "neutral"},
            ),
            (
                "s24",
                "QUOTE",
                '"The boats will hardly notice it,"',
                0,
                {"quote_kind": "direct", "sentiment": "positive"},
            ),
            ("s25", "PERSON", "Wierzbicki", 1, {}),
            ("s26", "CUE", "said", 3, {}),
            ("s27", "QUOTE", '"The water will."', 0, {"quote_kind": "direct", "sentiment": "neutral"}),
        ],
        "relations": [
            ("s5", "s3", "SPEAKER"),
            ("s5", "s4", "CUE"),
            ("s3", "s1", "AFFILIATION"),
            ("s8", "s6", "SPEAKER"),
            ("s8", "s7", "CUE"),
            ("s6", "s3", "REFERS_TO"),
            ("s12", "s10", "SPEAKER"),
            ("s12", "s11", "CUE"),
            ("s13", "s14", "SPEAKER"),
            ("s13", "s15", "CUE"),
            ("s16", "s14", "SPEAKER"),
            ("s16", "s15", "CUE"),
            ("s14", "s10", "REFERS_TO"),
            ("s19", "s18", "SPEAKER"),
            ("s19", "s17", "CUE"),
            ("s23", "s20", "SPEAKER"),
            ("s23", "s22", "CUE"),
            ("s20", "s21", "AFFILIATION"),
            ("s24", "s25", "SPEAKER"),
            ("s24", "s26", "CUE"),
            ("s27", "s25", "SPEAKER"),
            ("s27", "s26", "CUE"),
        ],
        "doc": {"sentiment": "positive", "topics": ["politics", "environment"]},
    },
    "Estavian and Norrlandic": {
        "spans": [
            ("s1", "GPE", "Estavia", 0, {}),
            ("s2", "GPE", "Norrland", 0, {}),
            ("s3", "GPE", "Valdora", 0, {}),
            ("s4", "LOC", "Sorrel Strait", 0, {}),
            ("s5", "PERSON", "Rafael Duarte", 0, {"sentiment": "neutral"}),
            ("s6", "GPE", "Estavia", 1, {}),
            ("s7", "NORP", "Norrlandic", 0, {}),
            ("s8", "PERSON", "Ingrid Solberg", 0, {"sentiment": "positive"}),
            ("s9", "LOC", "Palace of Weights", 0, {}),
            ("s10", "PERSON", "Solberg", 1, {}),
            ("s11", "CUE", "said", 0, {}),
            (
                "s12",
                "QUOTE",
                "her government was ready to let loaded ships through the strait as soon as "
                "inspections could be agreed",
                0,
                {"quote_kind": "indirect", "sentiment": "positive"},
            ),
            (
                "s13",
                "QUOTE",
                "“We have shown good faith. The ships are waiting, the farmers are waiting, and the "
                "winter will not wait for anyone.",
                0,
                {"quote_kind": "direct", "sentiment": "negative"},
            ),
            (
                "s14",
                "QUOTE",
                "“If Estavia meets us halfway, the corridor can open within a month,”",
                0,
                {"quote_kind": "direct", "sentiment": "positive"},
            ),
            ("s15", "MENTION", "she", 0, {"reference": "resolved"}),
            ("s16", "CUE", "said", 1, {}),
            ("s17", "MENTION", "He", 0, {"reference": "resolved"}),
            ("s18", "CUE", "said", 2, {}),
            (
                "s19",
                "QUOTE",
                "Estavia would not accept inspections carried out by Norrlandic officials alone, and "
                "that any agreement would need observers from the Valdora Maritime Authority",
                0,
                {"quote_kind": "indirect", "sentiment": "negative"},
            ),
            ("s20", "ORG", "Valdora Maritime Authority", 0, {}),
            ("s21", "CUE", "According to", 0, {}),
            ("s22", "PERSON", "Lucia Benn", 0, {"sentiment": "neutral"}),
            (
                "s23",
                "QUOTE",
                "more than forty cargo ships are anchored off the coast",
                0,
                {"quote_kind": "indirect", "sentiment": "negative"},
            ),
            (
                "s24",
                "QUOTE",
                '"Every day the corridor stays shut costs the region money and goodwill,"',
                0,
                {"quote_kind": "direct", "sentiment": "negative"},
            ),
            ("s25", "PERSON", "Benn", 1, {}),
            ("s26", "CUE", "said", 3, {}),
        ],
        "relations": [
            ("s5", "s6", "AFFILIATION"),
            ("s8", "s7", "AFFILIATION"),
            ("s5", "s8", "INTERACTION"),
            ("s12", "s10", "SPEAKER"),
            ("s12", "s11", "CUE"),
            ("s13", "s15", "SPEAKER"),
            ("s13", "s16", "CUE"),
            ("s14", "s15", "SPEAKER"),
            ("s14", "s16", "CUE"),
            ("s15", "s8", "REFERS_TO"),
            ("s19", "s17", "SPEAKER"),
            ("s19", "s18", "CUE"),
            ("s17", "s5", "REFERS_TO"),
            ("s23", "s22", "SPEAKER"),
            ("s23", "s21", "CUE"),
            ("s22", "s20", "AFFILIATION"),
            ("s24", "s25", "SPEAKER"),
            ("s24", "s26", "CUE"),
        ],
        "doc": {"sentiment": "negative", "topics": ["politics", "economy"]},
    },
    "Lumenfold cuts": {
        "spans": [
            ("s1", "ORG", "Lumenfold", 0, {"sentiment": "negative"}),
            ("s2", "GPE", "Brackwater", 0, {}),
            ("s3", "QUOTE", "is laying off 120 of its 600 employees", 0, {"quote_kind": "indirect"}),
            ("s4", "MENTION", "the company", 0, {"reference": "resolved"}),
            ("s5", "CUE", "said", 0, {}),
            ("s6", "PERSON", "Priya Raman", 0, {"sentiment": "neutral"}),
            ("s7", "CUE", "told", 0, {}),
            (
                "s8",
                "QUOTE",
                "the cuts were painful but necessary",
                0,
                {"quote_kind": "indirect", "sentiment": "negative"},
            ),
            ("s9", "QUOTE", '"We grew faster than our customers did,"', 0, {"quote_kind": "direct"}),
            ("s10", "MENTION", "she", 0, {"reference": "resolved"}),
            ("s11", "CUE", "said", 1, {}),
            (
                "s12",
                "QUOTE",
                '"That is my mistake, not yours."',
                0,
                {"quote_kind": "direct", "sentiment": "negative"},
            ),
            ("s13", "PERSON", "Raman", 1, {}),
            ("s14", "PERSON", "Arun Raman", 0, {}),
            ("s15", "CUE", "said", 2, {}),
            (
                "s16",
                "QUOTE",
                "the company still expected to double its sales next year and would keep its "
                "research team in Brackwater intact",
                0,
                {"quote_kind": "indirect", "sentiment": "positive"},
            ),
            ("s17", "PERSON", "Joe Pellow", 0, {"sentiment": "neutral"}),
            ("s18", "ORG", "Allied Makers Union", 0, {}),
            ("s19", "CUE", "called", 0, {}),
            (
                "s20",
                "QUOTE",
                '"a betrayal of people who worked weekends to get the factory running."',
                0,
                {"quote_kind": "direct", "sentiment": "negative"},
            ),
            ("s21", "CUE", "According to", 0, {}),
            ("s22", "PERSON", "Pellow", 1, {}),
            (
                "s23",
                "QUOTE",
                "many of those losing their jobs were told only hours before the call",
                0,
                {"quote_kind": "indirect", "sentiment": "negative"},
            ),
            ("s24", "ORG", "Greyfield Capital", 0, {}),
            ("s25", "PERSON", "Marta Kowal", 0, {}),
            ("s26", "ORG", "Tidewater Securities", 0, {}),
            (
                "s27",
                "QUOTE",
                'the cuts "put the company on a far healthier footing."',
                0,
                {"quote_kind": "mixed", "sentiment": "positive"},
            ),
            ("s28", "CUE", "said", 4, {}),
        ],
        "relations": [
            ("s3", "s4", "SPEAKER"),
            ("s3", "s5", "CUE"),
            ("s4", "s1", "REFERS_TO"),
            ("s1", "s2", "LOCATED_IN"),
            ("s8", "s6", "SPEAKER"),
            ("s8", "s7", "CUE"),
            ("s6", "s1", "AFFILIATION"),
            ("s9", "s10", "SPEAKER"),
            ("s9", "s11", "CUE"),
            ("s12", "s10", "SPEAKER"),
            ("s12", "s11", "CUE"),
            ("s10", "s6", "REFERS_TO"),
            ("s16", "s13", "SPEAKER"),
            ("s16", "s15", "CUE"),
            ("s17", "s18", "AFFILIATION"),
            ("s20", "s17", "SPEAKER"),
            ("s20", "s19", "CUE"),
            ("s23", "s22", "SPEAKER"),
            ("s23", "s21", "CUE"),
            ("s25", "s26", "AFFILIATION"),
            ("s27", "s25", "SPEAKER"),
            ("s27", "s28", "CUE"),
        ],
        "doc": {"sentiment": "negative", "topics": ["economy"]},
    },
    "Rook Lane bakery": {
        "spans": [
            ("s1", "LOC", "Rook Lane", 0, {}),
            ("s2", "GPE", "Eastvale", 0, {}),
            ("s3", "EVENT", "National Bread Awards", 0, {}),
            ("s4", "GPE", "Kingsmere", 0, {}),
            ("s5", "PERSON", "Samuel Achterberg", 0, {"sentiment": "positive"}),
            (
                "s6",
                "QUOTE",
                "“We never expected this,”",
                0,
                {"quote_kind": "direct", "sentiment": "positive"},
            ),
            ("s7", "MENTION", "he", 0, {"reference": "resolved"}),
            ("s8", "CUE", "said", 0, {}),
            (
                "s9",
                "QUOTE",
                "“Honestly, I thought we had come along for the dinner.”",
                0,
                {"quote_kind": "direct", "sentiment": "positive"},
            ),
            ("s10", "GPE", "Utrecht", 0, {}),
            ("s11", "PERSON", "Fiona Marsh", 0, {"sentiment": "neutral"}),
            ("s12", "CUE", "said", 1, {}),
            (
                "s13",
                "QUOTE",
                "the entries this year were the strongest she had tasted",
                0,
                {"quote_kind": "indirect", "sentiment": "positive"},
            ),
            (
                "s14",
                "QUOTE",
                "“Samuel's rye is the kind of bread you remember,”",
                0,
                {"quote_kind": "direct", "sentiment": "positive"},
            ),
            ("s15", "PERSON", "Marsh", 1, {}),
            ("s16", "CUE", "said", 2, {}),
            (
                "s17",
                "QUOTE",
                "“It is simple, and it is perfect.”",
                0,
                {"quote_kind": "direct", "sentiment": "positive"},
            ),
            ("s18", "PERSON", "Lena Brandt", 0, {"sentiment": "positive"}),
            ("s19", "CUE", "said", 3, {}),
            (
                "s20",
                "QUOTE",
                "the award belonged to the whole street",
                0,
                {"quote_kind": "indirect", "sentiment": "positive"},
            ),
            (
                "s21",
                "QUOTE",
                "“When he is busy, we are busy,”",
                0,
                {"quote_kind": "direct", "sentiment": "positive"},
            ),
            ("s22", "MENTION", "she", 1, {"reference": "resolved"}),
            ("s23", "CUE", "said", 4, {}),
            ("s24", "PERSON", "Achterberg", 2, {}),
            ("s25", "CUE", "said", 5, {}),
            (
                "s26",
                "QUOTE",
                "he would spend the prize money on a second oven",
                0,
                {"quote_kind": "indirect", "sentiment": "positive"},
            ),
        ],
        "relations": [
            ("s3", "s4", "LOCATED_IN"),
            ("s1", "s2", "LOCATED_IN"),
            ("s6", "s7", "SPEAKER"),
            ("s6", "s8", "CUE"),
            ("s9", "s7", "SPEAKER"),
            ("s9", "s8", "CUE"),
            ("s7", "s5", "REFERS_TO"),
            ("s13", "s11", "SPEAKER"),
            ("s13", "s12", "CUE"),
            ("s14", "s15", "SPEAKER"),
            ("s14", "s16", "CUE"),
            ("s17", "s15", "SPEAKER"),
            ("s17", "s16", "CUE"),
            ("s20", "s18", "SPEAKER"),
            ("s20", "s19", "CUE"),
            ("s21", "s22", "SPEAKER"),
            ("s21", "s23", "CUE"),
            ("s22", "s18", "REFERS_TO"),
            ("s26", "s24", "SPEAKER"),
            ("s26", "s25", "CUE"),
        ],
        "doc": {"sentiment": "positive", "topics": ["society", "culture"]},
    },
    "Waiting times fall": {
        "spans": [
            ("s1", "ORG", "Eastvale General Hospital", 0, {"sentiment": "positive"}),
            ("s2", "CUE", "according to", 0, {}),
            ("s3", "ORG", "Eastvale Health Board", 0, {"sentiment": "positive"}),
            (
                "s4",
                "QUOTE",
                "The median wait fell from four hours to two hours and forty minutes",
                0,
                {"quote_kind": "indirect", "sentiment": "positive"},
            ),
            ("s5", "MENTION", "the board", 0, {"reference": "resolved"}),
            ("s6", "CUE", "said", 0, {}),
            ("s7", "PERSON", "Nkechi Adeyemi", 0, {"sentiment": "positive"}),
            ("s8", "CUE", "called", 0, {}),
            (
                "s9",
                "QUOTE",
                "“a real achievement for every person who works in that department.”",
                0,
                {"quote_kind": "direct", "sentiment": "positive"},
            ),
            ("s10", "PERSON", "Grace Tolliver", 0, {"sentiment": "neutral"}),
            ("s11", "ORG", "Nursing Guild", 0, {}),
            ("s12", "CUE", "said", 1, {}),
            (
                "s13",
                "QUOTE",
                "staff were covering extra shifts almost every week",
                0,
                {"quote_kind": "indirect", "sentiment": "negative"},
            ),
            ("s14", "QUOTE", "“The numbers look wonderful on paper,”", 0, {"quote_kind": "direct"}),
            ("s15", "MENTION", "she", 0, {"reference": "resolved"}),
            ("s16", "CUE", "said", 2, {}),
            (
                "s17",
                "QUOTE",
                "“Behind them are people who are exhausted.”",
                0,
                {"quote_kind": "direct", "sentiment": "negative"},
            ),
            ("s18", "PERSON", "Martin Lowe", 0, {"sentiment": "neutral"}),
            (
                "s19",
                "QUOTE",
                '"We cannot keep asking the same people to carry the whole load,"',
                0,
                {"quote_kind": "direct", "sentiment": "negative"},
            ),
            ("s20", "PERSON", "Lowe", 1, {}),
            ("s21", "CUE", "said", 4, {}),
        ],
        "relations": [
            ("s4", "s5", "SPEAKER"),
            ("s4", "s6", "CUE"),
            ("s5", "s3", "REFERS_TO"),
            ("s9", "s7", "SPEAKER"),
            ("s9", "s8", "CUE"),
            ("s7", "s3", "AFFILIATION"),
            ("s10", "s11", "AFFILIATION"),
            ("s13", "s10", "SPEAKER"),
            ("s13", "s12", "CUE"),
            ("s14", "s15", "SPEAKER"),
            ("s14", "s16", "CUE"),
            ("s17", "s15", "SPEAKER"),
            ("s17", "s16", "CUE"),
            ("s15", "s10", "REFERS_TO"),
            ("s18", "s3", "AFFILIATION"),
            ("s19", "s20", "SPEAKER"),
            ("s19", "s21", "CUE"),
            ("s18", "s11", "INTERACTION"),
        ],
        "doc": {"sentiment": "neutral", "topics": ["health"]},
    },
}

# How bob's work differs from alice's, article by article.
BOB_CHANGES: dict[str, dict[str, Any]] = {
    "Millbrook council": {
        "add": [("s28", "GPE", "MILLBROOK", 0, {})],  # labels the dateline
        "drop": ["s9"],  # misses Quay Street
        # marks Okafor's first quote without its quote marks and final stop
        "move": {"s5": ("the most important thing this chamber will do in a generation", 0)},
        "attrs": {"s10": {"sentiment": "neutral"}, "s8": {"sentiment": "neutral"}},
        "drop_rel": [("s20", "s21", "AFFILIATION")],
        "doc": {"sentiment": "neutral", "topics": ["politics"]},
    },
    "Estavian and Norrlandic": {
        "relabel": {"s9": "ORG", "s7": "GPE"},  # the palace as an organisation, "Norrlandic" as a country
        "attrs": {"s15": {"reference": "unresolved"}, "s8": {"sentiment": "neutral"}},
        "drop_rel": [("s15", "s8", "REFERS_TO"), ("s5", "s8", "INTERACTION"), ("s8", "s7", "AFFILIATION")],
        "doc": {"sentiment": "neutral", "topics": ["politics", "economy"]},
    },
    "Lumenfold cuts": {
        "attrs": {
            "s20": {"quote_kind": "partial"},
            "s27": {"quote_kind": "partial"},
            "s6": {"sentiment": "negative"},
        },
        "move": {"s27": ('"put the company on a far healthier footing."', 0)},
        "drop": ["s24"],
        "doc": {"sentiment": "negative", "topics": ["economy", "society"]},
    },
    "Rook Lane bakery": {
        "relabel": {"s3": "ORG"},
        "drop_rel": [("s3", "s4", "LOCATED_IN")],
        "add": [("s27", "PERSON", "Samuel", 1, {})],  # the name inside Marsh's quote
        "doc": {"sentiment": "positive", "topics": ["culture"]},
    },
}


def _find(text: str, words: str, nth: int, where: str) -> int:
    """Start of the nth whole-word occurrence ("he" never matches inside "the")."""
    hits = [m.start() for m in re.finditer(rf"(?<!\w){re.escape(words)}(?!\w)", text)]
    if nth >= len(hits):
        raise SystemExit(f"{where}: {words!r} occurrence {nth} is not in the text ({len(hits)} found)")
    return hits[nth]


def build(record: dict[str, Any], plan: dict[str, Any], annotator: str, when: str) -> dict[str, Any]:
    text = record["text"]
    where = f"{record['meta'].get('title', record['id'])} ({annotator})"
    spans = []
    for sid, label, words, nth, attrs in plan["spans"]:
        start = _find(text, words, nth, where)
        span: dict[str, Any] = {
            "id": sid,
            "start": start,
            "end": start + len(words),
            "label": label,
            "text": words,
        }
        if attrs:
            span["attrs"] = dict(attrs)
        spans.append(span)
    relations = [
        {"id": f"r{i}", "head": h, "child": c, "label": lab}
        for i, (h, c, lab) in enumerate(plan["relations"], 1)
    ]
    out = dict(record)
    out.update(
        spans=sorted(spans, key=lambda s: (s["start"], -s["end"], s["id"])),
        relations=relations,
        doc=dict(plan["doc"]),
        status="done",
        annotator=annotator,
        schema="news@1",
        rev=len(spans) + len(relations),
        updated=when,
    )
    return out


def bob_plan(alice: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    plan = copy.deepcopy(alice)
    drop = set(changes.get("drop", []))
    spans = []
    for sid, label, words, nth, attrs in plan["spans"]:
        if sid in drop:
            continue
        label = changes.get("relabel", {}).get(sid, label)
        words, nth = changes.get("move", {}).get(sid, (words, nth))
        attrs = {**attrs, **changes.get("attrs", {}).get(sid, {})}
        spans.append((sid, label, words, nth, attrs))
    plan["spans"] = spans + list(changes.get("add", []))
    dropped_rel = set(changes.get("drop_rel", []))
    plan["relations"] = [r for r in plan["relations"] if r not in dropped_rel and not drop & {r[0], r[1]}]
    plan["doc"] = changes.get("doc", plan["doc"])
    return plan


def main() -> int:
    records = [json.loads(line) for line in DEMO.read_text(encoding="utf-8").splitlines() if line.strip()]

    def plan_for(title: str, plans: dict[str, Any]) -> tuple[str, Any] | None:
        return next(((k, v) for k, v in plans.items() if title.startswith(k)), None)

    alice_out, bob_out = [], []
    for rec in records:
        title = rec["meta"].get("title", "")
        found = plan_for(title, ALICE)
        if found is None:
            continue
        key, plan = found
        alice_out.append(build(rec, plan, "alice", "2026-11-27T10:00:00Z"))
        if key in BOB_CHANGES:
            bob_out.append(build(rec, bob_plan(plan, BOB_CHANGES[key]), "bob", "2026-11-27T11:00:00Z"))
    for name, rows in (("demo.alice.jsonl", alice_out), ("demo.bob.jsonl", bob_out)):
        path = HERE / name
        path.write_text(
            "".join(json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n" for r in rows), "utf-8"
        )
        print(f"{path.relative_to(HERE.parent.parent)}: {len(rows)} records")
    return 0


if __name__ == "__main__":
    sys.exit(main())
