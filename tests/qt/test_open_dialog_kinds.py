"""The window's Open dialog offers every kind of file the article readers read.

Its filter was a list of its own (``*.txt *.html *.htm *.json *.jsonl``), so a ``.ndjson``
corpus, an ``.xhtml`` page or a ``.text`` article, which ``workbench open`` and ``import``
read, did not show in it unless the user switched to "All files".
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QFileDialog

from workbench.io.articles import KINDS


def test_the_open_dialog_lists_every_article_kind(qtbot: Any, open_window: Any, tmp_path: Path) -> None:
    first = tmp_path / "first.txt"
    first.write_text("Alice Smith said the council will meet on Monday.\n", "utf-8")
    corpus = tmp_path / "more.ndjson"
    corpus.write_text(json.dumps({"text": "Bob Jones said the bridge will open in May."}) + "\n", "utf-8")
    win = open_window([first])
    seen: dict[str, Any] = {}

    def answer() -> None:
        dlg = QApplication.activeModalWidget()
        if not isinstance(dlg, QFileDialog):
            QTimer.singleShot(50, answer)
            return
        seen["filters"] = dlg.nameFilters()
        dlg.setDirectory(str(tmp_path))
        dlg.selectFile(str(corpus))
        dlg.accept()

    QTimer.singleShot(0, answer)
    win.act_open()
    articles = seen["filters"][0]
    assert all(f"*{suffix}" in articles.split("(")[1] for suffix in KINDS), articles
    qtbot.waitUntil(lambda: win.session is not None and win.session.document is not None)
    assert "Bob Jones" in win.session.document.record.text
