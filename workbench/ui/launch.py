"""The one way into the windows from outside ``ui``: the command line calls these and nothing else.

Each function makes the QApplication, builds and shows its window and runs the
event loop until the window closes, returning the exit code. Failures the user
can act on before a window opens are :class:`~workbench.app.errors.AppError`,
which the command line prints in its usual words.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from workbench.app.adjudication import AdjudicationSetup
from workbench.app.errors import AppError
from workbench.io.store import StoreLocked
from workbench.ui.adjudication import open_adjudication
from workbench.ui.app import application, create_window, install_excepthook


def _stderr(line: str) -> None:
    print(line, file=sys.stderr)


def annotation_window(
    paths: list[Path] | None = None, schema_path: str | None = None, warn: Callable[[str], None] = _stderr
) -> int:
    """The annotation window on ``paths`` (the last batch or the demo when None); 2 if no one gave a name."""
    app = application()
    install_excepthook()
    win = create_window(paths, schema_path)
    if win is None:
        warn("workbench: no annotator name given; nothing opened")
        return 2
    win.show()
    return app.exec()


def adjudication_window(setup: AdjudicationSetup, warn: Callable[[str], None] = _stderr) -> int:
    """The adjudication window on a merged file; each problem met reading it goes to ``warn`` first."""
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
