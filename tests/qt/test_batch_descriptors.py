"""The window lets go of a batch's JSONL files when it opens another batch or closes (decision 0024).

Before, the descriptors the batch reads through stayed open until the garbage collector
found the batch: a window that opened many batches kept files of each one open.
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from workbench.core.record import Record

pytestmark = pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc/self/fd")


def _open_files(folder: Path) -> set[str]:
    """The JSON Lines files under ``folder`` this process has open now."""
    out = set()
    for name in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{name}")
        except OSError:
            continue
        if target.startswith(str(folder)) and target.endswith(".jsonl"):
            out.add(target)
    return out


def _parts(folder: Path, tag: str, n: int) -> list[Path]:
    folder.mkdir()
    paths = []
    for part in range(3):
        lines = [
            json.dumps(Record.new(f"{tag} story {part}-{i}\nThe mayor of Halden spoke on day {i}.").to_dict())
            for i in range(n)
        ]
        path = folder / f"part{part}.jsonl"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def test_another_batch_and_closing_let_go_of_the_files(
    qtbot: Any, open_window: Any, tmp_path: Path, list_gate: threading.Event
) -> None:
    first = _parts(tmp_path / "first", "First", 150)
    second = _parts(tmp_path / "second", "Second", 5)
    win = open_window(first)
    qtbot.waitUntil(lambda: win.session.store.ready, timeout=10_000)
    assert win.session.batch.pending is not None  # the list is still being read (held at the gate)
    assert str(first[0]) in _open_files(tmp_path / "first")
    qtbot.keyClick(win.view, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)  # the annotator moves on
    # the reader of the first list, held at the gate (a slow disk), goes on while the window waits for it
    threading.Timer(0.3, list_gate.set).start()
    assert win.open_paths(second)
    assert _open_files(tmp_path / "first") == set()  # the first batch's files are closed
    qtbot.waitUntil(lambda: not win.doc_list.filling, timeout=10_000)
    assert len(win.session.batch) == 15 and win.doc_list.model.batch is win.session.batch
    assert _open_files(tmp_path / "second") == {str(p) for p in second}
    win.close()
    assert _open_files(tmp_path) == set()
