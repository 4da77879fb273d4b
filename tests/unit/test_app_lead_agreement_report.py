"""The agreement report crosses layers as an object; JSON only where it is written."""

from __future__ import annotations

import json

import orjson

from workbench.core.agreement import agreement_for_schema
from workbench.core.agreement_report import AgreementReport
from workbench.core.schema import default_schema

TEXT = "Putin said Russia would win. Biden disagreed."


def _version(label: str) -> dict:
    spans = [(0, 5, "PERSON"), (11, 17, label)]
    return {
        "text": TEXT,
        "spans": [{"id": f"s{i}", "start": s, "end": e, "label": lab} for i, (s, e, lab) in enumerate(spans)],
        "relations": [],
        "doc": {"sentiment": "neutral"},
    }


def _report() -> AgreementReport:
    acc = agreement_for_schema(["a", "b"], default_schema())
    acc.add("doc1", TEXT, {"a": _version("GPE"), "b": _version("ORG")}, "First story")
    acc.skipped.append("doc2: only a annotated it")
    report = acc.report()
    report.problems = ["a.jsonl:3: not JSON; left out"]
    return report


def test_the_report_has_its_parts_by_name() -> None:
    r = _report()
    assert (r.documents, r.annotators, r.labels) == (1, ["a", "b"], ["GPE", "ORG", "PERSON"])
    assert r.spans["strict"]["labels"]["PERSON"]["mean_f1"] == 1
    assert r.per_document[0]["id"] == "doc1" and r.per_document[0]["title"] == "First story"
    assert r.confusion["labels"][-1] == "∅" and "span label" in r.coefficients and r.relations == {}
    assert r.skipped == ["doc2: only a annotated it"] and r.problems == ["a.jsonl:3: not JSON; left out"]


def test_the_json_keeps_the_published_key_order_and_reads_back_equal() -> None:
    r = _report()
    data = r.to_json()
    assert data == orjson.dumps(r.to_dict(), option=orjson.OPT_INDENT_2)
    assert data.startswith(b'{\n  "annotators": [\n')
    back = json.loads(data)
    assert list(back) == [
        "annotators", "documents", "labels", "spans", "relations", "coefficients",
        "confusion", "per_document", "skipped", "problems",
    ]  # fmt: skip
    again = AgreementReport.from_dict(back)
    assert again.to_json() == data
