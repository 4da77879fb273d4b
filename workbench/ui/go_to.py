"""Open the window on one place of one article: ``workbench open FILE --at ID:START``.

The agreement report's disputes name an article and an offset; this puts that
article in front of the annotator with the span that starts there current (or, if
none does, the one that covers the offset; or just the cursor there). A wrong id or
an offset outside the text is refused with what the file does have, before the window
shows, rather than opening somewhere else.
"""

from __future__ import annotations

import time
from typing import Any

from PySide6.QtWidgets import QApplication

from workbench.app.errors import AppError

WAIT_FOR_INDEX = 60.0  # seconds: a large batch opens at once and indexes the rest in the background


def _find(win: Any, record_id: str) -> bool:
    s = win.session
    deadline = time.monotonic() + WAIT_FOR_INDEX
    while s.batch.position(record_id) is None and s.batch.pending is not None:
        if time.monotonic() > deadline:
            return False
        QApplication.processEvents()
        time.sleep(0.005)
    return s.batch.position(record_id) is not None


def go_to(win: Any, record_id: str, offset: int) -> str | None:
    """Open ``record_id`` with the cursor at code point ``offset``; the span made current (or None).

    Raises AppError naming the file when the article or the offset is not there.
    """
    s = win.session
    if s is None:
        raise AppError("nothing could be opened")
    where = ", ".join(str(p) for p in s.paths)
    if not _find(win, record_id):
        raise AppError(f"{where}: no article with id {record_id!r} (it has {len(s.batch)} article(s))")
    win.open_document(record_id)
    doc = s.document
    if doc is None or doc.record.id != record_id:
        raise AppError(f"{where}: article {record_id!r} could not be opened")
    n = len(doc.record.text)
    if not 0 <= offset <= n:
        raise AppError(f"{where}: article {record_id!r} has {n} characters; offset {offset} is outside it")
    covering = [sp for sp in doc.record.spans.values() if sp.start <= offset < sp.end or sp.start == offset]
    covering.sort(key=lambda sp: (sp.start != offset, sp.end - sp.start, sp.id))
    span_id = covering[0].id if covering else None
    if span_id is not None:
        win.controller.set_current(span_id)
    cur = win.view.textCursor()
    cur.setPosition(win.view.map.to_qt(offset))
    win.view.setTextCursor(cur)
    win.view.ensureCursorVisible()
    return span_id
