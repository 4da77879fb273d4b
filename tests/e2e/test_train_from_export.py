"""Proof of "ready for training": export a small corpus, train spaCy with the generated config, predict.

No conversion script in between: the corpus file goes through ``workbench export --format spacy
--split``, the generated ``config.cfg`` goes to spaCy's own training entry point unchanged (only
the epoch count is overridden), and the trained pipeline tags entities and the document sentiment
of a text it has not seen.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from workbench.cli.main import main
from workbench.io.jsonl import write_jsonl

PEOPLE = ["Anna Weber", "Tom Price", "Maria Lopez", "David Chen", "Sara Novak", "Paul Adams"]
CITIES = ["Berlin", "Madrid", "Boston", "Lisbon", "Oslo", "Vienna"]
TONE = {
    "positive": ["a wonderful and hopeful visit", "great news and warm praise", "a happy, successful trip"],
    "negative": ["a terrible and angry visit", "awful news and bitter protests", "a sad, failed trip"],
}


def _corpus(n: int = 32) -> list[dict]:
    rng = random.Random(7)
    out = []
    for i in range(n):
        person, city = rng.choice(PEOPLE), rng.choice(CITIES)
        sentiment = "positive" if i % 2 else "negative"
        text = f"{person} arrived in {city} on Monday. It was {rng.choice(TONE[sentiment])}."
        p0, c0 = 0, text.index(city)
        out.append(
            {
                "id": f"doc{i:02d}",
                "text": text,
                "meta": {},
                "spans": [
                    {"id": "s1", "start": p0, "end": len(person), "label": "PERSON", "text": person},
                    {"id": "s2", "start": c0, "end": c0 + len(city), "label": "GPE", "text": city},
                ],
                "relations": [],
                "doc": {"sentiment": sentiment},
                "status": "done",
                "annotator": "alice",
                "schema": "news@1",
            }
        )
    return out


@pytest.mark.slow
def test_exported_corpus_trains_and_the_model_predicts(tmp_path: Path) -> None:
    spacy = pytest.importorskip("spacy")
    from spacy.cli.train import train

    corpus = tmp_path / "gold.jsonl"
    write_jsonl(corpus, _corpus())
    out = tmp_path / "export"
    assert (
        main(["export", str(corpus), "-f", "spacy", "-o", str(out), "--split", "75/25", "--seed", "1"]) == 0
    )
    model_dir = tmp_path / "model"
    train(
        out / "config.cfg",
        model_dir,
        overrides={"training.max_epochs": 20, "training.max_steps": 0, "training.eval_frequency": 20},
    )
    nlp = spacy.load(model_dir / "model-last")
    assert nlp.pipe_names == ["tok2vec", "ner", "textcat"]
    assert set(nlp.get_pipe("ner").labels) == {"PERSON", "GPE"}
    assert set(nlp.get_pipe("textcat").labels) == {
        f"sentiment:{v}" for v in ("negative", "neutral", "positive")
    }

    good = nlp("Maria Lopez arrived in Oslo on Monday. It was great news and warm praise.")
    bad = nlp("Tom Price arrived in Vienna on Monday. It was awful news and bitter protests.")
    assert ("Maria Lopez", "PERSON") in [(e.text, e.label_) for e in good.ents]
    assert ("Vienna", "GPE") in [(e.text, e.label_) for e in bad.ents]
    assert max(good.cats, key=good.cats.get) == "sentiment:positive"
    assert max(bad.cats, key=bad.cats.get) == "sentiment:negative"
