"""Keyboard paths between the panels and the article, so the mouse is never needed.

Esc in any side panel (inspector, relations, search box) gives the focus back to
the article, where the annotation keys work. (Return in the search box opening the
first match is the document list's own: :meth:`DocListPanel.open_first_match`.)
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QComboBox, QWidget


class EscapeToArticle(QObject):
    """An event filter: Esc in a watched widget (an open combo popup excepted) focuses the article."""

    def __init__(self, article: QWidget, parent: QObject | None = None):
        super().__init__(parent)
        self.article = article

    def watch(self, root: QWidget) -> None:
        for w in [root, *root.findChildren(QWidget)]:
            w.installEventFilter(self)

    def eventFilter(self, obj: QObject, e: QEvent) -> bool:  # noqa: N802
        if (
            e.type() == QEvent.Type.KeyPress
            and isinstance(e, QKeyEvent)
            and e.key() == Qt.Key.Key_Escape
            and not (isinstance(obj, QComboBox) and obj.view().isVisible())
            and not (isinstance(obj, QAbstractItemView) and obj.state() == obj.State.EditingState)
        ):
            self.article.setFocus(Qt.FocusReason.ShortcutFocusReason)
            return True
        return False
