"""Which files of a folder an import may read: regular files that stay inside the folder.

A shared project or article folder is written by many people. A link in it can point
at ``/etc/hostname`` or someone's notes, and a FIFO named ``x.txt`` blocks any reader
for ever. So folder walks keep links only when they resolve to a regular file inside
the folder given, and skip everything that is not a regular file, each with a
:class:`~workbench.core.problems.Problem` saying why (docs/security.md). A file named
on the command line is the user's own choice and is followed, unless it is not a
regular file.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

from workbench.core.problems import Problem

_KINDS = {
    stat.S_IFIFO: "a FIFO (named pipe)",
    stat.S_IFSOCK: "a socket",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFDIR: "a folder",
}


def not_regular(path: Path) -> str | None:
    """Why ``path`` (links followed) cannot be read as a file, or None for a regular file."""
    try:
        mode = os.stat(path).st_mode
    except OSError as e:
        return f"cannot read: {e.strerror or e}"
    if stat.S_ISREG(mode):
        return None
    return f"skipped: {_KINDS.get(stat.S_IFMT(mode), 'not a regular file')}, not a regular file"


def _leaves(path: Path, root: Path) -> str | None:
    """Why a link found under ``root`` may not be read, or None when it stays inside."""
    try:
        target = path.resolve(strict=True)
    except (OSError, RuntimeError):
        return "skipped: a link to nothing (or a loop of links)"
    if target != root and root not in target.parents:
        return "skipped: a link that leaves the folder (links are followed only inside it)"
    return None


def refused(path: Path, root: Path) -> str | None:
    """Why a file met under folder ``root`` may not be read (outside link, FIFO...), or None."""
    why = _leaves(path, Path(root).resolve()) if path.is_symlink() else None
    return why or not_regular(path)


def walk_files(
    folder: Path, wanted: Callable[[Path], bool] = lambda _p: True, recursive: bool = True
) -> Iterator[Path | Problem]:
    """Files under ``folder`` in sorted order, hidden ones skipped, and a problem for each refused entry.

    Folders reached through links are not entered (they may lead anywhere, or in a
    circle); ``wanted`` picks files by name before anything is said about them.
    """
    folder = Path(folder)
    root = folder.resolve()
    for dirpath, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".")) if recursive else []
        here = Path(dirpath)
        links = [d for d in dirs if (here / d).is_symlink()]
        for d in links:
            dirs.remove(d)
            yield Problem(
                str(here / d), None, "skipped: a link to a folder (links to folders are not followed)"
            )
        for name in sorted(files):
            path = here / name
            if name.startswith(".") or not wanted(path):
                continue
            why = refused(path, root)
            if why:
                yield Problem(str(path), None, why)
            else:
                yield path


def split_found(items: Iterator[Path | Problem]) -> tuple[list[Path], list[Problem]]:
    files: list[Path] = []
    problems: list[Problem] = []
    for item in items:
        (problems if isinstance(item, Problem) else files).append(item)  # type: ignore[arg-type]
    return files, problems
