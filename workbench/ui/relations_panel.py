"""Relations of the current span, as a list beside the arrows drawn on the text.

Reached by keyboard (Ctrl+R goes in, Esc or any annotation key goes back to the
article), and its selected row is "the current relation" that Shift+Delete
removes from the article.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLabel, QListView, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from workbench.core.document import Document
from workbench.core.edits import RemoveRelation
from workbench.ui import spans as sp


class _List(QListWidget):
    deletePressed = Signal()
    leave = Signal(object)  # the key event that sends the focus back to the article (None for Esc)

    def keyPressEvent(self, e: QKeyEvent) -> None:  # noqa: N802
        if e.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.deletePressed.emit()
            return
        if e.key() == Qt.Key.Key_Escape:
            self.leave.emit(None)
            return
        text = e.text()
        if text and text.isprintable() and not e.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.leave.emit(e)  # s, v, y...: meant for the article, which gets the key as well
            return
        super().keyPressEvent(e)


class RelationPanel(QWidget):
    spanRequested = Signal(str)
    leave = Signal(object)  # back to the article, with the key to replay there (or None)

    def __init__(self, apply: Callable[[Any, str], bool], parent: QWidget | None = None):
        super().__init__(parent)
        self.apply = apply
        self.list = _List()
        # The panel is narrow: long lines wrap rather than hide behind a sideways scroll bar.
        self.list.setWordWrap(True)
        self.list.setResizeMode(QListView.ResizeMode.Adjust)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.hint.setEnabled(False)
        self.hint.setMinimumHeight(3 * self.fontMetrics().lineSpacing())
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.list, 1)
        lay.addWidget(self.hint)
        self.list.itemActivated.connect(self._go)
        self.list.deletePressed.connect(self._delete)
        self.list.leave.connect(self.leave)
        self.setMinimumHeight(90)
        self._span: str | None = None

    def refresh(self, doc: Document | None, span_id: str | None) -> None:
        keep = self.list.currentRow() if span_id is not None and span_id == self._span else 0
        self._span = span_id
        self.list.clear()
        if doc is None or span_id is None or span_id not in doc.record.spans:
            self.hint.setText("Select a span to see its relations.")
            return
        rec = doc.record
        rels = rec.relations_of(span_id)
        for r in rels:
            other_id = r.child if r.head == span_id else r.head
            other = rec.spans.get(other_id)
            if other is None:
                continue
            arrow = "→" if r.head == span_id else "←"
            origin = "" if r.origin is None else f"  ({r.review or 'model'})"
            item = QListWidgetItem(
                f"{r.label} {arrow} {other.label} {sp.quoted(rec.span_text(other), 36)}{origin}"
            )
            item.setData(Qt.ItemDataRole.UserRole, (r.id, other_id))
            self.list.addItem(item)
        if self.list.count():
            self.list.setCurrentRow(min(max(keep, 0), self.list.count() - 1))
        keys = [
            f"{t.key} {t.name}"
            for t in doc.schema.relations.values()
            if t.key and rec.spans[span_id].label in t.head
        ]
        self.hint.setText(
            ("Enter: go to the other span · Delete: remove · Esc: back. " if rels else "No relations. ")
            + (f"Start one: {', '.join(keys)}, or r." if keys else "")
        )

    def _go(self, item: QListWidgetItem) -> None:
        _rid, other = item.data(Qt.ItemDataRole.UserRole)
        self.spanRequested.emit(other)

    def enter(self) -> bool:
        """Focus into the list (Ctrl+R); False when the current span has no relation to go to."""
        if not self.list.count():
            return False
        if self.list.currentRow() < 0:
            self.list.setCurrentRow(0)
        self.list.setFocus()
        return True

    def current_relation(self) -> str | None:
        item = self.list.currentItem()
        return None if item is None else item.data(Qt.ItemDataRole.UserRole)[0]

    def delete_current(self) -> str | None:
        """Removes the selected relation (from the list or, by Shift+Delete, from the article); its text."""
        item = self.list.currentItem()
        if item is None:
            return None
        rid, _other = item.data(Qt.ItemDataRole.UserRole)
        text = item.text()
        return text if self.apply(RemoveRelation(rid), "Delete relation") else None

    def _delete(self) -> None:
        self.delete_current()
