"""Span formats applied per text block by a QSyntaxHighlighter.

Formats live in the layout, not in the document, so setting 2,000 spans on a
100k-character article costs one pass per visible block (see the guide's Qt
measurements) and an edit rehighlights only the blocks its span touches.
Overlaps are resolved per segment: the innermost non-quote span gives the fill,
any quote adds an underline and a faint tint, and two or more stacked non-quote
spans add an overline, so nested spans stay readable.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QColor, QFont, QPalette, QSyntaxHighlighter, QTextCharFormat, QTextDocument

from workbench.ui.colors import FILL_ALPHA, PENDING_ALPHA, QUOTE_ALPHA, fill_colors


@dataclass(frozen=True, slots=True)
class ViewSpan:
    """What the view needs of a span: Qt (UTF-16) positions, colour, how to draw it."""

    id: str
    start: int  # UTF-16 position
    end: int
    label: str
    color: str
    quote: bool = False
    pending: bool = False
    note: str = ""  # shown in the gutter next to a quote (its speaker)


class SpanHighlighter(QSyntaxHighlighter):
    def __init__(self, document: QTextDocument, palette: QPalette):
        super().__init__(document)
        self.palette = palette
        self.spans: dict[str, ViewSpan] = {}
        self._by_block: dict[int, list[str]] = {}
        self._formats: dict[tuple[object, ...], QTextCharFormat] = {}

    # index -----------------------------------------------------------------
    def _blocks_of(self, span: ViewSpan) -> range:
        doc = self.document()
        first = doc.findBlock(span.start).blockNumber()
        last = doc.findBlock(max(span.start, span.end - 1)).blockNumber()
        return range(max(first, 0), max(last, first) + 1)

    def set_spans(self, spans: list[ViewSpan]) -> None:
        self.spans = {s.id: s for s in spans}
        self._by_block = {}
        for s in spans:
            for b in self._blocks_of(s):
                self._by_block.setdefault(b, []).append(s.id)
        self.rehighlight()

    def update_spans(self, changed: dict[str, ViewSpan | None]) -> set[int]:
        """Replace, add (value) or drop (None) spans; rehighlight only the blocks they touch."""
        touched: set[int] = set()
        for sid, new in changed.items():
            old = self.spans.pop(sid, None)
            if old is not None:
                for b in self._blocks_of(old):
                    touched.add(b)
                    ids = self._by_block.get(b)
                    if ids and sid in ids:
                        ids.remove(sid)
            if new is not None:
                self.spans[sid] = new
                for b in self._blocks_of(new):
                    touched.add(b)
                    self._by_block.setdefault(b, []).append(sid)
        doc = self.document()
        for b in sorted(touched):
            block = doc.findBlockByNumber(b)
            if block.isValid():
                self.rehighlightBlock(block)
        return touched

    def set_palette(self, palette: QPalette) -> None:
        self.palette = palette
        self._formats.clear()
        self.rehighlight()

    # painting ----------------------------------------------------------------
    def _format(self, fill: ViewSpan | None, quote: ViewSpan | None, stacked: bool) -> QTextCharFormat:
        key = (
            fill.color if fill else None,
            fill.pending if fill else None,
            quote.color if quote else None,
            quote.pending if quote else None,
            stacked,
        )
        fmt = self._formats.get(key)
        if fmt is not None:
            return fmt
        fmt = QTextCharFormat()
        if fill is not None:
            bg, fg = fill_colors(self.palette, fill.color, PENDING_ALPHA if fill.pending else FILL_ALPHA)
            fmt.setBackground(bg)
            fmt.setForeground(fg)
        elif quote is not None:
            bg, fg = fill_colors(self.palette, quote.color, QUOTE_ALPHA)
            fmt.setBackground(bg)
            fmt.setForeground(fg)
        if quote is not None:
            fmt.setFontUnderline(True)
            fmt.setUnderlineColor(QColor(quote.color))
            fmt.setUnderlineStyle(
                QTextCharFormat.UnderlineStyle.DashUnderline
                if quote.pending
                else QTextCharFormat.UnderlineStyle.SingleUnderline
            )
        if stacked:
            fmt.setFontOverline(True)
            fmt.setFontWeight(QFont.Weight.DemiBold)
        self._formats[key] = fmt
        return fmt

    def highlightBlock(self, text: str) -> None:  # noqa: N802 - Qt override
        block = self.currentBlock()
        ids = self._by_block.get(block.blockNumber())
        if not ids:
            return
        b0 = block.position()
        n = block.length() - 1  # UTF-16 units; len(text) counts code points
        # Sweep over the segment boundaries of the spans clipped to this block.
        clipped = []
        for sid in ids:
            s = self.spans.get(sid)
            if s is None:
                continue
            a, z = max(s.start - b0, 0), min(s.end - b0, n)
            if a < z:
                clipped.append((a, z, s))
        if not clipped:
            return
        cuts = sorted({c for a, z, _ in clipped for c in (a, z)})
        clipped.sort(key=lambda t: t[0])
        active: list[tuple[int, int, ViewSpan]] = []
        i = 0
        for seg_a, seg_z in zip(cuts, cuts[1:], strict=False):
            while i < len(clipped) and clipped[i][0] <= seg_a:
                active.append(clipped[i])
                i += 1
            active = [t for t in active if t[1] > seg_a]
            if not active:
                continue
            fill: tuple[int, int, ViewSpan] | None = None
            quote: ViewSpan | None = None
            n_fill = 0
            for t in active:
                if t[2].quote:
                    quote = quote or t[2]
                else:
                    n_fill += 1
                    if fill is None or (t[2].end - t[2].start) < (fill[2].end - fill[2].start):
                        fill = t
            self.setFormat(seg_a, seg_z - seg_a, self._format(fill[2] if fill else None, quote, n_fill > 1))
