"""A page ``workbench add`` cleaned opens in a project as the window would have shown it, and says so."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt

from tests.conftest import shared_path
from tests.qt.conftest import screenshot
from workbench.cli.main import main


def test_a_page_cleaned_by_add_says_where_its_original_is(
    qtbot: Any, open_window: Any, tmp_path: Path
) -> None:
    seed = tmp_path / "seed.txt"
    shutil.copy(shared_path("seed", "000_bab8e4e99eda0806.txt"), seed)
    assert main(["init", str(tmp_path / "P")]) == 0
    assert main(["add", str(tmp_path / "P"), str(seed)]) == 0
    win = open_window([tmp_path / "P"])
    rec = win.session.document.record
    assert rec.text.startswith("Belarus has suggested") and "No menu items" not in win.view.toPlainText()
    assert win.header.title.text() == "Belarus floats terrifying axis with Russia and North Korea"
    facts = win.header.meta.text()
    removed = len(rec.meta["cleaning"]["removed"])
    assert (
        f"cleaned: {removed} piece(s) of page furniture out (the original is in meta.original_text)" in facts
    )
    assert "on open" not in facts and "Ctrl+Shift+U" not in facts  # no twin to switch to in a project
    screenshot(win, "add-cleaned-in-project")
    mods = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(win.view, Qt.Key.Key_U, mods)
    assert win.session.document.record.id == rec.id
    assert "came cleaned (workbench add)" in win.statusBar().currentMessage()
