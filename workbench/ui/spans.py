"""From record spans to what the view draws, and words for tooltips. Qt-free.

Which spans are quotes and who said them comes from the schema (label kinds and
relation types), never from label names written here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from workbench.core.quote_marks import QUOTE_MARKS
from workbench.core.record import Record, Span
from workbench.core.schema import AnnotationSchema
from workbench.ui.overlay import Arrow
from workbench.ui.text_view import SpanStyle

TOKEN = re.compile(r"\w+(?:[-'’]\w+)*|[^\w\s]", re.UNICODE)


def short(t: str, n: int) -> str:
    """A span's text on one line, cut to ``n`` characters with an ellipsis: lists, labels, messages."""
    t = " ".join(t.split())
    return t if len(t) <= n else t[: n - 1] + "…"


def quoted(t: str, n: int) -> str:
    """:func:`short` in “…”, unless the span already starts with a quote mark of its own (a direct
    quote): ““We are ready,”” reads as a typo."""
    t = short(t, n)
    return t if t[:1] in QUOTE_MARKS else f"“{t}”"


def speaker_of(record: Record, schema: AnnotationSchema, quote_id: str) -> str:
    """Who said a quote, for the margin: the first non-cue span it points to (its speaker in the
    news schema) or, when that is a mention standing for a named entity ("he", "the party's
    nominee Gov. Mike Pence"), that entity's name."""
    for r in record.relations.values():
        if r.head != quote_id:
            continue
        child = record.spans.get(r.child)
        if child is None:
            continue
        lab = schema.labels.get(child.label)
        if lab is not None and lab.kind not in ("cue", "quote"):
            if lab.kind == "mention":
                named = _named_by(record, schema, child.id)
                if named:
                    return named
            return record.span_text(child)
    return ""


def _named_by(record: Record, schema: AnnotationSchema, mention_id: str) -> str:
    for r in record.relations.values():
        if r.head == mention_id and r.label == "REFERS_TO":
            target = record.spans.get(r.child)
            lab = schema.labels.get(target.label) if target is not None else None
            if target is not None and lab is not None and lab.kind == "entity":
                return record.span_text(target)
    return ""


def style(record: Record, schema: AnnotationSchema, span: Span) -> SpanStyle:
    lab = schema.labels.get(span.label)
    color = lab.color if lab else "#888888"
    quote = lab is not None and lab.kind == "quote"
    note = speaker_of(record, schema, span.id) if quote else ""
    return SpanStyle(span.id, span.start, span.end, span.label, color, quote, span.review == "pending", note)


def styles(
    record: Record, schema: AnnotationSchema, ids: Iterable[str] | None = None
) -> dict[str, SpanStyle | None]:
    wanted = record.spans.keys() if ids is None else ids
    out: dict[str, SpanStyle | None] = {}
    for sid in wanted:
        sp = record.spans.get(sid)
        out[sid] = style(record, schema, sp) if sp is not None else None
    return out


def arrows(record: Record, schema: AnnotationSchema, span_id: str | None) -> list[Arrow]:
    if span_id is None:
        return []
    out = []
    for r in record.relations_of(span_id):
        head = record.spans.get(r.head)
        lab = schema.labels.get(head.label) if head else None
        out.append(Arrow(r.head, r.child, r.label, lab.color if lab else "#555555"))
    return out


def describe(record: Record, schema: AnnotationSchema, span_id: str) -> str:
    """Tooltip lines for one span: label, text, attributes, origin, review, relations."""
    s = record.spans.get(span_id)
    if s is None:
        return ""
    text = record.span_text(s)
    lines = [f"<b>{s.label}</b> {_esc(quoted(text, 60))}"]
    for k, v in s.attrs.items():
        lines.append(f"{k}: {v}")
    lines.append("origin: " + (s.origin or "annotator") + (f" ({s.review})" if s.review else ""))
    for r in record.relations_of(s.id):
        other = record.spans.get(r.child if r.head == s.id else r.head)
        if other is None:
            continue
        arrow = "→" if r.head == s.id else "←"
        lines.append(f"{r.label} {arrow} {other.label} {_esc(quoted(record.span_text(other), 40))}")
    return "<br>".join(lines)


def _esc(t: str) -> str:
    return t.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# token geometry -----------------------------------------------------------------
# Scraped pages glue words together ("EngstromCarly FiorinaSen"): a capital after three
# lower-case letters starts a new word (McDonald and YouTube stay whole).
RUN_TOGETHER = re.compile(r"(?<=[a-z]{3})(?=[A-Z][a-z])")


def tokens(text: str) -> list[tuple[int, int]]:
    """Words and punctuation runs (".”", "?!"): the steps of snapping, widening and shrinking."""
    out: list[tuple[int, int]] = []
    for m in TOKEN.finditer(text):
        a, z = m.span()
        if out and not m.group()[0].isalnum() and m.group()[0] != "_" and out[-1][1] == a:
            prev = text[out[-1][0] : out[-1][1]]
            if not (prev[0].isalnum() or prev[0] == "_"):
                out[-1] = (out[-1][0], z)  # punctuation touching punctuation: one run
                continue
        cuts = [a] + [a + c.start() for c in RUN_TOGETHER.finditer(m.group())] + [z]
        out.extend(zip(cuts, cuts[1:], strict=False))
    return out


def snap(toks: list[tuple[int, int]], start: int, end: int) -> tuple[int, int]:
    """Grow a selection to whole tokens; a selection of only spaces stays as it is."""
    from bisect import bisect_right

    i = bisect_right([t[0] for t in toks], start) - 1
    if i >= 0 and toks[i][0] <= start < toks[i][1]:
        start = toks[i][0]
    j = bisect_right([t[0] for t in toks], end - 1) - 1
    if j >= 0 and toks[j][0] <= end - 1 < toks[j][1]:
        end = toks[j][1]
    return start, end


def strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def step_edge(toks: list[tuple[int, int]], span: Span, edge: str) -> tuple[int, int] | None:
    """New (start, end) after moving one edge by a token (a word or a punctuation run); None: cannot."""
    s, e = span.start, span.end
    if edge == "widen_left":
        prev = [t for t in toks if t[0] < s]
        return (prev[-1][0], e) if prev else None
    if edge == "widen_right":
        nxt = [t for t in toks if t[1] > e]
        return (s, nxt[0][1]) if nxt else None
    inner = [t for t in toks if t[0] >= s and t[1] <= e]
    if len(inner) < 2:
        return None
    if edge == "shrink_left":
        return (inner[1][0], e)
    if edge == "shrink_right":
        return (s, inner[-2][1])
    return None
