"""Inter-annotator agreement, accumulated one article at a time.

Everything here keeps only small sufficient statistics (counts per pair and
label, contingency tables, a coincidence matrix), so agreement over a corpus of
any size streams: :meth:`Agreement.add` takes the versions of one article and
forgets them. Items are compared as in :mod:`workbench.core.merge`: spans by
offsets and label, relations by the spans they connect, never by ids. Turning
the counts into figures is :mod:`workbench.core.agreement_figures`, and the
figures travel as an :class:`~workbench.core.agreement_report.AgreementReport`.

Coefficients follow their textbook definitions (Cohen 1960, Fleiss 1971,
Krippendorff 2011) and are checked in the tests against scikit-learn and the
``krippendorff`` package.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from itertools import combinations
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from workbench.core.agreement_figures import AgreementFigures
from workbench.core.coefficients import Categorical, Pattern
from workbench.core.merge import value_token
from workbench.core.span_matching import (
    NONE,
    Triple,
    crosses,
    overlap_matches,
    overlap_runs,
    token_units,
    token_values,
)

if TYPE_CHECKING:
    import cython  # C types for the compiled module (decision 0027); never imported at run time

_SPAN = itemgetter("start", "end", "label")  # a span as its triple, at C speed
_OFFSETS = itemgetter(0, 1)
_ID = itemgetter("id")


# the accumulator -----------------------------------------------------------
@dataclass
class Task:
    """A categorical coding task over spans: which labels, which attribute, its scale."""

    name: str
    labels: tuple[str, ...]
    attribute: str | None = None
    ordered: tuple[str, ...] | None = None


class Agreement(AgreementFigures):
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
        # Spans and relations are counted by who marked them, not pair by pair: one bit per
        # annotator, and (annotators present, annotators who marked it, label) -> how many.
        # Every per-pair figure is expanded from these integer counts when the report is made.
        self._bit = {a: 1 << i for i, a in enumerate(self.annotators)}
        self._bit_pairs = [(a, b, self._bit[a], self._bit[b]) for a, b in self.pairs]
        self._pairs_of: dict[int, list[tuple[str, str, int, int]]] = {}  # present mask -> its pairs
        self._spans_by: Counter[tuple[int, int, str]] = Counter()
        self._relations_by: Counter[tuple[int, int, str]] = Counter()
        self._lenient_extra: Counter[tuple[str, str, str]] = Counter()  # overlaps beyond exact matches
        self._lenient_two: Counter[tuple[str, int, int]] = Counter()  # (label, marked by, marked by)
        self._crossings: dict[tuple[int, int, int], int] = {}  # (marked by, marked by, present) -> matches
        # Offsets where annotators put different labels: (present, ((label, marked by), ...)) -> how many
        self._mixed_offsets: Counter[tuple[int, tuple[tuple[str, int], ...]]] = Counter()
        self._units: Counter[tuple[str, Pattern]] = Counter()  # (task name, pattern) -> units
        # Counted as they come into plain dicts, folded into the counters above in bulk: a
        # Counter.update per article costs more than the counting, and keys kept in lists to
        # be counted later were a fifth of agreement's time (allocated, then walked cold).
        self._fresh: dict[str, dict[Any, int]] = {"_spans_by": {}, "_relations_by": {}, "_units": {}}
        # A schema's attribute task may not take a built-in task's name (a quote attribute
        # called "speaker" is "quote speaker (attribute)"), or their units would be counted together.
        built_in = {"span label", "quote speaker", "tokens combined"}
        built_in |= {f"document {f}" for f in doc_fields} | {f"tokens {lab}" for lab in token_labels}
        self.tasks = [replace(t, name=f"{t.name} (attribute)") if t.name in built_in else t for t in tasks]
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
        # label -> (task name, attribute) for labels in exactly one task, coded by an attribute
        self._single_task = {
            lab: (self._task_names[n], attribute)
            for lab, todo in self._task_plan.items()
            if len(todo) == 1
            for n, attribute in todo
            if attribute
        }
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

    def add(self, doc_id: str, text: str, versions: dict[str, dict[str, Any]], title: Any = "") -> None:
        bits: dict[str, int] = self._bit
        present = [a for a in self.annotators if a in versions]
        pmask = 0
        masks: dict[Triple, int] = {}  # each distinct span -> who marked it
        triples: dict[str, list[Triple]] = {}
        for a in present:
            bit = bits[a]
            pmask |= bit
            ts: list[Triple] = list(map(_SPAN, versions[a].get("spans") or ()))
            triples[a] = ts
            for t in ts:
                masks[t] = masks.get(t, 0) | bit
        fresh: dict[Any, int] = self._fresh["_spans_by"]
        for t, m in masks.items():
            key = (pmask, m, t[2])
            fresh[key] = fresh.get(key, 0) + 1
        pairs = self._pairs_of.get(pmask)
        if pairs is None:
            pairs = self._pairs_of[pmask] = [p for p in self._bit_pairs if pmask & p[2] and pmask & p[3]]
        counts: dict[int, int] = {}  # who marked it -> how many spans
        for m in masks.values():
            counts[m] = counts.get(m, 0) + 1
        s_tp: cython.Py_ssize_t = 0
        s_n: cython.Py_ssize_t = 0
        tp: cython.Py_ssize_t
        na: cython.Py_ssize_t
        nb: cython.Py_ssize_t
        c: cython.Py_ssize_t  # spans of a document: never near the C limit
        pair_f: list[float] = []
        for _a, _b, ba, bb in pairs:
            tp = na = nb = 0
            for m, c in counts.items():
                if m & ba:
                    na += c
                    if m & bb:
                        tp += c
                if m & bb:
                    nb += c
            s_tp += tp
            s_n += na + nb
            if na + nb:
                pair_f.append(2 * tp / (na + nb))
        l_extra = self._lenient(masks, pmask, pairs) if len(counts) > 1 or pmask not in counts else 0
        if len(set(map(_OFFSETS, masks))) < len(masks):
            self._mixed(masks, pmask)
        r_tp, r_n = self._relations(versions, triples, pmask, pairs)
        self._categorical(versions, present)
        if self.token_labels and len(present) >= 2:
            self._tokens(text, present, {a: set(ts) for a, ts in triples.items()})
        self.documents.append(
            {
                "id": doc_id,
                "title": title if title is None or type(title) is str else str(title),
                "annotators": len(present),
                "spans": {a: sum(c for m, c in counts.items() if m & bits[a]) for a in present},
                "strict_f1": 2 * s_tp / s_n if s_n else None,
                "lenient_f1": 2 * (s_tp + l_extra) / s_n if s_n else None,
                "relation_f1": 2 * r_tp / r_n if r_n else None,
                "min_pair_f1": min(pair_f) if pair_f else None,
            }
        )

    def _lenient(self, masks: dict[Triple, int], pmask: int, pairs: list[tuple[str, str, int, int]]) -> int:
        """Overlap matches beyond the exact ones, per pair and label, among spans not everyone marked.

        Matching splits into clusters of overlapping spans. The usual cluster, two spans (one
        annotator's boundary against another's), is counted by who marked each and expanded
        per pair with the report; larger ones are matched here.
        """
        partial: dict[str, list[tuple[Triple, int]]] = {}
        for t, m in masks.items():
            if m != pmask:
                group = partial.get(t[2])
                if group is None:
                    partial[t[2]] = [(t, m)]
                else:
                    group.append((t, m))
        extra = 0
        for lab, group in partial.items():
            if len(group) < 2:
                continue
            for cluster in overlap_runs(sorted(group)):
                if len(cluster) == 2:
                    (_, m1), (_, m2) = cluster
                    n = self._crossings.get((m1, m2, pmask))
                    if n is None:
                        n = self._crossings[(m1, m2, pmask)] = sum(
                            crosses(m1, m2, ba, bb) for _a, _b, ba, bb in pairs
                        )
                    if n:
                        self._lenient_two[(lab, m1, m2)] += 1
                        extra += n
                    continue
                for a, b, ba, bb in pairs:
                    rest_a = [t for t, m in cluster if m & ba and not m & bb]
                    rest_b = [t for t, m in cluster if m & bb and not m & ba]
                    n = overlap_matches(rest_a, rest_b) if rest_a and rest_b else 0
                    if n:
                        self._lenient_extra[(a, b, lab)] += n
                        extra += n
        return extra

    def _mixed(self, masks: dict[Triple, int], pmask: int) -> None:
        """Offsets carrying more than one label: counted by their labels and who chose each.

        Their label units and confusion cells follow from that alone, so they are worked out
        once per distinct kind of disagreement when the report is made (:meth:`_mixed_parts`).
        """
        seen: set[tuple[int, int]] = set()
        shared = set()
        for off in map(_OFFSETS, masks):
            if off in seen:
                shared.add(off)
            seen.add(off)
        by_offsets: dict[tuple[int, int], list[tuple[str, int]]] = {}
        for (s, e, lab), m in masks.items():
            if (s, e) in shared:
                by_offsets.setdefault((s, e), []).append((lab, m))
        self._mixed_offsets.update((pmask, tuple(sorted(labels))) for labels in by_offsets.values())

    def _relations(
        self, versions: dict[str, dict[str, Any]], triples: dict[str, list[Triple]], pmask: int, pairs: list
    ) -> tuple[int, int]:
        """Count relations by the spans they connect (offsets + label, never ids); the document's tp and n."""
        masks: dict[tuple[str, Triple, Triple], int] = {}
        symmetric = self.symmetric
        for a, ts in triples.items():
            v: dict[str, Any] = versions[a]
            rels = v.get("relations")
            if not rels:
                continue
            by_id: dict[Any, Triple] = dict(zip(map(_ID, v["spans"]), ts, strict=True))
            bit = self._bit[a]
            for r in rels:
                rel: dict[str, Any] = r
                h, c = by_id.get(rel["head"]), by_id.get(rel["child"])
                if h is None or c is None:
                    continue
                label = rel["label"]
                if label in symmetric and c < h:
                    h, c = c, h
                key = (label, h, c)
                masks[key] = masks.get(key, 0) | bit
        if not masks:
            return 0, 0
        fresh: dict[Any, int] = self._fresh["_relations_by"]
        for t, m in masks.items():
            key = (pmask, m, t[0])
            fresh[key] = fresh.get(key, 0) + 1
        counts: dict[int, int] = {}
        for m in masks.values():
            counts[m] = counts.get(m, 0) + 1
        r_tp = r_n = 0
        for _a, _b, ba, bb in pairs:
            for m, c in counts.items():
                if m & ba and m & bb:
                    r_tp += c
                r_n += c * ((m & ba > 0) + (m & bb > 0))
        return r_tp, r_n

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

    def _categorical(self, versions: dict[str, dict[str, Any]], present: list[str]) -> None:
        """Units of every attribute task, speaker and document field in this article.

        All land in one dict keyed by (task, offsets...) and go into one counter at the end:
        one C-level update per article instead of one per task.
        """
        k = len(self.annotators)
        col = self._column
        rows: dict[tuple[Any, ...], list[str | None]] = {}
        names, plan, attrs_only = self._task_names, self._task_plan, self._attrs_only
        single = self._single_task
        for a in present:
            i: cython.Py_ssize_t = col[a]
            for s in versions[a].get("spans") or ():
                sp: dict[str, Any] = s
                label = sp["label"]
                one = single.get(label)
                if one is not None:  # the usual label: one task, coded by one attribute
                    attrs = sp.get("attrs")
                    if attrs:
                        value = attrs.get(one[1])
                        if value is not None:
                            unit = (one[0], sp["start"], sp["end"])
                            row: list[Any] | None = rows.get(unit)
                            if row is None:
                                row = rows[unit] = [None] * k
                            if row[i] is None:
                                row[i] = value if type(value) is str else str(value)
                    continue
                todo = plan.get(label)
                if todo is None:
                    continue
                attrs = sp.get("attrs")
                if not attrs:
                    if label in attrs_only:
                        continue  # nothing to code on this span
                    attrs = {}
                for n, attribute in todo:
                    value = attrs.get(attribute) if attribute else label
                    if value is not None:
                        unit = (names[n], sp["start"], sp["end"])
                        row = rows.get(unit)
                        if row is None:
                            row = rows[unit] = [None] * k
                        if row[i] is None:
                            row[i] = value if type(value) is str else str(value)
        if self.quote_labels:
            self._speakers(versions, present, rows)
        for f in self.doc_fields:
            values: list[str | None] = [None] * k
            for a in present:
                value = (versions[a].get("doc") or {}).get(f)
                if value is not None:
                    values[col[a]] = value if type(value) is str else value_token(value)
            rows[(f"document {f}",)] = values
        fresh: dict[Any, int] = self._fresh["_units"]
        for unit, row in rows.items():
            key = (unit[0], tuple(row))
            fresh[key] = fresh.get(key, 0) + 1

    def _speakers(
        self, versions: dict[str, dict[str, Any]], present: list[str], rows: dict[tuple[Any, ...], list]
    ) -> None:
        """Who each quote's speaker is (by the speaker span's offsets), per quote span."""
        k = len(self.annotators)
        quote_labels, speaker = self.quote_labels, self.speaker_relation
        for a in present:
            v = versions[a]
            spans = v.get("spans") or ()
            quotes = [s for s in spans if s["label"] in quote_labels]
            if not quotes:
                continue
            said: dict[
                str, str
            ] = {}  # quote id -> its speaker's offsets (the last SPEAKER whose child exists)
            links = [(r["head"], r["child"]) for r in v.get("relations") or () if r["label"] == speaker]
            if links:
                by_id = {s["id"]: s for s in spans}
                for head, child in links:
                    if child in by_id:
                        said[head] = f"{by_id[child]['start']}-{by_id[child]['end']}"
            i = self._column[a]
            for s in quotes:
                unit = ("quote speaker", s["start"], s["end"])
                row = rows.get(unit)
                if row is None:
                    row = rows[unit] = [None] * k
                if row[i] is None:
                    row[i] = said.get(s["id"], NONE)

    def __getstate__(self) -> dict[str, Any]:
        """Pickled (a worker's result): counted first, in the worker, and smaller for it."""
        self._count_pending()
        return self.__dict__

    def count_waiting(self) -> None:
        """Fold the counts of this slice into the counters (a slice's dicts stay a slice's size)."""
        self._count_pending()

    def _count_pending(self) -> None:
        for name, counts in self._fresh.items():
            if counts:
                getattr(self, name).update(counts)
                counts.clear()

    def absorb(self, other: Agreement) -> None:
        """Add what another accumulator saw (same annotators and tasks, other articles)."""
        self._count_pending()
        other._count_pending()
        for name in (
            "_spans_by",
            "_relations_by",
            "_lenient_extra",
            "_lenient_two",
            "_mixed_offsets",
            "_units",
        ):
            getattr(self, name).update(getattr(other, name))
        for name, cat in other.categorical.items():
            self.categorical[name].absorb(cat)
        self.documents += other.documents
        self.skipped += other.skipped


def agreement_for_schema(
    annotators: Sequence[str], schema: Any, token_labels: Sequence[str] = ()
) -> Agreement:
    """An accumulator whose tasks come from an annotation schema (labels, attributes, doc fields).

    ``schema`` is an :class:`~workbench.core.schema.AnnotationSchema`; tasks are
    one per (label kind, attribute), e.g. ``entity sentiment`` and ``quote quote_kind``,
    ordinal when the attribute's value set is ordered. Without a schema (records that name
    none), span labels, speakers and ``token_labels`` only.
    """
    if schema is None:
        return Agreement(annotators, token_labels=token_labels)
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
