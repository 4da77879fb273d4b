"""brat standoff: brat's news tutorial imports with every line kind and exports back line for line."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import shared_path
from workbench.core.problems import Problem
from workbench.core.record import Record
from workbench.core.schema import default_schema
from workbench.io.interop.brat import export_brat, import_brat

SCHEMA = default_schema()


def _lines(folder: Path) -> dict[str, list[str]]:
    return {
        p.stem: [ln for ln in p.read_text("utf-8").splitlines() if ln.strip()]
        for p in sorted(folder.glob("*.ann"))
    }


def _comparable(lines: list[str]) -> list[str]:
    """Lines with ids kept, except attribute ids (renumbered on export); trailing tabs ignored."""
    out = []
    for ln in lines:
        ident, _, rest = ln.partition("\t")
        out.append(("A\t" + rest if ident[0] in "AM" else ln).rstrip())
    return sorted(out)


def test_brat_news_counts_and_line_for_line_round_trip(tmp_path: Path) -> None:
    folder = shared_path("data", "interop", "brat-news")
    anns = _lines(folder)
    all_lines = [ln for lines in anns.values() for ln in lines]
    n_t = sum(ln.startswith("T") for ln in all_lines)
    n_rel = sum(ln.startswith("R") for ln in all_lines)
    n_rel += sum(len(ln.split("\t")[1].split()) - 1 for ln in all_lines if ln.startswith("E"))
    n_rel += sum(len(ln.split("\t")[1].split()) - 2 for ln in all_lines if ln.startswith("*"))
    items = list(import_brat(folder, schema=SCHEMA))
    assert [i for i in items if isinstance(i, Problem)] == []
    recs = [i for i in items if isinstance(i, Record)]
    assert len(recs) == len(anns) == 8
    assert sum(len(r.spans) for r in recs) == n_t
    assert sum(len(r.relations) for r in recs) == n_rel
    intro = next(r for r in recs if "000-introduction" in r.meta["file"])
    t4 = intro.spans["T4"]
    assert intro.span_text(t4) == "Raul Salinas de Gortari" and t4.attrs == {
        "Mention": "Name",
        "Individual": True,
    }
    assert intro.meta["brat"]["events"]["E1"]["attrs"] == {"Confidence": "High"}
    assert intro.meta["brat"]["notes"] == [["#1", "AnnotatorNotes", "T2", "100000000 USD"]]

    out = tmp_path / "brat"
    report = export_brat(recs, SCHEMA, out)
    assert report.records == 8 and not report.left_out
    back = _lines(out)
    assert back.keys() == anns.keys()
    for name, lines in anns.items():
        assert _comparable(back[name]) == _comparable(lines), name
        assert (out / f"{name}.txt").read_bytes() == (folder / f"{name}.txt").read_bytes()
    conf = (out / "annotation.conf").read_text("utf-8")
    assert "SPEAKER\tArg1:QUOTE, Arg2:PERSON|ORG|GPE|NORP|MENTION" in conf
    assert "Origin\tArg1:Organization, Arg2:GPE" in conf and "Alias\tArg1:<ENTITY>" in conf
    assert "sentiment\tArg:PERSON|ORG|GPE|LOC|NORP|EVENT|QUOTE, Value:negative|neutral|positive" in conf


def test_discontinuous_span_is_kept_as_fragments_and_written_back_whole(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "d.txt").write_text("He said, quietly, that it was over.", "utf-8")
    (src / "d.ann").write_text("T1\tQUOTE 3 7;18 35\tsaid that it was over.\nT2\tPERSON 0 2\tHe\n", "utf-8")
    (rec,) = [r for r in import_brat(src) if isinstance(r, Record)]
    assert sorted((s.start, s.end) for s in rec.spans.values()) == [(0, 2), (3, 7), (18, 35)]
    assert rec.meta["brat"]["discontinuous"] == {"T1": ["T1.2"]}
    export_brat([rec], SCHEMA, tmp_path / "out")
    assert "T1\tQUOTE 3 7;18 35\tsaid that it was over." in (tmp_path / "out" / "d.ann").read_text("utf-8")


def test_a_text_mismatch_is_reported_with_line_and_the_file_not_imported(tmp_path: Path) -> None:
    (tmp_path / "x.txt").write_text("Angela Merkel spoke.", "utf-8")
    (tmp_path / "x.ann").write_text("T1\tPERSON 0 13\tAngela Merkel\nT2\tPERSON 0 6\tAngelo\n", "utf-8")
    items = list(import_brat(tmp_path))
    assert [type(i) for i in items] == [Problem]
    assert items[0].line == 2 and "Angelo" in items[0].message
