"""What the article view paints over the text: relation arrows and the quote gutter.

Kept apart from :mod:`workbench.ui.text_view` so the view stays about text,
positions and events. Nothing here touches formats or the record, and nothing
here imports the view: it paints on whatever offers :class:`PaintedView` (the
view imports this module, not the other way round).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from PySide6.QtCore import QPoint, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPalette,
    QPen,
    QPolygonF,
    QTextCursor,
)
from PySide6.QtWidgets import QWidget

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

    def span_rects(self, span_id: str) -> list[QRectF]: ...
    def cursorForPosition(self, pos: QPoint) -> QTextCursor: ...  # noqa: N802
    def viewport(self) -> QWidget: ...
    def font(self) -> QFont: ...
    def palette(self) -> QPalette: ...


class Gutter(QWidget):
    """Left margin: a bar beside every quote, with its speaker's name at the top."""

    def __init__(self, parent: QWidget, paint: Callable[[QWidget, QPaintEvent], None]):
        super().__init__(parent)
        self.paint = paint

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(GUTTER, 0)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        self.paint(self, event)


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


def paint_arrow(view: PaintedView, p: QPainter, arrow: Arrow, index: int = 0) -> None:
    a, b = anchor(view, arrow.head), anchor(view, arrow.child)
    if a is None or b is None:
        return
    color = QColor(arrow.color)
    lift = 18 + 16 * index + min(abs(b.x() - a.x()) * 0.15, 40)
    if min(a.y(), b.y()) - lift < 0 <= min(a.y(), b.y()):
        # no room above the first lines: bow below the spans instead
        a, b = anchor(view, arrow.head, True) or a, anchor(view, arrow.child, True) or b
        ctrl = QPointF((a.x() + b.x()) / 2, max(a.y(), b.y()) + lift)
    else:
        ctrl = QPointF((a.x() + b.x()) / 2, min(a.y(), b.y()) - lift)
    path = QPainterPath(a)
    path.quadTo(ctrl, b)
    p.setPen(QPen(color, 2))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawPath(path)
    ang = math.atan2(b.y() - ctrl.y(), b.x() - ctrl.x())
    tip = QPolygonF(
        [b] + [QPointF(b.x() - 9 * math.cos(ang + d), b.y() - 9 * math.sin(ang + d)) for d in (0.4, -0.4)]
    )
    p.setBrush(color)
    p.drawPolygon(tip)
    mid = path.pointAtPercent(0.5)
    font = QFont(view.font())
    font.setPointSizeF(font.pointSizeF() * 0.75)
    font.setBold(True)
    p.setFont(font)
    fm = p.fontMetrics()
    w = fm.horizontalAdvance(arrow.label) + 8
    box = QRectF(mid.x() - w / 2, mid.y() - fm.height() / 2 - 1, w, fm.height() + 2)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(view.palette().color(QPalette.ColorRole.Base))
    p.drawRoundedRect(box, 3, 3)
    p.setPen(color)
    p.drawText(box, Qt.AlignmentFlag.AlignCenter, arrow.label)


def paint_gutter(view: PaintedView, gutter: QWidget, event: QPaintEvent) -> None:
    p = QPainter(gutter)
    pal = view.palette()
    p.fillRect(event.rect(), pal.color(QPalette.ColorRole.AlternateBase))
    quotes = [s for s in view.styles.values() if s.quote]
    if not quotes:
        p.end()
        return
    font = QFont(view.font())
    font.setPointSizeF(font.pointSizeF() * 0.8)
    p.setFont(font)
    fm = p.fontMetrics()
    top_y = {}
    for s in quotes:
        rects = view.span_rects(s.id)
        if not rects:
            continue
        y0, y1 = min(r.top() for r in rects), max(r.bottom() for r in rects)
        p.fillRect(QRectF(GUTTER - 6, y0, 4, y1 - y0), QColor(s.color))
        if s.note and rects[0].top() == y0:
            y = y0
            while y in top_y:  # two quotes starting on one line: stack the names
                y += fm.height()
            top_y[y] = s.id
            p.setPen(pal.color(QPalette.ColorRole.Text))
            name = fm.elidedText(s.note, Qt.TextElideMode.ElideRight, GUTTER - 12)
            p.drawText(QRectF(2, y, GUTTER - 10, fm.height()), Qt.AlignmentFlag.AlignRight, name)
    p.end()
