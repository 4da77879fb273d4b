"""Durable appends to a line file: whole lines or nothing, fsynced before the caller says "saved".

Shared by the annotator file and its journal (``io/store.py``), which both only
ever grow by whole lines between atomic rewrites.
"""

from __future__ import annotations

import os
from pathlib import Path

from workbench.io.atomic import fsync_dir
from workbench.io.locks import open_nofollow


def open_for_append(path: Path) -> int:
    """Open (creating it, durably) a line file for appending; a last line without newline gets one.

    A complete last line without newline (written by hand) must stay its own line.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    new = not path.exists()
    # never through a link or into a FIFO planted in a shared annotations folder
    fd = open_nofollow(path, os.O_RDWR | os.O_APPEND | os.O_CREAT)
    if new:
        fsync_dir(path.parent)  # the new name must survive a power cut as well as its lines
    size = os.fstat(fd).st_size
    if size and os.pread(fd, 1, size - 1) != b"\n":
        os.write(fd, b"\n")
    return fd


def append_durably(fd: int, data: bytes) -> None:
    """Write all of ``data`` and fsync; on any error cut the file back so no half line stays."""
    before = os.fstat(fd).st_size
    try:
        view = memoryview(data)
        while view:
            n = os.write(fd, view)
            view = view[n:]
        os.fsync(fd)
    except OSError:
        try:
            os.ftruncate(fd, before)
        except OSError:
            pass
        raise
