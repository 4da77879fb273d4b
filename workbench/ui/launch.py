"""The one way into the windows from outside ``ui``: the command line calls these and nothing else.

Each function first asks :mod:`workbench.ui.preflight` whether a window can start here
(a display, the platform plugin's libraries), before Qt's GUI modules are even imported:
Qt itself would abort the process with a core dump. A finding is an
:class:`~workbench.app.errors.AppError` with :data:`NO_WINDOW_EXIT` as exit code, which
the command line prints in its usual words. Then the function makes the QApplication,
builds and shows its window and runs the event loop until the window closes, returning
the exit code. ``WORKBENCH_SKIP_PREFLIGHT=1`` skips the check, should it ever be wrong
about an unusual system.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from workbench.app.errors import AppError
from workbench.ui import preflight

if TYPE_CHECKING:
    from workbench.app.adjudication import AdjudicationSetup

NO_WINDOW_EXIT = 3  # the environment cannot show a window (no display, missing libraries)


def _stderr(line: str) -> None:
    print(line, file=sys.stderr)


def ensure_window_can_start() -> None:
    """Raise an AppError naming what is missing when Qt could not open a window here."""
    gui = sys.modules.get("PySide6.QtGui")
    if gui is not None and gui.QGuiApplication.instance() is not None:
        return  # Qt already runs a platform plugin in this process
    if os.environ.get("WORKBENCH_SKIP_PREFLIGHT") == "1":
        return
    finding = preflight.check()
    if finding is not None:
        raise AppError(finding.message, exit_code=NO_WINDOW_EXIT)


def annotation_window(
    paths: list[Path] | None = None,
    schema_path: str | None = None,
    warn: Callable[[str], None] = _stderr,
    at: tuple[str, int] | None = None,
) -> int:
    """The annotation window on ``paths`` (the last batch or the demo when None); 2 if no one gave a name.

    ``at``: (article id, offset) to open at (``workbench open FILE --at ID:START``); an AppError
    when the file has no such article or offset.
    """
    ensure_window_can_start()
    from workbench.ui.app import application, create_window, install_excepthook

    app = application()
    install_excepthook()
    win = create_window(paths, schema_path)
    if win is None:
        warn("workbench: no annotator name given; nothing opened")
        return 2
    if at is not None:
        from workbench.ui.go_to import go_to

        try:
            go_to(win, *at)
        except AppError:
            win.close()
            raise
    win.show()
    return app.exec()


def adjudication_window(setup: AdjudicationSetup, warn: Callable[[str], None] = _stderr) -> int:
    """The adjudication window on a merged file; each problem met reading it goes to ``warn`` first."""
    ensure_window_can_start()
    from workbench.io.store import StoreLocked
    from workbench.ui.adjudication import open_adjudication
    from workbench.ui.app import application

    app = application()
    try:
        win, problems = open_adjudication(setup.merged, setup.gold, setup.adjudicator, setup.schema)
    except (StoreLocked, ValueError) as e:
        raise AppError(str(e)) from None
    for p in problems:
        warn(str(p))
    win.resize(1400, 900)
    win.show()
    return int(app.exec())
