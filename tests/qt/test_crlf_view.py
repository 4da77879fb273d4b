"""A record whose text keeps CRLF line endings: highlights and selections on the right characters.

The article readers turn CRLF into LF (``import``, ``add``, ``preannotate``, a raw page the window
opens), but a JSONL opened in the window is read as its lines have it: a record with spans cannot
be changed (its offsets point into its text), and a bare article line is shown as it is. Qt's
``setPlainText`` makes one paragraph break of "\\r\\n", two characters of one, so every highlight
after the first line ending sat one character further left per line, and a selection became a
span on the wrong characters.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.qt.conftest import drag_select, on_disk
from tests.qt.test_nonbmp import _formatted_ranges
from workbench.ui.text_view import display_text

TEXT = "First line.\r\nPutin said Kyiv stands.\r\n\r\nA lone CR\rthen Odesa and Lviv.\r\nLast: Kharkiv."


def test_display_keeps_every_position_of_crlf_text() -> None:
    shown = display_text(TEXT)
    assert len(shown) == len(TEXT) and "\r" not in shown
    assert shown.count("\n") == TEXT.count("\r\n") + TEXT.replace("\r\n", "").count("\r")
    assert all(a == b or (a == "\r" and b in " \n") for a, b in zip(TEXT, shown, strict=True))


def test_spans_and_selections_land_on_the_right_characters(
    qtbot: Any, open_window: Any, tmp_path: Path
) -> None:
    words = ["Putin", "Kyiv", "Odesa", "Lviv", "Kharkiv"]
    spans = [
        {"id": f"s{i}", "start": TEXT.index(w), "end": TEXT.index(w) + len(w), "label": "GPE"}
        for i, w in enumerate(words, 1)
    ]
    corpus = tmp_path / "crlf.jsonl"
    corpus.write_text(json.dumps({"id": "crlf1", "text": TEXT, "spans": spans}) + "\n", "utf-8")
    win = open_window([corpus])
    qtbot.waitUntil(lambda: bool(_formatted_ranges(win)))
    assert _formatted_ranges(win) == [(s["start"], s["end"]) for s in spans]
    plain = win.view.toPlainText()
    assert [plain[a:z] for a, z in _formatted_ranges(win)] == words

    start = TEXT.index("stands")  # after one CRLF: a mouse selection is a span on exactly that word
    drag_select(qtbot, win, start, start + 6)
    assert win.view.selection() == (start, start + 6)
    qtbot.keyClick(win.view, "l")
    new = [s for s in on_disk(win)["spans"] if s["label"] == "LOC"]
    assert [(s["start"], s["end"], s["text"]) for s in new] == [(start, start + 6, "stands")]
