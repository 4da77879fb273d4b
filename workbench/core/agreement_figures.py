"""From an agreement accumulator's counts to its figures: per pair scores, coefficients, the report.

Split from :mod:`workbench.core.agreement`, which counts one article at a time; this half
runs once, when the report is asked for, and expands the counts kept by who marked what
into per pair and per label figures.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from workbench.core.agreement_report import AgreementReport
from workbench.core.coefficients import Categorical, Pattern
from workbench.core.span_matching import NONE, PRF, SpanSets, crosses, pair_labels


class AgreementFigures:
    """The report-making half of :class:`workbench.core.agreement.Agreement` (its counts are set there)."""

    annotators: list[str]
    pairs: list[tuple[str, str]]
    documents: list[dict[str, Any]]
    skipped: list[str]
    categorical: dict[str, Categorical]
    _bit: dict[str, int]
    _bit_pairs: list[tuple[str, str, int, int]]
    _spans_by: Counter[tuple[int, int, str]]
    _relations_by: Counter[tuple[int, int, str]]
    _lenient_extra: Counter[tuple[str, str, str]]
    _lenient_two: Counter[tuple[str, int, int]]
    _mixed_offsets: Counter[tuple[int, tuple[tuple[str, int], ...]]]
    _units: Counter[tuple[str, Pattern]]

    def _count_pending(self) -> None:
        raise NotImplementedError

    def _mixed_parts(
        self, pmask: int, labels: tuple[tuple[str, int], ...]
    ) -> tuple[list[tuple[int, int, str]], Pattern, list[tuple[str, str]]]:
        """One mixed offset's spans (as counted), span-label unit and confusion cells."""
        chosen = {bit: sorted([lab for lab, m in labels if m & bit]) for bit in self._bit.values()}
        unit = tuple(ls[0] if ls else None for ls in chosen.values())
        cells: list[tuple[str, str]] = []
        for _a, _b, ba, bb in self._bit_pairs:
            if not (pmask & ba and pmask & bb):
                continue
            la, lb = chosen[ba], chosen[bb]
            if not lb:
                cells += [(x, NONE) for x in la]
            elif not la:
                cells += [(NONE, y) for y in lb]
            else:
                cells += pair_labels(la, lb)
        return [(pmask, m, lab) for lab, m in labels], unit, cells

    def _expand(self, counts: Counter[tuple[int, int, str]]) -> dict[tuple[str, str, str], PRF]:
        """Per pair and label counts from (present, marked by, label) counts."""
        out: dict[tuple[str, str, str], PRF] = {}
        for (present, by, lab), n in counts.items():
            for a, b, ba, bb in self._bit_pairs:
                if present & ba and present & bb and by & (ba | bb):
                    prf = out.get((a, b, lab))
                    if prf is None:
                        prf = out[(a, b, lab)] = PRF()
                    if by & ba:
                        prf.n_a += n
                        if by & bb:
                            prf.tp += n
                    if by & bb:
                        prf.n_b += n
        return out

    def _mixed_expanded(
        self,
    ) -> tuple[Counter[tuple[int, int, str]], Counter[Pattern], Counter[tuple[str, str]]]:
        """The mixed offsets' spans, span-label units and confusion cells, each kind worked out once."""
        spans: Counter[tuple[int, int, str]] = Counter()
        units: Counter[Pattern] = Counter()
        cells: Counter[tuple[str, str]] = Counter()
        for (pmask, labels), n in self._mixed_offsets.items():
            counted, unit, pair_cells = self._mixed_parts(pmask, labels)
            for key in counted:
                spans[key] += n
            units[unit] += n
            for cell in pair_cells:
                cells[cell] += n
        return spans, units, cells

    def span_sets(self) -> SpanSets:
        """Strict and lenient counts per pair and label, and the confusion matrix."""
        self._count_pending()
        strict = self._expand(self._spans_by)
        extra = Counter(self._lenient_extra)
        for (lab, m1, m2), n in self._lenient_two.items():
            for a, b, ba, bb in self._bit_pairs:
                if crosses(m1, m2, ba, bb):
                    extra[(a, b, lab)] += n
        lenient = {key: PRF(prf.tp + extra[key], prf.n_a, prf.n_b) for key, prf in strict.items()}
        mixed_spans, _units, confusion = self._mixed_expanded()
        for (present, by, lab), n in (self._spans_by - mixed_spans).items():
            for _a, _b, ba, bb in self._bit_pairs:
                if present & ba and present & bb and by & (ba | bb):
                    confusion[(lab if by & ba else NONE, lab if by & bb else NONE)] += n
        return SpanSets(strict, lenient, confusion)

    def _tasks(self) -> dict[str, Categorical]:
        """Every coding task with all its units: counted per article, and span labels from the masks."""
        self._count_pending()
        out = {}
        for name, cat in self.categorical.items():
            out[name] = full = Categorical(self.annotators, cat.ordered)
            full.absorb(cat)
        for (name, pattern), n in self._units.items():
            out[name].patterns[pattern] += n
        bits = list(self._bit.values())
        mixed_spans, mixed_units, _cells = self._mixed_expanded()
        labels = out["span label"].patterns
        labels.update(mixed_units)
        for (_present, by, lab), n in (self._spans_by - mixed_spans).items():
            labels[tuple(lab if by & bit else None for bit in bits)] += n
        return out

    def report(self) -> AgreementReport:
        """The figures so far; the accumulator can go on taking articles after."""
        self._count_pending()
        spans = self.span_sets()
        relation_counts = self._expand(self._relations_by)
        labels = sorted({lab for (_, _, lab) in spans.strict})
        conf_labels = sorted({x for pair in spans.confusion for x in pair} - {NONE}) + [NONE]
        rel_labels = sorted({lab for (_, _, lab) in relation_counts})
        relations: dict[str, Any] = {}
        for lab in rel_labels:
            pairs = {f"{a}~{b}": relation_counts.get((a, b, lab), PRF()).scores() for a, b in self.pairs}
            fs = [s["f1"] for s in pairs.values() if s["f1"] is not None]
            relations[lab] = {"pairs": pairs, "mean_f1": sum(fs) / len(fs) if fs else None}
        docs = sorted(
            self.documents, key=lambda d: (d["strict_f1"] if d["strict_f1"] is not None else 2.0, d["id"])
        )
        categorical = self._tasks()
        return AgreementReport(
            annotators=self.annotators,
            documents=len(self.documents),
            labels=labels,
            spans={
                "strict": spans.table("strict", self.pairs),
                "lenient": spans.table("lenient", self.pairs),
            },
            relations=relations,
            coefficients={name: cat.summary() for name, cat in categorical.items()},
            confusion={
                "labels": conf_labels,
                "counts": [[spans.confusion.get((a, b), 0) for b in conf_labels] for a in conf_labels],
            },
            per_document=docs,
            skipped=list(self.skipped),
        )
