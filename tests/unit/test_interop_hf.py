"""Hugging Face export: IOB2 ints that decode to the entities, labels file, relations and targets apart."""

from __future__ import annotations

import json
from pathlib import Path

from workbench.core.record import Record, Relation, Span
from workbench.core.schema import default_schema
from workbench.io.interop.hf import export_hf

SCHEMA = default_schema()


def test_hf_export_tokens_tags_labels_and_side_file(tmp_path: Path) -> None:
    rec = Record.new(
        "Olaf Scholz met Emmanuel Macron in Paris .\nThey said “ fine ” .", doc={"sentiment": "neutral"}
    )
    t = rec.text
    for sid, sub, lab, attrs in [
        ("s1", "Olaf Scholz", "PERSON", {"sentiment": "positive"}),
        ("s2", "Emmanuel Macron", "PERSON", {}),
        ("s3", "Paris", "GPE", {}),
        ("s4", "“ fine ”", "QUOTE", {}),
        ("s5", "They", "MENTION", {}),
        ("s6", "Sputnik", "X", {}),
    ]:
        start = t.find(sub)
        if start < 0:
            continue
        rec.spans[sid] = Span(sid, start, start + len(sub), lab, attrs)
    rec.relations["r1"] = Relation("r1", "s1", "s2", "INTERACTION")
    rec.relations["r2"] = Relation("r2", "s4", "s5", "SPEAKER")
    report = export_hf([rec], SCHEMA, tmp_path)
    names = json.loads((tmp_path / "labels.json").read_text("utf-8"))["ner_tags"]
    (row,) = [json.loads(ln) for ln in (tmp_path / "ner.jsonl").read_text("utf-8").splitlines()]
    tags = [names[i] for i in row["ner_tags"]]
    assert row["tokens"][:8] == ["Olaf", "Scholz", "met", "Emmanuel", "Macron", "in", "Paris", "."]
    assert tags[:8] == ["B-PERSON", "I-PERSON", "O", "B-PERSON", "I-PERSON", "O", "B-GPE", "O"]
    assert set(tags[8:]) == {"O"}
    (side,) = [json.loads(ln) for ln in (tmp_path / "relations.jsonl").read_text("utf-8").splitlines()]
    assert [(r["head"]["text"], r["child"]["text"], r["label"]) for r in side["relations"]] == [
        ("Olaf Scholz", "Emmanuel Macron", "INTERACTION"),
        ("“ fine ”", "They", "SPEAKER"),
    ]
    head = side["relations"][0]["head"]
    assert row["tokens"][head["token_start"] : head["token_end"]] == ["Olaf", "Scholz"]
    assert [(s["text"], s["attrs"]["sentiment"]) for s in side["sentiment_targets"]] == [
        ("Olaf Scholz", "positive")
    ]
    assert sorted(s["label"] for s in side["other_spans"]) == ["MENTION", "QUOTE"]
    assert side["doc"] == {"sentiment": "neutral"}
    assert report.records == 1 and report.relations == 2
