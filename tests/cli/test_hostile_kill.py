"""Issue 16: kill -9 ``add``, ``import`` and every export at random moments: the old output or the new one.

Each trial forks a child that runs the command exactly as ``workbench ...`` does (the
parent already imported everything, so the child starts writing at once and the random
kill moments fall across the actual work, not the interpreter's start-up), and SIGKILLs
it after a random delay between 0 and a little more than a full run takes. Afterwards
the output must be byte for byte the previous one or the complete new one (measured on
an uninterrupted run), never a mix, and the next uninterrupted run leaves no temp file
or half-built folder behind.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import signal
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from workbench.cli.main import main
from workbench.core.record import Record
from workbench.io.interop.registry import EXPORTERS, OUTPUT_SUFFIX
from workbench.io.jsonl import write_jsonl

# Kills per command in the suite. Every exporter writes through the same atomic folder/file
# code, so each format needs fewer; ``KILL_TRIALS=100 sh bench/kill_store.sh`` runs more of each.
KILLS = int(os.environ.get("KILL_TRIALS", "12"))
EXPORT_KILLS = int(os.environ.get("KILL_TRIALS", "6"))
pytestmark = pytest.mark.slow


@pytest.fixture(autouse=True)
def _own_temp_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The runs (and the killed ones, forked from here) use a temp folder of their own, left empty."""
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))
    yield tmp
    assert sorted(p.name for p in tmp.iterdir()) == []  # a killed run left nothing in the temp folder


def _child(args: list[str]) -> int:
    """Fork ``workbench ARGS``; returns the pid. The child's output goes to /dev/null."""
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        try:
            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, 1)
            os.dup2(null, 2)
            code = main(args)
        except BaseException:  # noqa: BLE001
            code = 99
        os._exit(code)
    return pid


def _timed(args: list[str]) -> float:
    start = time.monotonic()
    _, status = os.waitpid(_child(args), 0)
    assert os.waitstatus_to_exitcode(status) == 0, args
    return time.monotonic() - start


def _snapshot(path: Path) -> dict[str, bytes] | None:
    """The bytes of a file, or of every file of a folder (the export mark aside); None if absent."""
    if path.is_file():
        return {"": path.read_bytes()}
    if not path.is_dir():
        return None
    return {
        str(p.relative_to(path)): p.read_bytes()
        for p in sorted(path.rglob("*"))
        if p.is_file() and p.name != ".workbench-export"
    }


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def _kill_trials(
    args: list[str],
    out: Path,
    reset: Callable[[], None],
    rng: random.Random,
    kills: int = KILLS,
    snapshot: Callable[[Path], dict[str, bytes] | None] = _snapshot,
) -> tuple[int, int]:
    """Kill ``args`` ``kills`` times; returns (kept old, found new). Asserts nothing else is seen."""
    reset()
    old = snapshot(out)
    full = _timed(args)
    new = snapshot(out)
    assert new != old
    seen_old = seen_new = 0
    for _ in range(kills):
        reset()
        pid = _child(args)
        time.sleep(rng.uniform(0, full * 1.2))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        got = snapshot(out)
        assert got in (old, new), f"a mix after a kill: {sorted(got or {})[:5]}"
        seen_old += got == old
        seen_new += got == new
    reset()
    _timed(args)  # the next whole run cleans what the killed ones left
    assert _leftovers(out.parent) == []
    return seen_old, seen_new


def _corpus(path: Path, n: int, tag: str) -> Path:
    recs = []
    for i in range(n):
        text = f"Story {tag} {i}: Angela Merkel visited Paris. She said: \u201cWe will help.\u201d " * 20
        rec = Record.new(text)
        d = rec.to_dict()
        d["spans"] = [
            {"id": "s1", "start": 0, "end": 5, "label": "PERSON", "attrs": {"sentiment": "negative"}}
        ]
        d["status"] = "done"
        recs.append(d)
    write_jsonl(path, recs)
    return path


# Articles in the new export: enough that a run takes a while and most kills land mid-write. A
# spaCy DocBin costs about ten times the others per article (msgpack per doc), so it needs half.
EXPORT_ARTICLES = {"spacy": 100}


@pytest.mark.parametrize("fmt", sorted(EXPORTERS))
def test_killed_export_leaves_old_or_new(tmp_path: Path, fmt: str) -> None:
    old_corpus = _corpus(tmp_path / "old.jsonl", 5, "old")
    corpus = _corpus(tmp_path / "new.jsonl", EXPORT_ARTICLES.get(fmt, 200), "new")
    work = tmp_path / "w"
    work.mkdir()
    out = work / f"out{OUTPUT_SUFFIX.get(fmt, '')}"
    assert main(["export", str(old_corpus), "-f", fmt, "-o", str(out)]) == 0
    saved = tmp_path / "saved"
    (shutil.copytree if out.is_dir() else shutil.copy2)(out, saved)

    def reset() -> None:
        if out.is_dir():
            shutil.rmtree(out)
        elif out.exists():
            out.unlink()
        (shutil.copytree if saved.is_dir() else shutil.copy2)(saved, out)

    old, new = _kill_trials(
        ["export", str(corpus), "-f", fmt, "-o", str(out)], out, reset, random.Random(fmt), EXPORT_KILLS
    )
    assert old + new == EXPORT_KILLS
    # seen when run with -s: how the random moments fell (both kinds show the kills land mid-run)
    os.write(2, f"\n{fmt}: {old} kills left the old export, {new} found the new one\n".encode())


def test_killed_split_export_never_mixes_splits(tmp_path: Path) -> None:
    old_corpus = _corpus(tmp_path / "old.jsonl", 6, "old")
    corpus = _corpus(tmp_path / "new.jsonl", 80, "new")
    work = tmp_path / "w"
    work.mkdir()
    out = work / "out"
    args = ["-f", "spacy", "-o", str(out), "--split", "80/10/10"]
    assert main(["export", str(old_corpus), *args]) == 0
    saved = tmp_path / "saved"
    shutil.copytree(out, saved)

    def reset() -> None:
        shutil.rmtree(out, ignore_errors=True)
        shutil.copytree(saved, out)

    _kill_trials(["export", str(corpus), *args], out, reset, random.Random(7))


def test_killed_import_leaves_old_or_new(tmp_path: Path) -> None:
    arts = tmp_path / "arts"
    arts.mkdir()
    for i in range(300):
        (arts / f"a{i:03d}.txt").write_text(f"Story {i}: Angela Merkel visited Paris. " * 30, "utf-8")
    out = tmp_path / "w" / "corpus.jsonl"
    out.parent.mkdir()
    old = _corpus(tmp_path / "old.jsonl", 3, "old").read_bytes()

    def reset() -> None:
        out.write_bytes(old)

    _kill_trials(["import", str(arts), "-o", str(out), "--append"], out, reset, random.Random(3))


def test_killed_add_leaves_old_or_new(tmp_path: Path) -> None:
    root = tmp_path / "P"
    assert main(["init", str(root)]) == 0
    first = tmp_path / "first"
    first.mkdir()
    (first / "a.txt").write_text("The first story, about Berlin and its mayor.", "utf-8")
    assert main(["add", str(root), str(first)]) == 0
    old = (root / "corpus.jsonl").read_bytes()
    arts = tmp_path / "arts"
    arts.mkdir()
    for i in range(150):
        words = " ".join(f"w{i}x{j}" for j in range(60))  # distinct: no near-duplicates
        (arts / f"a{i:03d}.txt").write_text(f"Story {i} about Paris. {words}", "utf-8")
    out = root / "corpus.jsonl"

    def reset() -> None:
        out.write_bytes(old)

    _kill_trials(["add", str(root), str(arts)], out, reset, random.Random(5))
    assert not [p for p in root.iterdir() if p.name.endswith(".tmp")]


def _annotator_file(path: Path, annotator: str, n: int, tag: str) -> Path:
    recs = []
    for i in range(n):
        rec = Record.new(
            f"Story {tag} {i}: Angela Merkel visited Paris. She said: \u201cWe will help.\u201d " * 10
        )
        d = rec.to_dict()
        label = "PERSON" if (i + len(annotator)) % 3 else "ORG"  # some conflicts, some agreement
        d["spans"] = [{"id": "s1", "start": 0, "end": 5, "label": label}]
        d.update(status="done", annotator=annotator, schema="news@1")
        recs.append(d)
    write_jsonl(path, recs)
    return path


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_killed_merge_leaves_old_or_new(tmp_path: Path, jobs: str) -> None:
    """With workers too: their part files go through a hidden folder that the next run sweeps."""
    inputs = [_annotator_file(tmp_path / f"{a}.jsonl", a, 600, "new") for a in ("alice", "bob")]
    old_inputs = [_annotator_file(tmp_path / f"old-{a}.jsonl", a, 4, "old") for a in ("alice", "bob")]
    work = tmp_path / "w"
    work.mkdir()
    out = work / "merged.jsonl"
    assert main(["merge", *map(str, old_inputs), "-o", str(out)]) == 0
    saved = out.read_bytes()
    stamp = re.compile(rb'"merged":"[^"]*"')  # when the merge ran: the one thing two runs differ in

    def reset() -> None:
        out.write_bytes(saved)

    def without_stamp(path: Path) -> dict[str, bytes] | None:
        return {"": stamp.sub(b"", path.read_bytes())} if path.exists() else None

    args = ["merge", *map(str, inputs), "-o", str(out), "--jobs", jobs]
    old, new = _kill_trials(args, out, reset, random.Random(int(jobs)), snapshot=without_stamp)
    os.write(2, f"\nmerge --jobs {jobs}: {old} kills left the old file, {new} found the new one\n".encode())
    assert not [p for p in work.iterdir() if ".parts-" in p.name]
