"""The annotation window's side docks: the document list on the left, inspector and relations on the right."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QLabel, QMainWindow, QSplitter, QVBoxLayout, QWidget

from workbench.ui.doc_list import DocListPanel
from workbench.ui.inspector import Inspector
from workbench.ui.relations_panel import RelationPanel


def add_docks(
    window: QMainWindow, doc_list: DocListPanel, inspector: Inspector, relations: RelationPanel
) -> None:
    """Movable and floatable, not closable: a closed panel is a lost panel for most annotators.

    Object names let ``saveState``/``restoreState`` put them back where the annotator left them.
    """
    side = QSplitter(Qt.Orientation.Vertical)
    side.addWidget(inspector)
    rel_box = QWidget()
    rl = QVBoxLayout(rel_box)
    rl.setContentsMargins(0, 0, 0, 0)
    rl.addWidget(QLabel("<b>Relations of the current span</b>"))
    rl.addWidget(relations)
    side.addWidget(rel_box)
    side.setStretchFactor(0, 2)  # the inspector's guideline scrolls inside: give it the larger share
    side.setStretchFactor(1, 1)
    for name, widget, area in (
        ("Documents", doc_list, Qt.DockWidgetArea.LeftDockWidgetArea),
        ("Inspector", side, Qt.DockWidgetArea.RightDockWidgetArea),
    ):
        dock = QDockWidget(name, window)
        dock.setObjectName(f"dock_{name}")
        dock.setWidget(widget)
        dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetFloatable
        )
        window.addDockWidget(area, dock)
        widget.setMinimumWidth(220 if name == "Documents" else 260)
