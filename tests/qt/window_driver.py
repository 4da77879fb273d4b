"""Child process for the kill test: a real window, edits by real key events, acks on stdout.

Usage: python window_driver.py CORPUS. Prints ``OPEN <id>`` when a document is open
and ``EDIT <n> <id> <start> <end>`` after each edit returned from Document.apply
(the window has saved it by then), then keeps editing until it is killed.
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from workbench.ui.app import application, create_window


def main() -> None:
    app = application()
    win = create_window([Path(sys.argv[1])])
    assert win is not None and win.session is not None
    win.show()
    app.processEvents()
    # move to the second document by key, so the restart must find it again
    QTest.keyClick(win.view, Qt.Key.Key_PageDown, Qt.KeyboardModifier.AltModifier)
    app.processEvents()
    doc = win.session.document
    assert doc is not None
    print(f"OPEN {doc.record.id}", flush=True)
    words = [m.span() for m in re.finditer(r"[A-Z][a-z]+", doc.record.text)]
    n = 0
    for start, end in words:
        win.view.select_range(start, end)
        QTest.keyClick(win.view, "p")
        app.processEvents()
        if any(s.start == start and s.end == end for s in doc.record.spans.values()):
            n += 1
            print(f"EDIT {n} {doc.record.id} {start} {end}", flush=True)
        time.sleep(0.01)
    QTest.keyClick(win.view, "+")  # document sentiment, no span current after Esc
    print("ALL", flush=True)
    while True:
        app.processEvents()
        time.sleep(0.05)


if __name__ == "__main__":
    main()
