"""Training the base pipeline's ``ner`` on the entity spans of the gold (decision 0025).

The attribution tagger (:mod:`workbench.nlp.training`) learns quotes, cues and
sources; this module decides whether the gold also teaches *entities*, and builds
what the base ``ner`` learns from. Both read their gold from
``Example.reference.ents``, so each gets its own :class:`~spacy.training.Example`
objects and its own ``nlp.update`` call: the attribution labels (CONTENT, CUE,
SOURCE) never reach the base ``ner``, and the entity labels never reach ``attr_ner``.

Which articles teach entities: those with at least one span of an entity label
of the schema that is not only a speaker (the child of a SPEAKER relation). An
annotator who checks an article corrects its pre-annotated entities, so such an
article's entities are complete: every token outside them is "not an entity".
Articles without (a PolNeAR import marks sources as MENTION and no entities, and
other imports mark speakers alone) are left out of entity training rather than
taught that they hold no entity. Below :data:`MIN_ENTITY_ARTICLES` such articles
the base ``ner`` stays frozen, byte for byte.

What keeps the ``ner`` from forgetting what it knew:

- tokens the base ``ner`` labels with a label the gold does not use (DATE, MONEY …,
  which the schema maps to nothing, or an entity label no gold article has) keep
  that label in the reference, unless a gold entity covers them: the gold says
  nothing about them, so they are not taught away;
- its own optimizer (:data:`NER_LEARN_RATE`; lower rates were measured and lost
  gold F1 without keeping more of what the base knew);
- the best epoch on dev entity F1 is kept, and the base ``ner`` itself (its
  figure before training) competes: a trained ``ner`` that does not beat it on dev
  is not kept.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc
from spacy.training import Example
from spacy.util import filter_spans

from workbench.core.record import Record
from workbench.core.schema import AnnotationSchema

BASE_NER = "ner"
MIN_ENTITY_ARTICLES = 10
# Adam's rate for the base ner, its own optimizer. Measured on CoNLL++ (decision 0025): 0.0002 and
# 0.0005 gained less on held-out gold (0.754, 0.800 against 0.821 for 125 articles; 0.704 against
# 0.744 for 19) and dropped as many of the base's entities on other news text as 0.001 does.
NER_LEARN_RATE = 0.001
# Rehearsal (the base ner's own predictions taught on articles without entity gold) measured on
# CoNLL++ + PolNeAR: it did not keep more of the base's entities (46 dropped against 27), it only
# held back the boundaries the gold asks for ("United States", not "the United States"), and cost
# 0.011 entity F1 on held-out gold. So those articles are left out of entity training.
REHEARSE = False
_EDGE = " \t\n\r\xa0,;:"


def trim_edges(text: str, start: int, end: int) -> tuple[int, int]:
    """A gold span without the spaces and punctuation at its edges: spaCy refuses entity spans that
    start or end in whitespace (E024); the attribution spans are trimmed the same way."""
    while start < end and text[start] in _EDGE:
        start += 1
    while end > start and text[end - 1] in _EDGE:
        end -= 1
    return start, end


def entity_labels(schema: AnnotationSchema) -> list[str]:
    return schema.labels_of_kind("entity")


def carries_entities(rec: Record, labels: Sequence[str]) -> bool:
    """Does this gold article mark entities (not only speakers that happen to be entity spans)?"""
    speakers = {r.child for r in rec.relations.values() if r.label == "SPEAKER"}
    return any(s.label in labels and s.id not in speakers for s in rec.spans.values())


@dataclass
class EntityPlan:
    """What the base ``ner`` learns: which schema labels, under which ``ner`` label, from how much gold."""

    labels: list[str]  # schema entity labels found in the gold, in schema order
    to_ner: dict[str, str]  # schema label -> the ner's label for it
    new: list[str]  # ner labels the base lacked, added before training
    articles: int  # training articles that carry entities
    rehearsed: int = 0  # articles without entity gold taught the base ner's own predictions
    base: dict[str, Doc] = field(default_factory=dict, repr=False)  # the base ner's docs, by record id

    def to_meta(self) -> dict[str, Any]:
        return {
            "labels": self.labels,
            "ner_labels": self.to_ner,
            "new_labels": self.new,
            "articles": self.articles,
            "rehearsed": self.rehearsed,
            "learn_rate": NER_LEARN_RATE,
        }


def ner_label(
    schema: AnnotationSchema, label: str, ner_labels: Sequence[str], seen: Counter[str] | None = None
) -> str:
    """The base ``ner``'s label for a schema label: of those pre-annotation maps to it (``model_labels``),
    the one the base predicts most often on the gold's spans of that label (``seen``), the same
    name on a tie; ``label`` itself (a new label) when none maps to it.

    CoNLL's LOC is mostly what the base calls GPE, its MISC mostly NORP: starting from
    the label the base already uses there leaves less to learn than a new one would.
    """
    cands = [m for m in ner_labels if schema.map_model_label(m) == label]
    if not cands:
        return label
    seen = seen or Counter()
    return max(cands, key=lambda m: (seen[m], m == label))


def plan_entities(nlp: Language, records: Sequence[Record], schema: AnnotationSchema) -> EntityPlan | None:
    """The plan when enough training articles carry entities and the pipeline has a ``ner``, else None."""
    labels = entity_labels(schema)
    if BASE_NER not in nlp.pipe_names or not labels:
        return None
    with_ents = [r for r in records if carries_entities(r, labels)]
    if len(with_ents) < MIN_ENTITY_ARTICLES:
        return None
    ner = nlp.get_pipe(BASE_NER)
    seen: dict[str, Counter[str]] = {lab: Counter() for lab in labels}
    base = dict(zip((r.id for r in with_ents), _base_docs(nlp, with_ents), strict=True))
    for rec in with_ents:
        found = {(e.start, e.end): e.label_ for e in base[rec.id].ents}
        for sp in _gold_ents(base[rec.id], rec, labels):
            if (sp.start, sp.end) in found:
                seen[sp.label_][found[(sp.start, sp.end)]] += 1
    used = [lab for lab in labels if any(s.label == lab for r in with_ents for s in r.spans.values())]
    ner_labels = list(ner.labels)
    to_ner = {lab: ner_label(schema, lab, ner_labels, seen[lab]) for lab in used}
    new = sorted({v for v in to_ner.values() if v not in ner_labels})
    rehearsed = len(records) - len(with_ents) if REHEARSE else 0
    plan = EntityPlan(used, to_ner, new, len(with_ents), rehearsed)
    plan.base = base
    return plan


def _base_docs(nlp: Language, records: Sequence[Record]) -> list[Doc]:
    """The base ``ner``'s entities on the records' texts (it has its own tok2vec: nothing else runs)."""
    ner = nlp.get_pipe(BASE_NER)
    return list(ner.pipe((nlp.make_doc(r.text) for r in records), batch_size=32))


def _gold_ents(
    doc: Doc, rec: Record, labels: Sequence[str], to_ner: dict[str, str] | None = None
) -> list[Any]:
    """The record's entity spans as token spans of ``doc`` (edges trimmed, widened to tokens), labelled
    with the ``ner``'s label (``to_ner``) or the schema's."""
    out = []
    for s in rec.spans.values():
        if s.label not in labels:
            continue
        lab = to_ner.get(s.label, s.label) if to_ner else s.label
        a, b = trim_edges(rec.text, s.start, s.end)
        sp = doc.char_span(a, b, label=lab, alignment_mode="expand") if a < b else None
        if sp is not None and len(sp):
            out.append(sp)
    return filter_spans(out)  # nested entity spans: the longest is what a flat ner can learn


def entity_examples(
    nlp: Language, records: Sequence[Record], plan: EntityPlan, schema: AnnotationSchema
) -> list[Example | None]:
    """One ``Example`` per record for the base ``ner`` (None for a record it does not learn from).

    The reference holds the gold entities (as the ``ner``'s labels) and, where no gold
    entity lies, what the base ``ner`` finds with labels the gold does not use; every
    other token is "outside". Must run before the ``ner`` is trained (it asks the base).
    """
    labels = entity_labels(schema)
    want = [carries_entities(r, labels) or REHEARSE for r in records]
    todo = [r for r, w in zip(records, want, strict=True) if w and r.id not in plan.base]
    plan.base.update(zip((r.id for r in todo), _base_docs(nlp, todo), strict=True))
    out: list[Example | None] = []
    for rec, w in zip(records, want, strict=True):
        if not w:
            out.append(None)
            continue
        base = plan.base[rec.id]
        ref = nlp.make_doc(rec.text)
        if carries_entities(rec, labels):
            ents = _gold_ents(ref, rec, plan.labels, plan.to_ner)
            taken = {i for sp in ents for i in range(sp.start, sp.end)}
            ents += [
                ref.char_span(e.start_char, e.end_char, label=e.label_)
                for e in base.ents
                if schema.map_model_label(e.label_) not in plan.labels
                and not taken & set(range(e.start, e.end))
            ]
        else:  # rehearsal: the base ner's own predictions
            ents = [ref.char_span(e.start_char, e.end_char, label=e.label_) for e in base.ents]
        ref.set_ents(filter_spans([e for e in ents if e is not None]), default="outside")
        out.append(Example(nlp.make_doc(rec.text), ref))
    return out


def add_labels(nlp: Language, plan: EntityPlan) -> None:
    ner = nlp.get_pipe(BASE_NER)
    for lab in plan.new:
        ner.add_label(lab)
