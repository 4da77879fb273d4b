"""The open article and its current span, as signals the panels subscribe to.

The window only says which Document is open (:meth:`OpenDocument.set_document`);
the controller says which span is current. Every panel (the article header, the
inspector, the relations list, the document list, the undo menu, the window
title) connects itself and repaints from these signals, so no code path has to
remember to refresh each of them by hand.

Slots run in the order they were connected: the window connects the article
view and the controller first, so the panels connected after them find the
view repainted and the current span still valid.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from workbench.core.document import Change, Document


class OpenDocument(QObject):
    switched = Signal(object)  # the Document now open, or None when the batch was closed
    changed = Signal(object)  # a Change of the open Document (apply, undo or redo)
    spanChanged = Signal(object)  # the current span id, or None

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.doc: Document | None = None
        self.span_id: str | None = None
        self._unsubscribe: Callable[[], None] | None = None

    def set_document(self, doc: Document | None) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        self.doc = doc
        self.span_id = None
        if doc is not None:
            self._unsubscribe = doc.subscribe(self._changed)
        self.switched.emit(doc)

    def set_span(self, span_id: str | None) -> None:
        if span_id == self.span_id:
            return  # nothing moved: the panels refreshed from the switch or the change already
        self.span_id = span_id
        self.spanChanged.emit(span_id)

    def _changed(self, change: Change) -> None:
        self.changed.emit(change)

    def follow(self, refresh: Callable[[Document | None, str | None], None]) -> None:
        """``refresh(doc, span_id)`` after anything a panel of the article shows may have changed."""
        for signal in (self.switched, self.changed, self.spanChanged):
            signal.connect(lambda *_: refresh(self.doc, self.span_id))
