"""The annotator's day on the seed article, through real key and mouse events.

After every step the annotator file on disk is read back: an edit that is not
on disk at once does not count.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt

from tests.conftest import shared_path
from tests.qt.conftest import click_char, drag_select, on_disk, screenshot


def _spans(d: dict[str, Any], label: str | None = None) -> list[dict[str, Any]]:
    return [s for s in d["spans"] if label is None or s["label"] == label]


def test_annotate_the_seed_article(qtbot: Any, open_window: Any, tmp_path: Path) -> None:
    seed = shared_path("seed", "000_bab8e4e99eda0806.txt")
    article = tmp_path / "seed.txt"
    shutil.copy(seed, article)
    win = open_window([article])
    view = win.view
    text = win.session.document.record.text
    screenshot(win, "seed_01_opened")

    # 1. mouse drag over a name, label key -> a PERSON span, on disk at once
    a = text.index("Alexander Lukashenko")
    drag_select(qtbot, win, a, a + len("Alexander Lukashenko"))
    assert view.selection() == (a, a + len("Alexander Lukashenko"))
    qtbot.keyClick(view, "p")
    d = on_disk(win)
    [person] = _spans(d, "PERSON")
    assert (person["start"], person["end"], person["text"]) == (a, a + 20, "Alexander Lukashenko")
    assert d["annotator"] == "tester" and d["status"] == "in_progress"
    assert "origin" not in person  # made by a person

    # 2. keyboard selection: click before "Vladimir Putin", Shift+Right over it, label
    b = text.index("Vladimir Putin")
    click_char(qtbot, win, b)
    assert view.cursor_offset() == b
    for _ in range(len("Vladimir Putin")):
        qtbot.keyClick(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClick(view, "o")  # first as ORG...
    d = on_disk(win)
    [org] = _spans(d, "ORG")
    assert org["text"] == "Vladimir Putin"
    # 3. ...then change the label of the current span by key
    qtbot.keyClick(view, "p")
    d = on_disk(win)
    assert sorted(s["text"] for s in _spans(d, "PERSON")) == ["Alexander Lukashenko", "Vladimir Putin"]
    assert not _spans(d, "ORG")
    putin_id = next(s["id"] for s in _spans(d) if s["text"] == "Vladimir Putin")

    # 4. a quote by keyboard selection, then SPEAKER: key s, click the speaker
    q0 = text.index("‘I think that we can think about three-way")
    q1 = text.index("Russia.", q0) + len("Russia.")
    click_char(qtbot, win, q0)
    while view.cursor_offset() > q0:  # a click on the narrow ‘ may land just after it
        qtbot.keyClick(view, Qt.Key.Key_Left)
    for _ in range(q1 - q0):
        qtbot.keyClick(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    assert view.selection() == (q0, q1)
    qtbot.keyClick(view, "q")
    d = on_disk(win)
    [quote] = _spans(d, "QUOTE")
    assert quote["start"] == q0 and quote["end"] == q1
    assert win.controller.current == quote["id"]
    qtbot.keyClick(view, "s")
    click_char(qtbot, win, b + 3)
    d = on_disk(win)
    [rel] = d["relations"]
    assert (rel["label"], rel["head"], rel["child"]) == ("SPEAKER", quote["id"], putin_id)
    assert win.view.arrows and win.view.arrows[0].label == "SPEAKER"
    screenshot(win, "seed_02_speaker_arrow")

    # a relation the schema does not allow is not offered: CUE from a QUOTE to a PERSON
    qtbot.keyClick(view, "v")
    click_char(qtbot, win, a + 2)
    assert len(on_disk(win)["relations"]) == 1
    qtbot.keyClick(view, Qt.Key.Key_Escape)

    # 5. entity sentiment: Tab to the first PERSON, "-" sets negative
    qtbot.keyClick(view, Qt.Key.Key_Escape)
    view.setFocus()
    click_char(qtbot, win, 0)
    qtbot.keyClick(view, Qt.Key.Key_Tab)
    assert win.controller.current == person["id"]
    qtbot.keyClick(view, "-")
    d = on_disk(win)
    assert next(s for s in d["spans"] if s["id"] == person["id"])["attrs"] == {"sentiment": "negative"}
    assert win.inspector.attr_boxes["sentiment"].currentData() == "negative"

    # 6. document sentiment: no current span, "+" sets the document field
    qtbot.keyClick(view, Qt.Key.Key_Escape)
    assert win.controller.current is None
    qtbot.keyClick(view, "+")
    assert on_disk(win)["doc"] == {"sentiment": "positive"}
    # ...and through the inspector form generated from the schema
    box = win.inspector.doc_single["sentiment"]
    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_Up)  # positive -> neutral
    assert on_disk(win)["doc"] == {"sentiment": "neutral"}
    view.setFocus()

    # 7. undo and redo, named in the menu
    assert win.actions_by_id["undo"].text().startswith("&Undo Set document sentiment")
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert on_disk(win)["doc"] == {"sentiment": "positive"}
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert on_disk(win)["doc"] == {}
    qtbot.keyClick(
        view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    assert on_disk(win)["doc"] == {"sentiment": "positive"}

    # 8. mark done (and move on: a single article stays where it is)
    qtbot.keyClick(view, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    d = on_disk(win)
    assert d["status"] == "done"
    assert win.doc_list.progress.text() == "1 / 1 done"
    assert "saved" in win.windowTitle()
    screenshot(win, "seed_03_done")

    # 9. reopening restores every edit and the document
    path = win.session.store_path
    win.close()
    win2 = open_window([article])
    assert win2.session.store_path == path
    rec = win2.session.document.record
    assert rec.status == "done" and rec.doc == {"sentiment": "positive"}
    assert len(rec.spans) == 3 and len(rec.relations) == 1
