"""Emoji and other astral characters: Qt counts them twice, records once.

Highlights must land on the right characters and a mouse selection after an
emoji must become a span on exactly the selected word.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from tests.qt.conftest import drag_select, on_disk
from workbench.ui.offsets import OffsetMap

TEXT = "Hi 😀 there. Putin said 🇺🇦 Kyiv stands; 𝒳 marks Zoë’s 👩‍👩‍👧 home in Lviv.\nNext 🙂 line: Odesa."


def u16(s: str) -> int:
    return len(s.encode("utf-16-le")) // 2


@given(st.text(alphabet=st.sampled_from(["a", "é", " ", "😀", "𝒳", "\n", "中", "🇺"]), max_size=40))
def test_offset_map_round_trips(text: str) -> None:
    m = OffsetMap(text)
    assert m.qt_length() == u16(text)
    for cp in range(len(text) + 1):
        q = m.to_qt(cp)
        assert q == u16(text[:cp])
        assert m.from_qt(q) == cp
    for q in range(m.qt_length() + 1):
        cp = m.from_qt(q)
        assert m.to_qt(cp) <= q < m.to_qt(cp) + 2 or q == m.qt_length()


def _formatted_ranges(win: Any) -> list[tuple[int, int]]:
    """(start, end) in document UTF-16 positions of every highlighted range, merged."""
    doc = win.view.document()
    out: list[tuple[int, int]] = []
    block = doc.begin()
    while block.isValid():
        for fr in sorted(block.layout().formats(), key=lambda f: f.start):
            a, z = block.position() + fr.start, block.position() + fr.start + fr.length
            if out and out[-1][1] == a:
                out[-1] = (out[-1][0], z)
            else:
                out.append((a, z))
        block = block.next()
    return out


def test_highlights_land_on_the_right_characters(qtbot: Any, open_window: Any, tmp_path: Path) -> None:
    words = ["Putin", "Kyiv", "Zoë", "Lviv", "Odesa"]
    spans = []
    for i, w in enumerate(words):
        s = TEXT.index(w)
        spans.append(
            {"id": f"s{i + 1}", "start": s, "end": s + len(w), "label": "GPE" if w != "Putin" else "PERSON"}
        )
    corpus = tmp_path / "emoji.jsonl"
    corpus.write_text(
        json.dumps({"id": "emoji1", "text": TEXT, "spans": spans}, ensure_ascii=False) + "\n", "utf-8"
    )
    win = open_window([corpus])
    qtbot.waitUntil(lambda: bool(_formatted_ranges(win)))
    expected = [(u16(TEXT[: TEXT.index(w)]), u16(TEXT[: TEXT.index(w)]) + len(w)) for w in words]
    assert _formatted_ranges(win) == expected, (_formatted_ranges(win), expected)
    plain = win.view.toPlainText()
    for a, z in _formatted_ranges(win):
        # the document's own text at those UTF-16 positions is the word (Python sees code points)
        assert plain.encode("utf-16-le")[2 * a : 2 * z].decode("utf-16-le") in words

    # a mouse selection after several astral characters becomes a span on exactly that word
    start = TEXT.index("home")
    drag_select(qtbot, win, start, start + 4)
    assert win.view.selection() == (start, start + 4)
    qtbot.keyClick(win.view, "l")
    d = on_disk(win)
    new = [s for s in d["spans"] if s["label"] == "LOC"]
    assert [(s["start"], s["end"], s["text"]) for s in new] == [(start, start + 4, "home")]
    qtbot.waitUntil(lambda: (u16(TEXT[:start]), u16(TEXT[:start]) + 4) in _formatted_ranges(win))

    # selecting an emoji itself takes the whole character, never half a surrogate pair
    e = TEXT.index("🙂")
    drag_select(qtbot, win, e, e + 1)
    assert win.view.selection() == (e, e + 1)


def test_a_very_long_paragraph_keeps_every_position(qtbot: Any, open_window: Any, tmp_path: Path) -> None:
    """A 20k-character paragraph is shown as several blocks; offsets, highlights and copy are unchanged."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from workbench.ui.text_view import display_text

    text = "".join(f"Sentence {i} names 😀 Kyiv again. " for i in range(700))
    assert "\n" not in text and len(text) > 20_000
    shown = display_text(text)
    assert len(shown) == len(text) and shown.count("\n") >= 5
    assert all(a == b or (a == " " and b == "\n") for a, b in zip(text, shown, strict=True))
    last = text.rindex("Kyiv")
    path = tmp_path / "long.jsonl"
    span = {"id": "s1", "start": last, "end": last + 4, "label": "GPE"}
    path.write_text(
        json.dumps({"id": "long", "text": text, "spans": [span]}, ensure_ascii=False) + "\n", "utf-8"
    )
    win = open_window([path])
    view = win.view
    assert view.document().blockCount() == shown.count("\n") + 1
    view.set_current("s1")  # scrolls there; the block is formatted when painted
    qtbot.waitUntil(lambda: (u16(text[:last]), u16(text[:last]) + 4) in _formatted_ranges(win))
    # a selection across a display break copies the article's own characters
    cut = shown.index("\n")
    view.select_range(cut - 6, cut + 9)
    qtbot.keyClick(view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.clipboard().text() == text[cut - 6 : cut + 9]
    qtbot.keyClick(view, "l")
    assert on_disk(win)["spans"][0]["text"] == text[cut - 6 : cut + 9].strip()
