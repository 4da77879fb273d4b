"""A read-only article view that shows spans, a current span and relation arrows.

Reusable by any window that displays a record (annotation, adjudication): the
owner gives code-point spans through :meth:`set_spans`/:meth:`update_spans` and
arrows through :meth:`set_arrows`; the view converts offsets at this boundary
(:mod:`workbench.ui.offsets`) and never edits anything. Keys it does not handle
itself (arrows, Shift+arrows, paging) are offered to ``key_handler`` first.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import NamedTuple, cast

from PySide6.QtCore import QEvent, QMimeData, QPointF, QRect, QRectF, Qt, Signal
from PySide6.QtGui import (
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QTextCursor,
    QTextOption,
)
from PySide6.QtWidgets import QPlainTextEdit, QToolTip, QWidget

from workbench.ui import overlay
from workbench.ui.highlighter import SpanHighlighter, ViewSpan
from workbench.ui.offsets import OffsetMap
from workbench.ui.overlay import Arrow

GUTTER = overlay.GUTTER
EAGER_UNITS = 10_000  # format the first screens (~10k UTF-16 units) while laying out; the rest as painted
_BLOCK_BREAK = re.compile("[\n\u2029]")
LONG_BLOCK = 3_000  # characters; longer paragraphs are shown as several blocks (see display_text)
_SENTENCE_GAP = re.compile(r"(?<=[.!?…”’\"')\]]) (?=\S)")


def display_text(text: str, limit: int = LONG_BLOCK) -> str:
    """``text`` with a few spaces of very long paragraphs turned into line breaks.

    Qt lays out and reformats a paragraph as one block: a 100k-character
    paragraph costs a full relayout on every edit. Replacing a space by a newline
    keeps every position (one character for one), so offsets, selections and
    spans are untouched; the reader sees a line break at a sentence end (or, if
    a paragraph has none, at a space) about every ``limit`` characters.

    A carriage return is shown one for one too: a lone one as a line break, the one of a
    CRLF as a space before it. Qt's ``setPlainText`` would make one paragraph break of the
    two characters of a CRLF and shift every position after it (a JSONL record read as its
    line has it keeps its CRLFs: its offsets point into them).
    """
    if "\r" in text:
        text = text.replace("\r\n", " \n").replace("\r", "\n")
    if len(text) <= limit:
        return text
    chars: list[str] | None = None
    start = 0
    for m in _BLOCK_BREAK.finditer(text + "\n"):
        end = m.start()
        pos = start
        while end - pos > limit:
            window_end = pos + limit
            cut = None
            for g in _SENTENCE_GAP.finditer(text, pos + limit // 2, window_end):
                cut = g.start()
            if cut is None:
                cut = text.rfind(" ", pos + limit // 2, window_end)
            if cut is None or cut < 0:
                break  # no space at all: leave it to Qt
            if chars is None:
                chars = list(text)
            chars[cut] = "\n"
            pos = cut + 1
        start = end + 1
    return "".join(chars) if chars is not None else text


class SpanStyle(NamedTuple):
    """A span as the owner describes it: code-point offsets and how it looks.

    A named tuple, not a dataclass: an article has thousands and they are made on every open.
    """

    id: str
    start: int
    end: int
    label: str
    color: str
    quote: bool = False
    pending: bool = False
    note: str = ""


class SpanTextView(QPlainTextEdit):
    spanClicked = Signal(str)  # id of the innermost span under a plain click
    selectionMoved = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setReadOnly(True)
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.setCursorWidth(2)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # text always wraps
        self.document().setDocumentMargin(8)
        font = self.font()
        font.setPointSizeF(max(font.pointSizeF(), 11.0))
        self.setFont(font)
        self.map = OffsetMap("")
        self._text = ""
        self.highlighter = SpanHighlighter(self.document(), self.palette())
        self.styles: dict[str, SpanStyle] = {}
        self.current: str | None = None
        self.arrows: list[Arrow] = []
        self.focus: set[str] | None = None
        self.key_handler: Callable[[QKeyEvent], bool] | None = None
        self.tooltip_provider: Callable[[list[str]], str] | None = None
        self._gutter = overlay.Gutter(self, self.paint_gutter)
        self.setViewportMargins(GUTTER, 0, 0, 0)
        self.updateRequest.connect(self._update_gutter)
        self._press: QPointF | None = None

    # content -------------------------------------------------------------------
    def set_text(self, text: str) -> None:
        self._text = text
        self.map = OffsetMap(text)
        self.styles = {}
        self.current = None
        self.arrows = []
        self.highlighter.reset()
        self.setPlainText(display_text(text))

    def createMimeDataFromSelection(self) -> QMimeData:  # noqa: N802
        """Copy the article's own characters, not the display's extra line breaks."""
        data = QMimeData()
        sel = self.selection()
        data.setText(self._text[sel[0] : sel[1]] if sel else "")
        return data

    def set_content(self, text: str, spans: Iterable[SpanStyle]) -> None:
        """Text and spans at once: the first layout has its formats (no second pass)."""
        self._text = text
        self.map = OffsetMap(text)
        self.styles = {s.id: s for s in spans}
        self.current = None
        self.arrows = []
        views = [self._view(s) for s in self.styles.values()]
        shown = display_text(text)
        starts = [0] + [self.map.to_qt(m.end()) for m in _BLOCK_BREAK.finditer(shown)]
        self.highlighter.prepare(starts, views, EAGER_UNITS)
        try:
            self.setPlainText(shown)
        finally:
            self.highlighter.eager_until = None
        if self.document().blockCount() != len(starts):  # Qt split blocks differently: index from Qt
            self.highlighter.set_spans(views)
        self._gutter.update()

    def _view(self, s: SpanStyle) -> ViewSpan:
        m = self.map
        if m.identity:  # no astral characters: the same fields mean the same positions
            return cast(ViewSpan, s)
        return ViewSpan(s.id, m.to_qt(s.start), m.to_qt(s.end), s.label, s.color, s.quote, s.pending, s.note)

    def set_spans(self, spans: Iterable[SpanStyle]) -> None:
        self.styles = {s.id: s for s in spans}
        self.highlighter.set_spans([self._view(s) for s in self.styles.values()])
        self._gutter.update()
        self.viewport().update()

    def update_spans(self, changed: dict[str, SpanStyle | None]) -> None:
        for sid, s in changed.items():
            if s is None:
                self.styles.pop(sid, None)
            else:
                self.styles[sid] = s
        self.highlighter.update_spans({k: (self._view(v) if v else None) for k, v in changed.items()})
        self._gutter.update()
        self.viewport().update()

    def set_current(self, span_id: str | None, ensure_visible: bool = True) -> None:
        self.current = span_id if span_id in self.styles else None
        if self.current and ensure_visible:
            s = self.styles[self.current]
            cur = self.textCursor()
            cur.setPosition(self.map.to_qt(s.start))
            self.setTextCursor(cur)
            self.ensureCursorVisible()
        self.viewport().update()

    def set_arrows(self, arrows: list[Arrow]) -> None:
        self.arrows = arrows
        self._gutter.update()  # the relation names stand in the margin
        self.viewport().update()

    def set_focus(self, ids: set[str] | None) -> None:
        """Focus mode: only these spans are highlighted (None: all of them)."""
        if ids == self.highlighter.focus:
            return
        self.highlighter.set_focus(ids)
        self.focus = ids
        self._gutter.update()
        self.viewport().update()

    def restyle(self) -> None:
        """The palette changed (dark/light): recompute every fill."""
        self.highlighter.set_palette(self.palette())
        self._gutter.update()
        self.viewport().update()

    # positions -------------------------------------------------------------------
    def selection(self) -> tuple[int, int] | None:
        """The selected text as code-point offsets, or None."""
        cur = self.textCursor()
        if not cur.hasSelection():
            return None
        a, z = self.map.from_qt(cur.selectionStart()), self.map.from_qt(cur.selectionEnd())
        if z <= a:
            return None
        # a selection ending in the middle of a surrogate pair includes the whole character
        if self.map.to_qt(z) < cur.selectionEnd():
            z += 1
        return a, z

    def select_range(self, start: int, end: int) -> None:
        cur = self.textCursor()
        cur.setPosition(self.map.to_qt(start))
        cur.setPosition(self.map.to_qt(end), QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(cur)

    def clear_selection(self) -> None:
        cur = self.textCursor()
        cur.clearSelection()
        self.setTextCursor(cur)

    def cursor_offset(self) -> int:
        return self.map.from_qt(self.textCursor().position())

    def spans_at(self, offset: int) -> list[str]:
        """Ids of spans covering a code-point offset, innermost first."""
        hits = [s for s in self.styles.values() if s.start <= offset < s.end]
        hits.sort(key=lambda s: (s.quote, s.end - s.start))
        return [s.id for s in hits]

    def offset_at(self, pos: QPointF) -> int:
        return self.map.from_qt(self.cursorForPosition(pos.toPoint()).position())

    def span_rects(self, span_id: str) -> list[QRectF]:
        """Viewport rectangles of a span, one per line it occupies (visible blocks only)."""
        s = self.styles.get(span_id)
        if s is None:
            return []
        a, z = self.map.to_qt(s.start), self.map.to_qt(s.end)
        doc = self.document()
        out: list[QRectF] = []
        block = doc.findBlock(a)
        offset = self.contentOffset()
        height = self.viewport().height()
        while block.isValid() and block.position() < z:
            geo = self.blockBoundingGeometry(block).translated(offset)
            if geo.top() > height:
                break
            if geo.bottom() >= 0 and block.isVisible():
                layout = block.layout()
                b0 = block.position()
                for i in range(layout.lineCount()):
                    line = layout.lineAt(i)
                    l0, l1 = b0 + line.textStart(), b0 + line.textStart() + line.textLength()
                    lo, hi = max(a, l0), min(z, l1)
                    if lo >= hi:
                        continue
                    x1, _ = line.cursorToX(lo - b0)
                    x2, _ = line.cursorToX(hi - b0)
                    r = line.rect()
                    out.append(QRectF(x1, r.top(), max(x2 - x1, 2.0), r.height()).translated(geo.topLeft()))
            block = block.next()
        return out

    # events -----------------------------------------------------------------------
    def keyPressEvent(self, e: QKeyEvent) -> None:  # noqa: N802
        if self.key_handler is not None and self.key_handler(e):
            e.accept()
            return
        super().keyPressEvent(e)
        self.selectionMoved.emit()

    def event(self, e: QEvent) -> bool:
        # A read-only view needs only copy and select-all of the text control's own shortcuts;
        # everything else with Ctrl/Alt (Ctrl+Z!) belongs to the window's actions.
        if e.type() == QEvent.Type.ShortcutOverride and isinstance(e, QKeyEvent):
            mods = e.modifiers()
            if mods & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier) and not (
                e.matches(QKeySequence.StandardKey.Copy) or e.matches(QKeySequence.StandardKey.SelectAll)
            ):
                e.ignore()
                return False
        # Tab would move focus; here it cycles spans, so let keyPressEvent see it.
        if e.type() == QEvent.Type.KeyPress and e.key() in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab):
            self.keyPressEvent(e)
            return True
        return super().event(e)

    def mousePressEvent(self, e: QMouseEvent) -> None:  # noqa: N802
        self._press = e.position()
        super().mousePressEvent(e)

    def mouseReleaseEvent(self, e: QMouseEvent) -> None:  # noqa: N802
        super().mouseReleaseEvent(e)
        press, self._press = self._press, None
        if (
            press is not None
            and (e.position() - press).manhattanLength() < 4
            and e.button() == Qt.MouseButton.LeftButton
        ):
            hits = self.spans_at(self.offset_at(e.position()))
            if hits:
                # Clicking the current span again steps to the one beneath it (nested spans).
                if self.current in hits and len(hits) > 1:
                    hits = hits[hits.index(self.current) + 1 :] + hits[: hits.index(self.current) + 1]
                self.spanClicked.emit(hits[0])
                return
        self.selectionMoved.emit()

    def viewportEvent(self, e: QEvent) -> bool:  # noqa: N802
        if e.type() == QEvent.Type.ToolTip:
            hits = self.spans_at(self.offset_at(QPointF(e.pos())))
            if hits:
                text = (
                    self.tooltip_provider(hits)
                    if self.tooltip_provider
                    else ", ".join(self.styles[h].label for h in hits)
                )
                QToolTip.showText(e.globalPos(), text, self.viewport())
            else:
                QToolTip.hideText()
            return True
        return super().viewportEvent(e)

    def changeEvent(self, e: QEvent) -> None:  # noqa: N802
        super().changeEvent(e)
        if e.type() == QEvent.Type.PaletteChange:
            self.restyle()

    def resizeEvent(self, e) -> None:  # noqa: ANN001, N802
        super().resizeEvent(e)
        cr = self.contentsRect()
        self._gutter.setGeometry(QRect(cr.left(), cr.top(), GUTTER, cr.height()))

    def _update_gutter(self, rect: QRect, dy: int) -> None:
        if dy:
            self._gutter.scroll(0, dy)
        else:
            self._gutter.update(0, rect.y(), self._gutter.width(), rect.height())

    # painting ----------------------------------------------------------------------
    def visible_blocks(self) -> range:
        block = self.firstVisibleBlock()
        first = last = block.blockNumber()
        offset = self.contentOffset()
        height = self.viewport().height()
        while block.isValid() and self.blockBoundingGeometry(block).translated(offset).top() <= height:
            last = block.blockNumber()
            block = block.next()
        return range(first, last + 1)

    def paintEvent(self, e: QPaintEvent) -> None:  # noqa: N802
        # Spans are formatted lazily: only blocks about to be painted (see SpanHighlighter.flush).
        self.highlighter.flush(self.visible_blocks())
        super().paintEvent(e)
        if self.current is None and not self.arrows:
            return
        p = QPainter(self.viewport())
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        text_color = self.palette().color(QPalette.ColorRole.Text)
        if self.current is not None:
            p.setPen(QPen(text_color, 2))
            p.setBrush(Qt.BrushStyle.NoBrush)
            for r in self.span_rects(self.current):
                p.drawRoundedRect(r.adjusted(-1, -1, 1, 1), 3, 3)
        for i, arrow in enumerate(self.arrows):
            self._paint_arrow(p, arrow, i)
        p.end()

    def _paint_arrow(self, p: QPainter, arrow: Arrow, index: int = 0) -> None:
        overlay.paint_arrow(self, p, arrow, index)

    def paint_gutter(self, gutter: QWidget, event: QPaintEvent) -> None:
        overlay.paint_gutter(self, gutter, event)
