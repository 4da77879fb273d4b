"""Edit effort: how many edits turn a pre-annotation into the gold, counted the way an annotator works.

A score (P/R/F1) says how close a pre-annotation is; a lead deciding whether a
model saves annotators time wants the number of corrections instead. One
article's pre-annotation is aligned to its gold, and each difference is one
edit of the workbench:

- a gold span with no predicted counterpart: **span added**;
- a predicted span with no gold counterpart: **span removed** (its relations
  go with it, as :class:`workbench.core.edits.RemoveSpan` removes them, so they
  cost nothing more);
- a predicted span aligned to a gold span with other bounds: **span resized**
  (one edit, not a removal and an addition), with another label: **span
  relabelled** (both differences: two edits);
- a gold relation whose ends are not linked so in the prediction: **relation
  added**; a predicted relation between two kept spans that the gold lacks:
  **relation removed**.

Alignment is the one ``eval`` scores quotes with: a predicted span stands for
a gold span when it covers at least ``MIN_COVER`` (30 %) of the gold span's
non-space characters, one to one, best coverage first; exact matches first,
then spans of the same label, then spans of another label (a relabel). Attribute
values (sentiment, quote kind) are not counted.

Only what the gold annotates is charged: spans whose label the gold corpus
uses, or which take part in a relation whose label the gold corpus uses (a
PERSON entity that is a quote's speaker), and relations whose label the gold
corpus uses. So a gold of quotes without entity spans does not charge a model
for every entity it finds. The label sets belong to the corpus, not the
article (an article with no quote in its gold still has its predicted quotes
removed): the caller passes them (:func:`gold_labels`).

Pure Python over :class:`workbench.core.record.Record`: the evaluation
(``workbench eval --effort``) and anything else can count with it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, fields

from workbench.core.record import Record, Span

MIN_COVER = 0.3  # the lenient threshold of the quote scoring (workbench.nlp.evaluate.THRESHOLDS)


@dataclass(slots=True)
class EditCounts:
    """Edits by kind, for one article or summed over many."""

    spans_added: int = 0
    spans_removed: int = 0
    spans_resized: int = 0
    spans_relabelled: int = 0
    relations_added: int = 0
    relations_removed: int = 0

    @property
    def total(self) -> int:
        return sum(getattr(self, f.name) for f in fields(self))

    def add(self, other: EditCounts) -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))

    def to_dict(self) -> dict[str, int]:
        d = asdict(self)
        d["total"] = self.total
        return d


@dataclass(frozen=True, slots=True)
class GoldLabels:
    """The span and relation labels a gold corpus annotates: what an edit count may charge."""

    spans: frozenset[str]
    relations: frozenset[str]


def gold_labels(records: Iterable[Record]) -> GoldLabels:
    spans: set[str] = set()
    relations: set[str] = set()
    for rec in records:
        spans.update(s.label for s in rec.spans.values())
        relations.update(r.label for r in rec.relations.values())
    return GoldLabels(frozenset(spans), frozenset(relations))


def _charged(rec: Record, labels: GoldLabels | None) -> tuple[list[Span], list[tuple[str, str, str]]]:
    """The spans and relations (head, child, label) of ``rec`` that the gold's labels make count."""
    if labels is None:
        rels = [(r.head, r.child, r.label) for r in rec.relations.values()]
        return list(rec.spans.values()), rels
    rels = [
        (r.head, r.child, r.label)
        for r in rec.relations.values()
        if r.label in labels.relations and r.head in rec.spans and r.child in rec.spans
    ]
    ends = {h for h, _, _ in rels} | {c for _, c, _ in rels}
    spans = [s for s in rec.spans.values() if s.label in labels.spans or s.id in ends]
    return spans, rels


def _chars(text: str, s: Span) -> set[int]:
    return {i for i in range(s.start, min(s.end, len(text))) if not text[i].isspace()}


def align_spans(gold: Record, pred: Record, g_spans: list[Span], p_spans: list[Span]) -> dict[str, str]:
    """Predicted span id -> gold span id, one to one (see the module docstring for the order)."""
    pairs: dict[str, str] = {}
    used_g: set[str] = set()
    exact = {(s.start, s.end, s.label): s.id for s in g_spans}
    rest_p: list[Span] = []
    for p in p_spans:
        gid = exact.get((p.start, p.end, p.label))
        if gid is not None and gid not in used_g:
            pairs[p.id] = gid
            used_g.add(gid)
        else:
            rest_p.append(p)
    rest_g = [g for g in g_spans if g.id not in used_g]
    g_chars = {g.id: _chars(gold.text, g) for g in rest_g}
    cands: list[tuple[int, float, str, str]] = []  # (other label?, -coverage, pred, gold)
    for p in rest_p:
        pc = _chars(pred.text, p)
        for g in rest_g:
            if not (p.start < g.end and g.start < p.end) or not g_chars[g.id]:
                continue
            cover = len(pc & g_chars[g.id]) / len(g_chars[g.id])
            if cover >= MIN_COVER:
                cands.append((int(p.label != g.label), -cover, p.id, g.id))
    cands.sort()
    for _, _, pid, gid in cands:
        if pid in pairs or gid in used_g:
            continue
        pairs[pid] = gid
        used_g.add(gid)
    return pairs


def edit_counts(
    gold: Record, pred: Record, labels: GoldLabels | None = None, by_label: Counter[str] | None = None
) -> EditCounts:
    """The edits that turn ``pred`` into ``gold`` (same article text), by kind.

    ``by_label`` (if given) also counts them by kind and label (``"spans_added CUE"``): the
    gold's label for an edited span, the predicted one for a removed span, the relation's
    label for relations. That is what says where the effort goes (decision 0023)."""
    tally: Counter[str] = by_label if by_label is not None else Counter()
    g_spans, g_rels = _charged(gold, labels)
    p_spans, p_rels = _charged(pred, labels)
    pairs = align_spans(gold, pred, g_spans, p_spans)
    n = EditCounts()
    for p in p_spans:
        gid = pairs.get(p.id)
        if gid is None:
            n.spans_removed += 1
            tally["spans_removed " + p.label] += 1
            continue
        g = gold.spans[gid]
        if (p.start, p.end) != (g.start, g.end):
            n.spans_resized += 1
            tally["spans_resized " + g.label] += 1
        if p.label != g.label:
            n.spans_relabelled += 1
            tally["spans_relabelled " + g.label] += 1
    n.spans_added = len(g_spans) - len(pairs)
    matched = set(pairs.values())
    for g in g_spans:
        if g.id not in matched:
            tally["spans_added " + g.label] += 1
    gold_rels = set(g_rels)
    kept: set[tuple[str, str, str]] = set()
    for h, c, lab in p_rels:
        if h not in pairs or c not in pairs:
            continue  # removed with its span
        mapped = (pairs[h], pairs[c], lab)
        if mapped in gold_rels and mapped not in kept:
            kept.add(mapped)
        else:
            n.relations_removed += 1
            tally["relations_removed " + lab] += 1
    n.relations_added = len(gold_rels) - len(kept)
    for _, _, lab in gold_rels - kept:
        tally["relations_added " + lab] += 1
    return n


@dataclass(slots=True)
class EffortReport:
    """Edit counts summed over articles, the mean per article, and the sums by kind and label."""

    articles: int = 0
    total: EditCounts | None = None
    by_label: Counter[str] = field(default_factory=Counter)

    def add(self, counts: EditCounts) -> None:
        if self.total is None:
            self.total = EditCounts()
        self.total.add(counts)
        self.articles += 1

    def to_dict(self) -> dict[str, object]:
        total = (self.total or EditCounts()).to_dict()
        n = self.articles
        return {
            "articles": n,
            "total": total,
            "per_article": {k: round(v / n, 3) if n else 0.0 for k, v in total.items()},
            "by_label": dict(sorted(self.by_label.items())),
        }


def effort(pairs: Iterable[tuple[Record, Record]], labels: GoldLabels | None = None) -> EffortReport:
    """Edit counts over (gold, prediction) pairs of one article each."""
    report = EffortReport()
    for gold, pred in pairs:
        report.add(edit_counts(gold, pred, labels, report.by_label))
    return report
