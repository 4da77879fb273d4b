"""A merge or agreement over a brat folder leaves no folder in the temp folder, even when killed.

Before, every merge and agreement run (brat input or not) made a ``workbench-brat-*`` folder
in the temp folder, and a killed run left it there for good (hundreds of them here after the
kill tests). Now only a brat input makes one, named for its process, and the next brat run
removes those of processes that are gone.
"""

from __future__ import annotations

import os
import signal
import tempfile
import time
from pathlib import Path

import pytest

from tests.conftest import shared_path
from workbench.app.inputs import BRAT_SCRATCH
from workbench.cli.main import main
from workbench.io.scratch import owner_prefix


def _killed_after_the_import(args: list[str]) -> int:
    """Fork ``workbench ARGS``, SIGKILLed by itself as soon as the brat folder is imported."""
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        try:
            import workbench.io.brat.polnear as polnear

            real = polnear.write_annotator_files

            def then_killed(*a: object, **k: object) -> list[Path]:
                real(*a, **k)  # type: ignore[arg-type]
                os.kill(os.getpid(), signal.SIGKILL)
                raise AssertionError("not reached")

            polnear.write_annotator_files = then_killed  # type: ignore[assignment]
            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, 1)
            os.dup2(null, 2)
            main(args)
        finally:
            os._exit(99)
    _, status = os.waitpid(pid, 0)
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
    return pid


def test_a_killed_brat_run_is_tidied_by_the_next(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    brat = shared_path("data", "polnear", "multi-annotator")
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))  # the temp folder, for this process and its forks
    assert main(["merge", *map(str, _annotator_files(tmp_path)), "-o", str(tmp_path / "m.jsonl")]) == 0
    assert list(tmp.iterdir()) == []  # JSON Lines input: no folder at all
    killed = _killed_after_the_import(["agreement", str(brat)])
    [left] = tmp.iterdir()
    assert left.name.startswith(f"{owner_prefix(BRAT_SCRATCH)}{killed}-") and any(left.iterdir())
    live = tmp / f"{owner_prefix(BRAT_SCRATCH)}{os.getpid()}-abcd1234"  # a run under way
    elsewhere = tmp / f"{BRAT_SCRATCH}otherhost-{killed}-abcd1234"  # another machine's, on a shared drive
    old_empty = tmp / f"{BRAT_SCRATCH}ab1_cd2e"  # as earlier versions named them, an hour untouched
    recent = tmp / f"{BRAT_SCRATCH}zz9_yy8x"  # the same, just made by an earlier version's run
    for folder in (live, elsewhere, old_empty, recent):
        folder.mkdir()
    an_hour_ago = time.time() - 3700
    os.utime(old_empty, (an_hour_ago, an_hour_ago))
    capsys.readouterr()
    assert main(["merge", str(brat), "-o", str(tmp_path / "merged.jsonl")]) == 0
    assert "imported brat folder" in capsys.readouterr().out
    assert sorted(p.name for p in tmp.iterdir()) == sorted(p.name for p in (live, elsewhere, recent))


def _annotator_files(folder: Path) -> list[Path]:
    import json

    from workbench.core.record import Record

    paths = []
    for who in ("alice", "bob"):
        rec = Record.new("Angela Merkel visited Paris.").to_dict()
        rec.update(
            annotator=who, status="done", spans=[{"id": "s1", "start": 0, "end": 13, "label": "PERSON"}]
        )
        path = folder / f"{who}.jsonl"
        path.write_text(json.dumps(rec) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def test_a_crafted_folder_name_never_stops_the_sweep(tmp_path: Path) -> None:
    """Anyone may name a folder in the temp folder: a pid too large, or a digit that is no ASCII."""
    from workbench.io.scratch import owner_prefix, sweep

    mine = owner_prefix("workbench-brat-")
    odd = [tmp_path / f"{mine}99999999999999999999-zz", tmp_path / f"{mine}\u00b2-zz"]
    for folder in odd:
        folder.mkdir()
    sweep(tmp_path, "workbench-brat-")
    assert all(folder.is_dir() for folder in odd)  # not ours to judge: left alone


def test_a_link_named_like_a_dead_runs_folder_never_takes_its_target(tmp_path: Path) -> None:
    """A link in the temp folder, named as ours (a dead pid, or no owner and old), points elsewhere."""
    import os

    from workbench.io.scratch import owner_prefix, sweep, sweep_unowned

    target = tmp_path / "someone's work"
    target.mkdir()
    (target / "keep.txt").write_text("mine", encoding="utf-8")
    temp = tmp_path / "tmp"
    temp.mkdir()
    dead = 2**22 + 1  # above Linux's default pid_max: no such process
    links = [temp / f"{owner_prefix('workbench-brat-')}{dead}-zz", temp / "workbench-brat-abcd1234"]
    for link in links:
        link.symlink_to(target, target_is_directory=True)
        os.utime(link, (0, 0), follow_symlinks=False)  # as old as can be
    sweep(temp, "workbench-brat-")
    sweep_unowned(temp, "workbench-brat-")
    assert (target / "keep.txt").read_text(encoding="utf-8") == "mine"
