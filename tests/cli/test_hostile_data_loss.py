"""Issue 16, data loss items 5-7: a full disk, two runs at once or a kill never tear a shared file."""

from __future__ import annotations

import contextlib
import fcntl
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from workbench.cli.main import main
from workbench.core.record import Record
from workbench.core.schema import load_schema
from workbench.io.interop.registry import EXPORTERS
from workbench.io.jsonl import iter_records, write_jsonl

SCHEMA = load_schema(None)


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 1 MB file system (tmpfs), where mounting is allowed (root); skipped elsewhere."""
    disk = tmp_path / "disk"
    disk.mkdir()
    res = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(disk)], capture_output=True)
    if res.returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (needs root)")
    try:
        yield disk
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)


def _articles(folder: Path, n: int, size: int = 0, tag: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        words = " ".join(f"w{tag}{i}x{j}" for j in range(size // 8))
        (folder / f"a{i:03d}.txt").write_text(f"Story {tag} number {i} about Paris. {words}", "utf-8")
    return folder


def _fill(disk: Path, leave: int) -> None:
    """Fill ``disk`` to ``leave`` bytes of free space."""
    st = os.statvfs(disk)
    free = st.f_bavail * st.f_frsize
    with open(disk / "ballast", "wb") as fh:
        fh.write(b"\0" * max(0, free - leave))


# 5. add: full disk and two at once ---------------------------------------------------------------
def test_add_on_a_full_disk_leaves_the_corpus_whole(small_disk: Path, tmp_path: Path, capsys) -> None:  # noqa: ANN001
    root = small_disk / "P"
    assert main(["init", str(root)]) == 0
    assert main(["add", str(root), str(_articles(tmp_path / "a", 3))]) == 0
    before = (root / "corpus.jsonl").read_bytes()
    _fill(small_disk, 8 * 1024)
    capsys.readouterr()
    code = main(["add", str(root), str(_articles(tmp_path / "b", 5, 4000, "b"))])
    err = capsys.readouterr().err
    assert code != 0 and "Traceback" not in err
    assert "corpus.jsonl" in err and "No space left" in err and "None" not in err, err
    assert (root / "corpus.jsonl").read_bytes() == before
    assert not [p for p in root.iterdir() if p.name.endswith(".tmp")]
    (small_disk / "ballast").unlink()
    assert main(["add", str(root), str(tmp_path / "b")]) == 0  # the next add lands whole, on its own lines
    ids = [item[3] for item in iter_records(root / "corpus.jsonl")]
    assert len(ids) == 8 == len(set(ids))


def test_import_and_export_on_a_full_disk_name_the_file(small_disk: Path, tmp_path: Path, capsys) -> None:  # noqa: ANN001
    corpus = small_disk / "corpus.jsonl"
    assert main(["import", str(_articles(tmp_path / "a", 2)), "-o", str(corpus)]) == 0
    before = corpus.read_bytes()
    _fill(small_disk, 8 * 1024)
    capsys.readouterr()
    code = main(["import", str(_articles(tmp_path / "b", 5, 4000, "b")), "-o", str(corpus), "--append"])
    err = capsys.readouterr().err
    assert code != 0 and "Traceback" not in err and "None" not in err
    assert str(corpus) in err and "No space left" in err
    assert corpus.read_bytes() == before
    big = tmp_path / "big.jsonl"
    write_jsonl(big, [Record.new(f"Story {i} " + "word " * 2000).to_dict() for i in range(5)])
    for fmt in ("jsonl", "brat", "spacy"):
        code = main(["export", str(big), "-f", fmt, "-o", str(small_disk / f"out-{fmt}")])
        err = capsys.readouterr().err
        assert code != 0 and "Traceback" not in err and "None" not in err, err
        assert "No space left" in err and f"out-{fmt}" in err
        assert not [p.name for p in small_disk.iterdir() if p.name.startswith(".")]


def test_two_adds_at_once_never_duplicate_the_corpus(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    root = tmp_path / "P"
    assert main(["init", str(root)]) == 0
    arts = _articles(tmp_path / "a", 40)
    cmd = [sys.executable, "-m", "workbench", "add", str(root), str(arts)]
    procs = [subprocess.Popen(cmd, env=env, stderr=subprocess.PIPE, text=True) for _ in range(3)]
    errs = [p.communicate(timeout=120)[1] for p in procs]
    assert all("Traceback" not in e for e in errs), errs
    ids = Counter(item[3] for item in iter_records(root / "corpus.jsonl"))
    assert len(ids) == 40 and set(ids.values()) == {1}
    refused = [e for e in errs if "another add is running" in e]
    assert all("pid" in e for e in refused)


def test_add_ends_a_torn_last_line_before_appending(tmp_path: Path) -> None:
    root = tmp_path / "P"
    assert main(["init", str(root)]) == 0
    with open(root / "corpus.jsonl", "ab") as fh:
        fh.write(b'{"id":"torn","text":"half a rec')
    assert main(["add", str(root), str(_articles(tmp_path / "a", 2))]) == 0
    good = [item for item in iter_records(root / "corpus.jsonl") if isinstance(item, tuple)]
    assert len(good) == 2  # the torn line stays a bad line of its own; no article glued to it


# 6. folder exports are swapped in whole -----------------------------------------------------------
def _recs(n: int, tag: str = "") -> list[Record]:
    return [Record.new(f"Story {tag}{i} about Paris .") for i in range(n)]


@pytest.mark.parametrize("fmt", ["spacy", "brat", "hf"])
def test_fewer_records_leave_no_stale_documents(tmp_path: Path, fmt: str) -> None:
    out = tmp_path / "out"
    EXPORTERS[fmt](_recs(6, "old"), SCHEMA, out)
    EXPORTERS[fmt](_recs(2, "new"), SCHEMA, out)
    if fmt == "brat":
        assert len(list(out.glob("*.ann"))) == 2 and (out / "annotation.conf").is_file()
        assert not any("old" in p.read_text() for p in out.glob("*.txt"))
    if fmt == "spacy":
        assert [p.name for p in out.glob("*.spacy")] == ["000.spacy"]
    if fmt == "hf":
        assert len((out / "ner.jsonl").read_text().splitlines()) == 2


@pytest.mark.parametrize("fmt", ["spacy", "brat", "hf"])
def test_a_failing_export_leaves_the_previous_folder_intact(tmp_path: Path, fmt: str) -> None:
    out = tmp_path / "out"
    EXPORTERS[fmt](_recs(3, "old"), SCHEMA, out)
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}

    def failing() -> Iterator[Record]:
        yield from _recs(2, "new")
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError):
        EXPORTERS[fmt](failing(), SCHEMA, out)
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before
    assert [p.name for p in tmp_path.iterdir()] == ["out"]  # the half-built folder is gone


def test_export_refuses_to_replace_a_folder_it_did_not_write(tmp_path: Path, capsys) -> None:  # noqa: ANN001
    corpus = tmp_path / "corpus.jsonl"
    write_jsonl(corpus, [r.to_dict() for r in _recs(2)])
    assert main(["export", str(corpus), "-f", "brat", "-o", str(tmp_path)]) == 2
    assert "replaces its whole folder" in capsys.readouterr().err
    assert corpus.is_file()


# 7. temp files of killed runs are cleaned -------------------------------------------------------
def test_temp_files_of_killed_runs_are_removed_but_live_ones_kept(tmp_path: Path) -> None:
    from workbench.io.atomic import atomic_write

    dead = tmp_path / ".out.jsonl.abcd1234.tmp"
    dead.write_text("half")
    dead_dir = tmp_path / ".out.jsonl.dir12345.tmp"
    dead_dir.mkdir()
    live = tmp_path / ".out.jsonl.live1234.tmp"
    live.write_text("someone writing")
    other = tmp_path / ".other.jsonl.abcd1234.tmp"
    other.write_text("not ours")
    with open(live, "rb") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        with atomic_write(tmp_path / "out.jsonl") as fh:
            fh.write("x\n")
    assert not dead.exists() and not dead_dir.exists()
    assert live.exists() and other.exists()


def test_a_killed_export_leaves_its_temp_file_to_the_next_run(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.jsonl"
    write_jsonl(corpus, [r.to_dict() for r in _recs(3)])
    stale = tmp_path / ".out.jsonl.k1ll3d00.tmp"
    stale.write_text("left by kill -9")
    with contextlib.suppress(SystemExit):
        assert main(["export", str(corpus), "-f", "jsonl", "-o", str(tmp_path / "out.jsonl")]) == 0
    assert not stale.exists()


def test_export_refuses_a_folder_of_other_files(tmp_path: Path, capsys) -> None:  # noqa: ANN001
    corpus = tmp_path / "corpus.jsonl"
    write_jsonl(corpus, [r.to_dict() for r in _recs(2)])
    home = tmp_path / "home"
    home.mkdir()
    (home / "thesis.docx").write_text("years of work")
    for fmt in ("spacy", "brat", "hf"):
        assert main(["export", str(corpus), "-f", fmt, "-o", str(home)]) == 2
        assert "thesis.docx" in capsys.readouterr().err
    assert main(["export", str(corpus), "-f", "jsonl", "-o", str(home), "--split", "50/50"]) == 2
    assert (home / "thesis.docx").read_text() == "years of work"


def test_full_disk_messages_name_the_file_without_root(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys,  # noqa: ANN001
) -> None:
    """Where no small file system can be mounted: a write that fails with ENOSPC and no file name."""
    import errno

    from workbench.app import importing
    from workbench.io import project

    def full(*_a: object, **_k: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")  # as a write to an fd: no filename

    corpus = tmp_path / "corpus.jsonl"
    corpus.write_bytes(b"")
    monkeypatch.setattr(importing, "_write", full)
    assert main(["import", str(_articles(tmp_path / "a", 2)), "-o", str(corpus), "--force"]) != 0
    err = capsys.readouterr().err
    assert f"cannot write {corpus}" in err and "No space left" in err and "None" not in err
    root = tmp_path / "P"
    assert main(["init", str(root)]) == 0
    monkeypatch.setattr(project, "append_whole", full)
    capsys.readouterr()
    assert main(["add", str(root), str(tmp_path / "a")]) != 0
    err = capsys.readouterr().err
    assert "corpus.jsonl" in err and "No space left" in err and "None" not in err and "Traceback" not in err
