"""Background work (pre-annotation, search; any use case of ``workbench.app``) off the GUI thread.

The job is a plain function ``fn(progress, deliver) -> result`` (Orange's
pattern, plus ``deliver`` for results that are ready before the end). Its
``progress`` is a :class:`workbench.app.progress.Progress`, the one every use
case takes: :class:`WorkerProgress` turns ``start``/``step``/``note`` into
queued signals and answers ``cancelled()`` from the Cancel flag, so a merge, an
export or a training run can be started from the window unchanged. The job
never touches Qt; what it delivers reaches the GUI thread through a queued
signal, where the window applies it.
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject, QThread, QTimer, Signal
from PySide6.QtWidgets import QWidget

from workbench.app.progress import Progress


class _Runner(QObject):
    progress = Signal(int, int)
    note = Signal(str)
    item = Signal(object)
    done = Signal(object)
    failed = Signal(str)

    def __init__(self, job: Job, cancel: threading.Event):
        super().__init__()
        self.job = job
        self.cancel = cancel

    def run(self) -> None:
        try:
            result = self.job(WorkerProgress(self, self.cancel), self.item.emit)
        except Exception as e:  # the message goes to the status bar; details to stderr
            traceback.print_exc()
            self.failed.emit(f"{type(e).__name__}: {e}")
            return
        self.done.emit(result)


class WorkerProgress(Progress):
    """A use case's progress on the worker thread: each call is a signal the GUI thread receives."""

    def __init__(self, runner: _Runner, cancel: threading.Event):
        self._runner = runner
        self._cancel = cancel
        self.total = 0
        self.done = 0

    def start(self, total: int | None) -> None:
        self.total, self.done = total or 0, 0
        self._runner.progress.emit(0, self.total)

    def step(self, n: int = 1, failed: bool = False) -> None:
        self.done += n
        self._runner.progress.emit(self.done, self.total)

    def note(self, text: str) -> None:
        self._runner.note.emit(text)

    def cancelled(self) -> bool:
        return self._cancel.is_set()


Job = Callable[[WorkerProgress, Callable[[Any], None]], Any]


class Worker(QObject):
    """One job at a time: ``progress(done, total)`` and ``note(text)`` as it goes, ``item(x)`` for
    each delivered result, then ``finished(result, cancelled)`` or ``failed(message)``."""

    progress = Signal(int, int)  # total 0: not known
    note = Signal(str)
    item = Signal(object)
    finished = Signal(object, bool)
    failed = Signal(str)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._thread: QThread | None = None
        self._runner: _Runner | None = None
        self._cancel = threading.Event()

    @property
    def busy(self) -> bool:
        return self._thread is not None

    def start(self, job: Job) -> bool:
        if self.busy:
            return False
        self._cancel = threading.Event()
        thread = QThread(self)
        runner = _Runner(job, self._cancel)
        runner.moveToThread(thread)
        thread.started.connect(runner.run)
        runner.progress.connect(self.progress)
        runner.note.connect(self.note)
        runner.item.connect(self.item)
        runner.done.connect(self._done)
        runner.failed.connect(self._failed)
        self._thread, self._runner = thread, runner
        thread.start()
        return True

    def cancel(self) -> None:
        self._cancel.set()

    def _stop(self) -> None:
        if self._thread is not None:
            self._thread.quit()
            self._thread.wait()
            self._thread.deleteLater()
        self._thread = None
        self._runner = None

    def _done(self, result: object) -> None:
        cancelled = self._cancel.is_set()
        self._stop()
        self.finished.emit(result, cancelled)

    def _failed(self, message: str) -> None:
        self._stop()
        self.failed.emit(message)

    def shutdown(self) -> None:
        self.cancel()
        self._stop()


class _AfterPaint(QObject):
    def __init__(self, widget: QWidget, fn: Callable[[], None], latest_ms: int):
        super().__init__(widget)
        self._fn: Callable[[], None] | None = fn
        self._widget = widget
        widget.installEventFilter(self)
        QTimer.singleShot(latest_ms, self, self._run)  # a window never shown gets its work all the same

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Paint:
            QTimer.singleShot(0, self, self._run)  # after the rest of the window's paint
        return False

    def _run(self) -> None:
        fn, self._fn = self._fn, None
        if fn is not None:
            self._widget.removeEventFilter(self)
            self.deleteLater()
            fn()


def after_paint(widget: QWidget, fn: Callable[[], None], latest_ms: int = 500) -> None:
    """Call ``fn`` once ``widget`` has been painted (or after ``latest_ms`` if it is not shown).

    Background work that holds the GIL much of the time (reading a large file) starts only
    when the article is on screen, so it does not slow the window's first paint down.
    """
    _AfterPaint(widget, fn, latest_ms)
