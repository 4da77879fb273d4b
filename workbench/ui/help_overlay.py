"""The help sheet: the keyboard (F1 or ?), built from the action table and the schema's keys, and
the schema's guidelines (G on the sheet, or Shift+F1 straight to the current label's entry)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QColor, QHideEvent, QKeyEvent, QPainter, QPalette
from PySide6.QtWidgets import QApplication, QLabel, QScrollArea, QTabWidget, QVBoxLayout, QWidget

from workbench.core.guidelines import GuidelineKind
from workbench.core.schema import AnnotationSchema
from workbench.ui.actions import ActionSpec, schema_keys
from workbench.ui.guidelines_page import GuidelinesPage


def _esc(t: str) -> str:
    return t.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def help_html(schema: AnnotationSchema, actions: tuple[ActionSpec, ...]) -> str:
    def table(title: str, rows: list[tuple[str, str]]) -> str:
        body = "".join(
            f"<tr><td align=right style='padding-right:10px'><b><code>{_esc(k)}</code></b></td>"
            f"<td>{_esc(t)}</td></tr>"
            for k, t in rows
        )
        return f"<h3>{_esc(title)}</h3><table cellspacing=2>{body}</table>"

    keys = schema_keys(schema)
    cols = [
        table("Labels (select text, then the key)", [(k.key, k.target) for k in keys if k.kind == "label"]),
        table(
            "Relations (current span, key, then the other end)",
            [(k.key, k.help.removeprefix("Start a ")) for k in keys if k.kind == "relation"],
        ),
        table(
            "Values (current span, or the document when none)",
            [(k.key, k.target.replace("=", ": ")) for k in keys if k.kind == "value"],
        ),
    ]
    menus: dict[str, list[tuple[str, str]]] = {}
    for a in actions:
        menus.setdefault(a.menu, []).append((" / ".join(a.keys), a.text.replace("&", "").rstrip("…")))
    other = "".join(table(m, rows) for m, rows in menus.items() if m not in ("Span", "Document"))
    cols += [table("Span", menus["Span"]), table("Document", menus["Document"]), other]
    rows = "".join(
        "<tr>" + "".join(f"<td valign=top style='padding:0 18px'>{c}</td>" for c in cols[i : i + 3]) + "</tr>"
        for i in range(0, len(cols), 3)
    )
    return (
        f"<h2>Keyboard — schema {_esc(schema.ref)}</h2><table>{rows}</table>"
        "<p>Single keys act while the article has focus. Esc, F1 or ? closes this help; "
        "G shows the annotation guidelines, K this list again.</p>"
    )


class HelpOverlay(QWidget):
    """Covers its parent with a dimmed sheet of two pages, keys and guidelines; any of Esc, F1, ?
    or a click on the margin closes it."""

    KEYS, GUIDELINES = 0, 1

    def __init__(self, schema: AnnotationSchema, actions: tuple[ActionSpec, ...], parent: QWidget):
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.label = QLabel(help_html(schema, actions))
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setAutoFillBackground(True)
        self.label.setMargin(16)
        self.keys_page = QScrollArea()  # the label goes in when first shown: its layout costs ~80 ms
        self.keys_page.setWidgetResizable(True)
        self.keys_page.setFrameShape(QScrollArea.Shape.NoFrame)
        self.guidelines = GuidelinesPage(schema)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.keys_page, "&Keys")
        self.tabs.addTab(self.guidelines, "&Guidelines")
        self.tabs.currentChanged.connect(lambda _i: self._focus_page())
        lay = QVBoxLayout(self)
        lay.setContentsMargins(40, 30, 40, 30)
        lay.addWidget(self.tabs)
        parent.installEventFilter(self)
        self.hide()

    def toggle(self) -> None:
        """F1 or ?: the keys page, or close the sheet."""
        if self.isVisible():
            self.hide()
            return
        self.show_page(self.KEYS)

    def show_guidelines(self, kind: GuidelineKind | None = None, name: str | None = None) -> None:
        """Shift+F1: the guidelines page, at the entry of ``name`` when given; again closes it."""
        if self.isVisible() and self.tabs.currentIndex() == self.GUIDELINES:
            self.hide()
            return
        self.show_page(self.GUIDELINES)
        if kind is not None and name is not None:
            self.guidelines.show_entry(kind, name)

    def show_page(self, page: int) -> None:
        if self.keys_page.widget() is None:
            self.keys_page.setWidget(self.label)
        if not self.isVisible():
            self.setGeometry(self.parentWidget().rect())
            self._before = QApplication.focusWidget()
            self.show()
            self.raise_()
        self.tabs.setCurrentIndex(page)
        self._focus_page()

    def _focus_page(self) -> None:
        """The page shown takes the keys, so arrows and Page Up/Down scroll it."""
        if self.isVisible():
            self.tabs.currentWidget().setFocus()

    def eventFilter(self, obj: object, e: QEvent) -> bool:  # noqa: N802
        if obj is self.parentWidget() and e.type() == QEvent.Type.Resize and self.isVisible():
            self.setGeometry(self.parentWidget().rect())
        return False

    def paintEvent(self, _e: object) -> None:  # noqa: N802
        p = QPainter(self)
        c = QColor(self.palette().color(QPalette.ColorRole.Window))
        c.setAlpha(200)
        p.fillRect(self.rect(), c)

    def hideEvent(self, e: QHideEvent) -> None:  # noqa: N802
        """Closed by a key or a click: the focus goes back where it was (the article), not nowhere."""
        super().hideEvent(e)
        before = getattr(self, "_before", None)
        if before is not None and before.isVisible():
            before.setFocus()

    def keyPressEvent(self, e: QKeyEvent) -> None:  # noqa: N802
        """Keys the page did not use come here: close, or switch pages by G and K."""
        plain = not e.modifiers() & ~Qt.KeyboardModifier.ShiftModifier
        if e.key() in (Qt.Key.Key_Escape, Qt.Key.Key_F1) or e.text() == "?":
            self.hide()
        elif plain and e.key() == Qt.Key.Key_G:
            self.show_page(self.GUIDELINES)
        elif plain and e.key() == Qt.Key.Key_K:
            self.show_page(self.KEYS)
        else:
            super().keyPressEvent(e)

    def mousePressEvent(self, _e: object) -> None:  # noqa: N802
        self.hide()
