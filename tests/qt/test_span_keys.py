"""Span keys: Tab cycling, relations by keyboard with only allowed types, widen/shrink, delete."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt

from tests.qt.conftest import on_disk

TEXT = "“We will rebuild the bridge,” said Mayor Ellen Okafor of Millbrook Town Council on Tuesday."


def _open(open_window: Any, tmp_path: Path) -> Any:
    spans = []
    for i, (needle, label) in enumerate(
        [
            ("“We will rebuild the bridge,”", "QUOTE"),
            ("said", "CUE"),
            ("Ellen Okafor", "PERSON"),
            ("Millbrook Town Council", "ORG"),
        ]
    ):
        a = TEXT.index(needle)
        spans.append({"id": f"s{i + 1}", "start": a, "end": a + len(needle), "label": label})
    path = tmp_path / "keys.jsonl"
    path.write_text(
        json.dumps({"id": "k1", "text": TEXT, "spans": spans}, ensure_ascii=False) + "\n", "utf-8"
    )
    return open_window([path])


def test_tab_cycles_spans_in_text_order(qtbot: Any, open_window: Any, tmp_path: Path) -> None:
    win = _open(open_window, tmp_path)
    view = win.view
    seen = []
    for _ in range(5):
        qtbot.keyClick(view, Qt.Key.Key_Tab)
        seen.append(win.controller.current)
    assert seen == ["s1", "s2", "s3", "s4", "s1"]
    qtbot.keyClick(view, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    assert win.controller.current == "s4"
    assert win.inspector.span_label.currentData() == "ORG"


def test_relation_by_keyboard_offers_only_allowed_ends_and_types(
    qtbot: Any, open_window: Any, tmp_path: Path
) -> None:
    win = _open(open_window, tmp_path)
    view, ctl = win.view, win.controller
    qtbot.keyClick(view, Qt.Key.Key_Tab)  # the QUOTE
    qtbot.keyClick(view, "s")  # SPEAKER: QUOTE -> PERSON/ORG/GPE/NORP/MENTION
    candidates = []
    for _ in range(3):
        qtbot.keyClick(view, Qt.Key.Key_Tab)
        candidates.append(ctl._candidate)
    assert candidates == ["s3", "s4", "s3"]  # the CUE and the QUOTE itself are never offered
    qtbot.keyClick(view, Qt.Key.Key_Return)
    d = on_disk(win)
    assert [(r["label"], r["head"], r["child"]) for r in d["relations"]] == [("SPEAKER", "s1", "s3")]
    # s again on a quote that has its one SPEAKER (max one per quote) replaces it, in one undo step
    qtbot.keyClick(view, "s")
    assert "replaces" in win.statusBar().currentMessage()
    qtbot.keyClick(view, Qt.Key.Key_Tab)
    qtbot.keyClick(view, Qt.Key.Key_Tab)
    qtbot.keyClick(view, Qt.Key.Key_Return)
    d = on_disk(win)
    assert [(r["label"], r["head"], r["child"]) for r in d["relations"]] == [("SPEAKER", "s1", "s4")]
    assert "SPEAKER replaced" in win.statusBar().currentMessage()
    win.run_action("undo")
    assert [r["child"] for r in on_disk(win)["relations"]] == ["s3"]
    # generic relation key: the choice offered holds only the types allowed for the pair
    offered: list[list[str]] = []

    def choose(types: list[Any]) -> Any:
        offered.append([t.name for t in types])
        return types[0]

    ctl.ask_relation = choose
    qtbot.keyClick(view, Qt.Key.Key_Escape)
    qtbot.keyClick(view, Qt.Key.Key_Tab)
    while ctl.current != "s3":
        qtbot.keyClick(view, Qt.Key.Key_Tab)
    qtbot.keyClick(view, "r")  # from the PERSON
    qtbot.keyClick(view, Qt.Key.Key_Tab)
    assert ctl._candidate == "s4"  # the ORG: AFFILIATION or INTERACTION; never the QUOTE or the CUE
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert offered == [["AFFILIATION", "INTERACTION"]]
    labels = sorted(r["label"] for r in on_disk(win)["relations"])
    assert labels == ["AFFILIATION", "SPEAKER"]
    # a relation key that cannot start from this label says so and starts nothing
    qtbot.keyClick(view, "v")
    assert "CUE starts from QUOTE" in win.statusBar().currentMessage()
    assert ctl._relation is None


def test_widen_shrink_delete_and_undo(qtbot: Any, open_window: Any, tmp_path: Path) -> None:
    win = _open(open_window, tmp_path)
    view, ctl = win.view, win.controller
    for _ in range(3):
        qtbot.keyClick(view, Qt.Key.Key_Tab)
    assert ctl.current == "s3"  # "Ellen Okafor"
    qtbot.keyClick(view, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)  # widen left: "Mayor Ellen Okafor"
    assert next(s for s in on_disk(win)["spans"] if s["id"] == "s3")["text"] == "Mayor Ellen Okafor"
    qtbot.keyClick(
        view, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.ShiftModifier
    )
    assert next(s for s in on_disk(win)["spans"] if s["id"] == "s3")["text"] == "Ellen Okafor"
    qtbot.keyClick(view, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.ShiftModifier)
    assert next(s for s in on_disk(win)["spans"] if s["id"] == "s3")["text"] == "Ellen"
    qtbot.keyClick(view, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    assert next(s for s in on_disk(win)["spans"] if s["id"] == "s3")["text"] == "Ellen Okafor"
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert "s3" not in {s["id"] for s in on_disk(win)["spans"]}
    assert ctl.current is None
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert "s3" in {s["id"] for s in on_disk(win)["spans"]}
    assert win.actions_by_id["redo"].text() == "&Redo Delete span"


def test_hover_tells_label_attributes_origin_and_speaker(
    qtbot: Any, open_window: Any, tmp_path: Path
) -> None:
    from PySide6.QtCore import QEvent, QPoint
    from PySide6.QtGui import QHelpEvent
    from PySide6.QtWidgets import QApplication, QToolTip

    from tests.qt.conftest import char_point

    win = _open(open_window, tmp_path)
    view = win.view
    qtbot.keyClick(view, Qt.Key.Key_Tab)
    qtbot.keyClick(view, "s")
    qtbot.keyClick(view, Qt.Key.Key_Tab)
    qtbot.keyClick(view, Qt.Key.Key_Return)  # SPEAKER -> Ellen Okafor
    qtbot.keyClick(view, "-")  # quote sentiment
    assert view.styles["s1"].note == "Ellen Okafor"  # the speaker's name beside the quote
    pos = char_point(win, TEXT.index("rebuild"))
    event = QHelpEvent(QEvent.Type.ToolTip, pos, view.viewport().mapToGlobal(pos))
    QApplication.sendEvent(view.viewport(), event)
    qtbot.waitUntil(QToolTip.isVisible)
    tip = QToolTip.text()
    for needle in ("QUOTE", "sentiment: negative", "origin: annotator", "SPEAKER → PERSON", "Ellen Okafor"):
        assert needle in tip
    QToolTip.hideText()
    assert isinstance(pos, QPoint)
