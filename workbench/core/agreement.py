"""Inter-annotator agreement, accumulated one article at a time.

Everything here keeps only small sufficient statistics (counts per pair and
label, contingency tables, a coincidence matrix), so agreement over a corpus of
any size streams: :meth:`Agreement.add` takes the versions of one article and
forgets them. Items are compared as in :mod:`workbench.core.merge`: spans by
offsets and label, relations by the spans they connect, never by ids.

Coefficients follow their textbook definitions (Cohen 1960, Fleiss 1971,
Krippendorff 2011) and are checked in the tests against scikit-learn and the
``krippendorff`` package.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

from workbench.core.coefficients import (  # noqa: F401 - re-exported, tests and reports import them here
    Categorical,
    Pattern,
    alpha_from_coincidences,
    cohen_kappa,
    delta2,
)
from workbench.core.merge import value_token

NONE = "∅"  # "no span here" in the confusion matrix


# span matching -------------------------------------------------------------
@dataclass(slots=True)
class PRF:
    """Matches between a reference annotator (a) and a response annotator (b)."""

    tp: float = 0.0
    n_a: int = 0
    n_b: int = 0

    def add(self, other: PRF) -> None:
        self.tp += other.tp
        self.n_a += other.n_a
        self.n_b += other.n_b

    def scores(self) -> dict[str, float | None]:
        p = self.tp / self.n_b if self.n_b else None
        r = self.tp / self.n_a if self.n_a else None
        f = 2 * self.tp / (self.n_a + self.n_b) if self.n_a + self.n_b else None
        return {"precision": p, "recall": r, "f1": f, "matched": self.tp, "a": self.n_a, "b": self.n_b}


Triple = tuple[int, int, str]


def _triples(version: dict[str, Any]) -> set[Triple]:
    return {(s["start"], s["end"], s["label"]) for s in version.get("spans") or ()}


def _relations(version: dict[str, Any], symmetric: frozenset[str]) -> dict[str, set[tuple[Triple, Triple]]]:
    """type -> {(head span, child span)}, spans by offsets and label, symmetric types normalised."""
    by_id = {s["id"]: (s["start"], s["end"], s["label"]) for s in version.get("spans") or ()}
    out: dict[str, set[tuple[Triple, Triple]]] = {}
    for r in version.get("relations") or ():
        h, c = by_id.get(r["head"]), by_id.get(r["child"])
        if h is None or c is None:
            continue
        label = r["label"]
        if label in symmetric and c < h:
            h, c = c, h
        out.setdefault(label, set()).add((h, c))
    return out


def lenient_matches(a: set[Triple], b: set[Triple]) -> int:
    """One-to-one matches of overlapping same-label spans, exact matches first (GATE's lenient)."""
    exact = a & b
    rest_a = sorted(a - exact)
    rest_b = sorted(b - exact)
    used: set[Triple] = set()
    n = len(exact)
    for sa in rest_a:
        for sb in rest_b:
            if sb in used or sb[2] != sa[2]:
                continue
            if sb[0] < sa[1] and sa[0] < sb[1]:
                used.add(sb)
                n += 1
                break
    return n


# by label; offsets that carry one label -> it; offsets that carry several -> them, sorted
Prepared = tuple[dict[str, set[Triple]], dict[tuple[int, int], str], dict[tuple[int, int], list[str]]]


def prepare(triples: set[Triple]) -> Prepared:
    """Spans grouped by label and by offsets, computed once per annotator, not once per pair."""
    by_label: dict[str, set[Triple]] = {}
    for t in triples:
        group = by_label.get(t[2])
        if group is None:
            by_label[t[2]] = {t}
        else:
            group.add(t)
    single = {(s, e): lab for s, e, lab in triples}
    multi: dict[tuple[int, int], list[str]] = {}
    if len(single) < len(triples):  # some offsets carry several labels
        by_off: dict[tuple[int, int], list[str]] = {}
        for s, e, lab in triples:
            by_off.setdefault((s, e), []).append(lab)
        single = {off: labs[0] for off, labs in by_off.items() if len(labs) == 1}
        multi = {off: sorted(labs) for off, labs in by_off.items() if len(labs) > 1}
    return by_label, single, multi


@dataclass
class SpanSets:
    """Per-pair, per-label strict and lenient counts, plus the label confusion matrix."""

    strict: dict[tuple[str, str, str], PRF] = field(default_factory=dict)
    lenient: dict[tuple[str, str, str], PRF] = field(default_factory=dict)
    confusion: Counter[tuple[str, str]] = field(default_factory=Counter)

    def add(self, a: str, b: str, ta: set[Triple], tb: set[Triple]) -> tuple[PRF, PRF]:
        return self.add_prepared(a, b, prepare(ta), prepare(tb))

    def add_prepared(self, a: str, b: str, pa: Prepared, pb: Prepared) -> tuple[PRF, PRF]:
        """Counts for one pair; ``prepare`` each annotator's spans once per article, not per pair."""
        ga, sa, ma = pa
        gb, sb, mb = pb
        doc_s, doc_l = PRF(), PRF()
        empty: set[Triple] = set()
        strict, lenient = self.strict, self.lenient
        for lab in ga.keys() | gb.keys():
            la, lb = ga.get(lab, empty), gb.get(lab, empty)
            na, nb = len(la), len(lb)
            tp = len(la & lb)
            ltp = tp if tp == na or tp == nb else lenient_matches(la, lb)
            key = (a, b, lab)
            s = strict.get(key)
            if s is None:
                s = strict[key] = PRF()
                l_ = lenient[key] = PRF()
            else:
                l_ = lenient[key]
            s.tp += tp
            s.n_a += na
            s.n_b += nb
            l_.tp += ltp
            l_.n_a += na
            l_.n_b += nb
            doc_s.tp += tp
            doc_s.n_a += na
            doc_s.n_b += nb
            doc_l.tp += ltp
        doc_l.n_a, doc_l.n_b = doc_s.n_a, doc_s.n_b
        # Label confusion by offsets: one label each side (the common case) is one cell,
        # counted in bulk; offsets where either side has several labels pair them up.
        cells = [(x, sb.get(off, NONE)) for off, x in sa.items() if off not in mb]
        cells += [(NONE, y) for off, y in sb.items() if off not in sa and off not in ma]
        for off, la_ in ma.items():
            lb_ = mb.get(off) or ([sb[off]] if off in sb else None)
            cells += [(lab, NONE) for lab in la_] if lb_ is None else _pair_labels(la_, lb_)
        for off, lb_ in mb.items():
            if off not in ma:
                cells += [(NONE, lab) for lab in lb_] if off not in sa else _pair_labels([sa[off]], lb_)
        self.confusion.update(cells)
        return doc_s, doc_l

    def table(self, which: str, pairs: list[tuple[str, str]]) -> dict[str, Any]:
        src = self.strict if which == "strict" else self.lenient
        labels = sorted({lab for (_, _, lab) in src})
        per_label: dict[str, Any] = {}
        for lab in labels:
            pair_scores = {}
            micro = PRF()
            for a, b in pairs:
                prf = src.get((a, b, lab), PRF())
                micro.add(prf)
                pair_scores[f"{a}~{b}"] = prf.scores()
            fs = [s["f1"] for s in pair_scores.values() if s["f1"] is not None]
            per_label[lab] = {
                "pairs": pair_scores,
                "mean_f1": sum(fs) / len(fs) if fs else None,
                "micro": micro.scores(),
            }
        overall_pairs = {}
        for a, b in pairs:
            tot = PRF()
            for lab in labels:
                tot.add(src.get((a, b, lab), PRF()))
            overall_pairs[f"{a}~{b}"] = tot.scores()
        fs = [s["f1"] for s in overall_pairs.values() if s["f1"] is not None]
        return {"labels": per_label, "pairs": overall_pairs, "mean_f1": sum(fs) / len(fs) if fs else None}


def _pair_labels(la: list[str], lb: list[str]) -> list[tuple[str, str]]:
    """Confusion cells at offsets where a side has several labels: shared ones, then the rest in order."""
    both = set(la) & set(lb)
    cells = [(lab, lab) for lab in both]
    xa, xb = [x for x in la if x not in both], [x for x in lb if x not in both]
    for i in range(max(len(xa), len(xb))):
        cells.append((xa[i] if i < len(xa) else NONE, xb[i] if i < len(xb) else NONE))
    return cells


# token level ---------------------------------------------------------------
TOKEN = re.compile(r"\w+|[^\w\s]")


def token_units(text: str, pattern: re.Pattern[str] = TOKEN) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in pattern.finditer(text)]


def token_values(tokens: list[tuple[int, int]], spans: Iterable[Triple], label: str) -> list[str]:
    """For each token, ``label`` if a span of that label covers any of it, else "O"."""
    covered = [False] * len(tokens)
    starts = [t[0] for t in tokens]
    import bisect

    for s, e, lab in spans:
        if lab != label:
            continue
        i = bisect.bisect_right(starts, s) - 1
        i = max(i, 0)
        while i < len(tokens) and tokens[i][0] < e:
            if tokens[i][1] > s:
                covered[i] = True
            i += 1
    return [label if c else "O" for c in covered]


# the accumulator -----------------------------------------------------------
@dataclass
class Task:
    """A categorical coding task over spans: which labels, which attribute, its scale."""

    name: str
    labels: tuple[str, ...]
    attribute: str | None = None
    ordered: tuple[str, ...] | None = None


class Agreement:
    """Feed it one article at a time with :meth:`add`; read the figures with :meth:`report`."""

    def __init__(
        self,
        annotators: Sequence[str],
        tasks: Sequence[Task] = (),
        doc_fields: Sequence[str] = (),
        doc_ordered: dict[str, tuple[str, ...]] | None = None,
        speaker_relation: str = "SPEAKER",
        quote_labels: tuple[str, ...] = ("QUOTE",),
        token_labels: Sequence[str] = (),
        symmetric: Sequence[str] = (),
    ):
        self.annotators = list(annotators)
        self._column = {a: i for i, a in enumerate(self.annotators)}  # annotator -> place in a pattern
        self.symmetric = frozenset(symmetric)
        self.pairs = list(combinations(self.annotators, 2))
        self.spans = SpanSets()
        self.relations: dict[tuple[str, str, str], PRF] = {}
        self.tasks = list(tasks)
        self.categorical: dict[str, Categorical] = {"span label": Categorical(self.annotators)}
        self._tasks_by_label: dict[str, list[Task]] = {}
        for t in self.tasks:
            self.categorical[t.name] = Categorical(self.annotators, t.ordered)
            for lab in t.labels:
                self._tasks_by_label.setdefault(lab, []).append(t)
        # label -> (task number, attribute) of the tasks it takes part in; labels coded by attributes only
        self._task_names = list(dict.fromkeys(t.name for t in self.tasks))
        number = {name: n for n, name in enumerate(self._task_names)}
        self._task_plan = {
            lab: [(number[t.name], t.attribute) for t in ts] for lab, ts in self._tasks_by_label.items()
        }
        self._attrs_only = {lab for lab, ts in self._tasks_by_label.items() if all(t.attribute for t in ts)}
        self.speaker_relation = speaker_relation
        self.quote_labels = quote_labels
        if quote_labels:
            self.categorical["quote speaker"] = Categorical(self.annotators)
        self.doc_fields = list(doc_fields)
        doc_ordered = doc_ordered or {}
        for f in self.doc_fields:
            self.categorical[f"document {f}"] = Categorical(self.annotators, doc_ordered.get(f))
        self.token_labels = list(token_labels)
        for lab in self.token_labels:
            self.categorical[f"tokens {lab}"] = Categorical(self.annotators)
        if len(self.token_labels) > 1:
            self.categorical["tokens combined"] = Categorical(self.annotators)
        self.documents: list[dict[str, Any]] = []
        self.skipped: list[str] = []

    def add(self, doc_id: str, text: str, versions: dict[str, dict[str, Any]], title: str = "") -> None:
        names = self.annotators
        present = [a for a in names if a in versions]
        triples = {a: _triples(versions[a]) for a in present}
        prepared = {a: prepare(triples[a]) for a in present}
        rels = {a: _relations(versions[a], self.symmetric) for a in present}
        s_tp = s_n = l_tp = r_tp = r_n = 0
        pair_f: list[float] = []
        relations = self.relations
        empty: set[tuple[Triple, Triple]] = set()
        for a, b in self.pairs:
            if a not in versions or b not in versions:
                continue
            s, l_ = self.spans.add_prepared(a, b, prepared[a], prepared[b])
            n = s.n_a + s.n_b
            s_tp += s.tp
            s_n += n
            l_tp += l_.tp
            if n:
                pair_f.append(2 * s.tp / n)
            ra, rb = rels[a], rels[b]
            for lab in ra.keys() | rb.keys():
                xa, xb = ra.get(lab, empty), rb.get(lab, empty)
                tp, na, nb = len(xa & xb), len(xa), len(xb)
                prf = relations.get((a, b, lab))
                if prf is None:
                    prf = relations[(a, b, lab)] = PRF()
                prf.tp += tp
                prf.n_a += na
                prf.n_b += nb
                r_tp += tp
                r_n += na + nb
        self._categorical(versions, present, triples)
        if self.token_labels and len(present) >= 2:
            self._tokens(text, present, triples)
        self.documents.append(
            {
                "id": doc_id,
                "title": title,
                "annotators": len(present),
                "spans": {a: len(triples[a]) for a in present},
                "strict_f1": 2 * s_tp / s_n if s_n else None,
                "lenient_f1": 2 * l_tp / s_n if s_n else None,
                "relation_f1": 2 * r_tp / r_n if r_n else None,
                "min_pair_f1": min(pair_f) if pair_f else None,
            }
        )

    def _tokens(self, text: str, present: list[str], triples: dict[str, set[Triple]]) -> None:
        """Token-level units (PolNeAR's measure): each token's label per annotator, "O" outside."""
        tokens = token_units(text)
        absent = [None] * len(tokens)
        cols = {a: {lab: token_values(tokens, triples[a], lab) for lab in self.token_labels} for a in present}
        for lab in self.token_labels:
            columns = [cols[a][lab] if a in cols else absent for a in self.annotators]
            self.categorical[f"tokens {lab}"].add_many(zip(*columns, strict=True))
        if len(self.token_labels) > 1:
            combined = {
                a: [
                    "+".join(lab for lab, v in zip(self.token_labels, vs, strict=True) if v != "O") or "O"
                    for vs in zip(*[cols[a][lab] for lab in self.token_labels], strict=True)
                ]
                for a in present
            }
            columns = [combined.get(a, absent) for a in self.annotators]
            self.categorical["tokens combined"].add_many(zip(*columns, strict=True))

    def _categorical(self, versions: dict[str, dict[str, Any]], present: list[str], triples: dict) -> None:
        """Units of every coding task in this article, each as a pattern in annotator order."""
        k = len(self.annotators)
        col = self._column
        # Span labels on spans several annotators marked at the same offsets.
        offsets: dict[tuple[int, int], list[str | None]] = {}
        for a in present:
            i = col[a]
            for s, e, lab in sorted(triples[a]):
                row = offsets.get((s, e))
                if row is None:
                    row = offsets[(s, e)] = [None] * k
                if row[i] is None:
                    row[i] = lab
        self.categorical["span label"].add_many(map(tuple, offsets.values()))
        # One pass over the spans fills every attribute task.
        task_units: list[dict[tuple[int, int], list[str | None]]] = [{} for _ in self._task_names]
        plan, attrs_only = self._task_plan, self._attrs_only
        for a in present:
            i = col[a]
            for sp in versions[a].get("spans") or ():
                label = sp["label"]
                todo = plan.get(label)
                if todo is None:
                    continue
                attrs = sp.get("attrs")
                if not attrs:
                    if label in attrs_only:
                        continue  # nothing to code on this span
                    attrs = {}
                off = (sp["start"], sp["end"])
                for n, attribute in todo:
                    value = attrs.get(attribute) if attribute else label
                    if value is not None:
                        units = task_units[n]
                        row = units.get(off)
                        if row is None:
                            row = units[off] = [None] * k
                        if row[i] is None:
                            row[i] = str(value)
        for name, units in zip(self._task_names, task_units, strict=True):
            self.categorical[name].add_many(map(tuple, units.values()))
        if self.quote_labels:
            self._speakers(versions, present)
        for f in self.doc_fields:
            values: list[str | None] = [None] * k
            for a in present:
                value = (versions[a].get("doc") or {}).get(f)
                if value is not None:
                    values[col[a]] = value if isinstance(value, str) else value_token(value)
            self.categorical[f"document {f}"].add_coded(tuple(values))

    def _speakers(self, versions: dict[str, dict[str, Any]], present: list[str]) -> None:
        """Who each quote's speaker is (by the speaker span's offsets), per quote span."""
        k = len(self.annotators)
        speakers: dict[tuple[int, int], list[str | None]] = {}
        for a in present:
            v = versions[a]
            i = self._column[a]
            by_id = {str(s["id"]): s for s in v.get("spans") or ()}
            said: dict[str, str] = {}
            for r in v.get("relations") or ():
                if r["label"] == self.speaker_relation:
                    child = by_id.get(str(r["child"]))
                    if child is not None:
                        said[str(r["head"])] = f"{child['start']}-{child['end']}"
            for sid, s in by_id.items():
                if s["label"] in self.quote_labels:
                    row = speakers.get((s["start"], s["end"]))
                    if row is None:
                        row = speakers[(s["start"], s["end"])] = [None] * k
                    if row[i] is None:
                        row[i] = said.get(sid, NONE)
        self.categorical["quote speaker"].add_many(map(tuple, speakers.values()))

    def absorb(self, other: Agreement) -> None:
        """Add what another accumulator saw (same annotators and tasks, other articles)."""
        pairs = ((self.spans.strict, other.spans.strict), (self.spans.lenient, other.spans.lenient))
        for mine, theirs in pairs:
            for key, prf in theirs.items():
                mine.setdefault(key, PRF()).add(prf)
        self.spans.confusion.update(other.spans.confusion)
        for key, prf in other.relations.items():
            self.relations.setdefault(key, PRF()).add(prf)
        for name, cat in other.categorical.items():
            self.categorical[name].absorb(cat)
        self.documents += other.documents
        self.skipped += other.skipped

    def report(self) -> dict[str, Any]:
        labels = sorted({lab for (_, _, lab) in self.spans.strict})
        conf_labels = sorted({x for pair in self.spans.confusion for x in pair} - {NONE}) + [NONE]
        rel_labels = sorted({lab for (_, _, lab) in self.relations})
        relations: dict[str, Any] = {}
        for lab in rel_labels:
            pairs = {f"{a}~{b}": self.relations.get((a, b, lab), PRF()).scores() for a, b in self.pairs}
            fs = [s["f1"] for s in pairs.values() if s["f1"] is not None]
            relations[lab] = {"pairs": pairs, "mean_f1": sum(fs) / len(fs) if fs else None}
        docs = sorted(
            self.documents, key=lambda d: (d["strict_f1"] if d["strict_f1"] is not None else 2.0, d["id"])
        )
        return {
            "annotators": self.annotators,
            "documents": len(self.documents),
            "labels": labels,
            "spans": {
                "strict": self.spans.table("strict", self.pairs),
                "lenient": self.spans.table("lenient", self.pairs),
            },
            "relations": relations,
            "coefficients": {name: cat.summary() for name, cat in self.categorical.items()},
            "confusion": {
                "labels": conf_labels,
                "counts": [[self.spans.confusion.get((a, b), 0) for b in conf_labels] for a in conf_labels],
            },
            "per_document": docs,
            "skipped": self.skipped,
        }


def agreement_for_schema(
    annotators: Sequence[str], schema: Any, token_labels: Sequence[str] = ()
) -> Agreement:
    """An accumulator whose tasks come from an annotation schema (labels, attributes, doc fields).

    ``schema`` is an :class:`~workbench.core.schema.AnnotationSchema`; tasks are
    one per (label kind, attribute), e.g. ``entity sentiment`` and ``quote quote_kind``,
    ordinal when the attribute's value set is ordered.
    """
    by_kind: dict[tuple[str, str], list[str]] = {}
    for lab in schema.labels.values():
        for attr in lab.attributes:
            by_kind.setdefault((lab.kind, attr), []).append(lab.name)
    tasks = []
    for (kind, attr), labs in sorted(by_kind.items()):
        vs = schema.value_sets[attr]
        tasks.append(Task(f"{kind} {attr}", tuple(labs), attr, vs.values if vs.ordered else None))
    doc_ordered = {
        f.name: schema.value_sets[f.attribute].values
        for f in schema.doc_fields.values()
        if schema.value_sets[f.attribute].ordered and not f.multiple
    }
    quotes = tuple(schema.labels_of_kind("quote"))
    return Agreement(
        annotators,
        tasks,
        list(schema.doc_fields),
        doc_ordered,
        quote_labels=quotes,
        token_labels=token_labels,
        symmetric=[r.name for r in schema.relations.values() if r.symmetric],
    )
