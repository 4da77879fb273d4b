"""Starting the window: the annotator's name, the schema, what to open."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication

from workbench.core.paths import corpora_dir
from workbench.core.schema import load_schema
from workbench.io.settings import load_settings, save_settings
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
    schema = load_schema(schema_path)
    win = MainWindow(schema, settings, annotator)
    targets = paths or default_targets(settings.last_paths)
    if targets:
        win.open_paths(targets)
    return win


def run(paths: list[Path] | None = None, schema_path: str | None = None) -> int:
    app = application()
    win = create_window(paths, schema_path)
    if win is None:
        print("workbench: no annotator name given; nothing opened", file=sys.stderr)
        return 2
    win.show()
    return app.exec()
