"""Worker processes for ``--n-process``: chunks go out to a pool, results come back in input order.

Generic on purpose: the caller names the per-process set-up and the per-chunk
function (module-level, so they pickle by reference), and this module knows
nothing of pre-annotation, so :mod:`workbench.nlp.preannotate` can use it without
the two importing each other. At most ``2 × n_process`` chunks are in flight, so
memory stays flat over any corpus.
"""

from __future__ import annotations

import multiprocessing as mp
import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")


def _quiet_init(init: Callable[..., None], args: tuple[Any, ...]) -> None:
    # Ctrl-C is the parent's to handle (it stops the pool and leaves OUT valid): no worker tracebacks.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    init(*args)


def ordered_map(
    run: Callable[[T], R],
    chunks: Iterable[T],
    n_process: int,
    init: Callable[..., None],
    initargs: tuple[Any, ...] = (),
    preload: Sequence[str] = (),
) -> Iterator[R]:
    """``run(chunk)`` for every chunk in ``n_process`` worker processes, yielded in input order.

    ``init(*initargs)`` runs once per worker (load the model there, once). Closing the
    iterator (or an exception in the parent) stops the workers.
    """
    # forkserver, not fork: the parent may run threads (the progress bar), which fork does not
    # survive; not plain spawn either: the server imports ``preload`` (spaCy) once and every
    # worker forks from it, instead of each paying the import (seconds) again.
    ctx = mp.get_context("forkserver")
    ctx.set_forkserver_preload(list(preload))
    pool = ctx.Pool(n_process, initializer=_quiet_init, initargs=(init, initargs))
    pending: deque[Any] = deque()
    try:
        it = iter(chunks)
        exhausted = False
        while True:
            while not exhausted and len(pending) < 2 * n_process:
                chunk = next(it, None)
                if chunk is None:
                    exhausted = True
                    break
                pending.append(pool.apply_async(run, (chunk,)))
            if not pending:
                break
            yield pending.popleft().get()
        pool.close()
    finally:
        pool.terminate()
        pool.join()
