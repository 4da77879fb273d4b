"""The record: serialisation round trips, the formal JSON Schema, structural checks, ids."""

from __future__ import annotations

import json
from typing import Any

import jsonschema_rs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench.core.paths import schemas_dir
from workbench.core.record import (
    RECORD_FORMAT,
    REVIEWS,
    STATUSES,
    Record,
    RecordError,
    Relation,
    Span,
    article_id,
    structural_problems,
    text_sha256,
)
from workbench.io.jsonl import dumps

RECORD_SCHEMA = json.loads((schemas_dir() / "record.schema.json").read_text("utf-8"))
VALIDATOR = jsonschema_rs.validator_for(RECORD_SCHEMA)


def sample() -> Record:
    text = 'Alexander Lukashenko said: "We will win." He met Putin.'
    rec = Record.new(text, meta={"title": "Belarus", "source": "express.co.uk", "sha256": text_sha256(text)})
    rec.spans = {
        "s1": Span(
            "s1", 0, 20, "PERSON", {"sentiment": "negative"}, "model:en_core_web_sm@3.8.0", "accepted"
        ),
        "s2": Span("s2", 21, 25, "CUE"),
        "s3": Span("s3", 27, 41, "QUOTE", {"quote_kind": "direct"}, "rule:quotes@1", "pending"),
        "s4": Span("s4", 42, 44, "MENTION"),
    }
    rec.relations = {
        "r1": Relation("r1", "s3", "s1", "SPEAKER"),
        "r2": Relation("r2", "s3", "s2", "CUE", origin="rule:quotes@1", review="pending"),
    }
    rec.doc = {"sentiment": "negative", "topics": ["politics"]}
    rec.status, rec.annotator, rec.schema, rec.rev, rec.updated = (
        "done",
        "alice",
        "news@1",
        7,
        "2026-11-28T10:12:03Z",
    )
    rec.rejected = [
        {"id": "s9", "start": 48, "end": 53, "label": "ORG", "text": "Putin", "origin": "model:x@1"}
    ]
    return rec


def test_to_dict_shape_is_the_documented_one() -> None:
    d = sample().to_dict()
    assert list(d) == [
        "id", "text", "meta", "spans", "relations", "doc", "status",
        "annotator", "schema", "rev", "updated", "rejected",
    ]  # fmt: skip
    assert d["spans"][0] == {
        "id": "s1", "start": 0, "end": 20, "label": "PERSON", "text": "Alexander Lukashenko",
        "attrs": {"sentiment": "negative"}, "origin": "model:en_core_web_sm@3.8.0", "review": "accepted",
    }  # fmt: skip
    # a person's span carries neither origin nor review, and no empty attrs
    assert d["spans"][1] == {"id": "s2", "start": 21, "end": 25, "label": "CUE", "text": "said"}
    assert [s["id"] for s in d["spans"]] == ["s1", "s2", "s3", "s4"]


def test_round_trip_through_a_json_line_is_exact() -> None:
    rec = sample()
    rec.extra = {"x_project": {"batch": 3}}
    line = dumps(rec.to_dict())
    assert "\n" not in line
    back = Record.from_dict(json.loads(line))
    assert back == rec
    assert dumps(back.to_dict()) == line


def test_unknown_top_level_fields_survive_a_round_trip() -> None:
    d = sample().to_dict()
    d["added_by_a_newer_version"] = [1, 2]
    assert Record.from_dict(d).to_dict()["added_by_a_newer_version"] == [1, 2]


def test_to_dict_validates_against_the_record_schema() -> None:
    errors = [e.message for e in VALIDATOR.iter_errors(sample().to_dict())]
    assert errors == []
    assert RECORD_FORMAT in RECORD_SCHEMA["title"]
    assert RECORD_SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema_rs.Draft202012Validator(RECORD_SCHEMA)  # the schema itself is a valid 2020-12 schema


def test_record_schema_enums_match_the_code() -> None:
    assert RECORD_SCHEMA["properties"]["status"]["enum"] == list(STATUSES)
    assert RECORD_SCHEMA["$defs"]["review"]["enum"] == list(REVIEWS)
    assert set(RECORD_SCHEMA["required"]) == set(Record.new("x").to_dict())


@pytest.mark.parametrize(
    "mutate, path",
    [
        (lambda d: d.pop("text"), ""),
        (lambda d: d.update(status="finished"), "/status"),
        (lambda d: d.update(rev=-1), "/rev"),
        (lambda d: d.update(rev="7"), "/rev"),
        (lambda d: d.update(schema="News 1"), "/schema"),
        (lambda d: d.update(updated="yesterday"), "/updated"),
        (lambda d: d["spans"][0].update(start="0"), "/spans/0/start"),
        (lambda d: d["spans"][0].update(review="maybe"), "/spans/0/review"),
        (lambda d: d["spans"][0].update(colour="red"), "/spans/0"),
        (lambda d: d["spans"][0].update(origin=""), "/spans/0/origin"),
        (lambda d: d["relations"][0].pop("head"), "/relations/0"),
        (lambda d: d["doc"].update(sentiment=3), "/doc/sentiment"),
        (lambda d: d.update(meta=[]), "/meta"),
    ],
)
def test_record_schema_refuses_malformed_records(mutate: Any, path: str) -> None:
    d = sample().to_dict()
    mutate(d)
    paths = [
        "/" + "/".join(map(str, e.instance_path)) if e.instance_path else "" for e in VALIDATOR.iter_errors(d)
    ]
    assert path in paths


def test_article_id_is_content_based_and_ignores_wrapping() -> None:
    a = article_id("The minister said on Monday\nthat talks had failed.")
    assert a == article_id("The minister  said on Monday that talks\r\nhad failed.  ")
    assert a != article_id("The minister said on Tuesday that talks had failed.")
    assert len(a) == 16 and int(a, 16) >= 0
    assert Record.new("The minister said on Monday that talks had failed.").id == a


def test_next_ids_follow_the_largest_number() -> None:
    rec = sample()
    assert rec.next_span_id() == "s5"
    rec.spans["s10"] = Span("s10", 0, 1, "PERSON")
    rec.spans["x99"] = Span("x99", 0, 1, "PERSON")
    assert rec.next_span_id() == "s11"
    assert rec.next_relation_id() == "r3"


def test_relations_are_written_in_natural_id_order() -> None:
    rec = sample()
    rec.relations = {
        "r10": Relation("r10", "s3", "s4", "SPEAKER"),
        "r2": Relation("r2", "s3", "s2", "CUE"),
        "r1": Relation("r1", "s4", "s1", "REFERS_TO"),
    }
    assert [r["id"] for r in rec.to_dict()["relations"]] == ["r1", "r2", "r10"]


# --- structure ----------------------------------------------------------------------------------


def test_structural_problems_lists_every_fault_at_once() -> None:
    d = sample().to_dict()
    d["spans"][0]["end"] = 999
    d["spans"][1]["id"] = "s1"
    d["spans"][2]["text"] = "not this"
    d["relations"].append({"id": "r1", "head": "s3", "child": "ghost", "label": "SPEAKER"})
    d["status"] = "finished"
    problems = structural_problems(d)
    joined = "\n".join(problems)
    assert "spans[0]: offsets 0-999 fall outside the text" in joined
    assert "spans[1]: duplicate span id 's1'" in joined
    assert "spans[2]: span text 'not this' does not match" in joined
    assert "relations[2]: duplicate relation id 'r1'" in joined
    assert "relations[2]: child 'ghost' is not a span of this record" in joined
    assert "status: 'finished' is not one of" in joined
    with pytest.raises(RecordError) as exc:
        Record.from_dict(d)
    assert exc.value.problems == problems


@pytest.mark.parametrize(
    "d, expected",
    [
        ([], "not a JSON object"),
        ({"id": "x"}, "no 'text' string"),
        ({"text": 5}, "no 'text' string"),
        ({"text": "abc", "spans": [{"id": "s1", "start": 1, "end": 1, "label": "X"}]}, "outside the text"),
        ({"text": "abc", "spans": [{"id": "s1", "start": -1, "end": 2, "label": "X"}]}, "outside the text"),
        ({"text": "abc", "spans": [{"id": "s1", "start": 0.0, "end": 2, "label": "X"}]}, "must be integers"),
        ({"text": "abc", "spans": [{"id": "s1", "start": True, "end": 2, "label": "X"}]}, "must be integers"),
        ({"text": "abc", "spans": [{"start": 0, "end": 2}]}, "needs id"),
        ({"text": "abc", "relations": [{"id": "r1", "head": "s1"}]}, "needs id, head, child"),
    ],
)
def test_structural_problem_cases(d: Any, expected: str) -> None:
    assert any(expected in p for p in structural_problems(d)), structural_problems(d)


def test_a_clean_record_has_no_structural_problems() -> None:
    assert structural_problems(sample().to_dict()) == []
    assert structural_problems({"text": ""}) == []


JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 100) | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=12,
)
RECORDISH = st.fixed_dictionaries(
    {"text": st.text(max_size=20)},
    optional={
        "id": JSON,
        "spans": st.lists(
            st.fixed_dictionaries(
                {},
                optional={
                    "id": JSON | st.sampled_from(["s1", "s2"]),
                    "start": JSON,
                    "end": JSON,
                    "label": JSON,
                    "text": JSON,
                },
            )
            | JSON,
            max_size=3,
        )
        | JSON,
        "relations": st.lists(
            st.fixed_dictionaries(
                {},
                optional={
                    "id": JSON,
                    "head": JSON | st.just("s1"),
                    "child": JSON | st.just("s2"),
                    "label": JSON,
                },
            )
            | JSON,
            max_size=3,
        )
        | JSON,
        "status": JSON,
    },
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(RECORDISH)
def test_structural_problems_never_crash_on_any_json(d: dict[str, Any]) -> None:
    """A hand-edited line of any shape is reported, never a traceback."""
    problems = structural_problems(d)
    assert isinstance(problems, list)
    if not problems:
        Record.from_dict(d)  # what passes the check must load
