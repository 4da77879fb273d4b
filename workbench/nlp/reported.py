"""Reported speech: attributions without quote marks, from reporting cues and the dependency parse.

Two layers. The reporting verbs of :mod:`workbench.nlp.cues` ("Peskov said
that…", "claimed its troops…", "wants to…", "called for a curfew", "The
President, it claims, enabled…", "according to X, …"): the content is the cue's
clausal complement, its ``to``-clause, its object, or the clause a parenthetical
cue interrupts. Then constructions that only some words make reports of speech,
thought or stance, each a :class:`spacy.matcher.DependencyMatcher` pattern over
a word list (:mod:`workbench.nlp.reported_lexicon`): "expressed concern about…",
"accused Holt of being…", "spoke about…", "cast him as…", "her claim that…",
"his criticism of…", "X is expected to…" / "X seems to…" (the subject and the
``to``-clause are the two pieces of one content).
"""

from __future__ import annotations

import bisect
from typing import Any

from spacy.matcher import DependencyMatcher
from spacy.tokens import Doc, Token
from spacy.vocab import Vocab

from workbench.nlp import reported_lexicon as lex
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
            and c.lower_ in ("for", "on", "to", "as", "of")
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
    """Reported speech in a parsed doc; cue tokens in ``used`` (direct quotes' cues) are skipped."""
    matches = _constructions(doc)
    out = _raising(doc, ix, used, matches.pop("raising", []))
    taken = used | {att.meta["cue_token"] for att in out}
    out += _by_verbs(doc, ix, taken)
    taken |= {att.meta["cue_token"] for att in out}
    out += _by_constructions(doc, ix, taken, matches, out)
    return _drop_nested(out)


def _drop_nested(atts: list[Attribution]) -> list[Attribution]:
    """Reported speech inside the content of other reported speech is part of what that one
    reports ("Carson added he did not *support* issuing quarantines"): PolNeAR's annotators
    rarely mark it as an attribution of its own (on train, dropping it raised precision from
    0.73 to 0.83 for 1.2 points of recall)."""
    spans = sorted((a.start, a.end) for a in atts)
    starts = [s for s, _ in spans]
    longest = max((e - s for s, e in spans), default=0)
    out = []
    for att in atts:
        s, e = att.start, att.end
        lo = bisect.bisect_left(starts, s - longest)
        hi = bisect.bisect_right(starts, s)
        if any(a <= s and e <= b and (a, b) != (s, e) for a, b in spans[lo:hi]):
            continue
        out.append(att)
    return out


def _by_verbs(doc: Doc, ix: _Index, used: set[int]) -> list[Attribution]:
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
        meta = {"cue_token": v.i, "rule": _verb_rule(v)}
        out.append(Attribution(pieces, "indirect", _cue_span(v), _speaker_of_cue(v, ix), meta=meta))
    return out


def _verb_rule(v: Token) -> str:
    """Which of :func:`_content_pieces`' branches a reporting verb took (``meta["rule"]``, for error
    analysis by construction)."""
    if v.lower_ == "according":
        return "according"
    if any(c.dep_ == "ccomp" for c in v.children):
        return "verb-clause"
    if _lemma(v) in INTENT and any(c.dep_ == "xcomp" for c in v.children):
        return "verb-to"
    return "verb-object" if _lemma(v) in OBJECT else "parenthetical"


# ---------------------------------------------------------------- constructions by word lists

_MATCHERS: dict[int, tuple[Vocab, DependencyMatcher]] = {}
_VERB = {"POS": {"IN": ["VERB", "AUX"]}}


def _matcher(vocab: Vocab) -> DependencyMatcher:
    """The construction patterns, built once per vocabulary (a pipeline loaded twice has two)."""
    hit = _MATCHERS.get(id(vocab))
    if hit is not None and hit[0] is vocab:
        return hit[1]
    m = DependencyMatcher(vocab)

    def cue(attrs: dict[str, Any], lemmas: frozenset[str]) -> dict[str, Any]:
        return {"RIGHT_ID": "cue", "RIGHT_ATTRS": {**attrs, "LEMMA": {"IN": sorted(lemmas)}}}

    def child(rid: str, attrs: dict[str, Any], left: str = "cue", op: str = ">++") -> dict[str, Any]:
        return {"LEFT_ID": left, "REL_OP": op, "RIGHT_ID": rid, "RIGHT_ATTRS": attrs}

    m.add("clause", [[cue(_VERB, lex.CLAUSE_VERBS), child("content", {"DEP": "ccomp"})]])
    m.add("to", [[cue(_VERB, lex.TO_VERBS), child("content", {"DEP": "xcomp", **_VERB})]])
    m.add("object", [[cue(_VERB, lex.OBJECT_VERBS), child("content", {"DEP": "dobj"})]])
    # one pattern for all verb + preposition pairs (a pattern per preposition costs a pass each);
    # the pair itself is checked on the match
    pobj = {"DEP": {"IN": ["pobj", "pcomp"]}}
    prep = {"DEP": "prep", "LOWER": {"IN": sorted(lex.PREP_VERBS)}}
    verbs = frozenset().union(*lex.PREP_VERBS.values())
    m.add("prep", [[cue(_VERB, verbs), child("prep", prep), child("content", pobj, "prep", ">")]])
    mark = {"DEP": {"IN": ["mark", "aux"]}, "LOWER": {"IN": ["that", "to"]}}
    m.add(
        "noun-clause",
        [
            [
                cue({"POS": "NOUN"}, lex.NOUN_CLAUSE),
                child("content", {"DEP": {"IN": ["acl", "ccomp"]}}),
                child("mark", mark, "content", ">"),
            ]
        ],
    )
    nouns = frozenset().union(*lex.NOUN_PREP.values())
    prep = {"DEP": "prep", "LOWER": {"IN": sorted(lex.NOUN_PREP)}}
    m.add(
        "noun-prep",
        [[cue({"POS": "NOUN"}, nouns), child("prep", prep, op=">+"), child("content", pobj, "prep", ">")]],
    )
    m.add(
        "raising",
        [
            [
                cue(_VERB, lex.RAISING_VERBS),
                child("content", {"DEP": "xcomp", **_VERB}),
                child("subject", {"DEP": {"IN": ["nsubjpass", "nsubj"]}}, op=">--"),
            ]
        ],
    )
    _MATCHERS[id(vocab)] = (vocab, m)
    return m


def _constructions(doc: Doc) -> dict[str, list[list[int]]]:
    """Matches by rule name, each the token ids in pattern order (cue first, content last but one)."""
    m = _matcher(doc.vocab)
    out: dict[str, list[list[int]]] = {}
    for match_id, ids in m(doc):
        out.setdefault(doc.vocab.strings[match_id], []).append(ids)
    return out


def _subtree(text: str, t: Token) -> tuple[int, int]:
    return _trim(text, t.left_edge.idx, t.right_edge.idx + len(t.right_edge))


def _agent(v: Token) -> Token | None:
    """The "by X" of a passive verb: who did the reporting ("was called a charlatan by physicians")."""
    by = next((c for c in v.children if c.dep_ == "agent"), None)
    return next((c for c in by.children if c.dep_ == "pobj"), None) if by is not None else None


def _raising(doc: Doc, ix: _Index, used: set[int], matches: list[list[int]]) -> list[Attribution]:
    """'X is expected to win', 'X seems to have vanished': the subject and the to-clause, two pieces."""
    out: list[Attribution] = []
    for cue_i, content_i, subj_i in matches:
        v, subj = doc[cue_i], doc[subj_i]
        passive = subj.dep_ == "nsubjpass"
        if cue_i in used or ix.quote_of[cue_i] != -1 or passive == (_lemma(v) in lex.SEEM_VERBS):
            continue
        pieces = [_subtree(ix.text, subj), _subtree(ix.text, doc[content_i])]
        if any(e - s < 2 for s, e in pieces) or pieces[0][1] > pieces[1][0]:
            continue
        speaker = _agent(v) if passive else None
        out.append(
            Attribution(
                pieces, "indirect", _cue_span(v), speaker, meta={"cue_token": cue_i, "rule": "raising"}
            )
        )
        used.add(cue_i)
    return out


def _noun_speaker(n: Token, ix: _Index) -> Token | None:
    """Whose claim: the possessor ("Trump's claim that…"), else the subject of the verb it is the
    object of ("Trump made the claim that…")."""
    poss = next((c for c in n.children if c.dep_ == "poss"), None)
    if poss is not None:
        return poss
    if n.dep_ in ("dobj", "attr") and n.head is not n and n.head.pos_ in ("VERB", "AUX"):
        return subject_of(n.head, lambda t: ix.quote_of[t.i] != -1)
    return None


def _same(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Two contents that are one up to a few characters (the same attribution found twice)."""
    inter = min(a[1], b[1]) - max(a[0], b[0])
    return inter > 0.8 * max(a[1] - a[0], b[1] - b[0])


def _by_constructions(
    doc: Doc, ix: _Index, used: set[int], matches: dict[str, list[list[int]]], found: list[Attribution]
) -> list[Attribution]:
    text = ix.text
    contents = [p for att in found for p in att.pieces]
    out: list[Attribution] = []
    for rule in ("clause", "to", "object", "prep", "noun-clause", "noun-prep"):
        for ids in matches.get(rule, []):
            cue_i = ids[0]
            v, content = doc[cue_i], doc[ids[-1] if rule != "noun-clause" else ids[1]]
            if cue_i in used or ix.quote_of[cue_i] != -1:
                continue
            table = lex.PREP_VERBS if rule == "prep" else lex.NOUN_PREP if rule == "noun-prep" else None
            if table is not None and v.lemma_ not in table[doc[ids[1]].lower_]:
                continue
            piece = _subtree(text, content)
            if piece[1] - piece[0] <= 3 or any(_same(piece, c) for c in contents):
                continue
            cue_end = v.idx + len(v)
            if rule == "prep" and ids[1] <= cue_i + 3:
                cue_end = doc[ids[1]].idx + len(doc[ids[1]])  # "spoke about": the preposition is the cue's
            elif rule != "noun-prep":
                cue_end = _cue_span(v)[1]
            if rule.startswith("noun"):
                speaker = _noun_speaker(v, ix)
            elif any(c.dep_ == "nsubjpass" for c in v.children):
                speaker = _agent(v)
            else:
                speaker = _speaker_of_cue(v, ix)
            att = Attribution(
                [piece], "indirect", (v.idx, cue_end), speaker, meta={"cue_token": cue_i, "rule": rule}
            )
            out.append(att)
            contents.append(piece)
            used.add(cue_i)
    return out
