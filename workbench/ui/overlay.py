"""What the article view paints over the text: relation arrows and the quote gutter.

Kept apart from :mod:`workbench.ui.text_view` so the view stays about text,
positions and events. Nothing here touches formats or the record, and nothing
here imports the view: it paints on whatever offers :class:`PaintedView` (the
view imports this module, not the other way round).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QHelpEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPalette,
    QPen,
    QPolygonF,
    QTextCursor,
)
from PySide6.QtWidgets import QToolTip, QWidget

from workbench.ui.offsets import OffsetMap

GUTTER = 96


@dataclass(frozen=True, slots=True)
class Arrow:
    head: str
    child: str
    label: str
    color: str = "#555555"


class PaintedView(Protocol):
    """What the overlay needs of the article view (:class:`workbench.ui.text_view.SpanTextView`)."""

    styles: Mapping[str, Any]  # span id -> SpanStyle
    map: OffsetMap
    arrows: list[Arrow]
    focus: set[str] | None  # focus mode: the only spans shown

    def span_rects(self, span_id: str) -> list[QRectF]: ...
    def cursorForPosition(self, pos: QPoint) -> QTextCursor: ...  # noqa: N802
    def viewport(self) -> QWidget: ...
    def font(self) -> QFont: ...
    def palette(self) -> QPalette: ...


class Gutter(QWidget):
    """Left margin: a bar beside every quote, its speaker's name and the current relations' names."""

    def __init__(self, parent: QWidget, paint: Callable[[QWidget, QPaintEvent], None]):
        super().__init__(parent)
        self.paint = paint
        self.placed: list[tuple[QRectF, str]] = []  # where the last paint put each name, for tooltips

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(GUTTER, 0)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        self.paint(self, event)

    def event(self, e: QEvent) -> bool:
        """A name cut short in the margin shows whole on hover."""
        if e.type() == QEvent.Type.ToolTip and isinstance(e, QHelpEvent):
            for box, full in self.placed:
                if box.contains(QPointF(e.pos())):
                    QToolTip.showText(e.globalPos(), full, self)
                    return True
            QToolTip.hideText()
            return True
        return super().event(e)


def anchor(view: PaintedView, span_id: str, below: bool = False) -> QPointF | None:
    rects = view.span_rects(span_id)
    if rects:
        r = rects[-1] if below else rects[0]
        x = r.center().x() if len(rects) == 1 else r.left() + 6
        return QPointF(x, r.bottom() if below else r.top())
    s = view.styles.get(span_id)
    if s is None:
        return None
    # off screen: point at the top or bottom edge
    vis = view.cursorForPosition(view.viewport().rect().topLeft()).position()
    y = -2.0 if view.map.to_qt(s.start) < vis else float(view.viewport().height() + 2)
    return QPointF(view.viewport().width() / 2, y)


def _lane(view: PaintedView, index: int) -> float:
    """x of the vertical part of an arrow: the article's left margin, one lane per arrow."""
    return 2.0 + 3.0 * (index % 3)


def route(view: PaintedView, arrow: Arrow, index: int = 0) -> QPainterPath | None:
    """The arrow's path, kept off the glyphs: along the top edge of lines and down the left margin.

    A line's top edge is its free strip (above the capitals, below the line before's
    underlines), so the path leaves the head along the top of its line, runs down (or up)
    a margin lane and comes in along the top of the child's line; two spans on one line
    are joined along that strip alone. It never crosses a letter.
    """
    a, b = anchor(view, arrow.head), anchor(view, arrow.child)
    if a is None or b is None:
        return None
    strip = 1.5
    path = QPainterPath(QPointF(a.x(), a.y() + strip + 3))
    path.lineTo(a.x(), a.y() + strip)
    if abs(a.y() - b.y()) < 1:
        path.lineTo(b.x(), b.y() + strip)
    else:
        lane = _lane(view, index)
        path.lineTo(lane, a.y() + strip)
        path.lineTo(lane, b.y() + strip)
        path.lineTo(b.x(), b.y() + strip)
    path.lineTo(b.x(), b.y() + strip + 3)
    return path


def paint_arrow(view: PaintedView, p: QPainter, arrow: Arrow, index: int = 0) -> None:
    path = route(view, arrow, index)
    if path is None:
        return
    color = QColor(arrow.color)
    p.setPen(QPen(color, 1.3))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawPath(path)
    b = path.currentPosition()
    x, y = b.x(), b.y()
    tip = QPolygonF([QPointF(x, y + 1), QPointF(x - 3.5, y - 4), QPointF(x + 3.5, y - 4)])
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(color)
    p.drawPolygon(tip)


@dataclass(frozen=True, slots=True)
class MarginLabel:
    """One name in the margin: where it wants to be, what it says, the whole text for the tooltip."""

    y: float
    text: str
    color: QColor
    full: str
    rank: int = 1  # 0: a relation of the current span, which keeps its line before the names


def stack(labels: list[MarginLabel], height: float, drift: float = 2.0) -> list[tuple[float, MarginLabel]]:
    """Each label at its own line, or just below the one before it: never two on top of each other.

    A label that would land more than ``drift`` rows below its line (a crowded paragraph) joins
    the label above it as "+1" instead of drifting away from its text; its name is in the tooltip.
    """
    merged: dict[tuple[float, str], list[MarginLabel]] = {}
    for lab in labels:  # the same name twice on one line (two quotes of one speaker): once, counted
        merged.setdefault((lab.y, lab.text), []).append(lab)
    placed: list[tuple[float, MarginLabel, list[MarginLabel]]] = []
    floor = -1e9
    for (y0, text), same in sorted(merged.items(), key=lambda kv: (kv[0][0], kv[1][0].rank)):
        lab = same[0]
        if len(same) > 1:
            lab = MarginLabel(y0, f"{text} ×{len(same)}", lab.color, lab.full, lab.rank)
        y = max(y0, floor)
        if placed and y - y0 > drift * height and lab.rank > 0 and placed[-1][1].rank > 0:
            placed[-1][2].append(lab)
            continue
        placed.append((y, lab, []))
        floor = y + height
    out: list[tuple[float, MarginLabel]] = []
    for y, lab, extra in placed:
        if extra:
            full = "\n".join([lab.full] + [e.full for e in extra])
            lab = MarginLabel(lab.y, f"+{len(extra)} {lab.text}", lab.color, full, lab.rank)
        out.append((y, lab))
    return out


def margin_labels(view: PaintedView, quote_rects: dict[str, list[QRectF]]) -> list[MarginLabel]:
    """Speaker names beside their quotes and the names of the current span's relations.

    ``quote_rects``: the shown quotes' rectangles, looked up once per paint by the caller.
    """
    text = view.palette().color(QPalette.ColorRole.Text)
    out: list[MarginLabel] = []
    for sid, rects in quote_rects.items():
        s = view.styles[sid]
        if not s.note:
            continue
        if rects and rects[0].top() == min(r.top() for r in rects):
            out.append(MarginLabel(rects[0].top(), s.note, text, f"{s.label} said by {s.note}"))
    for arrow in view.arrows:
        r = view.span_rects(arrow.child)
        if r:
            child = view.styles.get(arrow.child)
            full = f"{arrow.label} → {child.label if child else ''}"
            out.append(MarginLabel(r[0].top(), f"{arrow.label} ▸", QColor(arrow.color), full, 0))
    return out


def paint_gutter(view: PaintedView, gutter: QWidget, event: QPaintEvent) -> None:
    p = QPainter(gutter)
    pal = view.palette()
    p.fillRect(event.rect(), pal.color(QPalette.ColorRole.AlternateBase))
    font = QFont(view.font())
    font.setPointSizeF(font.pointSizeF() * 0.8)
    p.setFont(font)
    fm = p.fontMetrics()
    quote_rects = {
        s.id: view.span_rects(s.id)
        for s in view.styles.values()
        if s.quote and (view.focus is None or s.id in view.focus)
    }
    for sid, rects in quote_rects.items():
        s = view.styles[sid]
        if rects:
            y0, y1 = min(r.top() for r in rects), max(r.bottom() for r in rects)
            if s.pending:  # not reviewed yet: a dashed bar
                y = y0
                while y < y1:
                    p.fillRect(QRectF(GUTTER - 6, y, 4, min(5.0, y1 - y)), QColor(s.color))
                    y += 8
            else:
                p.fillRect(QRectF(GUTTER - 6, y0, 4, y1 - y0), QColor(s.color))
    placed = []
    for y, lab in stack(margin_labels(view, quote_rects), fm.height()):
        name = fm.elidedText(lab.text, Qt.TextElideMode.ElideRight, GUTTER - 12)
        box = QRectF(2, y, GUTTER - 10, fm.height())
        p.setPen(lab.color)
        p.drawText(box, Qt.AlignmentFlag.AlignRight, name)
        placed.append((box, lab.full))
    if isinstance(gutter, Gutter):
        gutter.placed = placed
    p.end()
