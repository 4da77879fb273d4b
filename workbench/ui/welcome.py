"""First run: a short welcome on the demo corpus that points to the guide, and a missing model said plainly.

Why a separate module: the window stays about annotating; this is the few lines a new user sees
once. The demo corpus is copied to the user's data folder before it is opened, because the window
writes the annotator file next to what it opens and an installed app's folder is not the place
for it (often not even writable). The model check only looks whether a trained pipeline is
installed along the chain pre-annotation tries (:mod:`workbench.nlp.model_names`), without
importing spaCy, so the window opens at once; the install command is the one pre-annotation prints.

``workbench.ui.app.create_window`` installs the panel after opening what was asked for.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QToolButton, QVBoxLayout, QWidget

from workbench.core.paths import corpora_dir, schemas_dir
from workbench.nlp.model_names import INSTALL_HINT, configured_model, installed_models

if TYPE_CHECKING:
    from workbench.io.settings import Settings

DATA_ENV = "WORKBENCH_DATA_HOME"


def data_home() -> Path:
    """Where the user's copy of the demo lives: ``$WORKBENCH_DATA_HOME`` or the platform's data folder."""
    env = os.environ.get(DATA_ENV)
    if env:
        return Path(env)
    from platformdirs import user_data_dir

    return Path(user_data_dir("workbench", appauthor=False))


def shipped_demo() -> Path:
    return corpora_dir() / "demo.jsonl"


def demo_workspace(shipped: Path | None = None) -> Path:
    """The user's own copy of the demo corpus (made once), so annotations land in their folder."""
    shipped = shipped or shipped_demo()
    target = data_home() / "demo" / shipped.name
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shipped, target)
    return target


def is_demo(paths: list[Path]) -> bool:
    """The shipped demo or the user's copy of it (the welcome is about those only)."""
    demos = {shipped_demo().resolve(), (data_home() / "demo" / shipped_demo().name).resolve()}
    return len(paths) == 1 and paths[0].resolve() in demos


def guide_path() -> Path | None:
    """The user guide shipped with this installation: bundle/wheel data or the checkout's docs."""
    for base in (schemas_dir().parent / "docs", schemas_dir().parent.parent / "docs"):
        p = base / "guide" / "README.md"
        if p.is_file():
            return p
    return None


def model_notice(settings: Settings | None) -> str | None:
    """None when a trained model is installed; else what to do, with the exact command."""
    if installed_models(configured_model(setting=settings.model if settings else None)):
        return None
    return (
        "No trained spaCy model is installed: pre-annotation will mark quotes from rules only, no entities. "
        f"Install the default one with <code>{INSTALL_HINT}</code> (in the Python the workbench runs in), "
        "or choose an installed pipeline or a model folder under File → Preferences."
    )


class WelcomePanel(QFrame):
    """A quiet panel above the article: welcome (first run on the demo) and/or the missing-model notice."""

    closed = Signal()

    def __init__(self, welcome: bool, notice: str | None, guide: Path | None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("welcomePanel")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet(
            "#welcomePanel { border: 1px solid palette(mid); border-radius: 4px;"
            " background: palette(alternate-base); }"
        )
        lay = QHBoxLayout(self)
        lay.setContentsMargins(10, 6, 6, 6)
        texts = QVBoxLayout()
        self.welcome_label: QLabel | None = None
        self.notice_label: QLabel | None = None
        if welcome:
            link = (
                f"<a href='{QUrl.fromLocalFile(str(guide)).toString()}'>the user guide</a>"
                if guide
                else "the user guide (docs/guide in the project)"
            )
            self.welcome_label = self._label(
                "<b>Welcome to the Newsroom Workbench.</b> This is the demo corpus: five short articles "
                "written for trying things out, so nothing here matters and every edit can be undone "
                "(Ctrl+Z). Each untouched article is pre-annotated as it opens (entities and quotes "
                "in a moment, from the model): <b>Tab</b> steps through the spans, <b>y</b>/<b>x</b> "
                "accepts or rejects them, <b>F1</b> shows every key. "
                f"How to annotate, run a project and export a training set: {link}."
            )
            texts.addWidget(self.welcome_label)
        if notice:
            self.notice_label = self._label(f"<b>Pre-annotation:</b> {notice}")
            texts.addWidget(self.notice_label)
        lay.addLayout(texts, 1)
        close = QToolButton()
        close.setText("✕")
        close.setToolTip("Close")
        close.setAutoRaise(True)
        close.clicked.connect(self._close)
        lay.addWidget(close, 0, Qt.AlignmentFlag.AlignTop)

    def _label(self, html: str) -> QLabel:
        label = QLabel(html)
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.RichText)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        label.setOpenExternalLinks(False)
        label.linkActivated.connect(lambda url: QDesktopServices.openUrl(QUrl(url)))
        return label

    def _close(self) -> None:
        self.hide()
        self.closed.emit()


def install(
    window: QWidget, settings: Settings | None, *, first_run: bool, on_demo: bool
) -> WelcomePanel | None:
    """Put the panel on top of the window's central area when there is something to say."""
    notice = model_notice(settings)
    welcome = first_run and on_demo
    if not welcome and notice is None:
        return None
    panel = WelcomePanel(welcome, notice, guide_path(), window)
    central = window.centralWidget() if hasattr(window, "centralWidget") else None
    layout = central.layout() if central is not None else None
    if layout is not None:
        layout.insertWidget(0, panel)
    panel.show()
    return panel
