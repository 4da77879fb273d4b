"""The figures of an agreement run, as one object from the accumulator to the table, the HTML and the JSON.

Top-level parts have names; each part keeps the nested shape ``agreement --json``
prints (documented in ``docs/agreement.md``), because that JSON is a published
format: :meth:`AgreementReport.to_json` writes it byte for byte as before.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import orjson

# The JSON's keys, in the order the published format has them.
_ORDER = (
    "annotators",
    "documents",
    "labels",
    "spans",
    "relations",
    "coefficients",
    "confusion",
    "per_document",
    "skipped",
    "problems",
)
# Parts a run adds when asked (issue 19), written after the others and only when present, so the
# published shape above stays byte for byte what it was for every run that does not ask for them.
_EXTRA = ("groups", "gamma", "disputes", "throughput")


@dataclass
class AgreementReport:
    annotators: list[str]
    documents: int
    labels: list[str]
    spans: dict[str, Any]  # "strict" and "lenient": per label, per pair, pooled
    relations: dict[str, Any]  # relation type -> per pair scores and mean F1
    coefficients: dict[str, Any]  # coding task -> units, kappas, alphas
    confusion: dict[str, Any]  # "labels" and "counts" (rows: first of a pair)
    per_document: list[dict[str, Any]]  # worst strict span F1 first
    skipped: list[str] = field(default_factory=list)  # articles left out, and why
    problems: list[str] = field(default_factory=list)  # lines of the inputs that could not be read
    # {"by": "batch"|"week", "groups": [{"key", "documents", "figures": {name: value}}]}
    groups: dict[str, Any] | None = None
    gamma: dict[str, Any] | None = None  # app/gamma.GammaReport.to_dict()
    # {"threshold", "labels": [{label, f1, annotators, guideline, examples}], "annotators": [...]}
    disputes: dict[str, Any] | None = None
    throughput: list[dict[str, Any]] | None = None  # core/throughput.Throughput.to_dict() per annotator

    def to_dict(self) -> dict[str, Any]:
        d = {key: getattr(self, key) for key in _ORDER}
        d.update({key: getattr(self, key) for key in _EXTRA if getattr(self, key) is not None})
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> AgreementReport:
        return cls(**{key: d[key] for key in _ORDER + _EXTRA if key in d})

    def to_json(self) -> bytes:
        """The report as ``agreement --json`` prints it (indented by two, no final newline).

        orjson: the standard encoder falls back to pure Python when it indents (0.4 s for 10k articles).
        """
        return orjson.dumps(self.to_dict(), option=orjson.OPT_INDENT_2)
