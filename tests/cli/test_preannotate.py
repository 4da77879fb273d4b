"""``workbench preannotate``: real files, resume, torn output, failures, Ctrl-C, worker processes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import REPO, shared_path
from workbench.cli.main import main
from workbench.core.checks import record_problems
from workbench.core.record import Record, Span
from workbench.core.schema import default_schema
from workbench.io.jsonl import LineError, read_jsonl


def records(path: Path) -> list[Record]:
    out = []
    for item in read_jsonl(path):
        assert not isinstance(item, LineError), str(item)
        out.append(Record.from_dict(item[1]))
    return out


@pytest.fixture
def inputs(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    seed = shared_path("seed", "000_bab8e4e99eda0806.txt")
    (folder / "seed.txt").write_text(seed.read_text("utf-8"), "utf-8")
    texts = sorted(shared_path("data", "polnear", "dev", "text").glob("*.txt"))[:2]
    for t in texts:
        (folder / t.name).write_text(t.read_text("utf-8"), "utf-8")
    (folder / "empty.txt").write_text("", "utf-8")
    return folder


def test_preannotates_resumes_and_reports(
    inputs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out.jsonl"
    assert main(["preannotate", str(inputs), "-o", str(out), "--batch-size", "2"]) == 0
    err = capsys.readouterr().err
    assert "spaCy model" in err and "3 articles pre-annotated" in err
    assert "empty.txt" in err  # the empty article is reported, not written
    recs = records(out)
    assert len(recs) == 3
    schema = default_schema()
    for r in recs:
        assert record_problems(schema, r) == []
        assert r.meta["preannotation"]["trained"] is True
        assert any(s.label == "QUOTE" for s in r.spans.values())
    # resume: nothing new, nothing duplicated
    assert main(["preannotate", str(inputs), "-o", str(out)]) == 0
    assert "0 articles pre-annotated" in capsys.readouterr().err
    assert len(records(out)) == 3


def test_torn_last_line_is_set_aside_before_appending(
    inputs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out.jsonl"
    assert main(["preannotate", str(inputs), "-o", str(out)]) == 0
    lines = out.read_bytes().splitlines(keepends=True)
    out.write_bytes(b"".join(lines[:2]) + lines[2][:50])  # a writer killed mid-line
    capsys.readouterr()
    assert main(["preannotate", str(inputs), "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert "incomplete last line set aside" in err and "1 articles pre-annotated" in err
    assert len(records(out)) == 3
    assert list(tmp_path.glob("out.jsonl.bad-*"))


def test_user_mistakes_are_clear(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "o.jsonl"
    assert main(["preannotate", str(tmp_path / "missing"), "-o", str(out)]) == 2
    assert "no such file or folder" in capsys.readouterr().err
    (tmp_path / "a.txt").write_text("Hello there.", "utf-8")
    assert main(["preannotate", str(tmp_path / "a.txt"), "-o", str(out), "--model", "no_such_model_q"]) == 2
    err = capsys.readouterr().err
    assert "no_such_model_q" in err and "Traceback" not in err


def test_existing_records_keep_peoples_spans(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = "“We are ready,” said Jane Smith in Paris."
    rec = Record.new(text)
    rec.spans["s1"] = Span("s1", 21, 31, "ORG")
    src = tmp_path / "corpus.jsonl"
    src.write_text(json.dumps(rec.to_dict()) + "\n", "utf-8")
    out = tmp_path / "out.jsonl"
    assert main(["preannotate", str(src), "-o", str(out)]) == 0
    (got,) = records(out)
    assert got.spans["s1"].label == "ORG" and got.spans["s1"].origin is None
    assert any(s.label == "QUOTE" for s in got.spans.values())


def test_two_processes_give_the_same_records(inputs: Path, tmp_path: Path) -> None:
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    assert main(["preannotate", str(inputs), "-o", str(one), "--quiet"]) == 0
    assert (
        main(["preannotate", str(inputs), "-o", str(two), "--quiet", "--n-process", "2", "--batch-size", "1"])
        == 0
    )
    a = {r.id: r.to_dict() for r in records(one)}
    b = {r.id: r.to_dict() for r in records(two)}
    assert a == b and len(a) == 3


# Ctrl+C lands once the first batch of 8 is written (polled every 20 ms), nine batches before the
# end: enough that the run is still going on a loaded machine, few enough for a quick resume.
ARTICLES = 80


def test_ctrl_c_leaves_valid_output_and_resume_finishes(tmp_path: Path) -> None:
    texts = sorted(shared_path("data", "polnear", "dev", "text").glob("*.txt"))
    corpus = tmp_path / "corpus.jsonl"
    with open(corpus, "w", encoding="utf-8") as fh:
        for i in range(ARTICLES):
            body = texts[i % len(texts)].read_text("utf-8")[:400]
            fh.write(json.dumps({"text": f"Story {i}. {body}"}) + "\n")
    out = tmp_path / "out.jsonl"
    cmd = [sys.executable, "-m", "workbench", "preannotate", str(corpus), "-o", str(out), "--batch-size", "8"]
    env = dict(os.environ, PYTHONPATH=str(REPO))
    # Ctrl+C must reach the command even when the suite runs as a background job, where the
    # shell starts it with SIGINT ignored (and Python then never raises KeyboardInterrupt).
    proc = subprocess.Popen(
        cmd,
        cwd=REPO,
        env=env,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and (not out.exists() or out.stat().st_size < 5_000):
        time.sleep(0.02)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "interrupted" in err and "Traceback" not in err
    first = records(out)  # every line whole and valid
    assert 0 < len(first) < ARTICLES
    # the resume in this process: what it tests is the file the killed one left, not a second start-up
    assert main(["preannotate", str(corpus), "-o", str(out), "--batch-size", "8", "--quiet"]) == 0
    final = records(out)
    assert len(final) == ARTICLES and len({r.id for r in final}) == ARTICLES
