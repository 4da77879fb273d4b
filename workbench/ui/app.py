"""Building the annotation window: the annotator's name, the schema, what to open.

The command line does not come here: it starts every window through
:mod:`workbench.ui.launch`, which builds the window with :func:`create_window`.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QApplication

from workbench.app.opening import OpenError, project_of
from workbench.core.paths import corpora_dir
from workbench.core.schema import AnnotationSchema, load_schema
from workbench.io.settings import Settings, load_settings, save_settings
from workbench.ui import welcome
from workbench.ui.main_window import MainWindow
from workbench.ui.settings_dialog import ask_annotator


def application() -> QApplication:
    app = QApplication.instance()
    if app is None:
        app = QApplication(sys.argv[:1])
    app.setApplicationName("Workbench")
    app.setOrganizationName("workbench")
    return app  # type: ignore[return-value]


def default_targets(last: list[str]) -> list[Path]:
    """The last batch if it is still there, else the demo corpus."""
    paths = [Path(p) for p in last]
    if paths and all(p.exists() for p in paths):
        return paths
    demo = corpora_dir() / "demo.jsonl"
    return [demo] if demo.exists() else []


_windows: list[MainWindow] = []  # keeps windows made by a schema switch alive


def schema_of(paths: list[Path], schema_path: str | None) -> AnnotationSchema:
    """An explicit schema file, else the project's, else the default news schema."""
    if schema_path:
        return load_schema(schema_path)
    try:
        project = project_of(paths) if paths else None
    except OpenError:
        project = None  # the window reports it when it opens the paths
    return project.schema() if project is not None else load_schema(None)


def new_window(schema: AnnotationSchema, settings: Settings, annotator: str) -> MainWindow:
    win = MainWindow(schema, settings, annotator)
    win.schema_switch = lambda paths, sch: _switch(win, paths, sch)
    _windows.append(win)
    win.destroyed.connect(lambda *_: _windows.remove(win) if win in _windows else None)
    return win


def _switch(old: MainWindow, paths: list[Path], schema: AnnotationSchema) -> MainWindow:
    """Labels, keys and forms come from the schema: another schema gets a freshly built window."""
    old.close_session()
    new = new_window(schema, old.settings, old.annotator)
    new.setGeometry(old.geometry())
    new.open_paths(paths)
    new.show()
    old.close()
    return new


def create_window(paths: list[Path] | None = None, schema_path: str | None = None) -> MainWindow | None:
    """The window with ``paths`` (or the last batch / the demo) open; None if no annotator name."""
    application()
    settings = load_settings()
    annotator = settings.effective_annotator
    if not annotator:
        annotator = ask_annotator()
        if not annotator:
            return None
        settings.annotator = annotator
        save_settings(settings)
    first_run = not settings.last_paths and not settings.recent  # before open_paths records them
    targets = paths or default_targets(settings.last_paths)
    win = new_window(schema_of(targets, schema_path), settings, annotator)
    if targets:
        win.open_paths(targets)
    # A short welcome on the demo the first time, and a missing trained model said plainly.
    welcome.install(win, settings, first_run=first_run, on_demo=welcome.is_demo(targets))
    return win


def install_excepthook() -> None:
    """A bug in a slot must not end the day: say so in the status bar, log it, keep working.

    Every edit is already on disk when a slot runs, so carrying on is safe.
    """
    previous = sys.excepthook

    def hook(kind: type[BaseException], value: BaseException, tb: Any) -> None:
        previous(kind, value, tb)  # the traceback goes to stderr for the bug report
        for win in _windows:
            win.say(f"Internal error (please report; your work is saved): {kind.__name__}: {value}", 0)

    sys.excepthook = hook
