"""The guidelines in the window, driven by keys: the inspector follows the current span's label and
the selected relation's type; F1 → G and Shift+F1 show the whole document at the right entry."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from tests.conftest import news_without_guidelines
from workbench.core.schema import default_schema

TEXT = "Mayor Ellen Okafor said “We will build the barrier.” She added that work starts in May."


def article(tmp_path: Path) -> Path:
    """One article with a person, a cue, a quote and a mention, and the quote's relations."""

    def at(needle: str, label: str, sid: str) -> dict[str, Any]:
        a = TEXT.index(needle)
        return {"id": sid, "start": a, "end": a + len(needle), "label": label}

    rec = {
        "id": "d1",
        "text": TEXT,
        "meta": {"title": "Barrier"},
        "spans": [
            at("Ellen Okafor", "PERSON", "s1"),
            at("said", "CUE", "s2"),
            at("“We will build the barrier.”", "QUOTE", "s3"),
            at("She", "MENTION", "s4"),
        ],
        "relations": [
            {"id": "r1", "head": "s3", "child": "s1", "label": "SPEAKER"},
            {"id": "r2", "head": "s3", "child": "s2", "label": "CUE"},
            {"id": "r3", "head": "s4", "child": "s1", "label": "REFERS_TO"},
        ],
    }
    path = tmp_path / "one.jsonl"
    path.write_text(json.dumps(rec, ensure_ascii=False) + "\n", "utf-8")
    return path


def tab_to(qtbot: Any, win: Any, label: str) -> None:
    """Tab through the spans, as an annotator does, until one with ``label`` is current."""
    spans = win.session.document.record.spans
    for _ in range(len(spans) + 1):
        qtbot.keyClick(win.view, Qt.Key.Key_Tab)
        if spans[win.controller.current].label == label:
            return
    raise AssertionError(f"Tab never reached a {label}")


def definition(label: str, kind: str = "label") -> str:
    g = default_schema().guideline_for(kind, label)  # type: ignore[arg-type]
    assert g is not None
    return g.summary.split(":")[0].replace("*", "")[:30]


def test_the_inspector_shows_the_current_labels_definition_and_the_selected_relations(
    qtbot: Any, open_window: Any, tmp_path: Path
) -> None:
    win = open_window([article(tmp_path)])
    guide = win.inspector.guide
    assert guide.isVisible() and not guide.label.isVisible()
    tab_to(qtbot, win, "PERSON")
    assert guide.label.isVisible() and definition("PERSON") in guide.label.text.text()
    tab_to(qtbot, win, "QUOTE")
    text = guide.label.text.text()
    assert "Label QUOTE" in text and definition("QUOTE") in text and definition("PERSON") not in text
    # the quote's relations list selects its first relation: SPEAKER's guideline shows
    assert win.relations.list.count() == 2
    assert guide.relation.isVisible() and "Relation SPEAKER" in guide.relation.text.text()
    assert definition("SPEAKER", "relation")[:20] in guide.relation.text.text()
    # Ctrl+R into the list, Down to the CUE relation: the relation type's entry, not the label's
    qtbot.keyClick(win.view, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is win.relations.list
    qtbot.keyClick(win.relations.list, Qt.Key.Key_Down)
    cue_relation = default_schema().guideline_for("relation", "CUE")
    assert cue_relation is not None and "Relation CUE" in guide.relation.text.text()
    assert "Links a QUOTE to its CUE span" in guide.relation.text.text()
    qtbot.keyClick(win.relations.list, Qt.Key.Key_Escape)
    assert QApplication.focusWidget() is win.view
    # examples open on demand (a click, or Space on the focused button), painted in the label's colour
    tab_to(qtbot, win, "CUE")
    assert definition("CUE") in guide.label.text.text() and not guide.label.examples.isVisible()
    guide.label.more.setFocus()
    qtbot.keyClick(guide.label.more, Qt.Key.Key_Space)
    assert guide.label.examples.isVisible()
    examples = guide.label.examples.text()
    assert "has repeatedly denied" in examples and "Not this" in examples
    from workbench.ui.guidelines_page import window_fill

    cue_fill, _ = window_fill(guide.palette())(default_schema().labels["CUE"].color, "cue")
    assert f"background-color:{cue_fill}" in examples
    # the examples stay open as the current span moves, and follow it
    qtbot.keyClick(win.view, Qt.Key.Key_Escape)
    tab_to(qtbot, win, "MENTION")
    assert "A spokesperson for the ministry" in guide.label.examples.text()
    assert f"background-color:{cue_fill}" not in guide.label.examples.text()


def test_f1_then_g_shows_the_guidelines_page_and_shift_f1_opens_the_current_labels_entry(
    qtbot: Any, open_window: Any, tmp_path: Path
) -> None:
    win = open_window([article(tmp_path)])
    qtbot.keyClick(win.view, Qt.Key.Key_F1)
    assert win.help.isVisible() and win.help.tabs.currentIndex() == win.help.KEYS
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_G)
    page = win.help.guidelines
    assert win.help.tabs.currentIndex() == win.help.GUIDELINES and QApplication.focusWidget() is page
    shown = page.toPlainText()
    assert "News annotation guidelines" in shown and "Relation types" in shown
    assert "has repeatedly denied" in shown  # an example of the CUE entry, marks gone
    assert "[[" not in shown
    qtbot.keyClick(page, Qt.Key.Key_PageDown)
    assert page.verticalScrollBar().value() > 0
    qtbot.keyClick(page, Qt.Key.Key_K)
    assert win.help.tabs.currentIndex() == win.help.KEYS
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
    assert not win.help.isVisible() and QApplication.focusWidget() is win.view
    # Shift+F1 with a quote current: the page opens scrolled to the QUOTE entry
    tab_to(qtbot, win, "QUOTE")
    qtbot.keyClick(win.view, Qt.Key.Key_F1, Qt.KeyboardModifier.ShiftModifier)
    assert win.help.isVisible() and win.help.tabs.currentIndex() == win.help.GUIDELINES
    top = page.cursorForPosition(page.viewport().rect().topLeft()).block().text()
    assert top.strip().startswith("QUOTE") and "span label (quote)" in top, top
    qtbot.keyClick(page, Qt.Key.Key_F1, Qt.KeyboardModifier.ShiftModifier)
    assert not win.help.isVisible() and QApplication.focusWidget() is win.view


def test_guideline_fill_is_the_windows(qtbot: Any) -> None:
    from PySide6.QtWidgets import QLabel

    from workbench.ui.colors import FILL_ALPHA, fill_colors
    from workbench.ui.guidelines_page import window_fill

    w = QLabel()
    qtbot.addWidget(w)
    bg, fg = fill_colors(w.palette(), "#e8a33d", FILL_ALPHA)
    assert window_fill(w.palette())("#e8a33d", "entity") == (bg.name(), fg.name())


def test_a_schema_without_guidelines_hides_the_part_and_the_page_says_so(qtbot: Any) -> None:
    from workbench.core.schema import parse_schema
    from workbench.ui.guidelines_page import GuidelinesPage
    from workbench.ui.inspector import Inspector

    schema = parse_schema(news_without_guidelines())
    inspector = Inspector(schema, lambda _edit, _text: True)
    qtbot.addWidget(inspector)
    inspector.show()
    assert inspector.guide.isHidden()
    page = GuidelinesPage(schema)
    qtbot.addWidget(page)
    page.show()
    assert "has no guidelines yet" in page.toPlainText()


def test_a_project_window_shows_the_projects_own_guidelines(
    qtbot: Any, open_window: Any, tmp_path: Path, capsys: Any
) -> None:
    """init/add/assign from the command line with a schema whose guidelines the lead rewrote: the
    window on the project shows those, not the shipped ones."""
    from workbench.cli.main import main

    raw = json.loads(json.dumps(default_schema().raw))
    raw["guidelines"] = "Project Halden: harbour stories only."
    quote = next(lab for lab in raw["span_labels"] if lab["name"] == "QUOTE")
    quote["guideline"] = {
        "definition": "Halden rule: only the mayor's words.",
        "positive": ["[[“Open,”]] she said."],
    }
    schema = tmp_path / "halden.json"
    schema.write_text(json.dumps(raw, ensure_ascii=False), "utf-8")
    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "a.txt").write_text(
        "The mayor said “the harbour will reopen soon.” Nobody objected.\n", "utf-8"
    )
    project = tmp_path / "proj"
    assert main(["init", str(project), "--schema", str(schema)]) == 0
    assert main(["add", str(project), str(articles)]) == 0
    assert main(["assign", str(project), "--annotators", "tester", "--size", "1"]) == 0
    capsys.readouterr()
    win = open_window([project])
    text = win.session.document.record.text
    a = text.index("“the harbour")
    z = text.index("soon.”") + len("soon.”")
    cursor = win.view.textCursor()
    cursor.setPosition(win.view.map.to_qt(a))
    cursor.setPosition(win.view.map.to_qt(z), cursor.MoveMode.KeepAnchor)
    win.view.setTextCursor(cursor)
    qtbot.keyClick(win.view, "q")
    assert win.session.document.record.spans[win.controller.current].label == "QUOTE"
    assert "Halden rule: only the mayor" in win.inspector.guide.label.text.text()
    qtbot.keyClick(win.view, Qt.Key.Key_F1, Qt.KeyboardModifier.ShiftModifier)
    assert "Project Halden: harbour stories only." in win.help.guidelines.toPlainText()
