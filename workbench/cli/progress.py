"""Progress of a long command on the terminal: a rich bar, or a plain line every few seconds.

One class for every command that walks a corpus (pre-annotation, merge, agreement), so they
look alike: on a terminal a bar with the count, the rate and the time left; in a log (stderr
not a terminal) a line every ``LOG_EVERY_S`` seconds; nothing with ``quiet``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TextIO

from workbench.app.progress import Progress

LOG_EVERY_S = 10.0


class TerminalProgress(Progress):
    """Never the reason a command fails: no stderr, a closed one or a failing write only silence it.

    The command line's drawing of :class:`workbench.app.progress.Progress`: the use case
    calls ``start``/``step``/``note``; Ctrl+C reaches the work as ``KeyboardInterrupt``, so
    ``cancelled`` stays False.
    """

    def __init__(
        self,
        verb: str,
        name: str,
        total: int | None,
        err: TextIO | None,
        quiet: bool = False,
        count_failures: bool = False,
        transient: bool = False,
    ):
        """``verb`` labels the bar ("merging"); ``name`` starts the log lines ("merge")."""
        self.verb, self.name, self.total, self.err = verb, name, total, err
        self.quiet = quiet or err is None
        self.count_failures, self.transient = count_failures, transient
        self.n = self.failed = 0
        self.t0 = self.last = time.monotonic()
        self.bar: Any = None
        if total is not None:  # else the bar comes with ``start``, once the work knows its total
            self._make_bar(total)

    def start(self, total: int | None) -> None:
        """The work learnt its total: the bar shows it (made now if it was not yet).

        The rate and the time left count from here: finding the total (ordering the articles
        of several files) is not part of the work's pace.
        """
        self.total = total
        if self.n == 0:
            self.t0 = self.last = time.monotonic()
        if self.bar is None:
            self._make_bar(total)
        else:
            self._safely(lambda: self.bar.update(self.task, total=total, refresh=True))

    def note(self, text: str) -> None:
        """A line above the bar (a dashboard address, the model in use)."""
        if self.quiet:
            return
        if self.bar is not None:
            self._safely(lambda: self.bar.console.print(text))
        else:
            self._safely(lambda: print(text, file=self.err, flush=True))

    def _make_bar(self, total: int | None) -> None:
        err = self.err
        if not self.quiet and _is_terminal(err):
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )
            from rich.progress import Progress as RichProgress

            # Redrawn on each step, with no refresh thread: commands fork worker processes,
            # and a thread holding the terminal's lock at a fork would leave it locked there.
            self.bar = RichProgress(
                TextColumn(self.verb),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[rate]:.1f} articles/s"),
                TimeElapsedColumn(),
                TextColumn("eta"),
                TimeRemainingColumn(),
                console=Console(file=err),
                transient=self.transient,
                auto_refresh=False,
            )
            self.task = self.bar.add_task(self.name, total=total, rate=0.0)
            self._safely(self.bar.start)

    def step(self, n: int = 1, failed: bool = False) -> None:
        self.n += n
        self.failed += failed
        if self.quiet:
            return
        now = time.monotonic()
        rate = self.n / max(now - self.t0, 1e-9)
        if self.bar is not None:
            self._safely(lambda: self.bar.update(self.task, advance=n, rate=rate, refresh=True))
        elif now - self.last >= LOG_EVERY_S:
            self.last = now
            eta = ""
            if self.total:
                left = max(self.total - self.n, 0) / rate if rate else 0
                eta = f", eta {int(left // 60)}m{int(left % 60):02d}s"
            of = f"/{self.total}" if self.total else ""
            failed_ = f", {self.failed} failed" if self.count_failures else ""
            line = f"{self.name}: {self.n}{of} articles, {rate:.1f}/s{eta}{failed_}"
            self._safely(lambda: print(line, file=self.err, flush=True))

    def close(self) -> None:
        if self.bar is not None and not self.quiet:
            self._safely(self.bar.stop)

    def _safely(self, write: Callable[[], object]) -> None:
        """A progress line that cannot be written (reader gone, disk full) ends the progress, not the work."""
        try:
            write()
        except (OSError, ValueError):
            self.quiet = True


def _is_terminal(err: TextIO) -> bool:
    try:
        return err.isatty()
    except (OSError, ValueError, AttributeError):  # closed, or not a real stream
        return False
