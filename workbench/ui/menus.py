"""Menus built from the action table and the schema.

Keys with a modifier become real window shortcuts; single keys act in the
article view (see :mod:`workbench.ui.controller`) and are only displayed in the
menu, so typing in a search box never triggers them.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu

from workbench.core.document import Document
from workbench.core.schema import AnnotationSchema
from workbench.ui.actions import ActionSpec, is_single
from workbench.ui.open_document import OpenDocument

MENU_ORDER = ("File", "Edit", "Document", "Span", "Label", "Project", "Help")


def build_menus(
    window: QMainWindow,
    schema: AnnotationSchema,
    table: tuple[ActionSpec, ...],
    on_action: Callable[[str], object],
    on_label: Callable[[str], None],
) -> tuple[dict[str, QAction], QMenu]:
    bar = window.menuBar()
    menus = {name: bar.addMenu(f"&{name}") for name in MENU_ORDER}
    actions: dict[str, QAction] = {}
    recent = QMenu("Open &recent", window)
    for spec in table:
        act = QAction(spec.text, window)
        act.setStatusTip(spec.help)
        real = [QKeySequence(k) for k in spec.keys if not is_single(k)]
        shown = [k for k in spec.keys if is_single(k)]
        if real:
            act.setShortcuts(real)
        if shown and not real:
            act.setText(f"{spec.text}\t{' / '.join(shown)}")
        act.triggered.connect(lambda _c=False, i=spec.id: on_action(i))
        menus[spec.menu].addAction(act)
        window.addAction(act)
        actions[spec.id] = act
        if spec.id == "open":
            menus["File"].addMenu(recent)
    for lab in schema.labels.values():
        act = QAction(f"{lab.name}\t{lab.key or ''}", window)
        act.setStatusTip(lab.description)
        act.triggered.connect(lambda _c=False, n=lab.name: on_label(n))
        menus["Label"].addAction(act)
    return actions, recent


def follow_history(undo: QAction, redo: QAction, open_doc: OpenDocument) -> None:
    """Edit > Undo and Redo name the step they would take back, for whatever article is open."""

    def update(doc: Document | None) -> None:
        ul = doc.history.undo_label if doc else None
        rl = doc.history.redo_label if doc else None
        undo.setEnabled(ul is not None)
        redo.setEnabled(rl is not None)
        undo.setText(f"&Undo {ul}" if ul else "&Undo")
        redo.setText(f"&Redo {rl}" if rl else "&Redo")

    open_doc.switched.connect(update)
    open_doc.changed.connect(lambda _change: update(open_doc.doc))
    update(open_doc.doc)
