"""Span formats applied per text block by a QSyntaxHighlighter.

Formats live in the layout, not in the document. Setting spans only marks
blocks dirty; the view asks :meth:`SpanHighlighter.flush` for the blocks it is
about to paint, so opening a 100k-character article with 2,000 spans formats a
screenful, not the whole text, and an edit rehighlights only the blocks its span
touches.
Overlaps are resolved per segment: the innermost non-quote span gives the fill,
any quote adds a faint tint (its extent is the bar in the margin), and two or more stacked non-quote
spans add an overline, so nested spans stay readable.
"""

from __future__ import annotations

from bisect import bisect_right
from typing import NamedTuple

from PySide6.QtGui import QFont, QPalette, QSyntaxHighlighter, QTextCharFormat, QTextDocument

from workbench.ui.colors import FILL_ALPHA, PENDING_ALPHA, QUOTE_ALPHA, fill_colors


class ViewSpan(NamedTuple):
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
        self._dirty: set[int] = set()
        self.eager_until: int | None = None
        self.focus: set[str] | None = None  # focus mode: only these spans are drawn

    def set_focus(self, ids: set[str] | None) -> None:
        self.focus = None if ids is None else set(ids)
        self._dirty |= set(self._by_block)

    # index -----------------------------------------------------------------
    def _blocks_of(self, span: ViewSpan) -> range:
        doc = self.document()
        first = doc.findBlock(span.start).blockNumber()
        last = doc.findBlock(max(span.start, span.end - 1)).blockNumber()
        return range(max(first, 0), max(last, first) + 1)

    def set_spans(self, spans: list[ViewSpan]) -> None:
        """Replace every span; blocks are formatted lazily, when :meth:`flush` reaches them."""
        before = set(self._by_block)
        self.spans = {s.id: s for s in spans}
        self._by_block = {}
        for s in spans:
            for b in self._blocks_of(s):
                self._by_block.setdefault(b, []).append(s.id)
        self._dirty |= before | set(self._by_block)

    def prepare(self, block_starts: list[int], spans: list[ViewSpan], eager_until: int) -> None:
        """Index spans for text about to be set, so the first layout already has its formats.

        ``block_starts`` are the UTF-16 positions where blocks will start. Blocks
        starting after ``eager_until`` are left dirty for :meth:`flush`, so a long
        article formats its first screens at once and the rest as it scrolls in.
        """
        self.spans = {s.id: s for s in spans}
        self._by_block = {}
        last = len(block_starts) - 1
        for s in spans:
            first = bisect_right(block_starts, s.start) - 1
            end = bisect_right(block_starts, max(s.start, s.end - 1)) - 1
            for b in range(max(first, 0), min(max(end, first), last) + 1):
                self._by_block.setdefault(b, []).append(s.id)
        self._dirty = set()
        self.eager_until = eager_until

    def reset(self) -> None:
        """New text: no spans, nothing to format."""
        self.spans = {}
        self._by_block = {}
        self._dirty = set()

    def flush(self, blocks: range) -> None:
        """Format the dirty blocks among ``blocks`` (the ones about to be painted)."""
        if not self._dirty:
            return
        doc = self.document()
        for b in blocks:
            if b in self._dirty:
                self._dirty.discard(b)
                block = doc.findBlockByNumber(b)
                if block.isValid():
                    self.rehighlightBlock(block)

    def flush_all(self) -> None:
        self.flush(range(self.document().blockCount()))

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
        self._dirty |= touched
        return touched

    def set_palette(self, palette: QPalette) -> None:
        self.palette = palette
        self._formats.clear()
        self._dirty |= set(self._by_block)

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
            # no underline: with a hundred spans, lines under every quote crowd the text; the
            # tint and the margin bar (dashed until reviewed) say where a quote runs
            bg, fg = fill_colors(self.palette, quote.color, QUOTE_ALPHA * (0.7 if quote.pending else 1.0))
            fmt.setBackground(bg)
            fmt.setForeground(fg)
        if stacked:
            fmt.setFontOverline(True)
            fmt.setFontWeight(QFont.Weight.DemiBold)
        self._formats[key] = fmt
        return fmt

    def highlightBlock(self, text: str) -> None:  # noqa: N802 - Qt override
        block = self.currentBlock()
        number = block.blockNumber()
        if self.eager_until is not None and block.position() > self.eager_until:
            if number in self._by_block:
                self._dirty.add(number)
            return
        self._dirty.discard(number)
        ids = self._by_block.get(number)
        if not ids:
            return
        b0 = block.position()
        n = block.length() - 1  # UTF-16 units; len(text) counts code points
        # Sweep over the segment boundaries of the spans clipped to this block.
        clipped = []
        for sid in ids:
            s = self.spans.get(sid)
            if s is None or (self.focus is not None and sid not in self.focus):
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
