"""Record offsets (code points) <-> Qt positions (UTF-16 code units).

Qt counts a character outside the Basic Multilingual Plane (emoji, many CJK
extension characters) as two positions; Python counts it as one. Every place the
UI hands an offset to Qt or reads one back goes through :class:`OffsetMap`, so a
span after an emoji still highlights the right characters.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right


class OffsetMap:
    """Converts in O(log n) using the code-point positions of astral characters."""

    __slots__ = ("_astral", "_astral_u16", "length")

    def __init__(self, text: str):
        self.length = len(text)
        if text.isascii():
            self._astral: list[int] = []
        else:
            self._astral = [i for i, ch in enumerate(text) if ord(ch) > 0xFFFF]
        # UTF-16 position of each astral character's first code unit.
        self._astral_u16 = [cp + k for k, cp in enumerate(self._astral)]

    @property
    def identity(self) -> bool:
        return not self._astral

    def to_qt(self, cp: int) -> int:
        """UTF-16 position of code point ``cp`` (``cp == len(text)`` allowed)."""
        if not self._astral:
            return cp
        return cp + bisect_left(self._astral, cp)

    def from_qt(self, u16: int) -> int:
        """Code point holding UTF-16 position ``u16``; a position inside a pair maps to its character."""
        if not self._astral:
            return u16
        k = bisect_right(self._astral_u16, u16)
        # k astral characters start at or before u16. When the last of them starts exactly
        # at u16, only k - 1 extra units precede it; a low surrogate maps to its character.
        if k and self._astral_u16[k - 1] == u16:
            return u16 - k + 1
        return u16 - k

    def qt_length(self) -> int:
        return self.length + len(self._astral)
