"""What reports speech: the cue lexicon, the attribution record, speakers of a cue from the parse.

Shared by the direct-quote finder (:mod:`workbench.nlp.quotes`) and the
reported-speech finder (:mod:`workbench.nlp.reported`): an :class:`Attribution`
in character offsets, the per-doc :class:`_Index` (character -> token,
paragraph, which quote a token is in), the reporting-verb lexicon, and how a
cue's speaker is read from the dependency parse (:func:`subject_of`).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from spacy.attrs import IDX
from spacy.tokens import Doc, Token

from workbench.nlp.marks import QuoteMatch

SPEECH = frozenset(
    """say tell add state announce claim stress insist argue explain note warn write tweet post report reply
    respond ask answer confirm deny admit acknowledge concede reveal declare assert allege contend maintain
    mention remark comment emphasize emphasise recall suggest predict promise vow pledge urge testify complain
    boast joke quip conclude agree disagree propose recommend estimate caution counter observe repeat
    reiterate speculate wonder question demand threaten hint lament shout chant cite describe indicate signal
    show find tout brag attack advise inform assure remind charge dismiss blast slam criticize criticise
    accuse point call continue""".split()
)
BELIEF = frozenset("think believe feel know expect hope fear worry doubt assume suspect reckon".split())
INTENT = frozenset("want plan intend refuse decline vow pledge promise threaten expect hope seek aim".split())
# Verbs whose object is what is attributed ("called for a curfew", "cited the report", "backs the plan").
OBJECT = frozenset(
    """call cite attack support back endorse criticize criticise blast slam condemn describe discuss propose
    demand defend oppose mention note point urge praise reject deny accuse question echo promise pledge offer
    announce unveil warn dismiss welcome applaud decry denounce blame recommend advocate favor favour suggest
    predict vow threaten acknowledge concede tout tell ask write address dispute refer liken compare embrace
    highlight challenge recognize recognise insist argue""".split()
)
REPORTING = SPEECH | BELIEF | INTENT | OBJECT
# Verbs that only report with a following direct quote or complement, never alone.
_NEEDS_COMPLEMENT = frozenset({"continue", "point", "call", "show", "find", "add"})
_SENT_END = {".", "!", "?"}
_EDGE_PUNCT = " \t\n,;:.-—–"
_WORDS = re.compile(r"\w+")


@dataclass(slots=True)
class Attribution:
    """One quote with its pieces (character spans), cue span and speaker token (if any)."""

    pieces: list[tuple[int, int]]
    kind: str  # direct | indirect | mixed | partial
    cue: tuple[int, int] | None = None
    speaker: Token | None = None
    carried: bool = False  # speaker taken over from an earlier attribution
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def start(self) -> int:
        return self.pieces[0][0]

    @property
    def end(self) -> int:
        return self.pieces[-1][1]


def _trim(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s] in _EDGE_PUNCT:
        s += 1
    while e > s and text[e - 1] in _EDGE_PUNCT:
        e -= 1
    return s, e


def _lemma(t: Token) -> str:
    return t.lemma_.lower() if t.lemma_ else t.lower_


def _is_cue_verb(t: Token) -> bool:
    return t.pos_ in ("VERB", "AUX") and _lemma(t) in REPORTING or t.lower_ in ("according",)


class _Index:
    """Char -> token and paragraph lookups, built once per doc."""

    def __init__(self, doc: Doc, text: str, quotes: list[QuoteMatch]):
        self.doc = doc
        self.text = text  # Doc.text rebuilds the string on every access: read it once
        self.para_starts = [0] + [m.end() for m in re.finditer(r"\n+", text)]
        self.tok_starts = doc.to_array(IDX).tolist() if len(doc) else []
        self.quote_of = [-1] * len(doc)
        for qi, q in enumerate(quotes):
            a, b = self.tok_range(q.start, q.end)
            for i in range(a, b):
                self.quote_of[i] = qi

    def tok_at(self, char: int) -> int:
        return max(0, bisect.bisect_right(self.tok_starts, char) - 1)

    def tok_range(self, s: int, e: int) -> tuple[int, int]:
        return self.tok_at(s), self.tok_at(max(s, e - 1)) + 1

    def para(self, char: int) -> int:
        return bisect.bisect_right(self.para_starts, char) - 1


def subject_of(v: Token, inside_quote: Callable[[Token], bool] | None = None) -> Token | None:
    """The speaker of a reporting verb: its subject, its governing verb's, or an inverted one.

    Subjects inside a quote are skipped: in '“…One of the brightest,” Cummings said'
    the parser may give "said" two subjects.
    """

    def ok(c: Token) -> bool:
        return inside_quote is None or not inside_quote(c)

    seen = 0
    t: Token | None = v
    while t is not None and seen < 4:
        for c in t.children:
            if (c.dep_ == "nsubj" or (c.dep_ == "nsubjpass" and t is v)) and ok(c):
                if c.lower_ in ("who", "which", "that") and t.dep_ == "relcl":
                    return t.head  # "an architect who said…"
                return c
        if t.dep_ == "acl" and t.head.pos_ in ("PROPN", "NOUN", "PRON") and ok(t.head):
            return t.head  # "footage of Clinton asking, “…”"
        if t.dep_ in ("conj", "xcomp", "advcl") and t.head is not t:
            t = t.head
            seen += 1
            continue
        break
    # "said Caddell" parsed without a subject: the first name or pronoun after the verb.
    for c in v.doc[v.i + 1 : min(len(v.doc), v.i + 4)]:
        if (c.ent_type_ in ("PERSON", "ORG", "GPE", "NORP") or c.lower_ in ("he", "she", "they")) and ok(c):
            return c
        if c.is_punct:
            break
    return None


def _cue_span(v: Token) -> tuple[int, int]:
    if not v.doc.has_annotation("DEP"):
        # no parse (blank pipeline): spaCy's Token.children/.rights then read past the doc and crash
        return v.idx, v.idx + len(v)
    if v.lower_ == "according":
        to = next((c for c in v.children if c.lower_ == "to"), None)
        return v.idx, (to.idx + len(to)) if to is not None else v.idx + len(v)
    end = v.idx + len(v)
    for c in v.children:
        if c.dep_ == "prt" and c.i == v.i + 1:
            end = c.idx + len(c)
    # the cue keeps its auxiliaries, negation and the adverbs between them ("has repeatedly
    # denied", "did not say", "also said"): the guideline's CUE, and the gold's
    i = v.i
    while i > 0 and (t := v.doc[i - 1]).head.i == v.i and t.dep_ in _CUE_LEFT and not t.is_punct:
        i -= 1
    return v.doc[i].idx, end


_CUE_LEFT = frozenset(("aux", "auxpass", "neg", "advmod"))


def _speaker_of_cue(v: Token, ix: _Index | None = None) -> Token | None:
    if v.lower_ == "according":
        to = next((c for c in v.children if c.lower_ == "to"), None)
        if to is not None:
            return next((c for c in to.children if c.dep_ == "pobj"), None)
        return None
    return subject_of(v, (lambda t: ix.quote_of[t.i] != -1) if ix is not None else None)
