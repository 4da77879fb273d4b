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


class Awaited:
    """The article to open (the last one open, or the one asked for) when a filling batch lacks it yet.

    The window opens a stand-in at once (the first undone article so far) and goes to the awaited
    one when it arrives, unless the annotator has moved on or changed the stand-in meanwhile.
    """

    def __init__(self, record_id: str, stand_in: str):
        self.id = record_id
        self.stand_in = stand_in

    def due(self, session: Session) -> bool:
        """Whether to open it now: it has arrived and the stand-in is open and untouched."""
        doc = session.document
        return (
            session.batch.position(self.id) is not None
            and doc is not None
            and doc.record.id == self.stand_in
            and not doc.history.can_undo
        )

    def gone(self, session: Session) -> bool:
        """Whether waiting is pointless: the annotator moved on, or the whole batch is read."""
        doc = session.document
        return session.batch.pending is None or doc is None or doc.record.id != self.stand_in
