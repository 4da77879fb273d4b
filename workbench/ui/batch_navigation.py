"""Where the document keys go in a batch: the next undone article, the next in the list.

Plain functions over a :class:`~workbench.app.session.Session` (no Qt), so the
rules (wrap around, skip done and skipped, never land on the article one is
leaving) read in one place.
"""

from __future__ import annotations

from workbench.app.session import Session

FINISHED = ("done", "skipped")


def position(session: Session) -> int:
    """Row of the open article in the batch; -1 when none is open."""
    if session.document is None:
        return -1
    return session.batch.position(session.document.record.id) or 0


def next_undone(session: Session, start: int, step: int = 1) -> str | None:
    """The first article after row ``start`` (before it when ``step`` is -1) that is not finished.

    ``start`` -1 means "from the top", where the first article itself may be the answer.
    """
    items = session.batch.items
    n = len(items)
    for k in range(1, n + 1):
        it = items[(start + step * k) % n]
        if session.status(it.id) not in FINISHED and (start < 0 or it.id != items[start].id):
            return it.id
    return None
