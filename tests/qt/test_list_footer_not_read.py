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
