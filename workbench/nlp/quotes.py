"""Quotes and who said them, from quote marks, spaCy's dependency parse and rules.

Direct quotes come from :mod:`workbench.nlp.marks` (characters only). Each is
then given a cue and a speaker from the parse: a reporting verb right after
the quote ("…,” said Caddell), else before it ("Caddell said: “…"), else the
previous attribution carries over (a quote that continues the same speech, a
paragraph that opens with a quote after the speaker's paragraph). Reported
speech is :mod:`workbench.nlp.reported`'s ("said that…", "according to X",
"expressed concern about…"); this module merges the two: a short quoted phrase
inside reported speech makes it ``mixed``; a short quoted phrase elsewhere is a
scare quote (``partial`` or left out, by schema setting). The lexicon, the
:class:`Attribution` record and a cue's speaker are :mod:`workbench.nlp.cues`'.

The output is plain :class:`Attribution` objects in character offsets; turning
them into spans and relations (and resolving "he"/"the President") is
:mod:`workbench.nlp.speakers`' job. Without a parser (blank pipeline) only
direct quotes are found, with speakers from a word-pattern fallback.
"""

from __future__ import annotations

import bisect
import re
from typing import Any

from spacy.tokens import Doc, Token

from workbench.core.quote_marks import CLOSING_MARKS
from workbench.nlp.cues import (
    _NEEDS_COMPLEMENT,
    _SENT_END,
    Attribution,
    _cue_span,
    _Index,
    _is_cue_verb,
    _lemma,
    _speaker_of_cue,
    _trim,
    subject_of,
)
from workbench.nlp.marks import QuoteMatch, find_quotes, outermost
from workbench.nlp.reported import _indirect

# What may follow a quote's last word ('…,” he said'): the table's closing marks and spaces.
_CLOSERS_AND_SPACE = "".join(sorted(CLOSING_MARKS)) + " "


def _find_cue(doc: Doc, ix: _Index, q: QuoteMatch, used: set[int], strict: bool = False) -> Token | None:
    """A reporting verb next to a direct quote: just after, else just before, else later after.

    ``strict`` (short quotes): only a verb right after the quote or one introducing it
    with a colon makes a short quoted phrase a quote rather than a scare quote.
    """
    text = ix.text
    a, b = ix.tok_range(q.start, q.end)
    para = ix.para(q.start)
    after: list[Token] = []
    for t in doc[b : min(len(doc), b + 20)]:
        if ix.quote_of[t.i] != -1 or ix.para(t.idx) != ix.para(q.end - 1):
            break
        if not t.is_space:
            after.append(t)
        if t.text in _SENT_END:
            break
    before: list[Token] = []
    i = a - 1
    para_before = para
    while i >= 0 and len(before) < 30:
        t = doc[i]
        if t.is_space:
            i -= 1
            continue
        if ix.quote_of[t.i] != -1 or t.text in _SENT_END:
            break
        if ix.para(t.idx) != para_before:
            # Crossing into the previous paragraph only when it ends with "said:".
            if t.text != ":" or ix.para(t.idx) != para - 1:
                break
            para_before = para - 1
        before.append(t)
        i -= 1
    for k, t in enumerate(after):
        if not _is_cue_verb(t) or t.i in used or _reports_other(ix, t):
            continue
        if k < 4:
            return t
        if strict:
            break
        # '“…” Rep. Elijah E. Cummings (D-Md.) said': everything between is the verb's subject
        subj = subject_of(t, lambda x: ix.quote_of[x.i] != -1)
        if subj is not None and subj.left_edge.i <= after[0].i + 1 and subj.i < t.i:
            return t
    # closest before the quote (introducing it), then later in the after window after a "…,”"
    for t in before:
        if _is_cue_verb(t) and t.i not in used and _introduces(doc, text, ix, t, q, a, b):
            if strict and not text[t.idx + len(t) : q.start].rstrip().endswith(":"):
                continue
            return t
    if strict:
        return None
    if text[q.start : q.end].rstrip(_CLOSERS_AND_SPACE)[-1:] in (",", "—", "–", "-"):
        for t in after[4:]:
            if (
                _is_cue_verb(t)
                and t.i not in used
                and _lemma(t) not in _NEEDS_COMPLEMENT
                and not _reports_other(ix, t)
            ):
                return t
    return None


def _reports_other(ix: _Index, v: Token) -> bool:
    """The verb has its own reported clause after it ("Peskov said that…"): not this quote's cue."""
    return any(c.dep_ == "ccomp" and c.i > v.i and ix.quote_of[c.i] == -1 for c in v.children)


def _introduces(doc: Doc, text: str, ix: _Index, v: Token, q: QuoteMatch, a: int, b: int) -> bool:
    """A verb before a quote cues it through a colon or comma, "that", or by governing the quote's words."""
    gap = text[v.idx + len(v) : q.start].rstrip()
    if len(gap) < 80 and (gap[-1:] in (":", ",") or gap.endswith(" that") or gap == "" or gap == "that"):
        return _lemma(v) not in _NEEDS_COMPLEMENT or gap[-1:] in (":", ",")
    if _reports_other(ix, v) or _lemma(v) in _NEEDS_COMPLEMENT:
        return False
    return any(doc[i].head.i == v.i for i in range(a, min(b, a + 40)))


def _is_short(text: str, q: QuoteMatch, max_words: int) -> bool:
    """A short quoted phrase: a scare quote unless a cue stands right next to it ("“I would,” she said")."""
    inner = text[q.start + 1 : q.end - 1] if q.closed else text[q.start + 1 : q.end]
    return len(inner.split()) <= max_words


_DASH_CUE = re.compile(r"[ \t\xa0]*(―|—|–|--)[ \t\xa0]*(?=[A-Z])")


def _dash_cue(doc: Doc, ix: _Index, q: QuoteMatch) -> tuple[tuple[int, int], Token | None] | None:
    """Pull-quote attribution: '“…” ― Christina Lastra' (the dash is the cue, the name the speaker)."""
    m = _DASH_CUE.match(ix.text, q.end)
    if m is None or ix.para(m.end()) != ix.para(q.end - 1):
        return None
    t = doc[ix.tok_at(m.end())]
    last = None
    for u in doc[t.i : t.i + 6]:
        if u.text[:1].isupper() and (u.is_alpha or u.text.endswith(".")):
            last = u
        else:
            break
    return (m.start(1), m.end(1)), last


def find_attributions(doc: Doc, settings: dict[str, Any] | None = None) -> list[Attribution]:
    """Every direct and (if the pipeline has a parser) indirect attribution in a doc."""
    settings = settings or {}
    max_words = int(settings.get("scare_quote_max_words", 3))
    text = doc.text
    quotes = outermost(find_quotes(text))
    ix = _Index(doc, text, quotes)
    parsed = doc.has_annotation("DEP")
    used: set[int] = set()
    direct: list[Attribution] = []
    groups: dict[int, Attribution] = {}
    for q in quotes:
        if q.group in groups:  # a quote continued from the previous paragraph
            groups[q.group].pieces.append((q.start, q.end))
            continue
        short = _is_short(text, q, max_words)
        att = Attribution([(q.start, q.end)], "direct")
        dash = _dash_cue(doc, ix, q)
        if dash is not None and dash[1] is not None:
            att.cue, att.speaker = dash[0], dash[1]
        else:
            v = _find_cue(doc, ix, q, used, strict=short) if parsed else _pattern_cue(doc, ix, q)
            if v is None and short:
                att.kind = "partial"
            elif v is not None:
                used.add(v.i)
                att.cue = _cue_span(v)
                att.speaker = _speaker_of_cue(v, ix) if parsed else _pattern_speaker(doc, v)
                att.meta["cue_token"] = v.i
        if parsed and "cue_token" in att.meta:
            _widen_to_reported(text, doc[att.meta["cue_token"]], att)
        groups[q.group] = att
        direct.append(att)
    indirect = _indirect(doc, ix, used) if parsed and settings.get("indirect_quotes", True) else []
    atts = _merge(text, direct, indirect)
    _carry_over(text, ix, atts)
    return atts


def _widen_to_reported(text: str, v: Token, att: Attribution) -> None:
    """'told Scarborough that he "honestly doesn't know" why…': the quote is a phrase inside
    reported speech, so the attribution is the whole complement, of kind mixed."""
    comp = next((c for c in v.children if c.dep_ == "ccomp" and c.i > v.i), None)
    if comp is None:
        return
    s, e = _trim(text, comp.left_edge.idx, comp.right_edge.idx + len(comp.right_edge))
    if s <= att.start and att.end <= e and (e - s) - (att.end - att.start) >= 15:
        att.pieces, att.kind = [(s, e)], "mixed"


def _containing(starts: list[int], spans: list[tuple[int, int, Any]], maxlen: int, s: int, e: int) -> Any:
    """An item whose span contains [s, e), from spans sorted by start (bisect, not a scan)."""
    lo = bisect.bisect_left(starts, s - maxlen)
    hi = bisect.bisect_right(starts, s)
    for a, b, item in spans[lo:hi]:
        if a <= s and e <= b:
            return item
    return None


def _merge(text: str, direct: list[Attribution], indirect: list[Attribution]) -> list[Attribution]:
    """Quoted phrases inside reported speech make it mixed; reported speech inside a quote is dropped."""
    pieces = sorted(((a, b, att) for att in indirect for a, b in att.pieces), key=lambda p: p[0])
    starts = [p[0] for p in pieces]
    maxlen = max((b - a for a, b, _ in pieces), default=0)
    keep_direct: list[Attribution] = []
    for d in direct:
        inside = _containing(starts, pieces, maxlen, d.start, d.end)
        if inside is not None and (d.cue is None or d.kind == "partial"):
            inside.kind = "mixed"
            continue
        keep_direct.append(d)
    quotes = sorted(((d.start, d.end, d) for d in keep_direct if d.kind != "partial"), key=lambda p: p[0])
    q_starts = [q[0] for q in quotes]
    q_max = max((b - a for a, b, _ in quotes), default=0)
    out_ind = [att for att in indirect if _containing(q_starts, quotes, q_max, att.start, att.end) is None]
    atts = keep_direct + out_ind
    atts.sort(key=lambda a: a.start)
    return atts


def _carry_over(text: str, ix: _Index, atts: list[Attribution]) -> None:
    """Give a cue-less direct quote the speaker of the attribution just before it.

    Same utterance (only whitespace between, or a quote continued in the next
    paragraph): share the cue too, so the pieces group. Otherwise carry the
    speaker only when the previous attribution is in the same or the previous
    paragraph and the quote opens its paragraph or follows directly.
    """
    prev: Attribution | None = None
    for att in atts:
        if att.kind == "partial":
            continue
        if att.kind == "direct" and att.speaker is None and att.cue is None and prev is not None:
            gap = text[prev.end : att.start]
            same_para = ix.para(att.start) == ix.para(prev.end)
            cue_between = prev.cue is not None and prev.end <= prev.cue[0] and prev.cue[1] <= att.start
            if prev.kind == "direct" and (
                not gap.strip() or (cue_between and (same_para or len(gap.strip()) < 40))
            ):
                # one utterance: "…,” he said. “…" — the pieces share speaker and cue
                att.speaker, att.cue, att.carried = prev.speaker, prev.cue, True
            elif prev.speaker is not None and ix.para(att.start) - ix.para(prev.end) <= 1:
                opens_para = text[ix.para_starts[ix.para(att.start)] : att.start].strip() == ""
                if opens_para or ix.para(att.start) == ix.para(prev.end):
                    att.speaker, att.carried = prev.speaker, True
        if att.kind == "direct" and att.speaker is None and att.cue is None:
            named = _person_in_paragraph_before(ix, att.start)
            if named is not None:
                att.speaker, att.carried = named, True
        if att.kind != "direct" and prev is not None and prev.kind == "direct" and _trails(ix, prev, att):
            continue  # '“…,” said Caddell, speaking of X. “…”': the next quote is still Caddell's
        if att.speaker is not None or att.kind == "direct":
            prev = att


def _trails(ix: _Index, quote: Attribution, att: Attribution) -> bool:
    """``att`` is reported speech in the same sentence after a direct quote (its cue's participle)."""
    between = ix.text[quote.end : att.start]
    return ix.para(att.start) == ix.para(quote.end) and not any(c in _SENT_END for c in between)


def _person_in_paragraph_before(ix: _Index, start: int) -> Token | None:
    """A quote opening its paragraph with no cue: the last person named in the paragraph before."""
    p = ix.para(start)
    if p == 0 or ix.text[ix.para_starts[p] : start].strip():
        return None
    lo, hi = ix.tok_at(ix.para_starts[p - 1]), ix.tok_at(ix.para_starts[p])
    for i in range(hi - 1, lo - 1, -1):
        t = ix.doc[i]
        if t.ent_type_ == "PERSON" and ix.quote_of[i] == -1:
            return t
    return None


# ---------------------------------------------------------------- blank-pipeline fallback

_SAY_WORDS = frozenset("said says say told tells added adds stated claimed insisted explained wrote".split())


def _pattern_cue(doc: Doc, ix: _Index, q: QuoteMatch) -> Token | None:
    a, b = ix.tok_range(q.start, q.end)
    window = list(doc[b : min(len(doc), b + 4)]) + list(reversed(doc[max(0, a - 4) : a]))
    return next((t for t in window if t.lower_ in _SAY_WORDS and ix.quote_of[t.i] == -1), None)


def _pattern_speaker(doc: Doc, v: Token) -> Token | None:
    """Without a parse: the capitalised word or pronoun next to the verb (after first: 'said Caddell')."""
    for t in list(doc[v.i + 1 : v.i + 4]) + list(reversed(doc[max(0, v.i - 4) : v.i])):
        if t.is_punct:
            continue
        if t.lower_ in ("he", "she", "they") or (t.text[:1].isupper() and t.is_alpha and t.i != 0):
            return t
    return None
