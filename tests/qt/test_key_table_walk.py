"""Every entry of the key table, pressed as a key event on a real article, with the file checked after each.

The table is the one the help overlay and docs/guide/keys.md are generated from, so a
key added there without a step here fails the coverage check at the end. Keys go to
whatever widget has the focus, as they would for an annotator: a key that leaves the
focus somewhere the next key cannot reach fails the walk.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication

from tests.conftest import shared_path
from tests.qt.conftest import on_disk, store_records
from workbench.ui.actions import ACTIONS, key_text, schema_keys

POLNEAR = (
    "breitbart_2016-09-12_stealth-over-health-hillary-clin.txt",
    "breitbart_2016-09-15_pat-caddell-democrat-voters-worr.txt",
)
OWNER = {k: a.id for a in ACTIONS for k in a.keys}  # a key of the table -> its action (else a schema key)
QUOTE = "‘Korea is our neighbour, and we must build good neighbourly relations with our neighbours"


class Walk:
    def __init__(self, qtbot: Any, win: Any):
        self.qtbot, self.win, self.view = qtbot, win, win.view
        self.walked: set[tuple[str, str]] = set()

    @property
    def text(self) -> str:
        return self.win.session.document.record.text

    def press(self, key: str) -> None:
        """One key of the table, as the table writes it, to the focused widget."""
        self.walked.add((OWNER.get(key, "schema"), key))
        target = QApplication.focusWidget() or self.win
        k = key_text(key)
        if len(k) == 1:
            self.qtbot.keyClick(target, k)
            return
        combo = QKeySequence(key)[0]
        self.qtbot.keyClick(target, combo.key(), combo.keyboardModifiers())

    def disk(self) -> dict[str, Any]:
        return on_disk(self.win)

    def select(self, needle: str, after: int = 0) -> tuple[int, int]:
        """Select text by keys: Ctrl+Home, Right to the start, Shift+Right to the end."""
        a = self.text.index(needle, after)
        self.view.setFocus()
        self.qtbot.keyClick(self.view, Qt.Key.Key_Escape)
        self.qtbot.keyClick(self.view, Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier)
        for _ in range(a):
            self.qtbot.keyClick(self.view, Qt.Key.Key_Right)
        for _ in range(len(needle)):
            self.qtbot.keyClick(self.view, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
        assert self.view.selection() == (a, a + len(needle))
        return a, a + len(needle)

    def label(self, key: str, needle: str, after: int = 0) -> str:
        a, z = self.select(needle, after)
        self.press(key)
        [span] = [s for s in self.disk()["spans"] if (s["start"], s["end"]) == (a, z)]
        return str(span["id"])

    def goto(self, span_id: str) -> None:
        """Make a span current by Tab alone."""
        self.qtbot.keyClick(self.view, Qt.Key.Key_Escape)
        for _ in range(len(self.win.session.document.record.spans) + 1):
            self.qtbot.keyClick(self.view, Qt.Key.Key_Tab)
            if self.win.controller.current == span_id:
                return
        raise AssertionError(f"Tab never reached {span_id}")

    def relation(self, key: str, head: str, picks: list[str], child: str, label: str) -> None:
        self.goto(head)
        self.press(key)
        for pick in picks:
            self.press(pick)
        assert self.win.controller._candidate == child
        self.press("Return")
        rels = [(r["head"], r["child"], r["label"]) for r in self.disk()["relations"]]
        assert (head, child, label) in rels

    def modal_then_escape(self, key: str, check: Any = None) -> None:
        """A key that opens a dialog: look at it, then close it with Esc, as a person would."""
        seen: list[Any] = []

        def close() -> None:
            dlg = QApplication.activeModalWidget()
            if dlg is None:
                QTimer.singleShot(50, close)
                return
            seen.append(dlg)
            if check is not None:
                check(dlg)
            self.qtbot.keyClick(dlg, Qt.Key.Key_Escape)

        QTimer.singleShot(50, close)
        self.press(key)
        assert seen, f"{key} opened no dialog"
        self.win.activateWindow()  # a window manager does this when a dialog closes; offscreen has none
        self.qtbot.waitUntil(lambda: QApplication.activeWindow() is self.win)


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "batch"
    folder.mkdir()
    shutil.copy(shared_path("seed", "000_bab8e4e99eda0806.txt"), folder / "000_seed.txt")
    for name in POLNEAR:
        shutil.copy(shared_path("data", "polnear", "dev", "text", name), folder / name)
    return folder


def test_every_key_of_the_table_on_a_real_article(qtbot: Any, open_window: Any, tmp_path: Path) -> None:
    win = open_window([_folder(tmp_path)])
    w = Walk(qtbot, win)
    seed = win.session.document.record
    assert seed.text.startswith("Belarus has suggested")  # cleaned on open: no menu, no date line
    assert seed.meta["original_text"].startswith("30 August, Friday, 2024")
    assert win.header.title.text() == "Belarus floats terrifying axis with Russia and North Korea"

    # labels ---------------------------------------------------------------------------
    luka = w.label("p", "Alexander Lukashenko")
    icc = w.label("o", "International Criminal Court")
    belarus = w.label("g", "Belarus")
    sea = w.label("l", "Black Sea")
    russian = w.label("n", "Russian", w.text.index("the Russian leader"))
    w.label("e", "press conference")
    president = w.label("m", "The President")
    quote = w.label("q", QUOTE + " one way or another,’")
    putin = w.label("p", "Putin", w.text.index("another,’"))
    said = w.label("c", "said", w.text.index("another,’"))
    labels = {s["label"] for s in w.disk()["spans"]}
    assert labels >= {"PERSON", "ORG", "GPE", "LOC", "NORP", "EVENT", "MENTION", "QUOTE", "CUE"}

    # relations: the picker starts from the head; s again replaces ---------------------------
    w.relation("s", quote, ["Tab"], putin, "SPEAKER")
    w.relation("s", quote, ["Shift+Tab"], russian, "SPEAKER")  # the nearest fit before the quote
    speakers = [r for r in w.disk()["relations"] if r["label"] == "SPEAKER"]
    assert [r["child"] for r in speakers] == [russian]  # replaced, not refused, not doubled
    w.relation("v", quote, ["Tab", "Shift+Tab", "Tab"], said, "CUE")
    w.relation("f", president, ["Shift+Tab"], luka, "REFERS_TO")
    w.relation("a", luka, ["Shift+Tab"], belarus, "AFFILIATION")
    w.relation("i", putin, ["Tab"], icc, "INTERACTION")
    w.relation("t", icc, ["Shift+Tab"], sea, "LOCATED_IN")
    w.relation("r", president, ["Shift+Tab"], luka, "REFERS_TO")  # the generic key: one type fits
    assert w.win.inspector.span_links.text().startswith("REFERS_TO → “Alexander Lukashenko”")
    # Esc cancels a relation being made: nothing more on disk
    before = len(w.disk()["relations"])
    w.goto(icc)
    w.press("r")
    w.press("Tab")
    w.press("Esc")
    assert len(w.disk()["relations"]) == before and w.win.controller._relation is None

    # values: on the current span, and on the document when none is --------------------------
    w.goto(quote)
    for sk in schema_keys(win.session.document.schema):
        if sk.kind != "value":
            continue
        attr, value = sk.target.split("=")
        if attr == "sentiment":
            w.goto(luka)
            w.press(sk.key)
            assert w.disk()["spans"][[s["id"] for s in w.disk()["spans"]].index(luka)]["attrs"][attr] == value
            w.press("Esc")
            w.press(sk.key)
            assert w.disk()["doc"]["sentiment"] == value
        elif attr == "quote_kind":
            w.goto(quote)
            w.press(sk.key)
            [q] = [s for s in w.disk()["spans"] if s["id"] == quote]
            assert q["attrs"][attr] == value

    # the relations panel and the current relation ------------------------------------------
    w.goto(quote)
    n = len(w.disk()["relations"])
    w.press("Ctrl+R")
    assert QApplication.focusWidget() is win.relations.list
    w.qtbot.keyClick(win.relations.list, Qt.Key.Key_Down)
    w.qtbot.keyClick(win.relations.list, Qt.Key.Key_Delete)
    assert len(w.disk()["relations"]) == n - 1
    w.press("Esc")
    assert QApplication.focusWidget() is win.view  # Esc in a panel: back to the article
    w.press("Shift+Delete")
    assert len(w.disk()["relations"]) == n - 2
    w.press("Ctrl+Z")
    assert len(w.disk()["relations"]) == n - 1
    w.press("Ctrl+Shift+Z")
    assert len(w.disk()["relations"]) == n - 2
    w.press("Ctrl+Z")
    w.press("Ctrl+Y")
    assert len(w.disk()["relations"]) == n - 2
    # focus mode
    w.press("Ctrl+L")
    assert win.view.focus is not None and quote in win.view.focus and luka not in win.view.focus
    w.press("Ctrl+L")
    assert win.view.focus is None

    # resizing by whole tokens ----------------------------------------------------------------
    w.goto(icc)

    def edges() -> tuple[int, int]:
        [s] = [s for s in w.disk()["spans"] if s["id"] == icc]
        return s["start"], s["end"]

    a, z = edges()
    w.press("Alt+Left")
    assert edges()[0] < a
    w.press("Alt+Right")
    assert edges()[1] > z
    w.press("Alt+Shift+Right")
    w.press("Alt+Shift+Left")
    assert edges() == (a, z)

    # deleting spans ----------------------------------------------------------------------------
    m = len(w.disk()["spans"])
    w.goto(sea)
    w.press("Delete")
    w.goto(belarus)
    w.press("Backspace")
    assert len(w.disk()["spans"]) == m - 2

    # pre-annotation, review ---------------------------------------------------------------------
    w.press("Ctrl+P")
    qtbot.waitUntil(lambda: not win.preannotator.worker.busy, timeout=60_000)
    qtbot.waitUntil(lambda: any(s.get("review") == "pending" for s in w.disk()["spans"]), timeout=5_000)
    w.qtbot.keyClick(w.view, Qt.Key.Key_Escape)
    pend = [s for s in w.disk()["spans"] if s.get("review") == "pending"]
    w.goto(pend[0]["id"])
    w.press("y")
    assert {s["id"]: s.get("review") for s in w.disk()["spans"]}[pend[0]["id"]] == "accepted"
    nxt = win.controller.current
    w.press("x")
    assert nxt not in {s["id"] for s in w.disk()["spans"] if s.get("review") == "pending"}
    # done with unreviewed items asks once, then Shift+Y accepts spans and relations alike
    w.press("Ctrl+Return")
    assert w.disk()["status"] != "done" and "not reviewed" in win.statusBar().currentMessage()
    w.press("Shift+Y")
    d = w.disk()
    assert not [x for x in d["spans"] + d["relations"] if x.get("review") == "pending"]
    seed_id = seed.id
    w.press("Ctrl+Return")
    assert store_records(win.session.store_path)[seed_id]["status"] == "done"
    assert win.session.document.record.id != seed_id  # the next undone one is open

    # documents -----------------------------------------------------------------------------------
    second = win.session.document.record.id
    w.press("Ctrl+Shift+Return")
    assert store_records(win.session.store_path)[second]["status"] == "skipped"
    w.press("Alt+Up")
    w.press("Alt+Down")
    third = win.session.document.record.id
    assert third not in (seed_id, second)
    w.press("Alt+PgUp")
    assert win.session.document.record.id == second
    w.press("Ctrl+Shift+I")
    assert on_disk(win)["status"] == "in_progress"
    w.press("Alt+PgDown")
    assert win.session.document.record.id == third
    # search: Ctrl+F, type, Return opens the match
    w.press("Ctrl+F")
    assert QApplication.focusWidget() is win.doc_list.search
    w.qtbot.keyClicks(win.doc_list.search, "Sevastopol")
    w.qtbot.keyClick(win.doc_list.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: win.session.document.record.id == seed_id, timeout=5_000)
    w.press("Esc")
    assert QApplication.focusWidget() is win.view
    # the seed as its file has it (menus, date line), and back to the cleaned article
    w.press("Ctrl+Shift+U")
    raw = win.session.document.record
    assert raw.text == seed.meta["original_text"] and "uncleaned" in win.header.meta.text()
    w.press("Ctrl+Shift+U")
    assert win.session.document.record.id == seed_id
    # the whole batch, and cancelling it
    w.press("Ctrl+Shift+P")
    w.press("Ctrl+.")
    qtbot.waitUntil(lambda: not win.preannotator.worker.busy, timeout=60_000)

    # dialogs and help ------------------------------------------------------------------------------
    w.press("F1")
    assert win.help.isVisible()
    w.press("Esc")
    assert not win.help.isVisible() and QApplication.focusWidget() is win.view
    w.press("?")
    assert win.help.isVisible()
    w.press("?")
    assert not win.help.isVisible() and QApplication.focusWidget() is win.view
    w.press("Shift+F1")
    assert win.help.isVisible() and QApplication.focusWidget() is win.help.guidelines
    w.press("Shift+F1")
    assert not win.help.isVisible() and QApplication.focusWidget() is win.view
    w.modal_then_escape("Ctrl+O")
    w.modal_then_escape("Ctrl+Shift+O")
    w.modal_then_escape("Ctrl+,", lambda dlg: dlg.ask_done.isChecked())
    w.press("Ctrl+Shift+S")
    assert "project" in win.statusBar().currentMessage()
    path = win.session.store_path
    w.press("Ctrl+Q")
    qtbot.waitUntil(lambda: not win.isVisible())
    assert store_records(path)[seed_id]["status"] == "done"

    # every entry of the table was pressed
    table = {(a.id, k) for a in ACTIONS for k in a.keys} | {
        ("schema", k.key) for k in schema_keys(win.schema)
    }
    assert table - w.walked == set()
