"""Schema colours made readable on the current palette, and the legend.

A schema colour is a hue, not a fill: painting ``#e8a33d`` under light text on
a dark palette is unreadable. Fills are the label colour blended into the
palette's base colour, and the text on a fill is whichever of the palette text,
black or white has the best contrast (WCAG ratio), so both palettes stay legible.
"""

from __future__ import annotations

from functools import lru_cache

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QLabel, QWidget

from workbench.core.schema import AnnotationSchema

FILL_ALPHA = 0.55  # reviewed or person-made span
PENDING_ALPHA = 0.28  # pre-annotation not yet reviewed: visibly paler
QUOTE_ALPHA = 0.12  # quotes are long: a faint tint and a bar in the margin, no underline


def luminance(c: QColor) -> float:
    def ch(v: float) -> float:
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    return 0.2126 * ch(c.redF()) + 0.7152 * ch(c.greenF()) + 0.0722 * ch(c.blueF())


def contrast(a: QColor, b: QColor) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def blend(base: QColor, color: QColor, alpha: float) -> QColor:
    return QColor.fromRgbF(
        base.redF() * (1 - alpha) + color.redF() * alpha,
        base.greenF() * (1 - alpha) + color.greenF() * alpha,
        base.blueF() * (1 - alpha) + color.blueF() * alpha,
    )


@lru_cache(maxsize=512)
def _fill(base_rgb: int, text_rgb: int, color: str, alpha: float) -> tuple[QColor, QColor]:
    base, text = QColor.fromRgb(base_rgb), QColor.fromRgb(text_rgb)
    fill = blend(base, QColor(color), alpha)
    best = max((text, QColor("black"), QColor("white")), key=lambda c: contrast(c, fill))
    return fill, (text if contrast(text, fill) >= 4.5 else best)


def fill_colors(palette: QPalette, color: str, alpha: float = FILL_ALPHA) -> tuple[QColor, QColor]:
    """(background, text) for a span of ``color`` on ``palette``."""
    base = palette.color(QPalette.ColorRole.Base).rgb()
    text = palette.color(QPalette.ColorRole.Text).rgb()
    return _fill(base, text, color, alpha)


def is_dark(palette: QPalette) -> bool:
    return luminance(palette.color(QPalette.ColorRole.Base)) < 0.3


class Legend(QLabel):
    """One chip per schema label with its key, wrapping on narrow windows."""

    def __init__(self, schema: AnnotationSchema, parent: QWidget | None = None):
        super().__init__(parent)
        self._schema = schema
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setToolTip(
            "\n".join(
                f"{lab.name} ({lab.kind}){' — key ' + lab.key if lab.key else ''}: {lab.description}"
                for lab in schema.labels.values()
            )
        )
        self.restyle()

    def restyle(self) -> None:
        pal = self.palette()
        chips = []
        for lab in self._schema.labels.values():
            quote = lab.kind == "quote"
            fill, text = fill_colors(pal, lab.color, QUOTE_ALPHA * 3 if quote else FILL_ALPHA)
            bar = f"<span style='color:{lab.color}'>▌</span>" if quote else ""  # as in the margin
            key = f"&nbsp;<sup>{lab.key}</sup>" if lab.key else ""
            chips.append(
                f"{bar}<span style='background-color:{fill.name()}; color:{text.name()};'>"
                f"&nbsp;{lab.name}{key}&nbsp;</span>"
            )
        muted = pal.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText).name()
        self.setText(
            " &nbsp;".join(chips) + f" &nbsp;<span style='color:{muted}'>pale = unreviewed pre-annotation,"
            " dashed margin bar = unreviewed quote</span>"
        )

    def changeEvent(self, e: QEvent) -> None:  # noqa: N802 - Qt override
        super().changeEvent(e)
        if e.type() == QEvent.Type.PaletteChange:
            self.restyle()
