"""Window fixtures: a real MainWindow on real files, driven by real key and mouse events."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication

from workbench.io.store import AnnotatorStore
from workbench.ui.app import create_window
from workbench.ui.main_window import MainWindow

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
ANNOTATOR = "tester"
# The window's own timers (a failed save retried every 2 s, a read-only window looking every 2 s
# whether the lock is free) run this often in tests: the same timers, fired without the wait.
QUICK_TIMER_MS = 100


@pytest.fixture(autouse=True)
def _annotator(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WORKBENCH_ANNOTATOR", ANNOTATOR)


@pytest.fixture(autouse=True)
def _no_preannotation_on_open(_isolated_settings: None) -> None:
    """Window tests drive the annotator's own edits; pre-annotation on open has its own tests."""
    from workbench.io.settings import Settings, save_settings

    save_settings(Settings(preannotate_on_open=False), durable=False)


@pytest.fixture
def open_window(qtbot: Any) -> Iterator[Any]:
    """``open_window(paths)`` -> a shown MainWindow; closed (and its store unlocked) afterwards."""
    made: list[MainWindow] = []

    def make(paths: list[Path]) -> MainWindow:
        win = create_window(paths)
        assert win is not None
        win.save_status._retry.setInterval(QUICK_TIMER_MS)
        win._takeover.setInterval(QUICK_TIMER_MS)
        qtbot.addWidget(win)
        win.resize(1300, 820)
        win.show()
        qtbot.waitExposed(win)
        win.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is win)
        made.append(win)
        return win

    yield make
    for win in made:
        win.close()


def store_records(path: Path) -> dict[str, dict[str, Any]]:
    """What is saved on disk now: the file (later line wins) and the journal of edits not yet folded in."""
    if not path.exists():
        return {}
    with AnnotatorStore(path, readonly=True) as st:
        return {rid: st.raw(rid) for rid in st.ids()}  # type: ignore[misc]


def on_disk(win: MainWindow) -> dict[str, Any]:
    assert win.session is not None and win.session.document is not None
    return store_records(win.session.store_path)[win.session.document.record.id]


def char_point(win: MainWindow, offset: int, right: bool = False) -> QPoint:
    """Viewport point over the character at code-point ``offset`` (its left edge, or right)."""
    view = win.view
    cur = view.textCursor()
    cur.setPosition(view.map.to_qt(offset + (1 if right else 0)))
    r = view.cursorRect(cur)
    return QPoint(r.left() + (-1 if right else 2), r.center().y())


def drag_select(qtbot: Any, win: MainWindow, start: int, end: int) -> None:
    """Select text with the mouse: press on the first character, move with the button held, release."""
    vp = win.view.viewport()
    win.view.ensureCursorVisible()
    a, b = char_point(win, start), char_point(win, end - 1, right=True)
    qtbot.mousePress(vp, Qt.MouseButton.LeftButton, pos=a)
    for frac in (0.5, 1.0):
        p = QPoint(int(a.x() + (b.x() - a.x()) * frac), int(a.y() + (b.y() - a.y()) * frac))
        move = QMouseEvent(
            QMouseEvent.Type.MouseMove,
            p,
            vp.mapToGlobal(p),
            Qt.MouseButton.NoButton,
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
        )
        QApplication.sendEvent(vp, move)
    qtbot.mouseRelease(vp, Qt.MouseButton.LeftButton, pos=b)


def click_char(qtbot: Any, win: MainWindow, offset: int) -> None:
    qtbot.mouseClick(win.view.viewport(), Qt.MouseButton.LeftButton, pos=char_point(win, offset))


def screenshot(win: MainWindow, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    win.grab().save(str(path))
    return path


def env_without_display() -> dict[str, str]:
    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = "offscreen"
    return env


@pytest.fixture
def list_gate(monkeypatch: pytest.MonkeyPatch) -> Iterator[threading.Event]:
    """The window reads the batch's first lines only; each chunk of the rest (50) waits for this event.

    As a slow disk would: the test works on the window while the list is provably not full.
    """
    from workbench.app import batch as batch_module
    from workbench.ui import main_window

    event = threading.Event()
    chunks = batch_module._chunks

    def gated(batch: Any, walk: Iterator[Any]) -> Iterator[list[Any]]:
        for chunk in chunks(batch, walk):
            event.wait(10)
            yield chunk

    monkeypatch.setattr(main_window, "INDEX_BUDGET", 0.0)
    monkeypatch.setattr(batch_module, "CHUNK", 50)
    monkeypatch.setattr(batch_module, "_chunks", gated)
    yield event
    event.set()
