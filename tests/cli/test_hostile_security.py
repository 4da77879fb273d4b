"""Issue 16, security items 1-4: hostile ids, links, FIFOs and compressed bombs stay harmless."""

from __future__ import annotations

import os
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

from workbench.cli.main import main
from workbench.io import locks
from workbench.io.interop import spacy_docbin
from workbench.io.jsonl import write_jsonl
from workbench.io.store import AnnotatorStore

TEXT = "Angela Merkel visited Paris."


def _rec(rid: str, text: str = TEXT) -> dict:
    return {"id": rid, "text": text, "spans": [{"id": "s1", "start": 0, "end": 13, "label": "PERSON"}]}


def _files_under(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file()}


# 1. exporters that name files keep them inside the output folder -----------------------------------
@pytest.mark.parametrize("fmt", ["brat", "spacy", "hf"])
def test_ids_that_are_paths_never_leave_the_output_folder(tmp_path: Path, fmt: str) -> None:
    outside = tmp_path / "victim"
    outside.mkdir()
    ids = [str(outside / "ABS"), "../../x", "../victim/y", "..", ".", "a/b\\c", "\x00nul", "é" * 300]
    corpus = tmp_path / "c" / "corpus.jsonl"
    corpus.parent.mkdir()
    write_jsonl(corpus, [_rec(rid, f"{TEXT} {i}") for i, rid in enumerate(ids)])
    before = _files_under(tmp_path) - {corpus}
    out = tmp_path / "c" / "out"
    assert main(["export", str(corpus), "-f", fmt, "-o", str(out)]) == 0
    new = _files_under(tmp_path) - before - {corpus}
    assert new and all(out in p.parents for p in new), sorted(map(str, new))
    assert not any(outside.iterdir())
    if fmt == "brat":
        assert len(list(out.glob("*.ann"))) == len(ids)  # every record kept, none overwrote another


def test_brat_ids_imported_from_jsonl_cannot_escape(tmp_path: Path) -> None:
    src = tmp_path / "src.jsonl"
    write_jsonl(src, [_rec("../../escape"), _rec(str(tmp_path / "ABS"), TEXT + " Again.")])
    corpus = tmp_path / "corpus.jsonl"
    assert main(["import", "--format", "jsonl", str(src), "-o", str(corpus)]) == 0
    assert main(["export", str(corpus), "-f", "brat", "-o", str(tmp_path / "b" / "out")]) == 0
    assert not (tmp_path.parent / "escape.ann").exists()
    assert not (tmp_path / "ABS.ann").exists() and not (tmp_path / "ABS.txt").exists()


# 2. lock files do not follow links --------------------------------------------------------------
def test_assign_refuses_a_linked_lock_and_leaves_the_target(tmp_path: Path, capsys) -> None:  # noqa: ANN001
    root = tmp_path / "P"
    assert main(["init", str(root)]) == 0
    arts = tmp_path / "arts"
    arts.mkdir()
    (arts / "a.txt").write_text(TEXT, "utf-8")
    assert main(["add", str(root), str(arts)]) == 0
    victim = tmp_path / "victim.txt"
    victim.write_text("precious notes\n")
    (root / ".assign.lock").symlink_to(victim)
    capsys.readouterr()
    code = main(["assign", str(root), "--annotators", "alice", "--size", "1"])
    err = capsys.readouterr().err
    assert code != 0 and "Traceback" not in err
    assert "link" in err and ".assign.lock" in err
    assert victim.read_text() == "precious notes\n"


def test_store_refuses_a_linked_lock(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious notes\n")
    (tmp_path / "alice.jsonl.lock").symlink_to(victim)
    with pytest.raises(locks.LinkRefused, match="link"):
        AnnotatorStore(tmp_path / "alice.jsonl", "alice")
    assert victim.read_text() == "precious notes\n"
    os.mkfifo(tmp_path / "bob.jsonl.lock")  # a FIFO would block the open without O_NONBLOCK
    with pytest.raises(locks.LinkRefused, match="regular file"):
        AnnotatorStore(tmp_path / "bob.jsonl", "bob")


def test_temp_file_names_are_never_followed(tmp_path: Path) -> None:
    """A link planted under a name a temp file could take is not written through (O_EXCL)."""
    from workbench.io.atomic import atomic_write

    victim = tmp_path / "victim.txt"
    victim.write_text("keep")
    for i in range(50):
        (tmp_path / f".out.jsonl.{i:08d}.tmp").symlink_to(victim)
    with atomic_write(tmp_path / "out.jsonl") as fh:
        fh.write("new\n")
    assert victim.read_text() == "keep" and (tmp_path / "out.jsonl").read_text() == "new\n"


# 3. folder imports skip links that leave the folder and anything but regular files --------------
def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    return subprocess.run(
        [sys.executable, "-m", "workbench", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_import_and_add_skip_outside_links_and_fifos(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("The secret host name is not an article.", "utf-8")
    arts = tmp_path / "arts"
    (arts / "sub").mkdir(parents=True)
    (arts / "good.txt").write_text(TEXT, "utf-8")
    (arts / "inside.txt").symlink_to(arts / "good.txt")  # stays inside: allowed (same text, a duplicate)
    (arts / "leak.txt").symlink_to(secret)
    (arts / "sub" / "up").symlink_to(tmp_path)  # a link to a folder is not entered
    os.mkfifo(arts / "x.txt")
    res = _run(["import", str(arts), "-o", "corpus.jsonl"], tmp_path)
    assert res.returncode == 0, res.stderr
    assert "Traceback" not in res.stderr
    corpus = (tmp_path / "corpus.jsonl").read_text("utf-8")
    assert "secret" not in corpus and "Merkel" in corpus
    assert "leak.txt: skipped: a link that leaves the folder" in res.stderr
    assert "x.txt: skipped: a FIFO" in res.stderr
    assert "up: skipped: a link to a folder" in res.stderr
    assert _run(["init", "P"], tmp_path).returncode == 0
    res = _run(["add", "P", str(arts)], tmp_path)
    assert res.returncode == 0 and "x.txt" in res.stderr and "leak.txt" in res.stderr, res.stderr
    assert "secret" not in (tmp_path / "P" / "corpus.jsonl").read_text("utf-8")


@pytest.mark.parametrize("fmt", ["jsonl", "prodigy", "conll", "spacy", "brat"])
def test_other_formats_skip_fifos_and_outside_links(tmp_path: Path, fmt: str) -> None:
    from workbench.io.interop.registry import IMPORTERS

    folder = tmp_path / "in"
    folder.mkdir()
    suffix = {"jsonl": ".jsonl", "prodigy": ".jsonl", "conll": ".conll", "spacy": ".spacy", "brat": ".ann"}[
        fmt
    ]
    os.mkfifo(folder / f"x{suffix}")
    (tmp_path / f"outside{suffix}").write_text("{}\n")
    (folder / f"leak{suffix}").symlink_to(tmp_path / f"outside{suffix}")
    problems = [str(p) for p in IMPORTERS[fmt](folder)]
    assert any("FIFO" in p and f"x{suffix}" in p for p in problems), problems
    assert any("leaves the folder" in p and f"leak{suffix}" in p for p in problems), problems


# 4. a DocBin is bounded in what it may expand to ------------------------------------------------
def test_docbin_bomb_is_refused_before_it_expands(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(spacy_docbin, "MAX_DOCBIN_BYTES", 4 * 2**20)
    z = zlib.compressobj(9)
    bomb = b"".join(z.compress(b"\0" * 2**20) for _ in range(64)) + z.flush()
    assert len(bomb) < 2**17  # a small file...
    path = tmp_path / "bomb.spacy"
    path.write_bytes(bomb)
    problems = list(spacy_docbin.import_spacy(path))
    assert len(problems) == 1 and "expands to over 4 MB" in str(problems[0])
    assert str(path) in str(problems[0])


def test_a_brat_text_linked_outside_the_folder_is_not_read(tmp_path: Path) -> None:
    from workbench.io.interop.registry import IMPORTERS

    secret = tmp_path / "secret.txt"
    secret.write_text("Angela Merkel secret", "utf-8")
    folder = tmp_path / "brat"
    folder.mkdir()
    (folder / "a.ann").write_text("T1\tPERSON 0 13\tAngela Merkel\n", "utf-8")
    (folder / "a.txt").symlink_to(secret)
    items = [str(i) for i in IMPORTERS["brat"](folder)]
    assert len(items) == 1 and "leaves the folder" in items[0]
