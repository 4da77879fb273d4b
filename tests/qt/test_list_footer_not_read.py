"""Lines of the batch that were not read stay in view: the status bar says so for a few seconds only."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt


def test_the_list_footer_keeps_the_lines_not_read_and_names_them(
    qtbot: Any, open_window: Any, tmp_path: Path
) -> None:
    src = tmp_path / "export.jsonl"
    good = [
        {"id": "a1", "text": "The mayor spoke on Monday.", "status": "todo"},
        {"id": "a2", "text": "Critics answered on Tuesday.", "status": "todo"},
    ]
    src.write_text(
        json.dumps(good[0]) + "\n" + "{not json\n" + json.dumps(good[1]) + "\n" + '["a list"]\n', "utf-8"
    )
    win = open_window([src])
    footer = win.doc_list.progress
    qtbot.waitUntil(lambda: footer.text() == "0 / 2 done · 2 not read", timeout=5000)
    tip = footer.toolTip()
    assert tip.startswith("Not read:") and f"{src}:2:" in tip and f"{src}:4:" in tip
    # the count stays as the annotator works through the rest
    qtbot.keyClick(win.view, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: footer.text() == "1 / 2 done · 2 not read", timeout=5000)


def test_a_batch_read_whole_has_a_plain_footer(qtbot: Any, open_window: Any, tmp_path: Path) -> None:
    src = tmp_path / "clean.jsonl"
    src.write_text(json.dumps({"id": "a1", "text": "All well.", "status": "todo"}) + "\n", "utf-8")
    win = open_window([src])
    qtbot.waitUntil(lambda: win.doc_list.progress.text() == "0 / 1 done", timeout=5000)
    assert win.doc_list.progress.toolTip() == ""


def test_a_line_too_long_for_one_record_is_refused_by_line_and_the_rest_opens(
    qtbot: Any, open_window: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    """The window reads other people's JSONL: a line of gigabytes must not be read into memory."""
    import workbench.app.batch as batch_mod

    monkeypatch.setattr(batch_mod, "MAX_RECORD_BYTES", 2048)  # the real bound is 256 MB
    src = tmp_path / "export.jsonl"
    after = {"id": "a3", "text": "After the long line, the council voted.", "status": "todo"}
    src.write_text(
        json.dumps({"id": "a1", "text": "Before it.", "status": "todo"})
        + "\n"
        + json.dumps({"id": "a2", "text": "word " * 1000, "status": "todo"})
        + "\n"
        + json.dumps(after)
        + "\n",
        "utf-8",
    )
    win = open_window([src])
    assert [it.id for it in win.session.batch.items] == ["a1", "a3"]
    assert [str(p) for p in win.session.batch.errors] == [
        f"{src}:2: line is over the 0.0 MB limit for one record"
    ]
    footer = win.doc_list.progress
    qtbot.waitUntil(lambda: footer.text() == "0 / 2 done · 1 not read", timeout=5000)
    # the line after the long one is found where it is: opened by key, its text is whole
    qtbot.keyClick(win.view, Qt.Key.Key_PageDown, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: win.view.toPlainText() == after["text"], timeout=5000)
