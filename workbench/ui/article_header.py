"""Above the article: its title, a line of facts and counts, the read-only banner, the label legend.

The title and the facts line follow the open article (:class:`OpenDocument`):
they change when another article opens and after every edit (span counts, status,
how many pre-annotations are left to review), without the window calling them.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QLabel, QWidget

from workbench.app.batch import title_of
from workbench.core.document import Document
from workbench.core.schema import AnnotationSchema
from workbench.ui.colors import Legend
from workbench.ui.open_document import OpenDocument

META_FIELDS = ("source", "published", "author", "url", "file")


def facts(doc: Document, switchable: bool = True) -> str:
    """``source · date · … · 1,240 characters · in progress · 30 spans · 22 to review``.

    ``switchable``: the window has the article's uncleaned twin (a page it cleaned on open);
    an article cleaned before it came (``workbench add``, ``import --clean``) keeps its
    original in its meta only.
    """
    rec = doc.record
    meta = [str(rec.meta[k]) for k in META_FIELDS if rec.meta.get(k)]
    pending = sum(1 for s in rec.spans.values() if s.review == "pending")
    meta.append(f"{len(rec.text):,} characters · {rec.status.replace('_', ' ')} · {len(rec.spans)} spans")
    pending += sum(1 for r in rec.relations.values() if r.review == "pending")
    if pending:
        meta.append(f"{pending} to review")
    cleaning = rec.meta.get("cleaning")
    if isinstance(cleaning, dict) and "original_text" in rec.meta:
        removed = len(cleaning.get("removed") or [])
        out = f"{removed} piece(s) of page furniture out"
        if switchable:
            meta.append(f"cleaned on open: {out}, Ctrl+Shift+U: the original")
        else:
            meta.append(f"cleaned: {out} (the original is in meta.original_text)")
    elif isinstance(rec.meta.get("cleaned_to"), str):
        meta.append("the original file text, uncleaned (Ctrl+Shift+U: the cleaned article)")
    return " · ".join(meta)


class ArticleHeader(QObject):
    """The labels are laid out by the window (one column with the article); this keeps them current."""

    def __init__(self, schema: AnnotationSchema, parent: QObject | None = None):
        super().__init__(parent)
        self.title = QLabel()
        self.title.setWordWrap(True)
        f = self.title.font()
        f.setPointSizeF(f.pointSizeF() * 1.35)
        f.setBold(True)
        self.title.setFont(f)
        self.meta = QLabel()
        self.meta.setEnabled(False)
        self.meta.setWordWrap(True)
        self.meta.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet("QLabel { background: #8a1c1c; color: white; padding: 4px; }")
        self.banner.hide()
        self.legend = Legend(schema)
        self._switchable: Callable[[str], bool] = lambda _id: True

    def widgets(self) -> tuple[QWidget, ...]:
        return self.title, self.meta, self.banner, self.legend

    def follow(self, open_doc: OpenDocument, switchable: Callable[[str], bool] = lambda _id: True) -> None:
        """``switchable(record_id)``: whether Ctrl+Shift+U can show that article's uncleaned twin."""
        self._switchable = switchable
        open_doc.switched.connect(self._switched)
        open_doc.changed.connect(lambda _change: self._facts(open_doc.doc))

    def _switched(self, doc: Document | None) -> None:
        if doc is not None:  # a closed batch leaves the last article's header, as the text stays too
            self.title.setText(title_of(doc.record.text, doc.record.meta))
            self._facts(doc)

    def _facts(self, doc: Document | None) -> None:
        if doc is not None:
            self.meta.setText(facts(doc, self._switchable(doc.record.id)))
