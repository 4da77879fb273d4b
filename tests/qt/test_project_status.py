"""A lead opens a project folder and sees who has done what, by keyboard."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from tests.qt.conftest import ANNOTATOR, drag_select
from workbench.core.record import Record, Span
from workbench.io.project import Project, assign
from workbench.io.store import AnnotatorStore

TEXTS = [
    f"Story {i}: the council of Halden met on day {i} and the mayor said the harbour will reopen soon."
    for i in range(6)
]


def test_project_status_dialog_shows_progress_and_agreement(
    qtbot: Any, open_window: Any, tmp_path: Path
) -> None:
    project = Project.init(tmp_path / "proj")
    project.add_records([Record.new(t) for t in TEXTS], near_threshold=0.99)
    batches = assign(project, [ANNOTATOR, "bob"], size=3, overlap=1.0, seed=1)
    shared = sorted(set(batches[ANNOTATOR]) & set(batches["bob"]))
    corpus = {r.id: r for r in project.iter_corpus()}
    assert len(shared) == 3  # full overlap: both have every article
    with AnnotatorStore(project.annotator_file("bob"), "bob") as store:
        for art in shared:
            rec = corpus[art]
            rec.spans = {"s1": Span("s1", 0, 5, "EVENT")}
            rec.status = "done"
            store.save(rec)
    win = open_window([project.root])
    qtbot.keyClick(
        win.view, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    before = win.project_actions.dialog
    qtbot.addWidget(before)
    assert "no article has been started by two annotators" in before.agreement.text()
    before.close()
    # the annotator marks the first word of the open article as bob did, and marks it done
    drag_select(qtbot, win, 0, 5)
    qtbot.keyClick(win.view, "e")
    qtbot.keyClick(win.view, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(
        win.view, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    dlg = win.project_actions.dialog
    qtbot.addWidget(dlg)
    assert dlg.isVisible()
    rows = {dlg.table.item(r, 0).text(): dlg.table.item(r, 2).text() for r in range(dlg.table.rowCount())}
    assert rows == {ANNOTATOR: "1", "bob": "3"}
    assert "on 1 shared article(s): span F1 strict 1.00, lenient 1.00" in dlg.agreement.text()
    dlg.close()


def test_outside_a_project_the_status_bar_says_what_is_needed(
    qtbot: Any, open_window: Any, tmp_path: Path
) -> None:
    path = tmp_path / "one.txt"
    path.write_text(TEXTS[0], "utf-8")
    win = open_window([path])
    qtbot.keyClick(
        win.view, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    assert "project folder" in win.statusBar().currentMessage()
    assert not [
        w
        for w in QApplication.topLevelWidgets()
        if w.windowTitle().startswith("Project status") and w.isVisible()
    ]
