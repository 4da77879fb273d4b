"""A corpus opened with the annotator's file beside it: the statuses are read after the first paint.

The window needs that file's index before its first article (the annotator's version of it,
the first article not done), but not every status: those are read on the window's worker
(decision 0024, "statuses after the first paint"). Here that reading is held back, as a slow
disk would, so the test works while it provably has not happened: the first undone article
and its version must already be right, and the list's counts right once the statuses are in.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from tests.qt.conftest import ANNOTATOR, store_records
from workbench.core.record import Record
from workbench.io import store_open

N = 40
DONE = 5


def _files(tmp_path: Path) -> Path:
    corpus = tmp_path / "batch.jsonl"
    own = tmp_path / f"batch.{ANNOTATOR}.jsonl"
    with open(corpus, "w", encoding="utf-8") as c, open(own, "w", encoding="utf-8") as o:
        for i in range(N):
            text = f"Olaf Scholz spoke in Berlin, story {i}."
            rec = Record.new(text, {"title": f"Story {i}"}, id=f"d{i:03d}")
            c.write(json.dumps(rec.to_dict()) + "\n")
            if i <= DONE:  # the first DONE done, the next one begun (a word changed: its own version)
                rec.annotator, rec.rev = ANNOTATOR, 3
                rec.status = "done" if i < DONE else "in_progress"
                rec.text = rec.text.replace("spoke", "said so")
                o.write(json.dumps(rec.to_dict()) + "\n")
    return corpus


@pytest.fixture
def held(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """The worker's reading of the statuses waits for this event."""
    event = threading.Event()
    read = store_open.read_statuses

    def slow(path: Any, places: Any, fd: Any = None) -> None:
        event.wait(30)
        read(path, places, fd)

    monkeypatch.setattr(store_open, "read_statuses", slow)
    yield event
    event.set()


def test_the_first_undone_article_and_its_version_come_before_the_statuses_are_read(
    qtbot: Any, open_window: Any, tmp_path: Path, held: threading.Event
) -> None:
    win = open_window([_files(tmp_path)])
    s = win.session
    assert s is not None and s.document is not None
    assert s.store.indexed and s.store.statuses_unread  # the worker is still reading them
    assert s.document.record.id == f"d{DONE:03d}"  # the first not done, from the lines themselves
    assert win.view.toPlainText() == f"Olaf Scholz said so in Berlin, story {DONE}."  # the annotator's
    held.set()
    qtbot.waitUntil(lambda: not s.store.statuses_unread, timeout=10_000)
    qtbot.waitUntil(lambda: not (win.doc_list.filling or win.doc_list.counting), timeout=10_000)
    assert win.doc_list.progress.format() == f"{DONE} / {N} done"
    qtbot.keyClick(win.view, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert s.document.record.id == f"d{DONE + 1:03d}"
    assert win.doc_list.progress.format() == f"{DONE + 1} / {N} done"
    win.close()
    saved = store_records(s.store_path)
    assert saved[f"d{DONE:03d}"]["status"] == "done" and saved["d000"]["status"] == "done"
