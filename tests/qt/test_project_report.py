"""From the window: the project status shows throughput, and one key writes the lead's agreement report."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt

from tests.simulated_project import build


def test_status_dialog_shows_throughput_and_writes_the_report(
    qtbot: Any, open_window: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    project = build(tmp_path / "proj").root
    monkeypatch.setenv("WORKBENCH_ANNOTATOR", "alice")
    win = open_window([project])
    qtbot.keyClick(
        win.view, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    dlg = win.project_actions.dialog
    qtbot.addWidget(dlg)
    t = dlg.throughput
    header = [t.horizontalHeaderItem(c).text() for c in range(t.columnCount())]
    rows = {
        t.item(r, 0).text(): {h: t.item(r, c).text() for c, h in enumerate(header)}
        for r in range(t.rowCount())
    }
    assert rows["alice"]["articles/h"] == "40.0" and rows["bob"]["median min"] == "4.0"
    assert rows["bob"]["rejected"] == "8" and rows["carol"]["edited"] == "4"
    dlg.activateWindow()
    qtbot.waitUntil(dlg.isActiveWindow)
    qtbot.keyClick(dlg, Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)  # the button's mnemonic
    qtbot.waitUntil(lambda: "Report written" in dlg.report_note.text(), timeout=30000)
    page = (project / "exports" / "agreement.html").read_text("utf-8")
    assert "Agreement by batch" in page and "Disputes: strict span F1 below 0.6" in page
    assert "--annotator carol --at" in page
    dlg.close()
