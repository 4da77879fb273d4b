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
import functools
from collections.abc import Callable

import numpy as np
from spacy.attrs import LEMMA
from spacy.strings import hash_string
from spacy.tokens import Doc, Token

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
        speaker = _speaker_of_cue(v, ix) or (_subject_up(v, _quoted(ix)) if v.lower_ != "according" else None)
        out.append(Attribution(pieces, "indirect", _cue_span(v), speaker, meta=meta))
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

_VERBISH = ("VERB", "AUX")
_POBJ = ("pobj", "pcomp")


@functools.cache
def _cue_hashes() -> np.ndarray:
    """spaCy's hashes of every lemma of the word lists: the tokens worth a look, found with numpy."""
    words = (
        lex.CLAUSE_VERBS
        | lex.TO_VERBS
        | lex.OBJECT_VERBS
        | lex.RAISING_VERBS
        | lex.NOUN_CLAUSE
        | frozenset().union(*lex.PREP_VERBS.values(), *lex.NOUN_PREP.values())
    )
    return np.array(sorted(hash_string(w) for w in words), dtype=np.uint64)


def _constructions(doc: Doc) -> dict[str, list[list[int]]]:
    """Where a word of the lists stands in its construction, by rule: the token ids, cue first and
    content last (``noun-clause``: cue, content, its "that"/"to"; ``raising``: cue, content, subject).

    A spaCy ``DependencyMatcher`` with these patterns found the same and cost ten times as much
    (about 6 % of parsing, where this costs under 1 %): its token matcher tests every pattern on
    every token, where a numpy look-up of the lemma hashes leaves a few tokens per sentence.
    """
    out: dict[str, list[list[int]]] = {}
    if not len(doc):
        return out
    lemmas = doc.to_array(LEMMA).astype(np.uint64)
    for i in np.flatnonzero(np.isin(lemmas, _cue_hashes())).tolist():
        t = doc[i]
        lem = t.lemma_
        if t.pos_ in _VERBISH:
            for c in t.rights:
                dep = c.dep_
                if dep == "ccomp" and lem in lex.CLAUSE_VERBS:
                    out.setdefault("clause", []).append([i, c.i])
                elif dep == "xcomp" and c.pos_ in _VERBISH:
                    if lem in lex.TO_VERBS:
                        out.setdefault("to", []).append([i, c.i])
                    subj = next((g for g in t.lefts if g.dep_ in ("nsubj", "nsubjpass")), None)
                    if lem in lex.RAISING_VERBS and subj is not None:
                        out.setdefault("raising", []).append([i, c.i, subj.i])
                elif dep == "dobj" and lem in lex.OBJECT_VERBS:
                    out.setdefault("object", []).append([i, c.i])
                elif dep == "prep" and lem in lex.PREP_VERBS.get(c.lower_, ()):
                    pobj = next((g for g in c.children if g.dep_ in _POBJ), None)
                    if pobj is not None:
                        out.setdefault("prep", []).append([i, c.i, pobj.i])
        elif t.pos_ == "NOUN":
            for c in t.rights:
                if c.dep_ in ("acl", "ccomp") and lem in lex.NOUN_CLAUSE:
                    mark = next(
                        (g for g in c.children if g.dep_ in ("mark", "aux") and g.lower_ in ("that", "to")),
                        None,
                    )
                    if mark is not None:
                        out.setdefault("noun-clause", []).append([i, c.i, mark.i])
                elif c.dep_ == "prep" and c.i == i + 1 and lem in lex.NOUN_PREP.get(c.lower_, ()):
                    pobj = next((g for g in c.children if g.dep_ in _POBJ), None)
                    if pobj is not None:
                        out.setdefault("noun-prep", []).append([i, c.i, pobj.i])
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
        speaker = _agent(v) if passive else None  # who expects it, when the sentence says
        out.append(
            Attribution(
                pieces, "indirect", _cue_span(v), speaker, meta={"cue_token": cue_i, "rule": "raising"}
            )
        )
        used.add(cue_i)
    return out


def _quoted(ix: _Index) -> Callable[[Token], bool]:
    return lambda t: ix.quote_of[t.i] != -1


def cue_speaker(v: Token, inside: Callable[[Token], bool]) -> Token | None:
    """The speaker the rules give the reporting word ``v``, skipping tokens ``inside`` the content.

    The trained model's contents take their speaker here too (:mod:`workbench.nlp.attribution_model`):
    on dev the parse's subject is right far more often than the nearest predicted source.
    """
    if v.lower_ == "according":
        to = next((c for c in v.children if c.lower_ == "to"), None)
        return next((c for c in to.children if c.dep_ == "pobj"), None) if to is not None else None
    if v.pos_ in ("NOUN", "PROPN"):
        return _noun_speaker(v, inside)
    if any(c.dep_ == "nsubjpass" for c in v.children):
        agent = _agent(v)
        if agent is not None:
            return agent
    return subject_of(v, inside) or _subject_up(v, inside)


def _noun_speaker(n: Token, inside: Callable[[Token], bool]) -> Token | None:
    """Whose claim: the possessor ("Trump's claim that…"), who it comes from ("criticism … from
    X", "a request by X"), else the subject of the verb the noun phrase hangs from ("Trump made the
    claim that…", "defended himself against accusations of…")."""
    poss = next((c for c in n.children if c.dep_ == "poss"), None)
    if poss is not None:
        return poss
    for c in n.rights:
        if c.dep_ == "prep" and c.lower_ in ("from", "by"):
            who = next((g for g in c.children if g.dep_ == "pobj"), None)
            if who is not None and (who.ent_type_ or who.pos_ in ("PROPN", "PRON")):
                return who
    return _subject_up(n, inside)


# How far up the parse a construction's speaker is looked for: a noun phrase or participle hangs from
# the verb whose subject is the speaker ("opened by talking about…", "faced criticism of…").
_CLIMB = frozenset("pobj pcomp prep dobj attr advcl xcomp conj acl npadvmod".split())


def _subject_up(t: Token, inside: Callable[[Token], bool]) -> Token | None:
    """The subject of ``t`` or of the nearest verb above it through :data:`_CLIMB` relations."""
    for _ in range(5):
        if t.pos_ in ("VERB", "AUX"):
            subj = subject_of(t, inside)
            if subj is not None:
                return subj
        if t.dep_ not in _CLIMB or t.head is t:
            return None
        t = t.head
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
            piece = _subtree(text, content)
            obj = (
                next((c for c in v.children if c.dep_ == "dobj" and c.i < ids[1]), None)
                if rule == "prep"
                else None
            )
            if obj is not None:  # "cast the deal as a betrayal": what is cast and as what
                piece = (_subtree(text, obj)[0], piece[1])
            if piece[1] - piece[0] <= 3 or any(_same(piece, c) for c in contents):
                continue
            cue_end = v.idx + len(v)
            if rule == "prep" and obj is None and ids[1] <= cue_i + 3:
                cue_end = doc[ids[1]].idx + len(doc[ids[1]])  # "spoke about": the preposition is the cue's
            elif rule != "noun-prep":
                cue_end = _cue_span(v)[1]
            if rule.startswith("noun"):
                speaker = _noun_speaker(v, _quoted(ix))
            elif any(c.dep_ == "nsubjpass" for c in v.children):
                speaker = _agent(v)
            else:
                speaker = _speaker_of_cue(v, ix) or _subject_up(v, _quoted(ix))
            att = Attribution(
                [piece], "indirect", (v.idx, cue_end), speaker, meta={"cue_token": cue_i, "rule": rule}
            )
            out.append(att)
            contents.append(piece)
            used.add(cue_i)
    return out
