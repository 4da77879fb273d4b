"""A read-only window takes over the annotator file as soon as the window holding it lets go.

Two windows on one annotator file: the second opens read-only (the banner says
who holds the lock). This timer looks every few seconds whether the lock is
free; when it is, the window reopens the batch where the reader was, now
writable and with whatever the other window saved. It never shows a dialog
while polling: a reopening that fails is said once, in the banner.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QLabel

from workbench.app.session import Session
from workbench.io.store import AnnotatorStore

TAKEOVER_MS = 2000  # how often a read-only window looks whether the lock is free


class Reopens(Protocol):
    """What the takeover needs of the annotation window."""

    session: Session | None
    banner: QLabel
    error: Any  # (title, text) -> None: replaced for a moment, so polling never opens a dialog

    def open_paths(self, paths: list[Path], document: str | None = None) -> bool: ...
    def say(self, text: str, timeout: int = 8000) -> None: ...


class Takeover(QTimer):
    def __init__(self, window: Reopens, parent: QObject | None = None):
        super().__init__(parent, interval=TAKEOVER_MS)
        self.window = window
        self.timeout.connect(self._try)

    def follow(self, session: Session) -> None:
        """Watch the lock while ``session`` is read-only because someone else holds it."""
        w = self.window
        if session.locked is not None:
            w.banner.setText(
                f"Read-only: {session.locked}. Your edits here would not be saved; "
                "this window takes over when the other one closes the file."
            )
            w.banner.show()
            self.start()
        else:
            w.banner.hide()
            self.stop()

    def _try(self) -> None:
        """The holder let go: reopen where we are, now with the lock (and whatever they saved)."""
        w = self.window
        s = w.session
        if s is None or not s.readonly:
            self.stop()
            return
        if AnnotatorStore.holder(s.store_path) is not None:
            return
        self.stop()
        current = s.document.record.id if s.document is not None else None
        problems: list[str] = []
        shown = w.__dict__.get("error")  # an error handler set on this window, if any
        w.error = lambda title, text: problems.append(f"{title}: {text}")
        try:
            opened = w.open_paths(s.paths, current)  # quiet: no dialog every few seconds
        finally:
            if shown is None:
                del w.error
            else:
                w.error = shown
        if opened and w.session is not None and not w.session.readonly:
            w.say("The other window closed this file: you can edit now", 0)
        elif opened:
            self.start()  # someone else was quicker: wait for them in turn
        else:
            w.banner.setText(
                f"{w.banner.text()} The other window has closed the file, but it could not be "
                f"reopened here ({problems[0] if problems else 'unknown reason'}); open it again by hand."
            )
