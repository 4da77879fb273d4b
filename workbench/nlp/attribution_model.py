"""The trained attribution model at run time: its spaCy components and how its output meets the rules.

A trained pipeline (``workbench train``, :mod:`workbench.nlp.training`) is the base
pipeline plus three components placed before the base ``ner``:

- ``attr_tok2vec``: a copy of the base pipeline's ``tok2vec`` (sourced, then trained
  further), so the attribution tagger starts from features that already know English;
- ``attr_ner``: spaCy's transition-based ``ner`` over CONTENT, CUE and SOURCE;
- ``attr_stash`` (registered here): moves those spans from ``doc.ents`` to
  ``doc.spans[ATTR_KEY]`` and leaves the entity slots *missing*, so the base ``ner``
  after it finds people and places as if nothing had run before it.

:func:`combine` then decides, per article, what becomes a quote (decision 0021):
the rules keep what they are best at (direct quotes found from quote marks, with
their cues and speakers); model contents add the reported speech the rules miss,
and each gets its cue and speaker by a linking step over the parse: the predicted
cue that governs the content (else the verb it hangs from, else the nearest cue in
its sentence), and as speaker the one the rules give that cue
(:func:`workbench.nlp.reported.cue_speaker`), the predicted sources only where the
parse gives none. The rules' own speakers give way to a predicted source where the
model predicted none over them. Which of the rules' own reported-speech finds
survive is a policy measured on dev at training time and stored in the model's
``meta.json`` (``workbench.combine``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from workbench.core.quote_marks import ALL_MARKS, CLOSING_MARKS, OPENING_MARKS
from workbench.core.record import Record
from workbench.nlp.cues import SPEECH, Attribution
from workbench.nlp.reported import _subject_up, cue_speaker

ATTR_KEY = "workbench_attribution"
LABELS = ("CONTENT", "CUE", "SOURCE")
TOK2VEC, NER, STASH = "attr_tok2vec", "attr_ner", "attr_stash"
COMPONENTS = (TOK2VEC, NER, STASH)
STASH_FACTORY = "workbench_attribution_stash"
# What happens to the rules' reported speech: kept all, kept where the model found content or a cue
# there too ("supported"), kept where it found content there ("confirmed"), or left to the model.
# "speech": kept when its cue is a verb of saying, else only where the model supports it.
POLICIES = ("keep", "speech", "supported", "confirmed", "drop")
DEFAULT_POLICY = "confirmed"
_EDGE = " \t\n,;:"
COMPLEMENTS = ("ccomp", "xcomp")
_SAYS_SOMETHING = frozenset(("NOUN", "PROPN", "VERB", "ADJ", "AUX", "NUM"))


@Language.component(STASH_FACTORY)
def stash_attributions(doc: Doc) -> Doc:
    """Attribution spans go to ``doc.spans``; entity slots become *missing* (not "outside"),
    so the base ``ner`` that follows is not blocked from any token."""
    doc.spans[ATTR_KEY] = [e for e in doc.ents if e.label_ in LABELS]
    doc.set_ents([], default="missing")
    return doc


def has_attribution_model(nlp: Language) -> bool:
    """Does this pipeline carry the trained attribution components?"""
    return all(name in nlp.pipe_names for name in COMPONENTS)


def combine_policy(meta: dict[str, Any]) -> str:
    """The policy the model was measured best with (``meta.json``), else the default."""
    policy = str((meta.get("workbench") or {}).get("combine", {}).get("rule_reported", DEFAULT_POLICY))
    return policy if policy in POLICIES else DEFAULT_POLICY


_PRONOUNS = frozenset("i me we us you he him she her it they them this that who".split())


def speaker_convention(records: Iterable[Record]) -> str:
    """How the gold marks a named speaker: ``"mention"`` when most of its speakers that carry a
    name (a capitalised word that is not a pronoun) are MENTION spans, as PolNeAR's sources are;
    else ``"entity"``, our guideline's way (the named entity is the speaker, a MENTION only for
    "he", "the spokesperson"). A model then marks speakers the way its gold does: on PolNeAR dev,
    edits to reach the gold went from 81.8 to 68.1 per article (decision 0023)."""
    named = mentions = 0
    for rec in records:
        for rel in rec.relations.values():
            span = rec.spans.get(rel.child) if rel.label == "SPEAKER" else None
            if span is None:
                continue
            words = rec.text[span.start : span.end].split()
            if any(w[:1].isupper() and w.lower() not in _PRONOUNS for w in words):
                named += 1
                mentions += span.label == "MENTION"
    return "mention" if named and mentions > named / 2 else "entity"


def speakers_as_mentions(meta: dict[str, Any]) -> bool:
    """Did the model's gold mark named speakers as MENTION spans over the source phrase
    (``meta.json`` ``workbench.combine.speakers == "mention"``; see :func:`speaker_convention`)?"""
    return (meta.get("workbench") or {}).get("combine", {}).get("speakers") == "mention"


def source_ranges(doc: Doc) -> list[tuple[int, int]]:
    """The characters of the model's predicted sources."""
    spans = doc.spans[ATTR_KEY] if ATTR_KEY in doc.spans else []
    return [(s.start_char, s.end_char) for s in spans if s.label_ == "SOURCE"]


@dataclass(slots=True)
class Found:
    """One attribution for the linker, and whether the model (not the rules) proposed it."""

    att: Attribution
    from_model: bool


def content_kind(text: str) -> str:
    """``direct`` when wrapped in quote marks, ``mixed`` with marks inside, else ``indirect``."""
    s = text.strip().strip(".,;:—–-([ )")
    if not s:
        return "indirect"
    if s[0] in OPENING_MARKS and s[-1] in CLOSING_MARKS:
        return "direct"
    return "mixed" if any(c in ALL_MARKS and c != "'" and c != "’" for c in s) else "indirect"


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def _chars(att: Attribution) -> int:
    return sum(e - s for s, e in att.pieces)


def combine(doc: Doc, rule_atts: list[Attribution], policy: str = DEFAULT_POLICY) -> list[Found]:
    """The rules' attributions and the model's, merged (see the module docstring), in text order."""
    spans = list(doc.spans[ATTR_KEY]) if ATTR_KEY in doc.spans else []
    contents = [s for s in spans if s.label_ == "CONTENT"]
    cues = [s for s in spans if s.label_ == "CUE"]
    sources = [s for s in spans if s.label_ == "SOURCE"]
    ranges = [(s.start_char, s.end_char) for s in contents]
    kept: list[Found] = []
    for att in rule_atts:
        if att.kind in ("direct", "partial") or policy == "keep":
            kept.append(Found(att, False))
            continue
        if policy == "drop":
            continue
        covered = sum(_overlap(p, r) for p in att.pieces for r in ranges)
        cued = att.cue is not None and any(_overlap(att.cue, (c.start_char, c.end_char)) for c in cues)
        if covered >= 0.5 * _chars(att) or (policy in ("supported", "speech") and cued):
            kept.append(Found(att, False))
        elif policy == "speech" and att.cue is not None and _says(doc, att.cue):
            kept.append(Found(att, False))
    # The rules' speaker stands when the model predicted a source over it; when it did not (or the
    # parse gave none), the predicted source nearest the cue in its sentences is the speaker: speaker
    # accuracy, all finds, dev 0.878 -> 0.882, a 200-article train subset 0.865 -> 0.887 (decision 0021).
    for f in kept:
        spk = f.att.speaker
        if f.att.kind == "partial" or (spk is not None and any(x.start <= spk.i < x.end for x in sources)):
            continue
        f.att.speaker = _source_for(doc, f.att, sources) or spk
    taken = [p for f in kept for p in f.att.pieces]
    direct = [f.att for f in kept if f.att.kind == "direct"]
    # A content whose cue introduces one of the rules' direct quotes is that quote's continuation or
    # paraphrase: the gold marks it as an attribution of its own, by the same speaker, so it is kept
    # without the cue (sharing the cue would make the quote one "mixed" unit with it).
    for c in contents:
        rng = (c.start_char, c.end_char)
        if any(_overlap(rng, p) for p in taken):
            continue
        if not any(t.pos_ in _SAYS_SOMETHING for t in c):
            continue  # "which", "it", "that": a pronoun says nothing (a single noun may: "slavery")
        cue = _cue_for(c, cues)
        quote = None
        if cue is not None:
            rng_cue = (cue.start_char, cue.end_char)
            quote = next((a for a in direct if a.cue is not None and _overlap(rng_cue, a.cue)), None)
        att = Attribution([_trim(doc.text, rng)], content_kind(c.text))
        if quote is not None:
            att.speaker = quote.speaker
        else:
            att.cue = (cue.start_char, cue.end_char) if cue is not None else None
            att.speaker = _speaker_for(c, cue, sources)
        att.meta["model"] = True
        kept.append(Found(att, True))
        taken.append(att.pieces[0])
    used_cues = {f.att.cue for f in kept if f.att.cue is not None}
    for cue in cues:
        if (cue.start_char, cue.end_char) in used_cues:
            continue
        found = _from_cue(doc, cue, taken)
        if found is not None:
            kept.append(Found(found, True))
            taken.append(found.pieces[0])
    kept.sort(key=lambda f: f.att.start)
    return kept


def _source_for(doc: Doc, att: Attribution, sources: list[Span]) -> Token | None:
    """The predicted source nearest the cue of one of the rules' finds (else its content), in its
    sentences, outside its content."""
    c = doc.char_span(att.pieces[0][0], att.pieces[-1][1], alignment_mode="expand")
    if c is None or not len(c) or not sources:
        return None
    cue = doc.char_span(att.cue[0], att.cue[1], alignment_mode="expand") if att.cue is not None else None
    lo, hi = _sent_range(c)
    for anchor in (cue, c):
        if anchor is None or not len(anchor):
            continue
        near = _nearest(anchor, sources, lo, hi)
        if near is not None and not (near.start < c.end and c.start < near.end):
            return near.root
    return None


def _from_cue(doc: Doc, cue: Span, taken: list[tuple[int, int]]) -> Attribution | None:
    """A predicted cue the contents left alone: its clausal complement in the parse is the content."""
    v = cue.root
    comps = [c for c in v.children if c.dep_ in COMPLEMENTS and not (cue.start <= c.i < cue.end)]
    if not comps:
        return None
    comp = max(comps, key=lambda c: c.right_edge.i - c.left_edge.i)
    lo = comp.left_edge.i
    hi = comp.right_edge.i + 1
    # "said that …": the complementiser belongs to the content, as in the gold
    if lo > 0 and doc[lo - 1].dep_ == "mark" and doc[lo - 1].head.i == comp.i:
        lo -= 1
    if hi - lo < 3 or lo <= cue.start < hi:
        return None
    rng = _trim(doc.text, (doc[lo].idx, doc[hi - 1].idx + len(doc[hi - 1])))
    if rng[0] >= rng[1] or any(_overlap(rng, p) for p in taken):
        return None
    kind = content_kind(doc.text[rng[0] : rng[1]])
    if kind == "direct":  # quotes in marks are the rules' (they found it, or judged it a scare quote)
        return None
    att = Attribution([rng], kind, cue=(cue.start_char, cue.end_char))
    att.speaker = cue_speaker(v, lambda t: lo <= t.i < hi)
    att.meta["model"] = True
    return att


def _says(doc: Doc, cue: tuple[int, int]) -> bool:
    span = doc.char_span(cue[0], cue[1], alignment_mode="expand")
    return span is not None and len(span) > 0 and span.root.lemma_.lower() in SPEECH


def _trim(text: str, rng: tuple[int, int]) -> tuple[int, int]:
    s, e = rng
    while s < e and text[s] in _EDGE:
        s += 1
    while e > s and text[e - 1] in _EDGE:
        e -= 1
    return s, e


def _sent_range(c: Span) -> tuple[int, int]:
    """Token range of the sentences the content touches (one sentence either side when it fills them)."""
    first, last = c.doc[c.start].sent, c.doc[c.end - 1].sent
    lo, hi = first.start, last.end
    if c.start - lo <= 1 and hi - c.end <= 2:  # the content is its sentence: look at the neighbours too
        lo = c.doc[lo - 1].sent.start if lo > 0 else lo
        hi = c.doc[hi].sent.end if hi < len(c.doc) else hi
    return lo, hi


def _nearest(c: Span, cands: Iterable[Span], lo: int, hi: int) -> Span | None:
    best: tuple[int, Span] | None = None
    for s in cands:
        if s.start < lo or s.end > hi or (s.start < c.end and c.start < s.end):
            continue
        d = c.start - s.end if s.end <= c.start else s.start - c.end
        if best is None or d < best[0]:
            best = (d, s)
    return best[1] if best else None


def _cue_for(c: Span, cues: list[Span]) -> Span | None:
    """The predicted cue governing the content in the parse, else the nearest in its sentence(s)."""
    lo, hi = _sent_range(c)
    t: Token = c.root
    for _ in range(6):
        if t.head is t:
            break
        t = t.head
        if c.start <= t.i < c.end:
            continue
        for cue in cues:
            if cue.start <= t.i < cue.end:
                return cue
    head = c.root.head
    if (
        GOVERNING_FIRST
        and head is not c.root
        and not (c.start <= head.i < c.end)
        and head.pos_ in ("VERB", "AUX")
    ):
        return c.doc[head.i : head.i + 1]  # the verb the content hangs from: "Protesters demanded that …"
    near = _nearest(c, cues, lo, hi)
    if (
        near is None
        and head is not c.root
        and not (c.start <= head.i < c.end)
        and head.pos_ in ("VERB", "AUX")
    ):
        return c.doc[head.i : head.i + 1]
    return near


GOVERNING_FIRST = True


def _speaker_for(c: Span, cue: Span | None, sources: list[Span]) -> Token | None:
    """The speaker the rules would give the cue (its subject, "according to X", a noun's
    possessor, the subject up the parse), widened to the predicted source it falls in; the
    predicted sources only when the parse gives none."""
    lo, hi = _sent_range(c)

    def inside(t: Token) -> bool:
        return c.start <= t.i < c.end

    if cue is not None:
        subj = cue_speaker(cue.root, inside)
        if subj is not None and not inside(subj):
            for s in sources:
                if s.start <= subj.i < s.end:
                    return s.root
            return subj
    else:  # the content hangs from no cue: the subject up the parse from where it hangs
        head = c.root.head
        if head is not c.root and not inside(head):
            subj = _subject_up(head, inside)
            if subj is not None and not inside(subj):
                return subj
    if cue is not None:
        near = _nearest(cue, sources, lo, hi)
        if near is not None and not (near.start < c.end and c.start < near.end):
            return near.root
    near = _nearest(c, sources, lo, hi)
    if near is not None:
        return near.root
    for t in (cue.root if cue is not None else None, c.root):  # "his plans", "the senator's call for …"
        if t is not None:
            poss = next((k for k in t.children if k.dep_ == "poss"), None)
            if poss is not None and not (c.start <= poss.i < c.end):
                return poss
    if WIDE:
        first = c.doc[lo].sent
        plo = c.doc[first.start - 1].sent.start if first.start > 0 else lo
        near = _nearest(c, sources, plo, hi)
        return near.root if near is not None else None
    return None


WIDE = True
