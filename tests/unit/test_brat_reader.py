"""The brat standoff reader and the PolNeAR mapping (io.brat), on hand-made and real files."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from tests.conftest import shared_path
from workbench.core.checks import record_problems
from workbench.core.record import Record
from workbench.core.schema import default_schema
from workbench.io.brat.polnear import polnear_annotator, polnear_record, quote_kind, read_polnear
from workbench.io.brat.standoff import iter_ann_files, parse_ann, read_brat, text_path_for

TEXT = "Obama said: “We will win,” adding “and soon.” It rains."


def _ann(*lines: str) -> str:
    return "\n".join(lines) + "\n"


def test_every_line_kind_is_parsed() -> None:
    ann = _ann(
        "T1\tPerson 0 5\tObama",
        "T2\tContent 11 26;34 45\t“We will win,” “and soon.”",
        "T3\tCue 6 10\tsaid",
        "R1\tSays Arg1:T1 Arg2:T2",
        "E1\tAttribution:T3 Source:T1 Content:T2 Cue:T3",
        "A1\tNegated E1",
        "M2\tConfidence T1 High",
        "N1\tReference T1 Wikipedia:534366\tBarack Obama",
        "#1\tAnnotatorNotes T1\tthe president",
        "*\tEquiv T1 T3",
    )
    doc = parse_ann(ann, TEXT, "x.ann")
    assert doc.problems == []
    t2 = doc.textbounds["T2"]
    assert t2.fragments == ((11, 26), (34, 45)) and (t2.start, t2.end) == (11, 45)
    assert doc.relations["R1"].arg("Arg2") == "T2"
    assert doc.events["E1"].args_of("Content") == ["T2"]
    assert doc.attributes["A1"].value is None and doc.attributes["M2"].value == "High"
    assert doc.normalizations["N1"].ref == "Wikipedia:534366"
    assert doc.notes[0].text == "the president"
    assert doc.equivs[0].ids == ("T1", "T3")


def test_problems_name_file_and_line_and_keep_good_lines() -> None:
    ann = _ann(
        "T1\tPerson 0 5\tObama",
        "T2\tPerson 0 5\tWrong",
        "T3\tPerson 5 x\tbad",
        "T4\tPerson 50 900\ttoo far",
        "R1\tSays Arg1:T1 Arg2:T9",
        "E1\tAttribution Source:T1",
        "Q1\twhat",
    )
    doc = parse_ann(ann, TEXT, "bad.ann")
    where = [(p.path, p.line) for p in doc.problems]
    assert where == [
        ("bad.ann", 2),
        ("bad.ann", 3),
        ("bad.ann", 4),
        ("bad.ann", 6),
        ("bad.ann", 7),
        ("bad.ann", 5),
    ]
    assert "does not match" in doc.problems[0].message
    assert set(doc.textbounds) == {"T1", "T2"}
    assert str(doc.problems[0]).startswith("bad.ann:2: ")


def test_quote_kind() -> None:
    assert quote_kind("“We will win,”") == "direct"
    assert quote_kind('  "Fine."') == "direct"
    assert quote_kind("the plan was “dead on arrival”") == "mixed"
    assert quote_kind("that the plan isn't working") == "indirect"


def test_polnear_pieces_share_speaker_and_cue() -> None:
    ann = _ann(
        "T1\tSource 0 5\tObama",
        "T2\tContent 11 26;34 45\t“We will win,” “and soon.”",
        "T3\tCue 6 10\tsaid",
        "T4\tAttribution 6 10\tsaid",
        "E1\tAttribution:T4 Source:T1 Content:T2 Cue:T3",
    )
    rec = read_polnear_doc(ann)
    quotes = [s for s in rec.sorted_spans() if s.label == "QUOTE"]
    assert [rec.span_text(q) for q in quotes] == ["“We will win,”", "“and soon.”"]
    assert all(q.attrs["quote_kind"] == "direct" and q.origin is None for q in quotes)
    for q in quotes:
        rels = {r.label: rec.spans[r.child] for r in rec.relations_of(q.id) if r.head == q.id}
        assert rec.span_text(rels["SPEAKER"]) == "Obama" and rels["SPEAKER"].label == "MENTION"
        assert rec.span_text(rels["CUE"]) == "said"
    # One CUE span, one source span: the pieces are grouped by sharing them.
    assert Counter(s.label for s in rec.spans.values()) == {"QUOTE": 2, "CUE": 1, "MENTION": 1}


def read_polnear_doc(ann: str) -> Record:
    return polnear_record(parse_ann(ann, TEXT, "x.ann"), annotator="ab12")


def test_text_path_and_annotator(tmp_path: Path) -> None:
    (tmp_path / "text").mkdir()
    (tmp_path / "attributions").mkdir()
    (tmp_path / "text" / "story.txt").write_text("Hi\r\nthere", "utf-8", newline="")
    ann = tmp_path / "attributions" / "story_4e07.ann"
    ann.write_text("T1\tSource 4 9\tthere\n", "utf-8")
    assert text_path_for(ann) == tmp_path / "text" / "story.txt"
    assert polnear_annotator(ann) == "4e07"
    doc = read_brat(ann)  # CRLF kept: offsets count the \r
    assert doc.problems == [] and doc.textbounds["T1"].text == "there"


def test_real_polnear_files_map_cleanly() -> None:
    folder = shared_path("data", "polnear", "dev", "attributions")
    schema = default_schema()
    kinds: Counter[str] = Counter()
    n = 0
    for p in iter_ann_files(folder):
        doc = read_brat(p)
        assert doc.problems == [], doc.problems[:3]
        rec = read_polnear(p)
        assert record_problems(schema, rec) == []
        Record.from_dict(rec.to_dict())  # offsets and references hold
        kinds.update(s.attrs["quote_kind"] for s in rec.spans.values() if s.label == "QUOTE")
        n += 1
    assert n == 94
    assert kinds["direct"] > 500 and kinds["indirect"] > 1000


def test_entity_textbounds_become_entity_spans() -> None:
    doc = parse_ann(_ann("T1\tPerson 0 5\tObama", "T2\tLocation 6 10\tsaid", "T3\tOther 11 12\t“"), TEXT)
    rec = polnear_record(doc)
    assert sorted((s.label, rec.span_text(s)) for s in rec.spans.values()) == [
        ("LOC", "said"),
        ("PERSON", "Obama"),
    ]
