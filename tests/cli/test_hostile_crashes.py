"""Issue 16, items 8-12: real Prodigy data, malformed records, odd texts and inconsistencies.

Each bad input ends in a message naming its file (and line), never a traceback, and the
rest of the input is still processed.
"""

from __future__ import annotations

import json
import zlib
from pathlib import Path

import pytest

from workbench.cli.main import main
from workbench.io.interop.prodigy import import_prodigy
from workbench.io.jsonl import write_jsonl

TEXT = "Angela Merkel visited Paris."
GOOD = {
    "id": "good",
    "text": TEXT,
    "spans": [{"id": "s1", "start": 0, "end": 13, "label": "PERSON", "text": "Angela Merkel"}],
    "status": "done",
}
FORMATS = ["jsonl", "prodigy", "conll", "spacy", "hf", "brat", "doccano", "newsmtsc"]


_N = iter(range(1000))


def _bad(**kw: object) -> dict:
    """A record with its own id (repeated ids: the later line wins) and one fault."""
    return {**GOOD, "id": f"bad{next(_N)}", "text": "Another story about Berlin.", "spans": [], **kw}


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


# 8. Prodigy relations: character offsets win over disagreeing token indices ------------------------
def test_prodigy_token_index_mismatch_is_a_warning_not_a_loss(tmp_path: Path) -> None:
    text = "Apple hired Tim Cook in Cupertino ."
    toks = [(0, 5), (6, 11), (12, 15), (16, 20), (21, 23), (24, 33), (34, 35)]
    tokens = [{"text": text[s:e], "start": s, "end": e, "id": i, "ws": True} for i, (s, e) in enumerate(toks)]
    org = {"start": 0, "end": 5, "token_start": 0, "token_end": 0, "label": "ORG"}
    per = {"start": 12, "end": 20, "token_start": 2, "token_end": 3, "label": "PERSON"}
    # as in spaCy's rel_component data: the relation's spans carry token indices one off
    rel = {
        "head": 0, "child": 3, "label": "EMPLOYS",
        "head_span": {**org, "token_start": 1, "token_end": 1},
        "child_span": {**per, "token_start": 3, "token_end": 9},
    }  # fmt: skip
    f = tmp_path / "rel.jsonl"
    f.write_text(json.dumps({"text": text, "tokens": tokens, "spans": [org, per], "relations": [rel]}) + "\n")
    items = list(import_prodigy(f))
    recs = [i for i in items if hasattr(i, "spans")]
    warnings = [str(i) for i in items if not hasattr(i, "spans")]
    assert len(recs) == 1 and len(recs[0].relations) == 1
    (r,) = recs[0].relations.values()
    assert recs[0].spans[r.head].end == 5 and recs[0].spans[r.child].start == 12
    assert len(warnings) == 2 and all(w.startswith(f"{f}:1: warning:") for w in warnings)
    assert "character offsets are kept" in warnings[0]


# 9. one malformed record aborts nothing ------------------------------------------------------------
MALFORMED = {
    "meta a list": _bad(meta=[1, 2]),
    "doc a list": _bad(doc=[1]),
    "rev a string": _bad(rev="x"),
    "attrs a list": _bad(spans=[{"id": "s1", "start": 0, "end": 7, "label": "PERSON", "attrs": [1]}]),
}
RAW_LINES = {
    "rev NaN": json.dumps(_bad())[:-1] + ',"rev":NaN}',
    "100,000-deep value": '{"id":"deep","text":"x","meta":' + "[" * 100_000 + "]" * 100_000 + "}",
    "5,000-digit integer": json.dumps(_bad())[:-1] + ',"rev":' + "9" * 5000 + "}",
}


CASES = [json.dumps(v) for v in MALFORMED.values()] + list(RAW_LINES.values())
# The record format lets an attribute hold any value; exporters must cope with one of another type.
ODD_ATTR = _bad(spans=[{"id": "s1", "start": 0, "end": 7, "label": "PERSON", "attrs": {"sentiment": [1, 2]}}])


def test_malformed_records_are_named_and_the_rest_processed(tmp_path: Path, capsys) -> None:  # noqa: ANN001
    """Every malformed kind on a line of its own, after one good record: each command names lines 2-9."""
    f = tmp_path / "in.jsonl"
    f.write_text("".join(line + "\n" for line in [json.dumps(GOOD), *CASES, json.dumps(ODD_ATTR)]), "utf-8")
    lines = [f"{f}:{n}:" for n in range(2, 2 + len(CASES))]
    for fmt in FORMATS:
        code, out, err = _run(capsys, "export", str(f), "-f", fmt, "-o", str(tmp_path / f"out-{fmt}"))
        written = "wrote 0 records" if fmt == "newsmtsc" else "wrote 2 records"  # newsmtsc: targets only
        assert code == 0 and written in out and all(w in err for w in lines), (fmt, err)
    code, _, err = _run(capsys, "import", "--format", "jsonl", str(f), "-o", str(tmp_path / "imp.jsonl"))
    assert code == 0 and "2 imported" in err and all(w in err for w in lines), err
    code, out, err = _run(capsys, "stats", str(f))
    assert code == 1 and all(w in err for w in lines), err
    assert _run(capsys, "validate", str(f))[0] == 1
    code, _, err = _run(capsys, "eval", str(f), str(f))
    assert code == 0 and all(w in err for w in lines), err


def test_the_annotator_store_opens_past_deep_and_huge_values(tmp_path: Path) -> None:
    from workbench.io.store import AnnotatorStore

    f = tmp_path / "alice.jsonl"
    f.write_text(
        json.dumps(GOOD)
        + "\n"
        + RAW_LINES["100,000-deep value"]
        + "\n"
        + RAW_LINES["5,000-digit integer"]
        + "\n"
    )
    store = AnnotatorStore(f, "alice")
    try:
        # The open only indexes lines written the workbench's way (decision 0020): these two
        # are found when read, then every line is walked and the bad ones reported, never fatal.
        assert store.raw("good") == GOOD
        assert store.raw("deep") is None and store.get("deep") is None
        assert len(store.report.errors) == 2 and store.report.records == 1
        assert {e.line for e in store.report.errors} == {2, 3}
    finally:
        store.close()
    assert [json.loads(line)["id"] for line in f.read_text().splitlines()] == ["good"]  # set aside


def test_a_binary_ann_is_a_problem_and_the_other_pairs_import(tmp_path: Path, capsys) -> None:  # noqa: ANN001
    folder = tmp_path / "brat"
    folder.mkdir()
    (folder / "a.txt").write_text(TEXT, "utf-8")
    (folder / "a.ann").write_text("T1\tPERSON 0 13\tAngela Merkel\n", "utf-8")
    (folder / "b.txt").write_text(TEXT + " Again.", "utf-8")
    (folder / "b.ann").write_bytes(b"\x89PNG\r\n\x1a\n\x00\xff\xfe" + bytes(range(256)))
    code, _, err = _run(capsys, "import", "--format", "brat", str(folder), "-o", str(tmp_path / "c.jsonl"))
    assert code == 0 and "1 imported" in err and f"{folder / 'b.ann'}: not UTF-8" in err


# 10. texts that validate must export -------------------------------------------------------------
@pytest.mark.parametrize("fmt", FORMATS)
def test_a_lone_surrogate_exports_as_replacement_character(tmp_path: Path, capsys, fmt: str) -> None:  # noqa: ANN001
    f = tmp_path / "in.jsonl"
    f.write_text(json.dumps({**GOOD, "text": "Angela Merkel visited Paris \ud83d."}) + "\n")
    assert _run(capsys, "validate", str(f))[0] in (0, 1)
    out = tmp_path / "out"
    code, _, err = _run(capsys, "export", str(f), "-f", fmt, "-o", str(out))
    assert code == 0 and "U+FFFD" in err
    files = [out] if out.is_file() else [p for p in out.rglob("*") if p.is_file()]
    assert files and all(p.stat().st_size for p in files if p.suffix in (".txt", ".ann", ".jsonl", ".conll"))


@pytest.mark.parametrize("fmt", ["spacy", "conll", "prodigy", "hf"])
def test_a_text_over_spacy_max_length_exports(tmp_path: Path, fmt: str) -> None:
    """The 30 MB text of the issue failed on spaCy's 1,000,000-character ``max_length``; just over it
    fails the same way and keeps the test quick."""
    from workbench.core.record import Record
    from workbench.core.schema import load_schema
    from workbench.io.interop.registry import EXPORTERS

    rec = Record.new("Angela Merkel visited Paris. " * 36_000)  # 1.04 M characters
    report = EXPORTERS[fmt]([rec], load_schema(None), tmp_path / "out")
    assert report.records == 1


# 11. agreement --html with "~" in a name; hand-made DocBins ----------------------------------------
def test_agreement_html_with_a_tilde_in_a_name(tmp_path: Path, capsys) -> None:  # noqa: ANN001
    files = []
    for ann in ("al~ice", "b~o~b"):
        rec = {**GOOD, "annotator": ann, "schema": "news@1"}
        files.append(tmp_path / f"{ann}.jsonl")
        write_jsonl(files[-1], [rec])
    code, _, err = _run(capsys, "agreement", *map(str, files), "--html", str(tmp_path / "r.html"))
    assert code == 0, err
    assert "al~ice" in (tmp_path / "r.html").read_text()


def _docbin(msg: dict) -> bytes:
    import srsly

    return zlib.compress(srsly.msgpack_dumps(msg))


def _hand_made() -> dict[str, bytes]:
    import numpy

    base = {
        "attrs": [65, 73], "tokens": numpy.zeros((2, 2), dtype="uint64").tobytes(),
        "spaces": numpy.ones(2, dtype=bool).tobytes(), "lengths": numpy.array([2], dtype="int32").tobytes(),
        "strings": ["a", "b"], "cats": [{}], "flags": [{}],
    }  # fmt: skip
    return {
        "unknown attribute ids": _docbin({**base, "attrs": [999999, 123456]}),
        "lengths beyond the tokens": _docbin({**base, "lengths": numpy.array([9], dtype="int32").tobytes()}),
        "attrs not a list": _docbin({**base, "attrs": "ORTH"}),
        "no attrs": _docbin({k: v for k, v in base.items() if k != "attrs"}),
        "user data not msgpack": _docbin({**base, "user_data": [b"\xc1\xc1"]}),
        "not msgpack": zlib.compress(b"\xc1" * 10),
    }


@pytest.mark.parametrize("name", list(_hand_made()))
def test_hand_made_docbins_are_problems(tmp_path: Path, capsys, name: str) -> None:  # noqa: ANN001
    f = tmp_path / "odd.spacy"
    f.write_bytes(_hand_made()[name])
    code, _, err = _run(capsys, "import", "--format", "spacy", str(f), "-o", str(tmp_path / "c.jsonl"))
    assert code in (0, 1) and str(f) in err


# 12. inconsistencies --------------------------------------------------------------------------------
@pytest.mark.parametrize("bad", [{"rev": -1}, {"updated": 5}, {"doc": {"sentiment": 5}}], ids=str)
def test_import_refuses_what_validate_refuses(tmp_path: Path, capsys, bad: dict) -> None:  # noqa: ANN001
    f = tmp_path / "in.jsonl"
    f.write_text(json.dumps({**GOOD, **bad}) + "\n")
    code, _, err = _run(capsys, "import", "--format", "jsonl", str(f), "-o", str(tmp_path / "c.jsonl"))
    assert code != 0 and f"{f}:1:" in err and "0 problems" not in err
    assert not (tmp_path / "c.jsonl").exists()


def test_stats_names_invalid_records_and_exits_non_zero(tmp_path: Path, capsys) -> None:  # noqa: ANN001
    f = tmp_path / "in.jsonl"
    f.write_text(json.dumps(GOOD) + "\n" + json.dumps({**GOOD, "id": "x", "rev": -1}) + "\n")
    code, out, err = _run(capsys, "stats", str(f))
    assert code == 1 and f"{f}:2: invalid record: $.rev" in err
    assert "documents" in out  # the figures are still given


def test_a_bom_is_read_alike_by_validate_stats_and_export(tmp_path: Path, capsys) -> None:  # noqa: ANN001
    f = tmp_path / "bom.jsonl"
    f.write_bytes(b"\xef\xbb\xbf" + json.dumps(GOOD).encode() + b"\n")
    code, out, _ = _run(capsys, "stats", str(f), "--json")
    assert code == 0 and json.loads(out)["documents"] == 1
    code, _, _ = _run(capsys, "export", str(f), "-f", "jsonl", "-o", str(tmp_path / "o.jsonl"))
    assert code == 0 and len((tmp_path / "o.jsonl").read_text().splitlines()) == 1


def test_preannotate_names_duplicates_by_text_and_their_ids(tmp_path: Path, capsys) -> None:  # noqa: ANN001
    f = tmp_path / "in.jsonl"
    rows = [{"id": "A-1", "text": TEXT}, {"id": "A-2", "text": TEXT}, {"id": "B", "text": "Another story."}]
    f.write_text("".join(json.dumps(r) + "\n" for r in rows))
    code, _, err = _run(capsys, "preannotate", str(f), "-o", str(tmp_path / "out.jsonl"))
    assert code == 0
    assert f"{f}:2 (id A-2): duplicate: same text as {f}:1 (id A-1)" in err
    assert "already done" not in err.split("\n")[-3] or "0 already done" in err
    assert len((tmp_path / "out.jsonl").read_text().splitlines()) == 2
