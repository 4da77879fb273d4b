"""Advisory file locks that say who holds them.

A lock file holds a small JSON note (who, host, pid, since) written by the
holder, so the second process can tell its user who is in the way. The lock is
``flock``: the kernel releases it when the holder dies, so a killed process
never leaves a stale lock behind.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import socket
import stat
from datetime import UTC, datetime
from pathlib import Path
from typing import Any


class LinkRefused(OSError):
    """The lock (or temp) file is a symbolic link: refused, never written through.

    In a shared project folder anyone can plant ``.assign.lock -> ~/notes.txt``;
    following it would truncate the victim's file with the holder's note.
    """

    def __init__(self, path: Path, what: str = "a link"):
        super().__init__(
            f"{path} is {what}, not a lock file; the workbench does not write through links "
            "or into special files (remove it and run again)"
        )
        self.path = path


def open_nofollow(path: Path, flags: int, mode: int = 0o644) -> int:
    """``os.open`` that refuses a symbolic link at ``path`` (``O_NOFOLLOW``) with :class:`LinkRefused`."""
    try:
        fd = os.open(path, flags | getattr(os, "O_NOFOLLOW", 0), mode)
    except OSError as e:
        if e.errno == errno.ELOOP or (path.is_symlink() and e.errno in (errno.EMLINK, errno.ENOENT)):
            raise LinkRefused(path) from None
        raise
    if not stat.S_ISREG(os.fstat(fd).st_mode):  # a FIFO or device planted under the lock's name
        os.close(fd)
        raise LinkRefused(path, "not a regular file")
    return fd


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
    fd = open_nofollow(path, os.O_RDWR | os.O_CREAT | os.O_NONBLOCK)
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
    if not path.exists() or path.is_symlink():
        return None
    try:
        fd = open_nofollow(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError:
        return None
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
