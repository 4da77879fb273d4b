"""Disputes: the labels and annotators whose agreement falls below a threshold, and where to look.

A lead turns low agreement into training: which label the team reads differently,
who reads it differently, what the guideline says about it, and a few spans where
they split, to open and discuss. The figures come from the report (strict span F1
per label and pair); the spans from the articles' versions.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from typing import Any

from workbench.core.agreement_report import AgreementReport

EXAMPLES = 5  # spans listed per disputed label


def _annotator_means(pairs: dict[str, Any], annotators: list[str]) -> dict[str, float]:
    """Each annotator's mean F1 over the pairs they are in (pair keys are "a~b"; matched, never split)."""
    keys = {f"{a}~{b}": (a, b) for a in annotators for b in annotators if a != b}
    got: dict[str, list[float]] = {}
    for key, p in pairs.items():
        if key in keys and p.get("f1") is not None:
            for name in keys[key]:
                got.setdefault(name, []).append(p["f1"])
    return {name: statistics.fmean(v) for name, v in got.items()}


def find_disputes(report: AgreementReport, threshold: float) -> dict[str, Any]:
    """Labels whose mean strict F1 is below ``threshold`` or that some annotator is below on; annotators
    whose overall strict F1 with the others is below it. Worst first."""
    strict = report.spans["strict"]
    labels = []
    for lab in report.labels:
        entry = strict["labels"].get(lab) or {}
        f1 = entry.get("mean_f1")
        means = _annotator_means(entry.get("pairs") or {}, report.annotators)
        low = sorted(((v, n) for n, v in means.items() if v < threshold))
        if (f1 is not None and f1 < threshold) or low:
            lenient = (report.spans["lenient"]["labels"].get(lab) or {}).get("mean_f1")
            labels.append(
                {
                    "label": lab,
                    "f1": f1,
                    "lenient_f1": lenient,
                    "annotators": [{"name": n, "f1": v} for v, n in low],
                    "guideline": None,
                    "examples": [],
                }
            )
    labels.sort(key=lambda d: (d["f1"] if d["f1"] is not None else 1.0, d["label"]))
    overall = _annotator_means(strict.get("pairs") or {}, report.annotators)
    annotators = [
        {"name": n, "f1": v} for v, n in sorted((v, n) for n, v in overall.items() if v < threshold)
    ]
    return {"threshold": threshold, "labels": labels, "annotators": annotators}


def split_spans(
    article: str, text: str, versions: dict[str, dict[str, Any]], labels: set[str]
) -> Iterable[dict[str, Any]]:
    """Spans of ``labels`` that some annotators of the article marked and others did not (same offsets)."""
    present = sorted(versions)
    marked: dict[tuple[int, int, str], set[str]] = {}
    for name, rec in versions.items():
        for s in rec.get("spans") or ():
            if s.get("label") in labels:
                marked.setdefault((int(s["start"]), int(s["end"]), s["label"]), set()).add(name)
    for (start, end, label), who in marked.items():
        if len(who) < len(present):
            snippet = text[start:end]
            yield {
                "id": article,
                "label": label,
                "start": start,
                "end": end,
                "text": snippet if len(snippet) <= 80 else snippet[:79] + "…",
                "marked_by": sorted(who),
                "not_by": [n for n in present if n not in who],
            }


def pick_examples(
    found: Iterable[dict[str, Any]], per_label: int = EXAMPLES
) -> dict[str, list[dict[str, Any]]]:
    """The most evenly split spans first (half marked them, half did not), then by article and offset."""
    by_label: dict[str, list[dict[str, Any]]] = {}
    for ex in found:
        by_label.setdefault(ex["label"], []).append(ex)
    out = {}
    for label, items in by_label.items():
        items.sort(key=lambda e: (-min(len(e["marked_by"]), len(e["not_by"])), e["id"], e["start"]))
        out[label] = items[:per_label]
    return out
