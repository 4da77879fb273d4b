"""From attributions to spans and relations: QUOTE, CUE, speaker, MENTION → entity.

A speaker is linked where a reader points at it: the named entity when the
subject of the reporting verb is one ("Putin said"), otherwise a MENTION span
over the pronoun or role noun phrase ("he", "The President", "the
spokesperson", "it"). A mention is tied to the named entity it stands for with
REFERS_TO when the article names one of a compatible kind before it (a person
for "he"/"the President", an organisation or country for "it"/"the ministry"),
preferring the most recent earlier speaker, then the most recent entity; else
it stays with ``attrs.reference = "unresolved"``. Both are kept: the mention is
what the annotator checks, the entity is what a who-said-what corpus needs.
"""

from __future__ import annotations

import bisect
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from spacy.tokens import Doc, Token

from workbench.nlp.cues import Attribution

PERSON_PRONOUNS = frozenset("he she him her his i".split())
ORG_PRONOUNS = frozenset("it its".split())
PLURAL_PRONOUNS = frozenset("they them we".split())
PERSON_ROLES = frozenset(
    """president spokesperson spokesman spokeswoman minister leader chancellor secretary senator governor
    candidate nominee director chief ceo chairman chairwoman chair mayor king queen premier general ambassador
    adviser advisor aide lawyer attorney judge professor economist analyst founder head commander despot
    dictator manager executive author congressman congresswoman representative lawmaker nominee pollster
    strategist official host anchor reporter prosecutor sheriff officer ruler monarch pope prince""".split()
)
ORG_ROLES = frozenset(
    """ministry government department agency company firm party campaign committee council court parliament
    administration group organization organisation institute report statement resolution study poll survey
    union bank military army police office kremlin white house commission network newspaper paper board
    foundation center centre think tank""".split()
)
SPEAKER_LABELS = ("PERSON", "ORG", "GPE", "NORP")
ORGISH = ("ORG", "GPE", "NORP")
_NP_LEFT = frozenset("det amod compound poss case nummod nmod quantmod advmod".split())


@dataclass(frozen=True, slots=True)
class EntityRef:
    """An entity span already in the record (its id), by character range and label."""

    id: str
    start: int
    end: int
    label: str


AddSpan = Callable[[int, int, str, dict[str, str]], str | None]
AddRelation = Callable[[str, str, str], None]


def _edge(ch: str) -> bool:
    """Space or punctuation at a mention's edge."""
    return ch.isspace() or unicodedata.category(ch)[0] == "P"


def _np_extent(h: Token) -> tuple[int, int]:
    """The noun phrase a speaker head stands in: left modifiers, the head, an 'of/for' phrase after it."""
    if not h.doc.has_annotation("DEP"):
        return h.idx, h.idx + len(h)  # no parse: Token.lefts/.rights would read past the doc
    left = h
    for c in h.lefts:
        if c.dep_ in _NP_LEFT:
            left = c.left_edge if c.left_edge.i < left.i else left
            break
    right = h
    if h.pos_ in ("NOUN", "PROPN"):
        for c in h.rights:
            if c.dep_ == "prep" and c.lower_ in ("of", "for", "at") and c.i == right.i + 1:
                right = c.right_edge
                break
    doc = h.doc
    i = left.i
    while i < h.i and (doc[i].is_punct or doc[i].is_space):
        i += 1  # '― Christina Lastra': the dash is not part of the name
    return doc[i].idx, right.idx + len(right)


def mention_kind(h: Token) -> tuple[str, ...] | None:
    """Entity labels a pronoun or role noun may stand for; None for anything else."""
    low = h.lower_
    if low in PERSON_PRONOUNS or (h.lemma_.lower() in PERSON_ROLES):
        return ("PERSON",)
    if low in ORG_PRONOUNS or h.lemma_.lower() in ORG_ROLES:
        return ("ORG", "GPE")
    return None


class SpeakerLinker:
    """Turns one doc's attributions into spans and relations through the given callbacks."""

    def __init__(
        self,
        doc: Doc,
        entities: list[EntityRef],
        add_span: AddSpan,
        add_relation: AddRelation,
        resolve: bool = True,
        named_as_mentions: bool = False,
        sources: list[tuple[int, int]] | None = None,
    ):
        self.doc = doc
        self.entities = sorted(entities, key=lambda e: e.start)
        self._starts = [e.start for e in self.entities]
        self._maxlen = max((e.end - e.start for e in self.entities), default=0)
        self.add_span = add_span
        self.add_relation = add_relation
        self.resolve = resolve
        # A gold that marks every speaker as a MENTION over the source phrase (PolNeAR does) gets its
        # speakers that way from a model trained on it; the named entity is then what it REFERS_TO.
        self.named_as_mentions = named_as_mentions
        self.sources = sorted(sources or [])
        self.speakers: list[EntityRef] = []  # resolved speakers so far, in text order
        self._speaker_cache: dict[int, str | None] = {}

    def _entity_at(self, start: int, end: int) -> EntityRef | None:
        lo = bisect.bisect_left(self._starts, start - self._maxlen)
        hi = bisect.bisect_right(self._starts, start)
        for e in self.entities[lo:hi]:
            if e.start <= start and end <= e.end and e.label in SPEAKER_LABELS:
                return e
        return None

    def _antecedent(self, before: int, labels: tuple[str, ...]) -> EntityRef | None:
        """Most recent earlier entity of a fitting kind that was a subject, else speaker, else any.

        Subjects are what pronouns usually continue ("McCaskill scolded him: “…” she said").
        """
        k = bisect.bisect_left(self._starts, before)
        earlier = [e for e in self.entities[max(0, k - 40) : k] if e.label in labels]
        for e in reversed(earlier[-12:]):
            if before - e.start > 1500:
                break
            if self._is_subject(e):
                return e
        for e in reversed(self.speakers[-50:]):
            if e.start < before and e.label in labels and before - e.start < 3000:
                return e
        if earlier:
            return earlier[-1]
        return next((e for e in reversed(self.entities[max(0, k - 400) : k]) if e.label in labels), None)

    def _is_subject(self, e: EntityRef) -> bool:
        span = self.doc.char_span(e.start, e.end, alignment_mode="expand")
        if span is None or not len(span):
            return False
        return span.root.dep_ in ("nsubj", "nsubjpass")

    def speaker_span(self, h: Token) -> str | None:
        """Span id for the speaker whose head token is ``h`` (cached: one span per speaker token)."""
        if h.i in self._speaker_cache:
            return self._speaker_cache[h.i]
        sid: str | None
        ent = self._entity_at(h.idx, h.idx + len(h))
        if ent is not None and not self.named_as_mentions:
            sid = ent.id
            self.speakers.append(ent)
        else:
            s, e = self._extent(h, ent)
            kinds = mention_kind(h) if self.resolve and ent is None else None
            target = ent if ent is not None else self._antecedent(s, kinds) if kinds else None
            attrs = {"reference": "resolved" if target else "unresolved"}
            sid = self.add_span(s, e, "MENTION", attrs)
            if sid is not None and target is not None:
                self.add_relation(sid, target.id, "REFERS_TO")
                self.speakers.append(target)
        self._speaker_cache[h.i] = sid
        return sid

    def _extent(self, h: Token, ent: EntityRef | None) -> tuple[int, int]:
        """The mention's characters: the model's predicted source around the head, else the
        pronoun, else the noun phrase (never narrower than the entity it names)."""
        at = h.idx
        text = self.doc.text
        for s, e in self.sources:
            if s <= at < e:
                while s < at and _edge(text[s]):
                    s += 1  # "— Jacklyn Ashley": the dash that introduces a name is not part of it
                while e > at + 1 and _edge(text[e - 1]):
                    e -= 1
                return s, e
        if h.pos_ == "PRON":
            return at, at + len(h)
        s, e = _np_extent(h)
        return (min(s, ent.start), max(e, ent.end)) if ent is not None else (s, e)

    def link(self, atts: list[Attribution], settings_partial: str = "partial") -> None:
        cue_ids: dict[tuple[int, int], str | None] = {}
        for att in atts:
            if att.kind == "partial" and settings_partial == "omit":
                continue
            quote_ids = [self.add_span(s, e, "QUOTE", {"quote_kind": att.kind}) for s, e in att.pieces]
            if not all(quote_ids):
                continue
            if att.kind == "partial":
                continue
            spk = self.speaker_span(att.speaker) if att.speaker is not None else None
            cue = None
            if att.cue is not None:
                if att.cue not in cue_ids:
                    cue_ids[att.cue] = self.add_span(att.cue[0], att.cue[1], "CUE", {})
                cue = cue_ids[att.cue]
            for q in quote_ids:
                assert q is not None
                if spk is not None:
                    self.add_relation(q, spk, "SPEAKER")
                if cue is not None:
                    self.add_relation(q, cue, "CUE")
