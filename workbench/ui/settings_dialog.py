"""Preferences, and the first-start question: who is annotating?"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLineEdit,
    QPushButton,
    QWidget,
)

from workbench.io.settings import Settings


def installed_models() -> list[str]:
    """Installed spaCy pipeline packages (``spacy_models`` entry points), found without importing spaCy."""
    from importlib.metadata import entry_points

    return sorted({e.name for e in entry_points(group="spacy_models")})


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
    def __init__(self, settings: Settings, parent: QWidget | None = None, model_in_use: str | None = None):
        """``model_in_use``: what the running (or last) pre-annotation pass loaded, shown when the
        setting is empty so the field never looks blank while a model works."""
        super().__init__(parent)
        self.setWindowTitle("Preferences")
        self.settings = settings
        form = QFormLayout(self)
        self.name = QLineEdit(settings.annotator or "")
        self.model = QComboBox()
        self.model.setEditable(True)
        models = installed_models()
        self.model.addItem("")  # empty: the default chain (see workbench.nlp.models)
        self.model.addItems(models)
        self.model.setCurrentText(settings.model or "")
        if model_in_use:
            self.model.lineEdit().setPlaceholderText(f"default, in use: {model_in_use}")
        self.model_folder = QPushButton("&Folder…")
        self.model_folder.setToolTip("A model folder: one made by Train from gold or `workbench train`")
        self.model_folder.clicked.connect(self.choose_model_folder)
        self.model.setToolTip(
            "An installed spaCy pipeline, or a model folder (Train from gold makes one); empty: the default "
            f"({', '.join(models) or 'none installed: rules only'})"
        )
        self.snap = QCheckBox("Snap new spans to whole words")
        self.snap.setChecked(settings.snap_to_tokens)
        self.on_open = QCheckBox("Pre-annotate untouched articles when they are opened")
        self.on_open.setChecked(settings.preannotate_on_open)
        self.on_open.setToolTip(
            "Runs the model in the background on an article nobody has annotated yet; "
            "one undo step removes what it added. Ctrl+P runs it on any article."
        )
        form.addRow("Annotator", self.name)
        model_row = QHBoxLayout()
        model_row.addWidget(self.model, 1)
        model_row.addWidget(self.model_folder)
        form.addRow("Pre-annotation model", model_row)
        self.ask_done = QCheckBox("Ask once before marking an article with unreviewed items done")
        self.ask_done.setChecked(settings.ask_done_unreviewed)
        form.addRow(self.snap)
        form.addRow(self.on_open)
        form.addRow(self.ask_done)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def choose_model_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, "Choose a trained model folder", self.model.currentText()
        )
        if folder:
            self.model.setCurrentText(folder)

    def apply(self) -> None:
        name = self.name.text().strip()
        if name:
            self.settings.annotator = name
        self.settings.model = self.model.currentText().strip() or None
        self.settings.snap_to_tokens = self.snap.isChecked()
        self.settings.preannotate_on_open = self.on_open.isChecked()
        self.settings.ask_done_unreviewed = self.ask_done.isChecked()
