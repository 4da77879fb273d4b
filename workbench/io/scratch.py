"""Scratch folders a run makes and removes, and the next run tidies when the run was killed.

A run removes its scratch folder at its end, on an error, and on the signals the command
turns into an exit; a SIGKILL or a power cut leaves it. So the folder's name says whose it
is, ``<prefix><host>-<pid>-<random>``, and whoever makes the next one with the same prefix
first removes those of this host whose process is gone. A live run's folder is left alone (two
runs at once), and so is another machine's (a shared drive: a pid means nothing there).
Merge's part files beside the output (``app/workers.py``) and a brat folder's imported files
in the temp folder (``app/inputs.py``) are made here.
"""

from __future__ import annotations

import glob
import os
import re
import shutil
import socket
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def owner_prefix(prefix: str) -> str:
    """``prefix`` with this host: what this host's folders of that kind start with, before the pid."""
    host = re.sub(r"[^\w.]+", "_", socket.gethostname()) or "host"
    return f"{prefix}{host}-"


def make_scratch(parent: Path, prefix: str) -> Path:
    """A new folder in ``parent`` named for this process, after removing those of dead processes."""
    sweep(parent, prefix)
    return Path(tempfile.mkdtemp(prefix=f"{owner_prefix(prefix)}{os.getpid()}-", dir=parent))


@contextmanager
def scratch(prefix: str, parent: Path | None = None) -> Iterator[Path]:
    """A scratch folder (in the temp folder unless ``parent`` is given) removed when the block ends."""
    folder = make_scratch(Path(tempfile.gettempdir()) if parent is None else parent, prefix)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def sweep(parent: Path, prefix: str) -> None:
    """Folders in ``parent`` of a run on this host that was killed outright (its process is gone)."""
    mine = owner_prefix(prefix)
    for folder in parent.glob(glob.escape(mine) + "*"):
        pid = folder.name[len(mine) :].split("-", 1)[0]
        if pid.isascii() and pid.isdigit() and not alive(int(pid)):  # "²" is a digit; int() refuses it
            shutil.rmtree(folder, ignore_errors=True)


_UNOWNED = re.compile(r"[a-z0-9_]{8}")  # what tempfile.mkdtemp adds to a prefix
UNOWNED_EMPTY_AFTER = 3600.0  # seconds untouched before an empty folder named without an owner goes
UNOWNED_AFTER = 86400.0  # and one with files in it


def sweep_unowned(parent: Path, prefix: str, now: float | None = None) -> int:
    """Folders named ``<prefix><random>`` by an earlier version (no host, no pid), long untouched.

    Their owner cannot be known, so only age tells: an hour for an empty one (what every
    merge of those versions left when it was killed, brat input or not), a day otherwise.
    Returns how many were removed.
    """
    now = time.time() if now is None else now
    gone = 0
    for folder in parent.glob(glob.escape(prefix) + "*"):
        if not _UNOWNED.fullmatch(folder.name[len(prefix) :]) or folder.is_symlink() or not folder.is_dir():
            continue  # an owned folder (sweep's), or not one of ours
        try:
            age = now - folder.stat().st_mtime
            empty = next(folder.iterdir(), None) is None
        except OSError:
            continue  # another user's, or gone meanwhile
        if age > (UNOWNED_EMPTY_AFTER if empty else UNOWNED_AFTER):
            shutil.rmtree(folder, ignore_errors=True)
            gone += not folder.exists()
    return gone


def alive(pid: int) -> bool:
    """Whether process ``pid`` of this host runs; where that cannot be asked safely, assumed so."""
    if os.name != "posix":
        return True  # Windows: os.kill(pid, 0) would terminate the process, not ask about it
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return True  # someone else's process, or no pid at all (a crafted name): left alone
    return True
