"""Relations of the current span, as a list beside the arrows drawn on the text."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLabel, QListView, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from workbench.core.document import Document
from workbench.core.edits import RemoveRelation


def _short(t: str, n: int = 36) -> str:
    t = " ".join(t.split())
    return t if len(t) <= n else t[: n - 1] + "…"


class _List(QListWidget):
    deletePressed = Signal()

    def keyPressEvent(self, e: QKeyEvent) -> None:  # noqa: N802
        if e.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.deletePressed.emit()
            return
        super().keyPressEvent(e)


class RelationPanel(QWidget):
    spanRequested = Signal(str)

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
        self.setMinimumHeight(90)

    def refresh(self, doc: Document | None, span_id: str | None) -> None:
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
                f"{r.label} {arrow} {other.label} “{_short(rec.span_text(other))}”{origin}"
            )
            item.setData(Qt.ItemDataRole.UserRole, (r.id, other_id))
            self.list.addItem(item)
        keys = [
            f"{t.key} {t.name}"
            for t in doc.schema.relations.values()
            if t.key and rec.spans[span_id].label in t.head
        ]
        self.hint.setText(
            ("Enter: go to the other span · Delete: remove. " if rels else "No relations. ")
            + (f"Start one: {', '.join(keys)}, or r." if keys else "")
        )

    def _go(self, item: QListWidgetItem) -> None:
        _rid, other = item.data(Qt.ItemDataRole.UserRole)
        self.spanRequested.emit(other)

    def _delete(self) -> None:
        item = self.list.currentItem()
        if item is not None:
            rid, _other = item.data(Qt.ItemDataRole.UserRole)
            self.apply(RemoveRelation(rid), "Delete relation")
