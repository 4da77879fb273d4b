"""Whether the annotator's work is on disk, always in sight: the window title and a status-bar label.

Edits are saved as they are made (the Session writes each one). When a write
fails the edits stay in memory, the title and the label turn to NOT SAVED, the
status bar says why once, and saving is retried every few seconds until it
works again, so a full disk or a dropped network share loses nothing.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QLabel, QMainWindow, QStatusBar, QWidget

from workbench.app.batch import title_of
from workbench.app.session import Session

RETRY_MS = 2000
ALARM = "QLabel { color: white; background: #b3261e; padding: 0 4px; }"


def fit_message(bar: QStatusBar, text: str) -> str:
    """``text`` cut (…) to the room left of the permanent widgets: it never runs into "saved · alice".

    The whole message stays in the bar's tooltip.
    """
    room = bar.width() - 24
    for w in bar.findChildren(QWidget):
        if w.isVisible() and w.parent() is not None and w.x() > bar.width() // 3:
            room = min(room, w.x() - 16)
    bar.setToolTip(text if len(text) > 60 else "")
    return bar.fontMetrics().elidedText(text, Qt.TextElideMode.ElideRight, max(room, 80))


class SaveStatus(QObject):
    message = Signal(str, int)  # text, timeout in ms (0: until replaced)

    def __init__(self, window: QMainWindow, session: Callable[[], Session | None]):
        super().__init__(window)
        self.window = window
        self.session = session
        self.label = QLabel()
        self._retry = QTimer(self, interval=RETRY_MS)
        self._retry.timeout.connect(self._retry_save)
        self._error_shown = False

    def watch(self, session: Session) -> None:
        session.save_listeners.append(self._saved)

    def forget_failures(self) -> None:
        """The session's store was closed: its failed saves were given up, the next one starts clean."""
        self._retry.stop()
        self._error_shown = False

    def _saved(self, ok: bool) -> None:
        if ok:
            self._retry.stop()
            if self._error_shown:
                self.message.emit("Saved again: every edit is on disk", 8000)
            self._error_shown = False
        else:
            s = self.session()
            err = s.store.last_error if s else None
            if not self._error_shown:
                self._error_shown = True
                self.message.emit(
                    f"NOT SAVED: {err}. Your edits are kept; saving is retried every {RETRY_MS // 1000} s.", 0
                )
            self._retry.start()
        self.update()

    def _retry_save(self) -> None:
        s = self.session()
        if s is not None:
            s.retry_save()

    def update(self, *_: object) -> None:
        s = self.session()
        if s is None:
            self.window.setWindowTitle("Workbench")
            self.label.setText("")
            return
        doc = s.document
        name = title_of(doc.record.text, doc.record.meta) if doc else ""
        state = "read-only" if s.readonly else "saved" if s.saved else "NOT SAVED"
        self.label.setText(f"{state} · {s.annotator}")
        self.label.setStyleSheet("" if state == "saved" else ALARM)
        self.window.setWindowTitle(f"{name[:60]} — {s.store_path.name} — {state}")
