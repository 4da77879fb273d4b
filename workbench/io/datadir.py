"""Where annotations live when they cannot live beside what was opened: the user's data folder.

Why: annotations are work, not configuration. Backup tools and people clearing a broken
configuration treat ``~/.config`` as disposable, and the platforms have a data folder for
exactly this (``~/.local/share/workbench`` on Linux, ``~/Library/Application Support`` on
macOS, ``%LOCALAPPDATA%`` on Windows: ``platformdirs``). ``$WORKBENCH_DATA_DIR`` overrides
it; with only ``$WORKBENCH_CONFIG_DIR`` set (tests, portable installs, the self-test) the
data stays in that one folder.

Earlier versions wrote to ``<config folder>/annotations/``. The first call of
:func:`annotations_dir` moves those files over, one by one, safely: a file whose store
lock is held (an older workbench has it open) is left for a later start; a file is copied
and synced before the old one goes; an existing file at the new place is never
overwritten (the old one then stays where it was, and nothing is lost).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from workbench.io import locks
from workbench.io.atomic import fsync_dir
from workbench.io.settings import ENV_VAR as CONFIG_ENV_VAR
from workbench.io.settings import config_dir

ENV_VAR = "WORKBENCH_DATA_DIR"
_moved: set[Path] = set()  # the old folders already handled in this process


def data_dir() -> Path:
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env)
    if os.environ.get(CONFIG_ENV_VAR):
        return config_dir()
    from platformdirs import user_data_dir

    return Path(user_data_dir("workbench", appauthor=False))


def annotations_dir() -> Path:
    """``<data folder>/annotations``, with the files of the old config location moved there once."""
    new = data_dir() / "annotations"
    old = config_dir() / "annotations"
    if old.resolve() != new.resolve() and old not in _moved:
        _moved.add(old)
        move_old_annotations(old, new)
    return new


def move_old_annotations(old: Path, new: Path) -> list[Path]:
    """Move every file of ``old`` into ``new`` without overwriting; returns the files moved."""
    if not old.is_dir():
        return []
    moved: list[Path] = []
    for src in sorted(old.iterdir()):
        if src.is_symlink() or not src.is_file() or src.name.endswith(".lock"):
            continue  # a link is someone else's file: never copied in, never removed
        lock = src.with_name(src.name + ".lock")
        try:
            fd = locks.acquire(lock, annotator="workbench (moving to the data folder)")
        except (locks.Held, OSError):
            continue  # in use by a running workbench: next start
        try:
            if _move_one(src, new / src.name):
                moved.append(new / src.name)
        finally:
            os.close(fd)
        if not src.exists():
            lock.unlink(missing_ok=True)
    try:
        old.rmdir()  # only when empty
    except OSError:
        pass
    return moved


def _move_one(src: Path, dst: Path) -> bool:
    if dst.exists():
        return False
    dst.parent.mkdir(parents=True, exist_ok=True)
    tmp = dst.with_name(f".{dst.name}.{os.getpid()}.moving")
    try:
        shutil.copy2(src, tmp)
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        try:
            os.link(tmp, dst)  # fails if dst appeared meanwhile: never overwrite
        except FileExistsError:
            raise  # handled below: the old file stays
        except OSError:  # a file system without hard links
            if dst.exists():
                raise FileExistsError(dst) from None
            os.replace(tmp, dst)
    except OSError:
        tmp.unlink(missing_ok=True)
        return False
    tmp.unlink(missing_ok=True)
    fsync_dir(dst.parent)
    src.unlink()
    fsync_dir(src.parent)
    return True
