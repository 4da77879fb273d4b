"""Direct quotes from quote marks alone: character rules, no model.

Real news text breaks every simple pairing rule: curly single quotes double as
apostrophes ("Russia’s"), scraped pages put ” where “ belongs, a speaker's
quote runs over several paragraphs with the closing mark only on the last one,
and a writer opens a new quote before closing the previous one. So each mark's
role (open, close, apostrophe) is read from what flanks it, the way CommonMark
reads emphasis delimiters, and pairing never fails: a mark that fits nowhere is
left out and the article still gets its other quotes.

Pure Python on purpose: the rules run the same with a trained pipeline, a blank
one, or none (e.g. inside the evaluation of a gold file).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from workbench.core.quote_marks import ALL_MARKS, CLOSING_MARKS, OPENING_MARKS, QUOTE_MARKS

DOUBLE = "d"
SINGLE = "s"

# Which characters are quote marks, their families and default roles: the one table in
# core.quote_marks, shared with the brat mapping. The role is then corrected by flanking.
_OPEN_PUNCT = set("([{—–-/") | OPENING_MARKS
_CLOSE_PUNCT = set(".,;:!?)]}…—–-/*") | CLOSING_MARKS
# A straight single quote only counts as a quote mark when its pair is this close.
_STRAIGHT_SINGLE_MAX = 300


@dataclass(frozen=True, slots=True)
class Mark:
    pos: int
    char: str
    family: str
    role: str  # "open" | "close" | "close?" (a closer that may be a possessive apostrophe) | "lone"
    width: int = 1


@dataclass(frozen=True, slots=True)
class QuoteMatch:
    """A quoted stretch, marks included. ``group`` ties the paragraphs of one continued quote."""

    start: int
    end: int
    closed: bool
    group: int
    depth: int = 0


def _role(text: str, i: int, ch: str) -> str | None:
    family, default = QUOTE_MARKS[ch]
    prev = text[i - 1] if i > 0 else "\n"
    nxt = text[i + 1] if i + 1 < len(text) else "\n"
    left_open = prev.isspace() or prev in _OPEN_PUNCT  # nothing glued on the left: can open
    right_open = nxt.isspace() or nxt in _CLOSE_PUNCT  # nothing glued on the right: can close
    if left_open and right_open:
        # A double mark standing alone between spaces (scraped text: 'enabled ” Russia’s'):
        # it closes an open quote if there is one, else opens one.
        return "lone" if family[0] == DOUBLE and not (prev == "\n" and nxt == "\n") else None
    if family[0] == SINGLE and prev.isalnum() and nxt.isalpha():
        return None  # apostrophe: Russia’s, don't, rock'n'roll
    if family[0] == SINGLE and re.match(r"\d\d(s\b|\b)", text[i + 1 : i + 4]):
        return None  # elided year: the ’90s, class of '16
    if default == "open":
        return "close" if right_open and not left_open else "open"
    if default == "close":
        if left_open and not right_open:
            return "open"  # ” used as an opener (scraped text)
        return "close?" if family[0] == SINGLE and prev in "sSzZ" else "close"
    # straight marks
    if left_open:
        return "open"
    if right_open:
        return "close?" if family[0] == SINGLE and prev in "sSzZ" else "close"
    return None  # glued on both sides: "a"b


def marks(text: str) -> list[Mark]:
    out: list[Mark] = []
    skip = -1
    for i, ch in enumerate(text):
        if ch not in ALL_MARKS or i <= skip:
            continue
        if ch in "'’‘" and text[i + 1 : i + 2] == ch:
            # ''doubled singles'' (wire and NYT archives) stand for a double quote mark
            prev = text[i - 1] if i > 0 else "\n"
            nxt = text[i + 2] if i + 2 < len(text) else "\n"
            left_open = prev.isspace() or prev in _OPEN_PUNCT
            right_open = nxt.isspace() or nxt in _CLOSE_PUNCT
            if left_open != right_open:
                out.append(Mark(i, ch * 2, "d2", "open" if left_open else "close", 2))
                skip = i + 1
                continue
        role = _role(text, i, ch)
        if role is not None:
            out.append(Mark(i, ch, QUOTE_MARKS[ch][0], role))
    return out


_PARA = re.compile(r"[^\n]+")


def _trim_end(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1].isspace():
        end -= 1
    return end


def find_quotes(text: str) -> list[QuoteMatch]:
    """Every quoted stretch, outermost and nested, in text order (never raises)."""
    all_marks = marks(text)
    by_para: list[tuple[int, int, list[Mark]]] = []
    k = 0
    for m in _PARA.finditer(text):
        ms: list[Mark] = []
        while k < len(all_marks) and all_marks[k].pos < m.end():
            if all_marks[k].pos >= m.start():
                ms.append(all_marks[k])
            k += 1
        by_para.append((m.start(), m.end(), ms))

    out: list[QuoteMatch] = []
    next_group = 0
    carry_group: dict[str, int] = {}  # family -> group continued from the previous paragraph
    for pi, (_p_start, p_end, ms) in enumerate(by_para):
        stack: list[tuple[Mark, int]] = []  # (opening mark, group)
        carried, carry_group = carry_group, {}

        def emit(open_mark: Mark, group: int, end: int, closed: bool, depth: int) -> None:
            end = _trim_end(text, open_mark.pos, end)
            if end - open_mark.pos > 1:
                out.append(QuoteMatch(open_mark.pos, end, closed, group, depth))

        for idx, mk in enumerate(ms):
            if mk.role == "lone":
                mk = Mark(mk.pos, mk.char, mk.family, "close" if _open_of(stack, mk) is not None else "open")
            if mk.role == "open":
                same = [j for j, (o, _) in enumerate(stack) if o.family == mk.family]
                if same:
                    # Same family opened again before closing: the earlier quote ended here.
                    j = same[-1]
                    for o, g in stack[j:]:
                        emit(o, g, mk.pos, False, j)
                    del stack[j:]
                if idx == 0 and not stack and mk.family in carried:
                    group = carried[mk.family]
                else:
                    next_group += 1
                    group = next_group
                stack.append((mk, group))
                continue
            j = _open_of(stack, mk)
            if j is None:
                continue  # stray closer (or a possessive apostrophe): ignored
            if mk.role == "close?" and _later_closer(ms, idx, mk.family):
                continue  # "leaders’ meeting": a better closer follows in this paragraph
            o, g = stack[j]
            if mk.char == "'" and o.char == "'" and mk.pos - o.pos > _STRAIGHT_SINGLE_MAX:
                continue
            del stack[j:]
            out.append(QuoteMatch(o.pos, mk.pos + mk.width, True, g, j))
        if stack:
            # Open at paragraph end: continued if the next paragraph opens with the same family.
            nxt = by_para[pi + 1] if pi + 1 < len(by_para) else None
            first = nxt[2][0] if nxt and nxt[2] else None
            for j, (o, g) in enumerate(stack):
                if o.char == "'" and p_end - o.pos > _STRAIGHT_SINGLE_MAX:
                    continue
                emit(o, g, p_end, False, j)
                if (
                    j == 0
                    and first is not None
                    and first.role == "open"
                    and first.family == o.family
                    and text[nxt[0] : first.pos].strip() == ""  # type: ignore[index]
                ):
                    carry_group[o.family] = g
    out.sort(key=lambda q: (q.start, -q.end))
    return out


def _open_of(stack: list[tuple[Mark, int]], mk: Mark) -> int | None:
    """Index of the opener a closer pairs with: same glyph family, else a mismatched top of stack."""
    for j in range(len(stack) - 1, -1, -1):
        if stack[j][0].family == mk.family:
            return j
    if stack and stack[-1][0].family[0] == mk.family[0]:
        return len(stack) - 1  # “text" : mismatched styles of the same kind
    return None


def _later_closer(ms: list[Mark], idx: int, family: str) -> bool:
    for mk in ms[idx + 1 :]:
        if mk.family != family:
            continue
        if mk.role == "open":
            return False
        if mk.role == "close":
            return True
    return False


def outermost(quotes: list[QuoteMatch]) -> list[QuoteMatch]:
    """Drop quotes nested in another (a quote inside a quote is part of it)."""
    out: list[QuoteMatch] = []
    for q in sorted(quotes, key=lambda q: (q.start, -q.end)):
        if out and q.start < out[-1].end:
            continue
        out.append(q)
    return out
