"""Opening the annotator's own large file: first article at once, store indexed and list filled behind it.

The file here is small; the window is made to read only its first lines before it opens
(``INDEX_BUDGET`` 0), and the store's reading of the file is held back by a gate, as a slow
disk would, so the test works on the first article while the store is provably not indexed
(issue 15, part 4; decision 0024). An edit made then waits for the index; one made on a view
the file has a later version of is refused and the later version shown.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from tests.conftest import index_fails
from tests.qt.conftest import ANNOTATOR, drag_select, on_disk, store_records
from workbench.app import batch as batch_module
from workbench.app.session import Session
from workbench.core.record import Record
from workbench.ui import doc_list, main_window

N = 1500
TEXT = "Angela Merkel visited Paris on Monday, story {i}."
LATER = "Angela Merkel visited Rome on Tuesday, story 0 as corrected."


def _own_file(tmp_path: Path, later: bool = False) -> Path:
    path = tmp_path / f"batch.{ANNOTATOR}.jsonl"
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(N):
            rec = Record.new(TEXT.format(i=i), {"title": f"Story {i}"}, id=f"d{i:04d}", annotator=ANNOTATOR)
            fh.write(json.dumps(rec.to_dict(), ensure_ascii=False) + "\n")
        if later:  # the annotator's later version of the first article, at the end of the file
            rec = Record.new(
                LATER, {"title": "Story 0"}, id="d0000", annotator=ANNOTATOR, status="done", rev=5
            )
            fh.write(json.dumps(rec.to_dict(), ensure_ascii=False) + "\n")
    return path


@pytest.fixture
def gate(monkeypatch: pytest.MonkeyPatch, store_gate: threading.Event) -> threading.Event:
    """The window reads the file's first lines only, and the store's reading waits for this event."""
    monkeypatch.setattr(main_window, "INDEX_BUDGET", 0.0)
    monkeypatch.setattr(batch_module, "CHUNK", 200)
    monkeypatch.setattr(doc_list, "COUNT_SLICE", 100)  # statuses counted in many slices
    return store_gate


def _said(win: Any) -> list[str]:
    """The texts of the message boxes the window shows."""
    return [box.text() for box in win.findChildren(QMessageBox) if box.isVisible()]


def _open_slowly(gate: threading.Event) -> None:
    """The disk answers a moment later, while the window's GUI thread waits for it."""
    threading.Timer(0.3, gate.set).start()


@pytest.fixture
def asked(monkeypatch: pytest.MonkeyPatch, gate: threading.Event) -> list[bool]:
    """The gate opens only once an edit asks for the index (whether it was there then, per edit)."""
    check = Session._before_edit
    seen: list[bool] = []

    def before_edit(self: Session, doc: Any) -> None:
        seen.append(self.store.ready)
        _open_slowly(gate)
        check(self, doc)

    monkeypatch.setattr(Session, "_before_edit", before_edit)
    return seen


def test_an_early_edit_waits_for_the_index_and_the_list_fills_behind_it(
    qtbot: Any, open_window: Any, tmp_path: Path, gate: threading.Event, asked: list[bool]
) -> None:
    win = open_window([_own_file(tmp_path)])
    s = win.session
    assert s is not None and s.document is not None and s.document.record.id == "d0000"
    assert win.view.toPlainText() == TEXT.format(i=0)
    assert not s.store.ready  # shown from the batch's first reading of the file
    assert 0 < win.doc_list.model.rowCount() < N and win.doc_list.filling
    # Annotate at once, with the mouse and a key: the edit waits for the index, then is saved.
    drag_select(qtbot, win, 0, len("Angela Merkel"))
    qtbot.keyClick(win.view, "p")
    assert asked == [False] and s.store.ready and s.document.record.id == "d0000"
    assert [(sp["start"], sp["end"], sp["label"]) for sp in on_disk(win)["spans"]] == [(0, 13, "PERSON")]
    qtbot.waitUntil(lambda: not (win.doc_list.filling or win.doc_list.counting), timeout=10_000)
    assert win.doc_list.model.rowCount() == N and [it.id for it in s.batch.items][-1] == f"d{N - 1:04d}"
    assert win.doc_list.progress.format() == f"0 / {N:,} done"
    assert win.doc_list.table.currentIndex().data(Qt.ItemDataRole.UserRole) == "d0000"
    # Done and next, by key: the counts follow at once, without counting the batch again.
    qtbot.keyClick(win.view, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert s.document.record.id == "d0001" and not win.doc_list.counting
    assert win.doc_list.progress.format() == f"1 / {N:,} done"
    assert win.doc_list.filter.itemText(3) == "● done (1)"
    assert win.doc_list.filter.itemText(0) == f"All ({N:,})"  # 1,500, as the reading message counts
    win.close()
    saved = store_records(s.store_path)
    assert len(saved) == N and saved["d0000"]["spans"][0]["label"] == "PERSON"
    assert saved["d0000"]["status"] == "done"


def test_an_edit_of_a_version_the_file_has_a_later_one_of_is_refused_and_the_later_one_shown(
    qtbot: Any, open_window: Any, tmp_path: Path, gate: threading.Event, asked: list[bool]
) -> None:
    win = open_window([_own_file(tmp_path, later=True)])
    s = win.session
    assert s is not None and win.view.toPlainText() == TEXT.format(i=0)  # the first line: stale
    drag_select(qtbot, win, 0, len("Angela Merkel"))
    qtbot.keyClick(win.view, "p")  # waits for the index, which finds the later line
    assert asked == [False] and "later version" in win.statusBar().currentMessage()
    qtbot.waitUntil(lambda: win.view.toPlainText() == LATER, timeout=5000)
    assert s.document is not None and s.document.record.status == "done"
    assert not store_records(s.store_path)["d0000"]["spans"]  # nothing written over it
    # The list says what the file says now: the first article is done.
    qtbot.waitUntil(lambda: not (win.doc_list.filling or win.doc_list.counting), timeout=10_000)
    assert win.doc_list.progress.format() == f"1 / {N:,} done"
    assert "done" in win.doc_list.table.model().index(0, 0).data()
    # Made again on the later version, the edit is saved on top of it.
    drag_select(qtbot, win, 0, len("Angela Merkel"))
    qtbot.keyClick(win.view, "p")
    saved = on_disk(win)
    assert saved["text"] == LATER and saved["status"] == "done"
    assert [(sp["start"], sp["end"], sp["label"]) for sp in saved["spans"]] == [(0, 13, "PERSON")]


def test_closing_before_the_index_is_done_keeps_the_file_and_lets_go_of_it(
    qtbot: Any, open_window: Any, tmp_path: Path, gate: threading.Event
) -> None:
    path = _own_file(tmp_path, later=True)
    before = path.read_bytes()
    win = open_window([path])
    assert win.session is not None and not win.session.store.ready
    _open_slowly(gate)
    win.close()  # waits for the index (a close compacts: the later line replaces the first)
    assert store_records(path)["d0000"]["text"] == LATER and len(store_records(path)) == N
    assert path.stat().st_size < len(before)
    assert not path.with_name(path.name + ".lock").exists()


def test_a_stale_view_is_replaced_as_soon_as_the_index_is_done(
    qtbot: Any, open_window: Any, tmp_path: Path, gate: threading.Event
) -> None:
    win = open_window([_own_file(tmp_path, later=True)])
    assert win.view.toPlainText() == TEXT.format(i=0)  # the first line: stale
    gate.set()  # no key pressed: the window checks what it shows when the index is done
    qtbot.waitUntil(lambda: win.view.toPlainText() == LATER, timeout=5000)
    assert win.session is not None and win.session.document is not None
    assert win.session.document.record.status == "done" and win.session.document.guard is None


def test_a_file_that_cannot_be_indexed_closes_the_batch_and_its_list(
    qtbot: Any, open_window: Any, tmp_path: Path, gate: threading.Event, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _own_file(tmp_path)
    before = path.read_bytes()
    failing = pytest.MonkeyPatch()  # its own: undoing it must not undo the test's isolated settings
    index_fails(failing, OSError(5, "Input/output error"))  # EIO on the worker, past the gate
    win = open_window([path])
    assert win.session is not None and not win.session.store.ready and win.doc_list.model.rowCount()
    gate.set()
    qtbot.waitUntil(lambda: win.session is None, timeout=5000)
    assert "Cannot read the annotator file" in win.statusBar().currentMessage()
    assert _said(win) == [f"{path.resolve()}: Input/output error"]
    assert path.read_bytes() == before and not path.with_name(path.name + ".lock").exists()
    # The list neither keeps the closed batch's rows nor asks its store again (a repaint raised).
    assert win.doc_list.model is None and win.doc_list.table.model().rowCount() == 0
    assert not (win.doc_list.filling or win.doc_list.counting)
    assert win.doc_list.progress.text() == "no batch open"
    win.doc_list.table.viewport().repaint()
    # done and next, by key: nothing is open, nothing is asked of the closed batch
    qtbot.keyClick(win.view, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    # Opened again once the disk answers, it works as usual.
    failing.undo()
    assert win.open_paths([path]) and win.session is not None
    qtbot.waitUntil(lambda: win.session.store.ready, timeout=5000)


def test_an_edit_while_another_process_empties_the_file_is_refused_without_a_traceback(
    qtbot: Any,
    open_window: Any,
    tmp_path: Path,
    gate: threading.Event,
    asked: list[bool],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = _own_file(tmp_path)
    index_fails(monkeypatch)  # emptied between the index's skim and its statuses: mmap raises ValueError
    win = open_window([path])
    drag_select(qtbot, win, 0, len("Angela Merkel"))
    qtbot.keyClick(win.view, "p")  # waits for the index, which fails: the edit is refused, said so
    assert asked == [False] and "cannot be read" in win.statusBar().currentMessage()
    qtbot.waitUntil(lambda: win.session is None, timeout=5000)
    assert "Cannot read the annotator file" in win.statusBar().currentMessage()
    assert _said(win) == [f"{path.resolve()}: cannot mmap an empty file"]  # the path once, no type name
    assert path.read_bytes() == b"" and not path.with_name(path.name + ".journal").exists()
    assert not path.with_name(path.name + ".lock").exists()
