"""Keyboard paths between the panels and the article, so the mouse is never needed.

Esc in any side panel (inspector, relations, search box) gives the focus back to
the article, where the annotation keys work; Return in the search box opens the
first article that matches, once the search (which runs in the background) has
answered what the box says.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QComboBox, QWidget

from workbench.ui.doc_list import DocListPanel


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


def open_first_match(doc_list: DocListPanel, open_document: Callable[[str], None], tries: int = 100) -> None:
    """Return in the search box: open the first listed article once the search has caught up.

    The search runs in a worker after a short pause in typing, so Return pressed at once
    waits (polling every 50 ms, at most ``tries`` times) rather than opening a stale row.
    """
    pending = doc_list._search_timer.isActive() or doc_list._searcher.busy  # noqa: SLF001
    if pending and tries > 0:
        QTimer.singleShot(50, lambda: open_first_match(doc_list, open_document, tries - 1))
        return
    if doc_list.proxy.rowCount() == 0:
        return
    rid = doc_list.proxy.index(0, 1).data(Qt.ItemDataRole.UserRole)
    if rid:
        open_document(rid)
