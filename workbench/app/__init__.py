"""The application's use cases, under both front ends.

The window (``workbench.ui``) and the command line (``workbench.cli``) are two ways
to reach the same operations: open a batch for an annotator, merge annotators'
files, measure agreement, set up adjudication, export a corpus, run
pre-annotation, work on a project. They live here, once, as plain functions and
classes that import neither Qt nor a terminal library, so each front end only
maps its gestures (a key, a flag) to a call, and shows what comes back.

Rules of the layer (checked by import-linter, see ``pyproject.toml``):

* no PySide6, rich or argparse here; ``ui`` and ``cli`` import ``app``, never
  the other way round; ``app`` builds on ``core``, ``io`` and ``nlp``;
* failures are :class:`workbench.app.errors.AppError` (the CLI prints them and
  exits with their code, the window shows a dialog);
* long work takes a :class:`workbench.app.progress.Progress` (drawn by one class
  in ``cli``, wrapped for a worker thread in ``ui``).
"""
