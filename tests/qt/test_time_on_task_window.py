"""Real key events in the window advance the article's active time; an idle gap does not."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt

from tests.qt.conftest import store_records
from workbench.core.record import Record
from workbench.core.time_on_task import META_KEY


class FakeTime:
    def __init__(self) -> None:
        self.t = 5000.0

    def __call__(self) -> float:
        return self.t


def test_keys_count_as_work_and_an_idle_gap_does_not(qtbot: Any, open_window: Any, tmp_path: Path) -> None:
    corpus = tmp_path / "c.jsonl"
    recs = [Record.new(f"Story {i}: the mayor said the harbour will reopen on day {i}.") for i in range(2)]
    corpus.write_text("".join(json.dumps(r.to_dict()) + "\n" for r in recs), "utf-8")
    win = open_window([corpus])
    session = win.session
    fake = FakeTime()
    session.clock.now = fake  # the clock is injected; the events are real
    session.clock.open(session.document.record.id, None)
    first = session.document.record.id
    for _ in range(3):
        fake.t += 20
        qtbot.keyClick(win.view, Qt.Key.Key_Right)
    assert session.clock.tally.active_seconds == 60
    fake.t += 600  # ten minutes away from the keyboard
    qtbot.keyClick(win.view, Qt.Key.Key_Right)
    assert session.clock.tally.active_seconds == 60
    assert session.clock.tally.sessions == 2
    fake.t += 5
    qtbot.keyClick(win.view, Qt.Key.Key_Right)
    assert session.clock.tally.active_seconds == 65
    fake.t += 5
    # done, and on to the next article: leaving writes the tally
    qtbot.keyClick(win.view, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: session.document.record.id != first)
    saved = store_records(session.store_path)[first]["meta"][META_KEY]
    assert saved["active_seconds"] == 70 and saved["sessions"] == 2 and saved["edits"] == 1
