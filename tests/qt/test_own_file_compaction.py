"""The annotator's own file compacted under an open window: the batch still reads the right article.

The window's batch (its list, its search) indexed the file by byte offset; the annotator store
rewrites that file by itself when superseded lines outweigh live ones. After the rewrite every
offset of the batch's index is another line's (or the middle of one), so the search found the
wrong article or none. Here one long article is edited and left a few times (each leaving folds
its journal into a whole line), until the store compacts the file; then a word that one short
article holds is searched for, and its hit opened, by keys. The second test compacts the file
while the batch's background reading of it is still under way (decision 0024's order: the list
is read after the store is indexed, and an edit may come first).
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt

from tests.qt.conftest import ANNOTATOR, drag_select, store_records
from workbench.core.record import Record

N = 300
LONG = "Angela Merkel visited Paris on Monday and spoke to reporters. " * 300  # ~19 KB: the edited one
SHORT = "Ministers met in {city} on day {i} and talked for hours."
UNIQUE = 250  # the one article that mentions Zanzibar, in the part of the list read in the background


def _own_file(tmp_path: Path) -> Path:
    path = tmp_path / f"batch.{ANNOTATOR}.jsonl"
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(N):
            text = LONG if i == 0 else SHORT.format(city="Zanzibar" if i == UNIQUE else "Geneva", i=i)
            rec = Record.new(text, {"title": f"Story {i}"}, id=f"d{i:04d}", annotator=ANNOTATOR)
            fh.write(json.dumps(rec.to_dict(), ensure_ascii=False) + "\n")
    return path


def _compact_by_editing(qtbot: Any, win: Any, path: Path) -> None:
    """Label a word of the long first article, mark it done, move on; again, until the file is rewritten."""
    before = os.stat(path).st_ino
    dl = win.doc_list
    for round_ in range(8):
        rect = dl.table.visualRect(dl.proxy.index(0, 1))
        qtbot.mouseClick(dl.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        assert win.session.document.record.id == "d0000"
        start = 62 * round_  # "Angela Merkel" of the round's sentence
        drag_select(qtbot, win, start, start + len("Angela Merkel"))
        qtbot.keyClick(win.view, "p")
        qtbot.keyClick(win.view, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)  # done, next
        if os.stat(path).st_ino != before:
            return
    raise AssertionError("the store never compacted the file")


def _search_and_open(qtbot: Any, win: Any, word: str) -> list[str]:
    """Type ``word`` into the batch's search box, press Return: the ids the list shows."""
    dl = win.doc_list
    qtbot.keyClick(win.view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(dl.search, word)
    qtbot.waitUntil(lambda: not (dl._search_timer.isActive() or dl._searcher.busy), timeout=10_000)
    shown = [dl.proxy.index(r, 1).data(Qt.ItemDataRole.UserRole) for r in range(dl.proxy.rowCount())]
    qtbot.keyClick(dl.search, Qt.Key.Key_Return)
    return shown


def _check_every_article_reads_as_itself(win: Any) -> None:
    s = win.session
    for it in s.batch.items:
        assert s.batch.raw(it.id)["id"] == it.id
        assert s.record(it.id).id == it.id


def test_search_after_the_store_compacted_the_own_file_finds_and_opens_the_right_article(
    qtbot: Any, open_window: Any, tmp_path: Path
) -> None:
    path = _own_file(tmp_path)
    win = open_window([path])
    qtbot.waitUntil(lambda: win.session.store.ready and not win.doc_list.filling, timeout=10_000)
    _compact_by_editing(qtbot, win, path)
    assert _search_and_open(qtbot, win, "zanzibar") == [f"d{UNIQUE:04d}"]
    assert win.session.document.record.id == f"d{UNIQUE:04d}"
    assert "Zanzibar" in win.view.toPlainText()
    _check_every_article_reads_as_itself(win)
    win.close()
    saved = store_records(path)
    assert len(saved) == N and saved["d0000"]["status"] == "done" and saved["d0000"]["spans"]


def test_a_compaction_while_the_list_is_still_being_read_moves_no_article(
    qtbot: Any, open_window: Any, tmp_path: Path, list_gate: threading.Event
) -> None:
    path = _own_file(tmp_path)
    win = open_window([path])
    s = win.session
    qtbot.waitUntil(lambda: s.store.ready, timeout=10_000)
    assert s.batch.pending is not None and len(s.batch) < UNIQUE  # Zanzibar is not read yet
    _compact_by_editing(qtbot, win, path)
    list_gate.set()
    qtbot.waitUntil(lambda: not win.doc_list.filling, timeout=10_000)
    assert len(s.batch) == N
    assert _search_and_open(qtbot, win, "zanzibar") == [f"d{UNIQUE:04d}"]
    assert s.document.record.id == f"d{UNIQUE:04d}" and "Zanzibar" in win.view.toPlainText()
    _check_every_article_reads_as_itself(win)
