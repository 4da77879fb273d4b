"""Work over the aligned articles in slices, in forked worker processes when it pays.

Merge and agreement read several annotators' files in one article order and do the
same thing to every slice of it. This module owns how: the slices, the fork pool,
the part files a worker's output travels through, and the signals that must still
clean up behind a stopped command. The work itself is a plain function of a slice,
given by :mod:`workbench.app.merge`; whoever calls decides how progress is shown.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import shutil
import signal
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

from workbench.app.errors import Cancelled
from workbench.app.progress import NO_PROGRESS, Progress
from workbench.io.scratch import make_scratch, owner_prefix

T = TypeVar("T")

CHUNK = 128  # articles per slice: small enough that its output buffer stays a few MB

# What forked workers inherit instead of receiving it pickled with every slice.
_JOB: dict[str, Any] = {}

# A slice's work: (first, end, folder for part files or None) -> its result.
SliceWork = Callable[[int, int, str | None], T]


def default_jobs() -> int:
    """Worker processes: one per core this process may use, at most four (the parent reads and writes).

    This is how merge and agreement keep within their speed budget (3x a bare ``json.loads``
    loop): one process alone does about 3-3.5x, compiled (decision 0027); see docs/agreement.md.
    """
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(4, cores))


def _run_slice(bounds: tuple[int, int]) -> Any:
    return _JOB["work"](bounds[0], bounds[1], _JOB.get("spill"))


def in_slices(
    total: int,
    work: SliceWork[T],
    jobs: int,
    spill_near: Path | None = None,
    progress: Progress = NO_PROGRESS,
) -> Iterator[T]:
    """``work`` over each slice of ``range(total)``, results in order; in worker processes when it pays.

    With workers and ``spill_near`` (the output file), ``work`` is given a hidden folder beside
    it, named with this process's host and id, for its part files. The folder is removed at the
    end, on an error, on SIGTERM or SIGHUP; after a SIGKILL, by the next run into the same output.
    ``progress.cancelled()`` is asked between slices: the work stops with :class:`Cancelled`.
    """
    _JOB.update(work=work, spill=None)
    bounds = [(i, min(i + CHUNK, total)) for i in range(0, total, CHUNK)]
    progress.start(total)
    try:
        with _signals_exit():
            if jobs > 1 and len(bounds) > 1 and "fork" in multiprocessing.get_all_start_methods():
                if spill_near is not None:  # those of killed runs into the same output go first
                    _JOB["spill"] = str(make_scratch(spill_near.parent, f".{spill_near.name}.parts-"))
                with multiprocessing.get_context("fork").Pool(jobs, initializer=_default_signals) as pool:
                    for b, result in zip(bounds, pool.imap(_run_slice, bounds), strict=True):
                        yield result
                        _stepped(progress, b[1] - b[0])
            else:
                for b in bounds:
                    yield _run_slice(b)
                    _stepped(progress, b[1] - b[0])
    finally:
        if _JOB.get("spill"):
            shutil.rmtree(_JOB["spill"], ignore_errors=True)
        _JOB.clear()


def _stepped(progress: Progress, n: int) -> None:
    progress.step(n)
    if progress.cancelled():
        raise Cancelled()


def spill(lines: list[bytes], folder: str | None, first: int) -> bytes | str:
    """A slice's output lines: as bytes in-process, or the path of the part file a worker wrote."""
    if folder is None or not lines:
        return b"".join(lines)  # joined once: a growing bytearray copies itself over and over
    path = os.path.join(folder, f"{first:010d}")
    with open(path, "wb") as fh:
        fh.writelines(lines)
    return path


def append_spilled(fh: BinaryIO, data: bytes | str) -> None:
    """Add a slice's output: bytes as they are, a part file copied in the kernel (then removed)."""
    if isinstance(data, bytes):
        fh.write(data)
        return
    fh.flush()
    with open(data, "rb") as src:
        left = os.fstat(src.fileno()).st_size
        try:
            while left > 0:
                done = os.copy_file_range(src.fileno(), fh.fileno(), left)
                if done == 0:
                    break
                left -= done
        except (OSError, AttributeError):  # no copy_file_range here (other systems, filesystems)
            src.seek(os.fstat(src.fileno()).st_size - left)
            shutil.copyfileobj(src, fh)
            left = 0
    if left:
        raise OSError(f"{data}: part file ended early")
    os.unlink(data)


_STOPPING = (signal.SIGTERM, signal.SIGHUP) if hasattr(signal, "SIGHUP") else (signal.SIGTERM,)


@contextlib.contextmanager
def _signals_exit() -> Iterator[None]:
    """SIGTERM and SIGHUP end the command through SystemExit, so the clean-ups in ``finally`` run.

    Only around the long work of merge and agreement, in the main thread: the window keeps the
    default (a Python handler would wait for the Qt event loop to give control back).
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)

    # Only signals that would have killed the command anyway: under nohup SIGHUP stays ignored.
    before = {s: signal.getsignal(s) for s in _STOPPING}
    _INHERITED.update(before)
    for s, handler in before.items():
        if handler is signal.SIG_DFL:
            signal.signal(s, stop)
    try:
        yield
    finally:
        for s, handler in before.items():
            signal.signal(s, handler)


_INHERITED: dict[int, Any] = {}  # how the command found each stopping signal, for its workers


def _default_signals() -> None:
    """Worker processes take the signals as the command found them (the pool ends them with SIGTERM)."""
    for s, handler in _INHERITED.items():
        signal.signal(s, handler)


def parts_prefix(out: Path) -> str:
    """Part folders are named after the host too: on a shared drive a pid means nothing elsewhere."""
    return owner_prefix(f".{out.name}.parts-")
