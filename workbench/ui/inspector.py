"""The inspector: a form generated from the schema for the current span and the document.

Every field becomes an edit through the ``apply`` callable; the form never
writes to the record, and it is refreshed from the record after each change,
so undo shows in the form at once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from workbench.core.document import Document
from workbench.core.edits import SetDocField, SetSpanAttr, SetSpanLabel
from workbench.core.schema import AnnotationSchema
from workbench.ui import spans as sp
from workbench.ui.guidelines_page import GuidelineBox

NONE = "—"


def _combo(values: tuple[str, ...], keys: dict[str, str]) -> QComboBox:
    box = QComboBox()
    box.addItem(NONE, None)
    for v in values:
        box.addItem(f"{v}   [{keys[v]}]" if v in keys else v, v)
    return box


def _set_combo(box: QComboBox, value: Any) -> None:
    box.blockSignals(True)
    i = box.findData(value)
    box.setCurrentIndex(i if i >= 0 else 0)
    box.blockSignals(False)


class Inspector(QWidget):
    def __init__(
        self, schema: AnnotationSchema, apply: Callable[[Any, str], bool], parent: QWidget | None = None
    ):
        super().__init__(parent)
        self.schema = schema
        self.apply = apply
        self.doc: Document | None = None
        self.span_id: str | None = None
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        # span -----------------------------------------------------------
        self.span_box = QGroupBox("Span")
        self.span_form = QFormLayout(self.span_box)
        self.span_text = QLabel()
        self.span_text.setWordWrap(True)
        self.span_label = QComboBox()
        for lab in schema.labels.values():
            self.span_label.addItem(f"{lab.name}   [{lab.key}]" if lab.key else lab.name, lab.name)
        self.span_label.currentIndexChanged.connect(self._label_changed)
        self.span_origin = QLabel()
        self.span_origin.setMinimumWidth(60)
        self.span_form.addRow(self.span_text)
        self.span_form.addRow("Label", self.span_label)
        self.attr_boxes: dict[str, QComboBox] = {}
        for name, vs in schema.value_sets.items():
            if not any(name in lab.attributes for lab in schema.labels.values()):
                continue
            box = _combo(vs.values, vs.keys)
            box.currentIndexChanged.connect(lambda _i, n=name: self._attr_changed(n))
            self.attr_boxes[name] = box
            self.span_form.addRow(name.replace("_", " ").capitalize(), box)
        # where a span points (a mention's REFERS_TO, a quote's SPEAKER and CUE), under its attributes
        self.span_links = QLabel()
        self.span_links.setWordWrap(True)
        self.span_form.addRow("Linked to", self.span_links)
        self.span_form.addRow("Origin", self.span_origin)
        lay.addWidget(self.span_box)
        # the guideline of the current label and of the relation selected in the relations list
        self.guide = GuidelineBox(schema)
        lay.addWidget(self.guide, 1)
        # document ---------------------------------------------------------
        doc_box = QGroupBox("Document")
        doc_form = QFormLayout(doc_box)
        self.doc_single: dict[str, QComboBox] = {}
        self.doc_multi: dict[str, dict[str, QCheckBox]] = {}
        for f in schema.doc_fields.values():
            vs = schema.value_sets[f.attribute]
            if f.multiple:
                row = QWidget()
                grid = _Flow(row)
                checks = {}
                for v in vs.values:
                    cb = QCheckBox(v)
                    cb.toggled.connect(lambda _on, n=f.name: self._multi_changed(n))
                    grid.add(cb)
                    checks[v] = cb
                self.doc_multi[f.name] = checks
                row.setToolTip(f.description)
                doc_form.addRow(f.name.capitalize(), row)
            else:
                box = _combo(vs.values, vs.keys)
                box.currentIndexChanged.connect(lambda _i, n=f.name: self._single_changed(n))
                self.doc_single[f.name] = box
                box.setToolTip(f.description)
                doc_form.addRow(f.name.capitalize(), box)
        lay.addWidget(doc_box)
        if not schema.has_guidelines:
            lay.addStretch(1)
        self.refresh(None, None)

    # refresh ------------------------------------------------------------------
    def refresh(self, doc: Document | None, span_id: str | None) -> None:
        self.doc = doc
        self.span_id = span_id if doc is not None and span_id in doc.record.spans else None
        span = doc.record.spans[self.span_id] if doc is not None and self.span_id else None
        self.span_box.setEnabled(span is not None)
        self.guide.show_label(span.label if span is not None else None)
        if span is None:
            self.span_text.setText("<i>No span selected. Tab to one or click it.</i>")
            self.span_origin.setText("")
            self.span_links.setText("")
            for box in self.attr_boxes.values():
                _set_combo(box, None)
                self.span_form.setRowVisible(box, True)
        else:
            assert doc is not None
            text = doc.record.span_text(span)
            self.span_text.setText(sp.quoted(text, 120))
            _set_combo(self.span_label, span.label)
            lab = self.schema.labels.get(span.label)
            for name, box in self.attr_boxes.items():
                self.span_form.setRowVisible(box, lab is not None and name in lab.attributes)
                _set_combo(box, span.attrs.get(name))
            links = []
            for r in doc.record.relations.values():
                other = doc.record.spans.get(r.child) if r.head == span.id else None
                if other is not None:
                    links.append(f"{r.label} → {sp.quoted(doc.record.span_text(other), 40)}")
            self.span_links.setText("<br>".join(links) or "<i>nothing (r or a relation key links it)</i>")
            origin = (span.origin or "annotator") + (f" · {span.review}" if span.review else "")
            fm = self.span_origin.fontMetrics()
            width = max(self.span_origin.width(), 160)
            self.span_origin.setText(fm.elidedText(origin, Qt.TextElideMode.ElideMiddle, width))
            self.span_origin.setToolTip(origin)
        for name, box in self.doc_single.items():
            box.setEnabled(doc is not None)
            _set_combo(box, doc.record.doc.get(name) if doc else None)
        for name, checks in self.doc_multi.items():
            values = doc.record.doc.get(name) if doc else None
            values = values if isinstance(values, list) else []
            for v, cb in checks.items():
                cb.blockSignals(True)
                cb.setChecked(v in values)
                cb.setEnabled(doc is not None)
                cb.blockSignals(False)

    def current_label(self) -> str | None:
        """The label of the span the form shows (Shift+F1 opens the guidelines at its entry)."""
        span = self.doc.record.spans.get(self.span_id) if self.doc is not None and self.span_id else None
        return span.label if span is not None else None

    def show_relation(self, relation_id: str | None) -> None:
        """The relations list moved to another row: show that relation's type's guideline."""
        rel = self.doc.record.relations.get(relation_id) if self.doc is not None and relation_id else None
        self.guide.show_relation(rel.label if rel is not None else None)

    def _again(self) -> None:
        self.refresh(self.doc, self.span_id)  # refused edits must not leave the form lying

    # edits ---------------------------------------------------------------------
    def _label_changed(self) -> None:
        if self.doc is None or self.span_id is None:
            return
        label = self.span_label.currentData()
        old = self.doc.record.spans[self.span_id].label
        if label != old and not self.apply(SetSpanLabel(self.span_id, label), f"Relabel {old} as {label}"):
            self._again()

    def _attr_changed(self, name: str) -> None:
        if self.doc is None or self.span_id is None:
            return
        value = self.attr_boxes[name].currentData()
        if not self.apply(SetSpanAttr(self.span_id, name, value), f"Set {name} to {value or '(none)'}"):
            self._again()

    def _single_changed(self, name: str) -> None:
        if self.doc is None:
            return
        value = self.doc_single[name].currentData()
        if not self.apply(SetDocField(name, value), f"Set document {name} to {value or '(none)'}"):
            self._again()

    def _multi_changed(self, name: str) -> None:
        if self.doc is None:
            return
        values = tuple(v for v, cb in self.doc_multi[name].items() if cb.isChecked())
        if not self.apply(SetDocField(name, values or None), f"Set document {name}"):
            self._again()


class _Flow:
    """Check boxes in rows of two: enough for a topic list without a custom layout."""

    def __init__(self, parent: QWidget):
        self.v = QVBoxLayout(parent)
        self.v.setContentsMargins(0, 0, 0, 0)
        self.v.setSpacing(0)
        self.row: QHBoxLayout | None = None
        self.n = 0

    def add(self, w: QWidget) -> None:
        if self.n % 2 == 0:
            self.row = QHBoxLayout()
            self.v.addLayout(self.row)
        assert self.row is not None
        self.row.addWidget(w)
        self.n += 1
