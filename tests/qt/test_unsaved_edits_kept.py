"""Edits that could not be saved yet must survive opening another batch, not vanish with the old session."""

from __future__ import annotations

import errno
import json
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QMessageBox

from tests.qt.conftest import store_records


def _corpus(path: Path, texts: list[str]) -> Path:
    lines = [json.dumps({"id": f"d{i}", "text": t}) for i, t in enumerate(texts)]
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


def _fail_saves(store: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    def disk_full() -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    real = store._append_fd
    store._close_fd()
    monkeypatch.setattr(store, "_append_fd", disk_full)
    return real


def _edit_that_cannot_be_saved(
    qtbot: Any, win: Any, monkeypatch: pytest.MonkeyPatch
) -> tuple[Any, Path, Any]:
    """A PERSON span on the first article while the disk is full: (store, its path, the real writer)."""
    store, store_path = win.session.store, win.session.store_path
    real = _fail_saves(store, monkeypatch)
    win.view.select_range(0, len("Angela Merkel"))
    qtbot.keyClick(win.view, "p")
    assert win.session.document.record.spans and store.has_unsaved
    return store, store_path, real


@pytest.mark.parametrize("answer", ["Cancel", "Discard"])
def test_opening_another_batch_with_unsaved_edits_asks_first(
    qtbot: Any, open_window: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, answer: str
) -> None:
    first = _corpus(tmp_path / "first.jsonl", ["Angela Merkel visited Paris on Monday."])
    second = _corpus(tmp_path / "second.jsonl", ["Apple opened a new office in Dublin."])
    win = open_window([first])
    store, store_path, real = _edit_that_cannot_be_saved(qtbot, win, monkeypatch)
    asked: list[str] = []

    def warning(*args: Any, **kwargs: Any) -> QMessageBox.StandardButton:
        asked.append(args[2])
        return getattr(QMessageBox.StandardButton, answer)

    monkeypatch.setattr(QMessageBox, "warning", staticmethod(warning))
    opened = win.open_paths([second])
    assert asked and "cannot be written" in asked[0]
    if answer == "Cancel":
        # the user keeps the batch: the edit is still there and lands once the disk has room again
        assert not opened and win.session.store is store and store.has_unsaved
        monkeypatch.setattr(store, "_append_fd", real)
        qtbot.waitUntil(lambda: not store.has_unsaved, timeout=5000)
        assert [s["label"] for s in store_records(store_path)["d0"]["spans"]] == ["PERSON"]
    else:
        assert opened and win.session.store_path != store_path  # the user chose to drop the edit
        messages: list[str] = []
        win.statusBar().messageChanged.connect(messages.append)
        win.view.select_range(0, len("Apple"))
        qtbot.keyClick(win.view, "o")
        assert win.session.saved
        assert not any("Saved again" in m for m in messages)  # the dropped edits are not on disk


def test_reopening_the_same_batch_that_fails_keeps_the_open_one_working(
    qtbot: Any, open_window: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The new session is built before the old one lets go: if that fails, nothing is lost or locked."""
    path = _corpus(tmp_path / "batch.jsonl", ["Angela Merkel visited Paris on Monday."])
    win = open_window([path])
    old = win.session
    monkeypatch.setattr(QMessageBox, "open", lambda self: None)  # the error dialog, not shown in a test
    path.unlink()  # e.g. a network folder gone away
    assert not win.open_paths([path])
    assert win.session is old and not old.readonly
    win.view.select_range(0, len("Angela Merkel"))
    qtbot.keyClick(win.view, "p")
    assert [s["label"] for s in store_records(old.store_path)["d0"]["spans"]] == ["PERSON"]  # saved at once


def test_reopening_ones_own_batch_with_unsaved_edits_keeps_them_without_asking(
    qtbot: Any, open_window: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _corpus(tmp_path / "batch.jsonl", ["Angela Merkel visited Paris on Monday."])
    win = open_window([path])
    store, store_path, real = _edit_that_cannot_be_saved(qtbot, win, monkeypatch)

    def warning(*_args: Any, **_kwargs: Any) -> QMessageBox.StandardButton:
        raise AssertionError("nothing is lost by reopening the same file: no question")

    monkeypatch.setattr(QMessageBox, "warning", staticmethod(warning))
    assert win.open_paths([path])
    assert win.session.store is store and store.has_unsaved  # the waiting edit went along
    monkeypatch.setattr(store, "_append_fd", real)  # the disk has room again
    qtbot.waitUntil(lambda: not store.has_unsaved, timeout=10_000)  # retried without another edit
    assert [s["label"] for s in store_records(store_path)["d0"]["spans"]] == ["PERSON"]


def test_an_edit_the_journal_cannot_take_is_kept_said_once_and_retried(
    qtbot: Any, open_window: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After the first save an edit costs a journal entry (decision 0014); its failure is a failed save."""
    text = "Angela Merkel visited Paris on Monday."
    path = _corpus(tmp_path / "batch.jsonl", [text])
    win = open_window([path])
    store, store_path = win.session.store, win.session.store_path
    win.view.select_range(0, len("Angela Merkel"))
    qtbot.keyClick(win.view, "p")  # the article's first save: the whole record, in the file
    assert win.session.saved
    messages: list[str] = []
    win.statusBar().messageChanged.connect(messages.append)

    def disk_full() -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    real = store._journal_fd
    store._close_fd()
    monkeypatch.setattr(store, "_journal_fd", disk_full)
    paris = text.index("Paris")
    win.view.select_range(paris, paris + len("Paris"))
    qtbot.keyClick(win.view, "g")
    monday = text.index("Monday")
    win.view.select_range(monday, monday + len("Monday"))
    qtbot.keyClick(win.view, "e")
    assert not win.session.saved and store.has_unsaved
    assert sum("NOT SAVED" in m for m in messages) == 1  # said once, not at every edit
    assert [s["label"] for s in store_records(store_path)["d0"]["spans"]] == ["PERSON"]
    monkeypatch.setattr(store, "_journal_fd", real)  # the disk has room again
    qtbot.waitUntil(lambda: not store.has_unsaved, timeout=10_000)  # retried without another edit
    assert [s["label"] for s in store_records(store_path)["d0"]["spans"]] == ["PERSON", "GPE", "EVENT"]
    assert win.session.saved
