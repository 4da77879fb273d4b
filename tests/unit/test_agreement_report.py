"""The HTML report: one self-contained file, charts as inline SVG, article titles escaped."""

from __future__ import annotations

import re

from workbench.core.agreement import agreement_for_schema
from workbench.core.agreement_report import AgreementReport
from workbench.core.schema import default_schema
from workbench.io.report_html import render

from .test_merge import TEXT, rec


def report() -> AgreementReport:
    acc = agreement_for_schema(["a", "b", "c"], default_schema())
    for i, title in enumerate(["<script>alert(1)</script>", "Plain title"]):
        vs = {
            "a": rec(
                "a",
                [(0, 5, "PERSON", {"sentiment": "negative"}), (11, 17, "GPE")],
                doc={"sentiment": "neutral"},
            ),
            "b": rec(
                "b",
                [(0, 5, "PERSON", {"sentiment": "neutral"}), (11, 17, "ORG")],
                doc={"sentiment": "neutral"},
            ),
            "c": rec("c", [(0, 5, "PERSON")] if i else [], doc={"sentiment": "positive"}),
        }
        acc.add(f"doc{i}", TEXT, vs, title)
    return acc.report()


def test_the_report_is_self_contained_with_every_chart() -> None:
    page = render(report(), "run 1")
    assert page.startswith("<!DOCTYPE html>")
    assert not re.search(r"<(script|link|img|iframe)\b", page)
    assert "src=" not in page and "@import" not in page
    assert page.count("<svg") == 4  # label F1 bars, pairwise heat map, confusion, document ranking
    for heading in (
        "Span F1 per label",
        "Agreement coefficients",
        "Label confusion",
        "Documents to look at first",
    ):
        assert heading in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "α ordinal" in page  # sentiment is an ordered scale in the news schema


def test_the_worst_document_comes_first() -> None:
    r = report()
    page = render(r)
    assert r.per_document[0]["id"] == "doc0"
    assert page.index("doc0") < page.index("doc1")
