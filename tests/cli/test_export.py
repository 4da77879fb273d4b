"""``workbench export``: every format from one corpus file, splits, status filter, and user mistakes."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from tests.conftest import shared_path
from workbench.cli.main import main
from workbench.io.jsonl import write_jsonl

NAMES = ["Angela Merkel", "Olaf Scholz", "Joe Biden", "Rishi Sunak", "Emmanuel Macron"]
PLACES = ["Berlin", "Paris", "London", "Washington", "Kyiv"]
FILLER = "markets talks budget minister summit energy prices border vote parliament".split()


def _article(i: int, rng: random.Random) -> dict:
    name, place = rng.choice(NAMES), rng.choice(PLACES)
    words = " ".join(rng.choice(FILLER) + str(rng.randint(0, 99)) for _ in range(40))
    text = f"{name} arrived in {place} on Monday . {words} . “ We will act , ” {name} said ."
    q0 = text.index("“")
    q1 = text.index("”") + 1
    said = text.rindex("said")
    spans = [
        {"id": "s1", "start": 0, "end": len(name), "label": "PERSON", "attrs": {"sentiment": "neutral"}},
        {"id": "s2", "start": len(name) + 12, "end": len(name) + 12 + len(place), "label": "GPE"},
        {"id": "s3", "start": q0, "end": q1, "label": "QUOTE", "attrs": {"quote_kind": "direct"}},
        {"id": "s4", "start": said, "end": said + 4, "label": "CUE"},
    ]
    if i % 10 == 0:
        spans.append({"id": "s5", "start": 0, "end": len(name.split()[0]), "label": "PERSON"})  # nested
    return {
        "id": f"a{i:03d}",
        "text": text,
        "meta": {"title": f"story {i}"},
        "spans": [{**s, "text": text[s["start"] : s["end"]]} for s in spans],
        "relations": [
            {"id": "r1", "head": "s3", "child": "s1", "label": "SPEAKER"},
            {"id": "r2", "head": "s3", "child": "s4", "label": "CUE"},
        ],
        "doc": {"sentiment": rng.choice(["negative", "neutral", "positive"])},
        "status": "done" if i % 7 else "in_progress",
        "annotator": "alice",
        "schema": "news@1",
    }


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    rng = random.Random(1)
    recs = [_article(i, rng) for i in range(60)]
    dup = dict(recs[3], id="a003-rescrape", text=recs[3]["text"] + " Share this article on Facebook")
    recs.append(dup)
    # An older revision of a001 earlier in the file: the later line must win.
    old = dict(recs[1], doc={"sentiment": "positive"}, rev=1)
    path = tmp_path / "gold.jsonl"
    write_jsonl(path, [old, *recs])
    return path


@pytest.mark.parametrize("fmt", ["spacy", "jsonl", "prodigy", "hf", "conll", "brat", "doccano", "newsmtsc"])
def test_every_format_exports_and_reports_what_it_leaves_out(
    fmt: str, corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    code = main(["export", str(corpus), "--format", fmt, "-o", str(out), "--status", "done", "--json"])
    assert code == 0
    captured = capsys.readouterr()
    report = json.loads(captured.out.strip().splitlines()[-1])["all"]
    n_done = 61 - len([i for i in range(60) if i % 7 == 0])
    assert report["records"] == (n_done if fmt != "newsmtsc" else n_done)
    assert "Labels per split" in captured.err
    left = report["left_out"]
    if fmt == "conll":
        assert left["relations"] == 2 * n_done
        assert left["document fields"] == n_done
        assert left["QUOTE spans (not entities; IOB tags carry entities only)"] == n_done
        nested_done = len([i for i in range(60) if i % 10 == 0 and i % 7])
        assert left["overlapping or nested entity spans (IOB cannot nest)"] == nested_done
        assert "not carried by conll" in captured.err and "relations" in captured.err
    elif fmt in ("jsonl", "spacy", "prodigy", "hf"):
        assert left == {}
    elif fmt == "doccano":
        assert left == {"span attributes (sentiment, quote kind, ...)": 2 * n_done}
    elif fmt == "brat":
        assert left == {"document fields (brat has no document-level annotation)": n_done}
    if fmt == "jsonl":
        lines = [json.loads(ln) for ln in out.read_text("utf-8").splitlines()]
        assert len(lines) == n_done and len({r["id"] for r in lines}) == n_done
        assert (
            next(r for r in lines if r["id"] == "a001")["doc"]
            == json.loads(corpus.read_text().splitlines()[2])["doc"]
        )
    if fmt == "spacy":
        assert (out / "config.cfg").is_file() and list(out.glob("*.spacy"))


def test_split_writes_three_parts_with_near_duplicates_together(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "split"
    code = main(["export", str(corpus), "-f", "jsonl", "-o", str(out), "--split", "80/10/10", "--seed", "4"])
    assert code == 0
    parts = {
        p.stem: [json.loads(ln)["id"] for ln in p.read_text("utf-8").splitlines()]
        for p in out.glob("*.jsonl")
    }
    assert sorted(parts) == ["dev", "test", "train"]
    assert sum(map(len, parts.values())) == 61
    assert sorted(i for ids in parts.values() for i in ids) == sorted(
        {f"a{i:03d}" for i in range(60)} | {"a003-rescrape"}
    )
    home = [name for name, ids in parts.items() if "a003" in ids]
    assert "a003-rescrape" in parts[home[0]]
    for name in ("dev", "test"):
        assert 3 <= len(parts[name]) <= 9
    printed = capsys.readouterr().out
    assert "near-duplicate groups kept in one split: 1 (2 articles)" in printed
    assert "sentiment:negative" in printed and "train" in printed


def test_spacy_split_config_points_at_the_train_and_dev_folders(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "sp"
    assert main(["export", str(corpus), "-f", "spacy", "-o", str(out), "--split", "80/20"]) == 0
    cfg = (out / "config.cfg").read_text("utf-8")
    assert f'train = "{(out / "train").resolve()}"' in cfg and f'dev = "{(out / "dev").resolve()}"' in cfg
    from confection import Config

    assert Config().from_str(cfg, interpolate=False)["nlp"]["pipeline"] == ["tok2vec", "ner", "textcat"]


def test_mistakes_are_one_line_errors(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["export", str(tmp_path / "nope.jsonl"), "-f", "jsonl", "-o", str(tmp_path / "o")]) == 2
    assert "no such file" in capsys.readouterr().err
    assert main(["export", str(corpus), "-f", "jsonl", "-o", str(tmp_path / "o"), "--status", "skipped"]) == 2
    assert "no records with status skipped" in capsys.readouterr().err
    assert main(["export", str(corpus), "-f", "jsonl", "-o", str(tmp_path / "o"), "--split", "80/x"]) == 2
    assert "--split" in capsys.readouterr().err
    bad = tmp_path / "bad.jsonl"
    bad.write_text(
        corpus.read_text("utf-8")
        + '{"id": "x", "text": "ab", "spans": [{"id": "s1", "start": 0, "end": 9, "label": "X"}]}\n{oops\n'
    )
    assert main(["export", str(bad), "-f", "jsonl", "-o", str(tmp_path / "o.jsonl")]) == 0
    err = capsys.readouterr().err
    assert f"{bad}:63:" in err and "outside the text" in err and f"{bad}:64:" in err


def test_imported_real_file_exports_through_the_command(tmp_path: Path) -> None:
    """Prodigy headlines in through the registry, out through the command as prodigy again."""
    from workbench.io.interop.registry import IMPORTERS

    path = shared_path("data", "interop", "prodigy", "annotated_news_headlines-ner.jsonl")
    recs = [r.to_dict() for r in IMPORTERS["prodigy"](path) if hasattr(r, "to_dict")]
    corpus = tmp_path / "c.jsonl"
    write_jsonl(corpus, recs)
    out = tmp_path / "p.jsonl"
    assert main(["export", str(corpus), "-f", "prodigy", "-o", str(out)]) == 0
    orig = [json.loads(ln) for ln in path.read_text("utf-8").splitlines()]
    back = [json.loads(ln) for ln in out.read_text("utf-8").splitlines()]
    assert len(back) == len(orig)
    key = lambda t: sorted((s["start"], s["end"], s["label"]) for s in t.get("spans", []))  # noqa: E731
    assert sorted(map(key, back)) == sorted(map(key, orig))
