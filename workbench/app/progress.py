"""How long work reports progress and learns it should stop, whoever draws it.

Every long use case (merge, agreement, export, pre-annotation, a cluster run)
takes one :class:`Progress`. The command line draws it with one class
(:class:`workbench.cli.progress.TerminalProgress`); the window wraps it for a
worker thread, turning calls into signals and ``cancelled`` into its Cancel
button. The base class does nothing, so work that is given no progress runs as
fast as without one.
"""

from __future__ import annotations


class Progress:
    """Overridden piecemeal: a front end implements only what it shows."""

    def start(self, total: int | None) -> None:
        """The work knows (roughly) how many articles it will do; ``None`` when it cannot tell."""

    def step(self, n: int = 1, failed: bool = False) -> None:
        """``n`` more articles are done (``failed``: one of them could not be)."""

    def note(self, text: str) -> None:
        """One line worth showing beside the bar (a dashboard address, a model that was loaded)."""

    def cancelled(self) -> bool:
        """Polled between articles or slices; the work stops cleanly when it answers True."""
        return False

    def close(self) -> None:
        """The work is over (done, failed or stopped): take the bar away."""


NO_PROGRESS = Progress()
