"""The Project menu: status, Train from gold, the training report.

Everything here needs a project folder (``workbench init``); without one each
action says so in the status bar instead of opening an empty dialog. The work
itself is in :mod:`workbench.app` (status, gold selection, training); this only
opens the dialogs and the report. They are imported when first used: every window
start would otherwise pay for dialogs a lead opens now and then (about 45 ms).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject


class ProjectActions(QObject):
    """Owner ``project`` of the action table (see :mod:`workbench.ui.dispatch`)."""

    def __init__(self, window: Any):
        """``window``: the main window (its session, status bar and dialogs' parent)."""
        super().__init__(window)
        self.window = window
        self.dialog: Any = None

    def _project(self, what: str) -> Any:
        session = self.window.session
        project = session.project if session is not None else None
        if project is None:
            self.window.statusBar().showMessage(f"{what} needs a project folder (workbench init makes one)")
        return project

    def act_status(self) -> None:
        project = self._project("Project status")
        if project is None:
            return
        from workbench.ui.project_status_dialog import ProjectStatusDialog

        self.dialog = ProjectStatusDialog(project, self.window)
        self.dialog.show()

    def act_train(self) -> None:
        project = self._project("Train from gold")
        if project is None:
            return
        from workbench.ui.train_dialog import TrainDialog

        self.dialog = TrainDialog(project, self.window, on_use=self._use_model)
        self.dialog.show()

    def act_training_report(self) -> None:
        project = self._project("The training report")
        if project is None:
            return
        from workbench.app.project_training import latest_report
        from workbench.ui.train_dialog import open_report

        report = latest_report(project)
        if report is None:
            self.window.statusBar().showMessage(
                "No model has been trained in this project yet (Project → Train from gold)"
            )
            return
        open_report(report)
        self.window.statusBar().showMessage(f"Training report: {report}", 8000)

    def _use_model(self, model: str) -> None:
        """The project now pre-annotates with ``model``: the open batch follows at once."""
        if self.window.session is not None:
            self.window.session.model = model
        self.window.statusBar().showMessage(f"Pre-annotation model: {model}", 8000)
