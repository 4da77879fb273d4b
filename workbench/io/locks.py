"""Advisory file locks that say who holds them.

A lock file holds a small JSON note (who, host, pid, since) written by the
holder, so the second process can tell its user who is in the way. The lock is
``flock``: the kernel releases it when the holder dies, so a killed process
never leaves a stale lock behind.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
from datetime import UTC, datetime
from pathlib import Path
from typing import Any


class Held(Exception):
    """The lock is held by someone else; ``holder`` is their note (maybe empty)."""

    def __init__(self, holder: dict[str, Any]):
        super().__init__(str(holder))
        self.holder = holder


def _note(fd: int) -> dict[str, Any]:
    try:
        data = json.loads(os.pread(fd, 4096, 0) or b"{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def acquire(path: Path, **who: Any) -> int:
    """Take the lock at ``path`` without waiting; returns the fd to keep (closing it releases)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = _note(fd)
        os.close(fd)
        raise Held(holder) from None
    note = {
        **who,
        "host": socket.gethostname(),
        "pid": os.getpid(),
        "since": datetime.now(UTC).replace(microsecond=0).isoformat(),
    }
    os.ftruncate(fd, 0)
    os.pwrite(fd, json.dumps(note, ensure_ascii=False).encode(), 0)
    return fd


def holder(path: Path) -> dict[str, Any] | None:
    """Who holds the lock at ``path`` now, or None if nobody does."""
    if not path.exists():
        return None
    fd = os.open(path, os.O_RDWR)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return _note(fd)
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)


def release(fd: int, path: Path) -> None:
    """Let go of a lock and remove its file (a clean close leaves no ``.lock`` behind).

    The file is removed while the lock is still held, so nobody can take a lock on a
    file that is about to vanish from under them... except a process that opened it
    just before: :func:`acquire` would then lock an unlinked file (see decision 0014).
    """
    try:
        os.unlink(path)
    except OSError:
        pass
    os.close(fd)
