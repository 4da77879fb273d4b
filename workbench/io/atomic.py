"""Atomic file replacement: a reader sees the old file or the new one, never half of one."""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import os
import re
import shutil
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO


def fsync_dir(folder: Path) -> None:
    """Make a rename durable; some platforms cannot open folders, which is fine there."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _umask() -> int:
    """The process umask, read without changing it (os.umask would race other threads)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    return 0o022


def _set_mode(fd: int, path: Path) -> None:
    """The replaced file's mode, or an ordinary new file's, not the temp file's 0600.

    Other people of a shared project folder read corpora and annotator files.
    """
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        mode = 0o666 & ~_umask()
    with contextlib.suppress(OSError, AttributeError):
        os.fchmod(fd, mode)


def _stale(folder: Path, name: str) -> Iterator[Path]:
    """Temp files and folders that runs writing ``name`` left in ``folder`` (by the names we give them)."""
    pattern = re.compile(rf"^\.{re.escape(name)}\.[A-Za-z0-9_]{{8}}\.tmp$")
    with contextlib.suppress(OSError):
        for entry in os.scandir(folder):
            if pattern.match(entry.name):
                yield Path(entry.path)


_LOCKED: set[int] = set()  # descriptors of the temp files and folders this process is writing


def _release_in_child() -> None:
    """A forked child (a merge worker) gives up its copies of the parent's locked descriptors.

    An ``flock`` belongs to the open file, which a fork shares: a worker orphaned by a killed
    parent would keep the temp file locked, and the next run would take it for a live one
    and leave it. The descriptors are pointed at /dev/null rather than closed, so a copied
    file object that the child never uses cannot write into the parent's file either.
    """
    if not _LOCKED:
        return
    null = os.open(os.devnull, os.O_RDWR)
    for fd in _LOCKED:
        with contextlib.suppress(OSError):
            os.dup2(null, fd)
    os.close(null)
    _LOCKED.clear()


os.register_at_fork(after_in_child=_release_in_child)


def clean_stale(path: Path) -> list[Path]:
    """Remove the temp files (and export folders) of killed runs that wrote ``path``; returns them.

    Every live writer holds an ``flock`` on its temp file or folder, and the kernel drops it
    when the writer dies, so one we can lock belongs to a dead run. Links are never followed.
    """
    folder = path.parent if str(path.parent) else Path(".")
    removed = []
    for tmp in _stale(folder, path.name):
        try:
            fd = os.open(tmp, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        except OSError:
            continue  # a link (ELOOP) or gone: not ours to touch
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            continue  # a run still writing
        try:
            if stat.S_ISDIR(os.fstat(fd).st_mode):
                if (tmp / "old").is_dir() and not os.path.lexists(path):
                    os.replace(tmp / "old", path)  # killed between the two renames of a swap
                shutil.rmtree(tmp, ignore_errors=True)
            else:
                tmp.unlink()
            removed.append(tmp)
        except OSError:
            pass
        finally:
            os.close(fd)
    return removed


@contextlib.contextmanager
def atomic_write(path: str | Path, mode: str = "w", encoding: str | None = "utf-8") -> Iterator[IO]:
    """Write to a temp file in the same folder, fsync, ``os.replace``, fsync the folder.

    On any error the temp file is removed and the target is untouched. The temp file is
    created with ``O_EXCL`` (never through a link) and locked while written, so the next
    write of the same file removes what a killed run left behind (:func:`clean_stale`).
    """
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    clean_stale(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    _LOCKED.add(fd)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        _set_mode(fd, path)
        binary = "b" in mode
        with os.fdopen(
            fd, mode, encoding=None if binary else encoding, newline=None if binary else "\n"
        ) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
            os.replace(tmp, path)  # while still locked: a cleaner never takes a finished file
        _LOCKED.discard(fd)
        fsync_dir(folder)
    except BaseException:
        _LOCKED.discard(fd)
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


EXPORT_MARK = ".workbench-export"
_STAGING: set[Path] = set()  # folders this process is building now


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux ``renameat2(RENAME_EXCHANGE)``); False where unsupported."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    rc = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return rc == 0


@contextlib.contextmanager
def atomic_folder(path: str | Path) -> Iterator[Path]:
    """Build a folder beside ``path`` and swap it in whole: readers see the old folder or the new one.

    Yields the folder to write into (``.NAME.XXXXXXXX.tmp`` in the same parent). On success
    it takes the place of ``path`` (an atomic exchange where the system has one, else two
    renames) and the old folder is removed; on any error or a kill the old folder is left
    as it was, and the half-built one is removed now or by the next run
    (:func:`clean_stale`). The new folder holds an ``.workbench-export`` mark, so a later
    export knows it may replace it.
    """
    path = Path(path)
    if path in _STAGING:  # already a folder being built (an export of splits): it is swapped in whole
        yield path
        return
    folder = path.parent if str(path.parent) else Path(".")
    folder.mkdir(parents=True, exist_ok=True)
    clean_stale(path)
    stage = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder))
    _STAGING.add(stage)
    fd = os.open(stage, os.O_RDONLY)
    _LOCKED.add(fd)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        os.chmod(stage, 0o777 & ~_umask())
        (stage / EXPORT_MARK).write_text("written by workbench export; replaced whole by the next one\n")
        yield stage
        _fsync_tree(stage)
        if path.is_symlink() or not path.exists():
            os.replace(stage, path)  # a link at the target is replaced, never followed
        elif not _exchange(stage, path):
            old = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder))
            os.replace(path, old / "old")
            os.replace(stage, path)
            stage = old
        fsync_dir(folder)
    finally:
        _STAGING.discard(stage)
        shutil.rmtree(stage, ignore_errors=True)  # the half-built folder, or the old one after the swap
        _LOCKED.discard(fd)
        os.close(fd)


def _fsync_tree(root: Path) -> None:
    """Make every file of a built folder durable before it is swapped in."""
    for dirpath, _dirs, files in os.walk(root):
        for name in files:
            with contextlib.suppress(OSError):
                fd = os.open(os.path.join(dirpath, name), os.O_RDONLY | os.O_NOFOLLOW)
                try:
                    os.fsync(fd)
                finally:
                    os.close(fd)
        fsync_dir(Path(dirpath))


def write_text_atomic(path: str | Path, text: str) -> None:
    with atomic_write(path) as fh:
        fh.write(text)
