"""The margin names who said a quote: a mention's named entity rather than "he" or a long description."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

TEXT = "Ellen Okafor spoke first. “We will rebuild,” she said. “Never,” the mayor replied."


def _record() -> dict[str, Any]:
    q1, q2 = TEXT.index("“We"), TEXT.index("“Never")
    she, mayor = TEXT.index("she"), TEXT.index("the mayor")
    spans = [
        ("p", 0, len("Ellen Okafor"), "PERSON"),
        ("q1", q1, TEXT.index(" she"), "QUOTE"),
        ("m1", she, she + 3, "MENTION"),
        ("q2", q2, TEXT.index(" the mayor"), "QUOTE"),
        ("m2", mayor, mayor + len("the mayor"), "MENTION"),
    ]
    rels = [("q1", "m1", "SPEAKER"), ("m1", "p", "REFERS_TO"), ("q2", "m2", "SPEAKER")]
    return {
        "id": "a1",
        "text": TEXT,
        "spans": [{"id": i, "start": s, "end": e, "label": lab} for i, s, e, lab in spans],
        "relations": [
            {"id": f"r{n}", "head": h, "child": c, "label": lab} for n, (h, c, lab) in enumerate(rels)
        ],
    }


def test_a_resolved_mention_shows_the_name_an_unresolved_one_its_words(
    open_window: Any, tmp_path: Path
) -> None:
    path = tmp_path / "a.jsonl"
    path.write_text(json.dumps(_record()) + "\n", "utf-8")
    win = open_window([path])
    assert win.view.styles["q1"].note == "Ellen Okafor"  # "she" stands for her
    assert win.view.styles["q2"].note == "the mayor"  # nobody named: the words themselves
