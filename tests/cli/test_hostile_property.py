"""Issue 16: malformed records, bytes and files thrown at every command that reads user data.

Whatever the input, each command ends with an exit code (0 or not), never a traceback;
a failure names the input file (and its line where there is one); and an output file
that existed before a failed run is byte for byte what it was. Kept to a few seconds:
small inputs and a small ``max_examples``.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import tempfile
import zlib
from collections.abc import Iterator
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench.cli.main import main

# WB_HOSTILE_EXAMPLES=500 for a long hunt (random, not derandomized); the suite runs 12 fixed ones.
_LONG = int(os.environ.get("WB_HOSTILE_EXAMPLES", "0"))
SETTINGS = settings(
    max_examples=_LONG or 12, deadline=None, derandomize=not _LONG, suppress_health_check=list(HealthCheck)
)
TEXT = "Angela Merkel visited Paris. She said: \u201cWe will help.\u201d"
# The previous output: a valid corpus line (import appends to it), which a failed run must keep.
OLD = b'{"id":"old","text":"The previous output, which a failed run must keep."}\n'

scalars = (
    st.none() | st.booleans() | st.integers(-(10**30), 10**30) | st.floats(allow_nan=True)
    | st.text(max_size=8) | st.sampled_from(["\ud83d", "~", "../../x", "/tmp/ABS", "", "PERSON", "done"])
)  # fmt: skip
values = st.recursive(
    scalars,
    lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=5), c, max_size=3),
    max_leaves=8,
)


@st.composite
def records(draw: st.DrawFn) -> dict:
    """A record-shaped object with any of its parts broken."""
    text = draw(st.sampled_from([TEXT, TEXT + " \ud83d", "", "x"]) | values)
    rec: dict = {"id": draw(st.text(max_size=6) | values), "text": text}
    n = len(text) if isinstance(text, str) else 10
    span = st.fixed_dictionaries(
        {"id": st.text(max_size=3) | values, "start": st.integers(-2, n + 2) | values,
         "end": st.integers(-2, n + 2) | values,
         "label": st.sampled_from(["PERSON", "QUOTE", "GPE"]) | values},
        optional={"attrs": values, "text": values, "origin": values},
    )  # fmt: skip
    for key, strategy in [
        ("spans", st.lists(span, max_size=3) | values),
        ("relations", st.lists(st.dictionaries(st.sampled_from(["id", "head", "child", "label"]), values),
                               max_size=2)),
        ("meta", values), ("doc", values), ("rev", values), ("updated", values), ("status", values),
        ("annotator", values), ("schema", values),
    ]:  # fmt: skip
        if draw(st.booleans()):
            rec[key] = draw(strategy)
    return rec


def _line(obj: dict) -> bytes:
    return json.dumps(obj, allow_nan=True).encode()


lines = (
    records().map(_line)
    | st.binary(max_size=40)
    | records().map(lambda r: _line(r)[: max(1, len(_line(r)) // 2)])  # torn
    | st.sampled_from([b"[" * 5000 + b"]" * 5000, b'{"id":"n","text":"x","rev":' + b"9" * 5000 + b"}", b"{}"])
)
files = st.tuples(st.lists(lines, min_size=1, max_size=4), st.booleans(), st.booleans()).map(
    lambda t: (b"\xef\xbb\xbf" if t[1] else b"") + b"\n".join(t[0]) + (b"\n" if t[2] else b"")
)


def _run(*args: str) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            code = main(list(args))
        except SystemExit as e:  # argparse
            code = int(e.code or 0)
    text = err.getvalue()
    assert "Traceback" not in text, text
    return code, text


def _names_file(err: str, path: Path) -> None:
    """A failure says which file; where it gives a line, as file:line."""
    assert str(path) in err or path.name in err, err
    for m in re.finditer(re.escape(str(path)) + r":(\d+)", err):
        assert int(m.group(1)) >= 1


def _check(code: int, err: str, path: Path, out: Path | None = None) -> None:
    assert isinstance(code, int)
    if code != 0:
        _names_file(err, path)
        if out is not None and out.exists() and out.is_file():
            assert out.read_bytes() == OLD


def _import_appending(fmt: str, given: Path, tmp: Path) -> None:
    """``import --append`` onto an existing corpus: a failed run names the input and keeps the corpus."""
    out = tmp / f"{fmt}.jsonl"
    out.write_bytes(OLD)
    code, err = _run("import", "--format", fmt, str(given), "-o", str(out), "--append")
    _check(code, err, given, out)


@contextlib.contextmanager
def _input_file(data: bytes) -> Iterator[Path]:
    """``data`` as ``in.jsonl`` in a fresh folder (hypothesis runs many examples per test)."""
    with tempfile.TemporaryDirectory() as tmp:
        f = Path(tmp) / "in.jsonl"
        f.write_bytes(data)
        yield f


@SETTINGS
@given(data=files)
def test_import_validate_stats_eval(data: bytes) -> None:
    with _input_file(data) as f:
        for fmt in ("jsonl", "prodigy", "doccano", "newsmtsc", "articles"):
            _import_appending(fmt, f, f.parent)
        for cmd in (["validate", str(f)], ["stats", str(f)], ["eval", str(f), str(f)]):
            code, err = _run(*cmd)
            _check(code, err, f)


@SETTINGS
@given(data=files, text=st.binary(max_size=60))
def test_import_other_tools_files(data: bytes, text: bytes) -> None:
    """The same bytes as a CoNLL file, a brat pair, a spaCy DocBin (raw and compressed)."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "tools-input"
        folder.mkdir()
        (folder / "a.conll").write_bytes(data)
        (folder / "a.ann").write_bytes(data)
        (folder / "a.txt").write_bytes(text)
        (folder / "a.spacy").write_bytes(data)
        (folder / "b.spacy").write_bytes(zlib.compress(data))
        for fmt in ("conll", "brat", "polnear", "spacy"):
            _import_appending(fmt, folder, Path(tmp))


@SETTINGS
@given(data=files)
def test_export_every_format(data: bytes) -> None:
    from workbench.io.interop.registry import EXPORTERS, OUTPUT_SUFFIX

    with _input_file(data) as f:
        for fmt in EXPORTERS:
            out = f.parent / f"out-{fmt}{OUTPUT_SUFFIX.get(fmt, '')}"
            if fmt in OUTPUT_SUFFIX:
                out.write_bytes(OLD)
            code, err = _run("export", str(f), "-f", fmt, "-o", str(out))
            _check(code, err, f, out)


@SETTINGS
@given(data=files, other=st.binary(max_size=60))
def test_add_and_preannotate_on_tiny_input(data: bytes, other: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "P"
        assert _run("init", str(root))[0] == 0
        arts = Path(tmp) / "arts"
        arts.mkdir()
        (arts / "a.jsonl").write_bytes(data)
        (arts / "b.txt").write_bytes(other)
        (arts / "c.html").write_bytes(other)
        corpus = root / "corpus.jsonl"
        before = corpus.read_bytes() if corpus.exists() else None
        code, err = _run("add", str(root), str(arts))
        if code != 0:
            assert "a.jsonl" in err or "b.txt" in err or "c.html" in err, err
            assert (corpus.read_bytes() if corpus.exists() else None) == before
        out = Path(tmp) / "pre.jsonl"
        code, err = _run("preannotate", str(arts / "a.jsonl"), "-o", str(out))
        _check(code, err, arts / "a.jsonl")
