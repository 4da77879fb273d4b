"""The guidelines in the window: the whole document (F1 → Guidelines) and the inspector's entry
for the current span's label and the selected relation's type.

Both render through ``io/guidelines_html.py``, the renderer of ``workbench guidelines --html``,
with the window's own fills, so an example's marked words look like spans in the article view on
either palette.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtGui import QPalette, QShowEvent
from PySide6.QtWidgets import QGroupBox, QLabel, QScrollArea, QTextBrowser, QToolButton, QVBoxLayout, QWidget

from workbench.core.guidelines import GuidelineKind
from workbench.core.schema import AnnotationSchema
from workbench.io.guidelines_html import Fill, anchor, examples_html, guidelines_body, markdown_html
from workbench.ui.actions import ACTIONS
from workbench.ui.colors import FILL_ALPHA, fill_colors

# The article view paints quotes with a faint tint and a bar in the margin; an example has no
# margin, so its quote tint is stronger to be seen at all.
EXAMPLE_QUOTE_ALPHA = 0.25
STYLE = ".tag{font-size:small;font-weight:600} .none{color:gray} .what{font-weight:normal;font-size:small}"


def window_fill(palette: QPalette) -> Fill:
    def fill(color: str, kind: str) -> tuple[str, str]:
        bg, fg = fill_colors(palette, color, EXAMPLE_QUOTE_ALPHA if kind == "quote" else FILL_ALPHA)
        return bg.name(), fg.name()

    return fill


class GuidelinesPage(QTextBrowser):
    """The whole guidelines document; arrows and Page keys scroll it, links jump between entries.
    Rendered when first shown (and again after a palette change), not when the window opens."""

    def __init__(self, schema: AnnotationSchema, parent: QWidget | None = None):
        super().__init__(parent)
        self.schema = schema
        self._stale = True
        self.setOpenLinks(False)  # nothing outside the page is ever opened
        self.anchorClicked.connect(
            lambda url: self.scrollToAnchor(url.fragment()) if url.hasFragment() else None
        )
        self.document().setDefaultStyleSheet(STYLE)
        self.document().setDocumentMargin(14)

    def render(self) -> None:
        if self._stale:
            title = f"<h1>Guidelines — {escape(self.schema.title)}</h1>"
            self.setHtml(title + guidelines_body(self.schema, window_fill(self.palette())))
            self._stale = False

    def show_entry(self, kind: GuidelineKind, name: str) -> None:
        self.render()
        self.scrollToAnchor(anchor(kind, name))

    def showEvent(self, e: QShowEvent) -> None:  # noqa: N802
        self.render()
        super().showEvent(e)

    def changeEvent(self, e: QEvent) -> None:  # noqa: N802
        super().changeEvent(e)
        if e.type() == QEvent.Type.PaletteChange:
            self._stale = True
            if self.isVisible():
                self.render()


class _Entry(QWidget):
    """One kind's entry in the inspector: the definition's first paragraph, examples on demand."""

    def __init__(self, schema: AnnotationSchema, kind: GuidelineKind):
        super().__init__()
        self.schema, self.kind = schema, kind
        self.name: str | None = None
        self._shown = False
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.more = QToolButton()
        self.more.setCheckable(True)
        self.more.setAutoRaise(True)
        self.more.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.more.toggled.connect(lambda _on: self._show_examples())
        self.examples = QLabel()
        self.examples.setWordWrap(True)
        self.examples.setTextFormat(Qt.TextFormat.RichText)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        for w in (self.text, self.more, self.examples):
            lay.addWidget(w)
        self.show_name(None)

    def show_name(self, name: str | None, again: bool = False) -> None:
        """Show ``name``'s entry; the same one again only when ``again`` (a palette change)."""
        if name == self.name and not again and self._shown:
            return
        self._shown = True
        self.name = name
        g = self.schema.guideline_for(self.kind, name) if name else None
        self.setVisible(name is not None)
        what = "Label" if self.kind == "label" else "Relation"
        if g is None:
            self.text.setText(f"<b>{what} {escape(name or '')}</b>: <i>no guideline yet.</i>")
        else:
            html = markdown_html(g.summary).strip()
            lead = f"<b>{what} {escape(name or '')}:</b> "
            self.text.setText(html.replace("<p>", "<p>" + lead, 1) if html.startswith("<p>") else lead + html)
        count = len(g.positive) + len(g.negative) if g else 0
        self.more.setVisible(count > 0)
        self.more.setText(f"Examples ({count})")
        self.more.setArrowType(Qt.ArrowType.DownArrow if self.more.isChecked() else Qt.ArrowType.RightArrow)
        self._show_examples()

    def _show_examples(self) -> None:
        g = self.schema.guideline_for(self.kind, self.name) if self.name else None
        on = g is not None and self.more.isChecked()
        self.more.setArrowType(Qt.ArrowType.DownArrow if self.more.isChecked() else Qt.ArrowType.RightArrow)
        self.examples.setVisible(on)
        if on and g is not None and self.name is not None:
            self.examples.setText(
                examples_html(self.schema, self.kind, self.name, g, window_fill(self.palette()))
            )


class GuidelineBox(QScrollArea):
    """The inspector's guideline: the current span's label, and the relation selected in the
    relations list; Shift+F1 opens the whole document at the label's entry. It scrolls, so open
    examples never squeeze the form above it or push the window taller."""

    def __init__(self, schema: AnnotationSchema, parent: QWidget | None = None):
        super().__init__(parent)
        self.label = _Entry(schema, "label")
        self.relation = _Entry(schema, "relation")
        keys = next((a.keys for a in ACTIONS if a.id == "guidelines"), ())
        hint = QLabel(f"{' / '.join(keys)}: all guidelines" if keys else "F1: all guidelines")
        hint.setEnabled(False)
        box = QGroupBox("Guideline")
        lay = QVBoxLayout(box)
        for w in (self.label, self.relation, hint):
            lay.addWidget(w)
        lay.addStretch(1)
        self.setWidget(box)
        self.setWidgetResizable(True)
        self.setFrameShape(QScrollArea.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVisible(schema.has_guidelines)

    def sizeHint(self) -> QSize:  # noqa: N802
        """Room for a definition and a few examples, whatever is shown when the window opens: the
        dock's splitter shares its height out from this once, at the start."""
        hint = super().sizeHint()
        return QSize(hint.width(), max(hint.height(), 18 * self.fontMetrics().lineSpacing()))

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        """Nothing: on a small screen the form above keeps its room and this part yields it."""
        return QSize(super().minimumSizeHint().width(), 0)

    def show_label(self, name: str | None) -> None:
        self.label.show_name(name)

    def show_relation(self, name: str | None) -> None:
        self.relation.show_name(name)

    def changeEvent(self, e: QEvent) -> None:  # noqa: N802
        super().changeEvent(e)
        if e.type() == QEvent.Type.PaletteChange:
            self.label.show_name(self.label.name, again=True)
            self.relation.show_name(self.relation.name, again=True)
