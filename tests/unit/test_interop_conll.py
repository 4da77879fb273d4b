"""CoNLL/IOB: CoNLL++ and doccano's CoNLL files import with the chunks a reader counts, IOB1 too."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import shared_path
from workbench.core.problems import Problem
from workbench.core.record import Record
from workbench.core.schema import default_schema
from workbench.io.interop.conll import export_conll, import_conll

SCHEMA = default_schema()


def _token_tag_lines(path: Path) -> list[tuple[str, str]]:
    out = []
    for ln in path.read_text("utf-8").splitlines():
        cols = ln.split()
        if cols and cols[0] != "-DOCSTART-":
            out.append((cols[0], cols[-1]))
    return out


def test_conllpp_dev_documents_and_entities_match_a_plain_count_and_export_back(tmp_path: Path) -> None:
    path = shared_path("data", "interop", "conll", "conllpp_dev.txt")
    raw = path.read_text("utf-8").splitlines()
    n_docs = sum(ln.startswith("-DOCSTART-") for ln in raw)
    tags = [ln.split()[-1] for ln in raw if ln.strip() and not ln.startswith("-DOCSTART-")]
    n_chunks = sum(t.startswith("B-") for t in tags)
    assert not any(t.startswith("I-") and p == "O" for p, t in zip(["O", *tags], tags, strict=False))  # IOB2
    items = list(import_conll(path, schema=SCHEMA))
    recs = [r for r in items if isinstance(r, Record)]
    assert [i for i in items if isinstance(i, Problem)] == []
    assert len(recs) == n_docs == 216
    assert sum(len(r.spans) for r in recs) == n_chunks
    rec = recs[0]
    assert {(rec.span_text(s), s.label) for s in rec.spans.values()} >= {
        ("LEICESTERSHIRE", "ORG"),
        ("Phil Simmons", "PER"),
    }
    out = tmp_path / "back.conll"
    report = export_conll(recs, SCHEMA, out)
    assert report.spans == n_chunks and not report.left_out
    assert _token_tag_lines(out) == _token_tag_lines(path)
    assert sum(ln.startswith("-DOCSTART-") for ln in out.read_text("utf-8").splitlines()) == n_docs


def test_doccano_conll_files_one_record_per_sentence_and_the_invalid_one_reported(tmp_path: Path) -> None:
    folder = shared_path("data", "interop", "doccano")
    for name in ("tests-seq-example.conll", "tests-seq-labeling.trailing.conll"):
        path = folder / name
        blocks = [b for b in path.read_text("utf-8").split("\n\n") if b.strip()]
        items = list(import_conll(path))
        assert [i for i in items if isinstance(i, Problem)] == []
        recs = [i for i in items if isinstance(i, Record)]
        assert len(recs) == len(blocks)
        assert sum(len(r.spans) for r in recs) == path.read_text("utf-8").count("\tB-")
        out = tmp_path / f"{name}.out"
        export_conll(recs, SCHEMA, out)
        assert _token_tag_lines(out) == _token_tag_lines(path)
    bad = folder / "tests-seq-labeling.invalid.conll"
    items = list(import_conll(bad))
    problems = [i for i in items if isinstance(i, Problem)]
    assert len(problems) == 1 and problems[0].path == str(bad) and problems[0].line == 1
    assert "SOCCERO" in problems[0].message and "not an IOB tag" in problems[0].message
    good_blocks = [b for b in bad.read_text("utf-8").split("\n\n") if b.strip()][1:]
    assert len([i for i in items if isinstance(i, Record)]) == len(good_blocks)


def test_iob1_and_iobes_chunks(tmp_path: Path) -> None:
    f = tmp_path / "iob1.conll"
    f.write_text(
        "-DOCSTART- -X- -X- O\n\nEU I-ORG\nrejects O\nGerman I-MISC\nBritish B-MISC\nlamb O\n\n"
        "Peter I-PER\nBlackburn I-PER\n\n-DOCSTART- -X- -X- O\n\nNew B-LOC\nYork E-LOC\nis O\nbig S-MISC\n",
        "utf-8",
    )
    recs = [r for r in import_conll(f) if isinstance(r, Record)]
    assert len(recs) == 2
    got = [sorted((r.span_text(s), s.label) for s in r.spans.values()) for r in recs]
    assert got[0] == [("British", "MISC"), ("EU", "ORG"), ("German", "MISC"), ("Peter Blackburn", "PER")]
    assert got[1] == [("New York", "LOC"), ("big", "MISC")]
    assert recs[0].text == "EU rejects German British lamb\nPeter Blackburn"


def test_export_counts_what_conll_cannot_carry(tmp_path: Path) -> None:
    from workbench.core.record import Relation, Span

    rec = Record.new("Anna Schmidt said “ we won ” .", doc={"sentiment": "positive"})
    rec.spans["s1"] = Span("s1", 0, 12, "PERSON", {"sentiment": "positive"})
    rec.spans["s2"] = Span("s2", 0, 4, "PERSON")
    rec.spans["s3"] = Span("s3", 18, 26, "QUOTE")
    rec.spans["s4"] = Span("s4", 1, 4, "ORG")
    rec.relations["r1"] = Relation("r1", "s3", "s1", "SPEAKER")
    report = export_conll([rec], SCHEMA, tmp_path / "x.conll")
    assert report.spans == 1
    assert dict(report.left_out) == {
        "relations": 1,
        "span attributes": 1,
        "document fields": 1,
        "QUOTE spans (not entities; IOB tags carry entities only)": 1,
        "entity spans not aligned to token boundaries": 1,
        "overlapping or nested entity spans (IOB cannot nest)": 1,
    }
    assert any("not carried by conll" in ln for ln in report.lines())
