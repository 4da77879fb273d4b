"""A large batch opens at its first article and the list fills in the background (issue 15, part 4).

The corpus here is small; the window is made to index only its first lines before it opens
(``INDEX_BUDGET`` 0), and the rest of the index is held back by a gate, as a slow disk would,
so the test can work on the first article while the list is provably still filling.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt

from tests.qt.conftest import drag_select, on_disk, store_records

N = 300
TEXT = "Angela Merkel visited Paris on Monday, story {i}."


def _corpus(tmp_path: Path) -> Path:
    path = tmp_path / "big.jsonl"
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(N):
            rec = {"id": f"d{i:04d}", "text": TEXT.format(i=i), "meta": {"title": f"Story {i}"}}
            fh.write(json.dumps(rec) + "\n")
    return path


def test_the_first_article_is_usable_while_the_list_fills(
    qtbot: Any, open_window: Any, tmp_path: Path, list_gate: threading.Event
) -> None:
    win = open_window([_corpus(tmp_path)])
    s = win.session
    assert s is not None and s.document is not None and s.document.record.id == "d0000"
    assert win.view.toPlainText() == TEXT.format(i=0)
    shown = win.doc_list.model.rowCount()
    assert 0 < shown < N and win.doc_list.filling and s.batch.pending is not None
    # Annotate it with the mouse and a key, as one would: saved at once, while the list waits.
    drag_select(qtbot, win, 0, len("Angela Merkel"))
    qtbot.keyClick(win.view, "p")
    assert [(sp["start"], sp["end"], sp["label"]) for sp in on_disk(win)["spans"]] == [(0, 13, "PERSON")]
    qtbot.keyClick(win.view, Qt.Key.Key_PageDown, Qt.KeyboardModifier.AltModifier)
    assert s.document.record.id == "d0001" and win.doc_list.model.rowCount() == shown
    # Let the rest in: rows arrive in order, the open article stays selected and open.
    list_gate.set()
    qtbot.waitUntil(lambda: not win.doc_list.filling, timeout=10_000)
    assert win.doc_list.model.rowCount() == N and s.batch.pending is None
    assert [it.id for it in s.batch.items] == [f"d{i:04d}" for i in range(N)]
    assert win.doc_list.table.currentIndex().data(Qt.ItemDataRole.UserRole) == "d0001"
    assert win.doc_list.progress.format() == f"0 / {N:,} done"
    assert "All 300 article(s)" in win.statusBar().currentMessage()
    # The last article is reachable from the list.
    win.doc_list.documentActivated.emit(s.batch.items[-1].id)
    assert win.view.toPlainText() == TEXT.format(i=N - 1)
    assert store_records(s.store_path)["d0000"]["spans"][0]["label"] == "PERSON"


def test_reopening_lands_on_the_last_article_once_the_list_reaches_it(
    qtbot: Any, open_window: Any, tmp_path: Path, list_gate: threading.Event
) -> None:
    corpus = _corpus(tmp_path)
    list_gate.set()
    win = open_window([corpus])
    qtbot.waitUntil(lambda: not win.doc_list.filling, timeout=10_000)
    win.doc_list.documentActivated.emit("d0250")
    assert win.session.document.record.id == "d0250"
    win.close()
    list_gate.clear()
    again = open_window([corpus])
    assert again.session.document.record.id == "d0000"  # a stand-in: d0250 is not read yet
    list_gate.set()
    qtbot.waitUntil(lambda: not again.doc_list.filling, timeout=10_000)
    assert again.session.document.record.id == "d0250"
    assert again.doc_list.table.currentIndex().data(Qt.ItemDataRole.UserRole) == "d0250"
