"""Worker processes for ``--n-process``: each loads the model once and runs the same per-article code.

Records travel as dicts (small, picklable) and come back as dicts; at most
``2 × n_process`` chunks are in flight, so memory stays flat over any corpus.
"""

from __future__ import annotations

import multiprocessing as mp
import signal
from collections import deque
from collections.abc import Iterable, Iterator
from typing import Any

from workbench.core.record import Record

_worker: Any = None


def _init(model_name: str, schema: dict[str, Any]) -> None:
    global _worker
    # Ctrl-C is the parent's to handle (it stops the pool and leaves OUT valid): no worker tracebacks.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from workbench.nlp.preannotate import Preannotator

    _worker = Preannotator.create(model_name, schema)


def _run(chunk: list[dict[str, Any]], batch_size: int) -> list[tuple[str, dict[str, Any] | None, str | None]]:
    records = [Record.from_dict(d) for d in chunk]
    return [
        (o.id, o.record.to_dict() if o.record is not None else None, o.error)
        for o in _worker.annotate_batch(records, batch_size)
    ]


def parallel_outcomes(
    chunks: Iterable[list[Record]], model_name: str, schema: dict[str, Any], batch_size: int, n_process: int
) -> Iterator[Any]:
    from workbench.nlp.preannotate import Outcome

    # forkserver, not fork: the parent may run threads (the progress bar), which fork does not
    # survive; not plain spawn either: the server imports spaCy once and every worker forks from
    # it, instead of each paying the import (seconds) again.
    ctx = mp.get_context("forkserver")
    ctx.set_forkserver_preload(["spacy", "workbench.nlp.preannotate"])
    pool = ctx.Pool(n_process, initializer=_init, initargs=(model_name, schema))
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
                pending.append(pool.apply_async(_run, ([r.to_dict() for r in chunk], batch_size)))
            if not pending:
                break
            for rid, d, err in pending.popleft().get():
                yield Outcome(rid, record=Record.from_dict(d) if d is not None else None, error=err)
        pool.close()
    finally:
        pool.terminate()
        pool.join()
