"""Forwards the annotator's acts in the window to the session's clock (time on task).

An application-wide event filter: a key press, a mouse press or a wheel turn in
the annotation window (not in a dialog it opened) is one act. The counting itself
is Qt-free (:class:`workbench.core.time_on_task.ActivityClock`, through
:meth:`workbench.app.session.Session.activity`); this only says "now".
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QWidget

ACTS = frozenset({QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.Wheel})


class ActivityWatch(QObject):
    def __init__(self, window: QWidget, session: Callable[[], Any], idle_after: Callable[[], float]):
        super().__init__(window)
        self.window = window
        self.session = session
        self.idle_after = idle_after
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def eventFilter(self, obj: QObject, e: QEvent) -> bool:  # noqa: N802
        # An event climbs through the widgets under it and may be seen more than once: harmless,
        # the repeats come at the same instant and credit nothing.
        if e.type() in ACTS and isinstance(obj, QWidget) and obj.window() is self.window:
            s = self.session()
            if s is not None:
                s.clock.idle_after = self.idle_after()
                s.activity()
        return False
