"""Project → Train from gold: what will be used, a background run with progress and Cancel, then the offer.

The dialog states the gold rule's outcome before anything starts (how many
adjudicated and done articles, what was unreadable), so a lead never trains on a
surprise. The run is :func:`workbench.app.project_training.train_project` on a
:class:`workbench.ui.worker.Worker`; Cancel leaves no model folder behind (the
trainer writes to a temporary folder and renames at the end). When it finishes,
the lead may make the new model the project's pre-annotation model, which
applies to articles not yet annotated (nothing already annotated is touched),
and open the training report.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from workbench.app.errors import AppError
from workbench.app.project_gold import project_gold, use_model
from workbench.app.project_training import MIN_ARTICLES, train_project
from workbench.app.train import DEFAULT_EPOCHS
from workbench.ui.worker import Worker


def open_report(path: Path) -> bool:
    """The report in the desktop's browser: it is a self-contained HTML page with inline charts."""
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


class TrainDialog(QDialog):
    def __init__(
        self, project: Any, parent: QWidget | None = None, on_use: Callable[[str], None] | None = None
    ):
        super().__init__(parent)
        self.project = project
        self.on_use = on_use
        self.result: Any = None
        self.setWindowTitle(f"Train from gold — {project.data.get('name', project.root.name)}")
        self.gold = project_gold(project)
        layout = QVBoxLayout(self)
        self.summary = QLabel(self._summary_text())
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        form = QFormLayout()
        self.epochs = QSpinBox()
        self.epochs.setRange(1, 50)
        self.epochs.setValue(DEFAULT_EPOCHS)
        self.epochs.setToolTip("Passes over the gold; the best one on the held-out articles is kept")
        form.addRow("&Epochs", self.epochs)
        layout.addLayout(form)
        self.bar = QProgressBar()
        self.bar.hide()
        layout.addWidget(self.bar)
        self.log = QPlainTextEdit()
        self.log.setReadOnly(True)
        self.log.setPlaceholderText("Per-epoch scores on the held-out articles appear here.")
        layout.addWidget(self.log)
        self.buttons = QDialogButtonBox(self)
        self.start_button = self.buttons.addButton("&Start training", QDialogButtonBox.ButtonRole.AcceptRole)
        self.use_button = self.buttons.addButton(
            "&Use for articles not yet annotated", QDialogButtonBox.ButtonRole.ActionRole
        )
        self.report_button = self.buttons.addButton("Open &report", QDialogButtonBox.ButtonRole.ActionRole)
        self.cancel_button: QPushButton = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.use_button.hide()
        self.report_button.hide()
        self.start_button.setEnabled(len(self.gold.records) >= MIN_ARTICLES)
        self.start_button.setDefault(True)
        self.start_button.clicked.connect(self.start)
        self.use_button.clicked.connect(self.use)
        self.report_button.clicked.connect(self.open_report)
        self.cancel_button.clicked.connect(self.reject)
        layout.addWidget(self.buttons)
        self.worker = Worker(self)
        self.worker.progress.connect(self._progress)
        self.worker.note.connect(self.log.appendPlainText)
        self.worker.finished.connect(self._finished)
        self.worker.failed.connect(self._failed)
        self.resize(620, 420)

    def _summary_text(self) -> str:
        text = f"Gold: {self.gold.describe()}."
        if len(self.gold.records) < MIN_ARTICLES:
            return (
                f"{text}\nTraining needs at least {MIN_ARTICLES} finished articles: mark articles done "
                "(Ctrl+Return) or adjudicate them (gold/) first."
            )
        where = "The new model is written into the project's models/ folder; the log names its base pipeline."
        return f"{text}\n{where}"

    def start(self) -> None:
        if self.worker.busy:
            return
        records = self.gold.records
        self.start_button.setEnabled(False)
        self.bar.show()
        self.bar.setRange(0, 0)
        epochs = self.epochs.value()
        self.log.appendPlainText(f"Training on {len(records)} article(s), {epochs} epoch(s)…")
        self.worker.start(lambda progress, _deliver: train_project(self.project, records, progress, epochs))

    def reject(self) -> None:
        """Cancel and Escape stop a run first (the dialog stays to say so); pressed again they close."""
        if self.worker.busy:
            self.log.appendPlainText("Cancelling after the current batch…")
            self.worker.cancel()
            return
        super().reject()

    def _progress(self, done: int, total: int) -> None:
        self.bar.setRange(0, total)
        self.bar.setValue(done)

    def _finished(self, result: Any, cancelled: bool) -> None:
        self.bar.hide()
        if cancelled or result is None:
            self.log.appendPlainText("Cancelled: no model was written.")
            self.start_button.setEnabled(True)
            return
        self.result = result
        self.log.appendPlainText("\n".join(result.lines()))
        self.use_button.show()
        self.report_button.show()
        self.use_button.setFocus()
        self.cancel_button.setText("Close")

    def _failed(self, message: str) -> None:
        self.bar.hide()
        self.log.appendPlainText(f"Training failed: {message}")
        self.start_button.setEnabled(True)

    def use(self) -> None:
        try:
            value = use_model(self.project, Path(self.result.model))
        except AppError as e:
            self.log.appendPlainText(str(e))
            return
        self.log.appendPlainText(
            f"The project now pre-annotates with {value}: articles not yet annotated get it when opened."
        )
        self.use_button.setEnabled(False)
        if self.on_use is not None:
            self.on_use(self.project.model or value)

    def open_report(self) -> None:
        if self.result is not None:
            open_report(Path(self.result.report))

    def closeEvent(self, event: Any) -> None:  # noqa: N802 (Qt's name)
        if self.worker.busy:
            self.worker.cancel()
            self.worker.shutdown()
        super().closeEvent(event)
