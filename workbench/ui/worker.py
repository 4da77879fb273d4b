"""Background work (pre-annotation) off the GUI thread, with progress and Cancel.

The job is a plain function ``fn(progress, cancelled, deliver) -> result``
(Orange's pattern, plus ``deliver`` for results that are ready before the end):
it never touches Qt; what it delivers reaches the GUI thread through a queued
signal, where the window applies it. Cancel sets a flag the job polls between
documents.
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal

Job = Callable[[Callable[[int, int], None], Callable[[], bool], Callable[[Any], None]], Any]


class _Runner(QObject):
    progress = Signal(int, int)
    item = Signal(object)
    done = Signal(object)
    failed = Signal(str)

    def __init__(self, job: Job, cancel: threading.Event):
        super().__init__()
        self.job = job
        self.cancel = cancel

    def run(self) -> None:
        try:
            result = self.job(lambda i, n: self.progress.emit(i, n), self.cancel.is_set, self.item.emit)
        except Exception as e:  # the message goes to the status bar; details to stderr
            traceback.print_exc()
            self.failed.emit(f"{type(e).__name__}: {e}")
            return
        self.done.emit(result)


class Worker(QObject):
    """One job at a time: ``item(x)`` for each delivered result, then ``finished(result, cancelled)``
    or ``failed(message)``."""

    progress = Signal(int, int)
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
