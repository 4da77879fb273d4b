"""Reported speech: attributions without quote marks, from reporting cues and the dependency parse.

"Peskov said that…", "claimed its troops…", "wants to…", "called for a curfew",
"The President, it claims, enabled…", "according to X, …". The content is the
cue's clausal complement, its ``to``-clause, its object or prepositional object,
or the clause a parenthetical cue interrupts.
"""

from __future__ import annotations

from spacy.tokens import Doc, Token

from workbench.nlp.cues import (
    INTENT,
    OBJECT,
    Attribution,
    _cue_span,
    _Index,
    _is_cue_verb,
    _lemma,
    _speaker_of_cue,
    _trim,
    subject_of,
)


def _content_pieces(text: str, v: Token) -> list[tuple[int, int]] | None:
    if v.lower_ == "according":
        head = v.head if v.head is not v else None
        if head is None:
            return None
        return _minus(text, head, v)
    comp = next((c for c in v.children if c.dep_ == "ccomp"), None)
    if comp is None and _lemma(v) in INTENT:
        comp = next((c for c in v.children if c.dep_ == "xcomp"), None)
    if comp is not None:
        s, e = _trim(text, comp.left_edge.idx, comp.right_edge.idx + len(comp.right_edge))
        return [(s, e)] if e - s > 3 else None
    if _lemma(v) in OBJECT and subject_of(v) is not None:
        parts = [c for c in v.rights if c.dep_ in ("dobj", "xcomp", "oprd", "dative")]
        parts += [
            c
            for c in v.rights
            if c.dep_ == "prep"
            and c.lower_ in ("for", "on", "to", "as")
            and any(g.dep_ == "pobj" for g in c.children)
        ]
        if parts:
            first = min(parts, key=lambda c: c.i)
            last = max(parts, key=lambda c: c.i)
            s, e = _trim(text, first.left_edge.idx, last.right_edge.idx + len(last.right_edge))
            if first.dep_ == "prep":  # "called for X": the preposition belongs to the cue
                s = first.idx + len(first)
                s, e = _trim(text, s, e)
            return [(s, e)] if e - s > 3 else None
    if v.dep_ == "parataxis" and any(c.dep_ == "nsubj" for c in v.children):
        return _minus(text, v.head, v)
    return None


def _minus(text: str, head: Token, part: Token) -> list[tuple[int, int]] | None:
    """The head clause without the parenthetical ``part`` ("The President, it claims, enabled...")."""
    s, e = head.left_edge.idx, head.right_edge.idx + len(head.right_edge)
    ps, pe = part.left_edge.idx, part.right_edge.idx + len(part.right_edge)
    pieces = [_trim(text, s, ps), _trim(text, pe, e)]
    out = [(a, b) for a, b in pieces if b - a > 2]
    return out or None


def _indirect(doc: Doc, ix: _Index, used: set[int]) -> list[Attribution]:
    out: list[Attribution] = []
    for v in doc:
        if v.i in used or ix.quote_of[v.i] != -1 or not _is_cue_verb(v):
            continue
        if v.lower_ == "according" and not any(c.lower_ == "to" for c in v.children):
            continue
        pieces = _content_pieces(ix.text, v)
        if not pieces:
            continue
        if any(ix.quote_of[i] != -1 for i in range(*ix.tok_range(pieces[0][0], pieces[0][0] + 1))) and all(
            ix.quote_of[ix.tok_at(b - 1)] == ix.quote_of[ix.tok_at(a)] != -1 for a, b in pieces
        ):
            continue  # the "content" is a direct quote, already handled
        out.append(
            Attribution(pieces, "indirect", _cue_span(v), _speaker_of_cue(v, ix), meta={"cue_token": v.i})
        )
    return out
