"""Moving through the batch by key leaves one row of the document list painted as selected.

The list used to move its current row with the selection model's signals blocked; the view
repaints the rows it deselects from those signals, so after a few Alt+PgDown the earlier
rows stayed painted as selected on a real screen (an offscreen grab repaints everything
and hides it). The test watches the signal the view repaints from.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt

from workbench.core.paths import corpora_dir


def test_next_document_repaints_the_row_it_leaves(open_window: Any, qtbot: Any, tmp_path: Path) -> None:
    corpus = tmp_path / "demo.jsonl"
    shutil.copy(corpora_dir() / "demo.jsonl", corpus)
    win = open_window([corpus])
    table = win.doc_list.table
    for _ in range(3):
        first = win.session.document.record.id
        with qtbot.waitSignal(table.selectionModel().selectionChanged, timeout=2000) as changed:
            qtbot.keyClick(win.view, Qt.Key.Key_PageDown, Qt.KeyboardModifier.AltModifier)
        assert win.session.document.record.id != first
        selected, deselected = changed.args
        assert len(deselected.indexes()) > 0  # the row left behind is repainted as not selected
        assert len(table.selectionModel().selectedRows()) == 1
