"""The annotation schema: the shipped news schema, every error of a bad one, edits it refuses."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest

from workbench.core import checks
from workbench.core.document import Document, EditRefused
from workbench.core.edits import (
    AddRelation,
    AddSpan,
    ResizeSpan,
    SetDocField,
    SetSpanAttr,
    SetSpanLabel,
    SetStatus,
)
from workbench.core.paths import schemas_dir
from workbench.core.record import Record, Relation, Span
from workbench.core.schema import SchemaError, default_schema, load_schema, parse_schema, schema_problems

NEWS = json.loads((schemas_dir() / "news.json").read_text("utf-8"))
META = json.loads((schemas_dir() / "annotation-schema.schema.json").read_text("utf-8"))


# --- the shipped schema ------------------------------------------------------------------------


def test_news_schema_loads_with_what_news_work_needs() -> None:
    s = default_schema()
    assert s.ref == "news@1"
    for label in ("PERSON", "ORG", "GPE", "LOC", "NORP", "EVENT", "MENTION", "QUOTE", "CUE"):
        assert label in s.labels
    assert s.relations["SPEAKER"].allows("QUOTE", "PERSON")
    assert s.relations["SPEAKER"].allows("QUOTE", "MENTION")
    assert s.relations["CUE"].allows("QUOTE", "CUE")
    assert s.relations["REFERS_TO"].allows("MENTION", "PERSON")
    assert s.relations["INTERACTION"].symmetric
    assert "sentiment" in s.labels["PERSON"].attributes
    assert {"quote_kind", "sentiment"} <= set(s.labels["QUOTE"].attributes)
    assert set(s.values_of("quote_kind")) >= {"direct", "indirect", "mixed"}
    assert s.doc_fields["sentiment"].multiple is False and s.doc_fields["topics"].multiple is True
    assert s.overlap in ("any", "nested", "none")
    assert s.map_model_label("FAC") == "LOC" and s.map_model_label("DATE") is None
    assert s.map_model_label("PERSON") == "PERSON" and s.map_model_label("WHATEVER") is None


def test_shipped_schemas_are_valid_2020_12_documents() -> None:
    jsonschema_rs.Draft202012Validator(META)
    assert list(jsonschema_rs.validator_for(META).iter_errors(NEWS)) == []
    assert schema_problems(NEWS) == []


def test_every_shortcut_key_is_unique_in_the_news_schema() -> None:
    s = default_schema()
    keys = [lab.key for lab in s.labels.values() if lab.key] + [r.key for r in s.relations.values() if r.key]
    assert len(keys) == len(set(keys))


# --- a bad schema reports every fault with its JSON path ---------------------------------------


def broken() -> dict[str, Any]:
    d = copy.deepcopy(NEWS)
    d["version"] = 0  # meta: minimum 1
    d["span_labels"][0]["color"] = "orange"  # meta: pattern
    d["span_labels"][1]["key"] = "p"  # reference: key used by PERSON
    d["span_labels"][2]["attributes"] = ["mood"]  # reference: unknown attribute
    d["relation_types"][0]["child"].append("SPEAKERZ")  # reference: unknown label
    d["overlap"] = "sometimes"  # meta: enum
    d["document_fields"][0]["attribute"] = "tone"  # reference: unknown attribute
    d["model_labels"]["FAC"] = "FACILITY"  # reference: unknown label
    d["attributes"]["sentiment"]["keys"]["angry"] = "!"  # reference: not a value
    d["colour_scheme"] = "dark"  # meta: additional property
    return d


EXPECTED_PATHS = {
    "$.version",
    "$.span_labels[0].color",
    "$.span_labels[1].key",
    "$.span_labels[2].attributes[0]",
    "$.relation_types[0].child[5]",
    "$.overlap",
    "$.document_fields[0].attribute",
    "$.model_labels.FAC",
    "$.attributes.sentiment.keys.angry",
    "$",
}


def test_a_bad_schema_reports_every_fault_with_its_json_path() -> None:
    problems = schema_problems(broken())
    paths = {p for p, _ in problems}
    assert paths == EXPECTED_PATHS, problems
    msgs = dict(problems)
    assert "already used by label PERSON" in msgs["$.span_labels[1].key"]
    assert "'mood'" in msgs["$.span_labels[2].attributes[0]"]
    assert "colour_scheme" in msgs["$"]


def test_load_schema_raises_with_all_problems_and_names_the_file(tmp_path: Path) -> None:
    p = tmp_path / "bad.json"
    p.write_text(json.dumps(broken()), "utf-8")
    with pytest.raises(SchemaError) as exc:
        load_schema(p)
    err = exc.value
    assert err.source == str(p)
    assert {path for path, _ in err.problems} == EXPECTED_PATHS
    text = str(err)
    assert str(p) in text and f"{len(EXPECTED_PATHS)} problem(s)" in text
    for path in EXPECTED_PATHS:
        assert f"  {path}: " in text


@pytest.mark.parametrize(
    "content, expected",
    [
        (None, "file not found"),
        ("{not json", "not valid JSON"),
        ("[1, 2]", "is not of type"),
        ('{"name": "x", "version": 1}', "span_labels"),
    ],
)
def test_unusable_schema_files_are_reported_not_raised_as_tracebacks(
    tmp_path: Path, content: str | None, expected: str
) -> None:
    p = tmp_path / "s.json"
    if content is not None:
        p.write_text(content, "utf-8")
    with pytest.raises(SchemaError) as exc:
        load_schema(p)
    assert any(expected in msg for _, msg in exc.value.problems), exc.value.problems


def test_duplicate_names_are_reported() -> None:
    d = copy.deepcopy(NEWS)
    d["span_labels"].append(dict(d["span_labels"][0], key="z"))
    d["relation_types"].append(dict(d["relation_types"][0], key="y"))
    d["document_fields"].append(dict(d["document_fields"][0]))
    paths = {p for p, _ in schema_problems(d)}
    n_labels, n_rels, n_fields = len(d["span_labels"]), len(d["relation_types"]), len(d["document_fields"])
    assert f"$.span_labels[{n_labels - 1}].name" in paths
    assert f"$.relation_types[{n_rels - 1}].name" in paths
    assert f"$.document_fields[{n_fields - 1}].name" in paths


# --- edits the schema refuses ------------------------------------------------------------------

TEXT = 'President Biden said: "We will meet Xi in Beijing." He met him later in China.'


@pytest.fixture
def doc() -> Document:
    rec = Record.new(TEXT)
    rec.spans = {
        "s1": Span("s1", 10, 15, "PERSON"),  # Biden
        "s2": Span("s2", 16, 20, "CUE"),  # said
        "s3": Span("s3", 22, 51, "QUOTE"),
        "s4": Span("s4", 36, 38, "PERSON"),  # Xi
        "s5": Span("s5", 42, 49, "GPE"),  # Beijing
        "s6": Span("s6", 52, 54, "MENTION"),  # He
    }
    return Document(rec, default_schema(), annotator="alice")


@pytest.mark.parametrize(
    "edit, reason",
    [
        # relation between disallowed labels
        (AddRelation(Relation("r1", "s1", "s3", "SPEAKER")), "SPEAKER cannot go from PERSON to QUOTE"),
        (AddRelation(Relation("r1", "s3", "s5", "CUE")), "CUE cannot go from QUOTE to GPE"),
        (AddRelation(Relation("r1", "s5", "s1", "REFERS_TO")), "REFERS_TO cannot go from GPE to PERSON"),
        (AddRelation(Relation("r1", "s1", "s1", "INTERACTION")), "cannot link a span to itself"),
        (
            AddRelation(Relation("r1", "s3", "s1", "SAID_BY")),
            "relation type 'SAID_BY' is not in schema news@1",
        ),
        # unknown label
        (AddSpan(Span("s9", 0, 9, "TITLE")), "label 'TITLE' is not in schema news@1"),
        (SetSpanLabel("s1", "HUMAN"), "label 'HUMAN' is not in schema news@1"),
        # value outside a set, attribute not on that label
        (SetSpanAttr("s1", "sentiment", "furious"), "'furious' is not a value of sentiment"),
        (SetSpanAttr("s3", "quote_kind", "shouted"), "'shouted' is not a value of quote_kind"),
        (SetSpanAttr("s2", "sentiment", "negative"), "CUE spans have no attribute 'sentiment'"),
        (SetDocField("sentiment", "ecstatic"), "'ecstatic' is not a value of sentiment"),
        (SetDocField("topics", ("politics", "gossip")), "'gossip' is not a value of topics"),
        (SetDocField("sentiment", ("negative",)), "takes one value"),
        (SetDocField("topics", "politics"), "takes a list of values"),
        (SetDocField("mood", "sad"), "document field 'mood' is not in schema news@1"),
        (SetStatus("finished"), "status 'finished' is not one of"),
        # overlap policy (nested): crossing spans of the same kind are refused, nesting is allowed
        (AddSpan(Span("s9", 12, 20, "ORG")), "would overlap PERSON at 10-15 (schema overlap policy: nested)"),
        (ResizeSpan("s5", 37, 45), "GPE at 37-45 would overlap PERSON at 36-38"),
        (AddSpan(Span("s9", 30, 60, "QUOTE")), "would overlap QUOTE at 22-51"),
    ],
)
def test_schema_breaking_edits_are_refused_with_a_reason(doc: Document, edit: Any, reason: str) -> None:
    before = doc.record.to_dict()
    with pytest.raises(EditRefused) as exc:
        doc.apply(edit)
    assert reason in str(exc.value)
    assert doc.record.to_dict() == before
    assert doc.problems(edit) and any(reason in p for p in doc.problems(edit))
    assert doc.record.to_dict() == before  # problems() is a dry run


@pytest.mark.parametrize(
    "edit",
    [
        AddRelation(Relation("r1", "s3", "s1", "SPEAKER")),
        AddRelation(Relation("r1", "s3", "s6", "SPEAKER")),  # a mention may speak
        AddRelation(Relation("r1", "s3", "s2", "CUE")),
        AddRelation(Relation("r1", "s6", "s1", "REFERS_TO")),
        AddRelation(Relation("r1", "s5", "s4", "INTERACTION")),  # symmetric: GPE-PERSON either way
        AddSpan(Span("s9", 10, 12, "ORG")),  # nested inside PERSON 10-15
        AddSpan(Span("s9", 0, 15, "ORG")),  # nests PERSON 10-15
        AddSpan(Span("s9", 12, 40, "MENTION")),  # another kind may cross entities
        SetSpanAttr("s3", "quote_kind", "direct"),
        SetSpanAttr("s1", "sentiment", "negative"),
        SetDocField("topics", ("politics", "conflict")),
        SetDocField("sentiment", "neutral"),
    ],
)
def test_schema_respecting_edits_are_accepted(doc: Document, edit: Any) -> None:
    doc.apply(edit)
    assert checks.record_problems(doc.schema, doc.record) == []


def test_max_per_head_refuses_a_second_speaker(doc: Document) -> None:
    doc.apply(AddRelation(Relation("r1", "s3", "s1", "SPEAKER")))
    with pytest.raises(EditRefused, match="at most 1 SPEAKER"):
        doc.apply(AddRelation(Relation("r2", "s3", "s6", "SPEAKER")))
    with pytest.raises(EditRefused, match="already exists"):
        doc.apply(AddRelation(Relation("r3", "s3", "s1", "SPEAKER")))
    doc.apply(AddRelation(Relation("r4", "s1", "s5", "AFFILIATION")))  # PERSON -> GPE has no such limit


def test_relabel_that_breaks_an_existing_relation_is_refused(doc: Document) -> None:
    doc.apply(AddRelation(Relation("r1", "s3", "s1", "SPEAKER")))
    with pytest.raises(EditRefused, match="SPEAKER cannot go from QUOTE to CUE"):
        doc.apply(SetSpanLabel("s1", "CUE"))
    assert doc.record.spans["s1"].label == "PERSON"


def test_symmetric_relation_counts_as_existing_both_ways(doc: Document) -> None:
    doc.apply(AddRelation(Relation("r1", "s1", "s4", "INTERACTION")))
    with pytest.raises(EditRefused, match="already exists"):
        doc.apply(AddRelation(Relation("r2", "s4", "s1", "INTERACTION")))


@pytest.mark.parametrize(
    "policy, crossing_ok, nested_ok", [("any", True, True), ("nested", False, True), ("none", False, False)]
)
def test_overlap_policies(policy: str, crossing_ok: bool, nested_ok: bool) -> None:
    data = copy.deepcopy(NEWS)
    data["overlap"] = policy
    schema = parse_schema(data)
    for span, ok in ((Span("s2", 3, 8, "ORG"), crossing_ok), (Span("s2", 1, 4, "ORG"), nested_ok)):
        doc = Document(Record.new("Joe Biden Junior"), schema)
        doc.apply(AddSpan(Span("s1", 0, 5, "PERSON")))
        if ok:
            doc.apply(AddSpan(span))
        else:
            with pytest.raises(EditRefused, match=f"overlap policy: {policy}"):
                doc.apply(AddSpan(span))
        # a span of another kind may always overlap
        doc.apply(AddSpan(Span("s3", 2, 9, "QUOTE")))


def test_record_problems_lists_everything_a_schema_forbids() -> None:
    rec = Record.new(TEXT, schema="other@2", status="done")
    rec.spans = {
        "s1": Span("s1", 10, 15, "PERSONA", {"sentiment": "negative"}),
        "s2": Span("s2", 22, 51, "QUOTE", {"quote_kind": "yelled"}),
        "s3": Span("s3", 42, 49, "GPE"),
    }
    rec.relations = {"r1": Relation("r1", "s3", "s2", "SPEAKER")}
    rec.doc = {"sentiment": "meh"}
    problems = checks.record_problems(default_schema(), rec)
    joined = "\n".join(problems)
    assert "made under schema 'other@2'" in joined
    assert "span s1: label 'PERSONA'" in joined
    assert "span s2: 'yelled' is not a value of quote_kind" in joined
    assert "relation r1: SPEAKER cannot go from GPE to QUOTE" in joined
    assert "doc.sentiment: 'meh'" in joined
