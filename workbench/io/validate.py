"""Validate corpus and annotator files: every problem, each named by file, line and JSON path.

A lead fixing a file by hand wants all its faults at once, in the order of the
file, while a 100k-record corpus streams past: records are checked one line at
a time and each problem is handed out as soon as it is found. The record JSON
Schema is compiled once (``jsonschema_rs``); calling a validator per record
would cost a hundred times more (GUIDE section 8).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema_rs

from workbench.core import checks
from workbench.core.paths import schemas_dir
from workbench.core.problems import Problem
from workbench.core.record import Record, RecordError, Relation, Span, offset_problems, structural_problems
from workbench.core.schema import AnnotationSchema, schema_problems
from workbench.io.jsonl import LineError, read_jsonl

RECORD_SCHEMA_FILE = "record.schema.json"
# structural_problems says "spans[3]: ..." or "status: ..."; the part before ": " is a path.
_WHERE = re.compile(r"^((?:spans|relations)(?:\[\d+\])?|status): (.*)$", re.S)


@dataclass
class ValidationSummary:
    """Counts gathered while streaming; filled in as :func:`iter_problems` runs."""

    lines: int = 0
    records: int = 0
    bad_records: int = 0
    problems: int = 0
    repeated_ids: int = 0
    ids: set[str] = field(default_factory=set)


def json_path(parts: Any) -> str:
    out = "$"
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else f".{p}"
    return out


@cache
def record_schema() -> dict[str, Any]:
    return json.loads((schemas_dir() / RECORD_SCHEMA_FILE).read_text("utf-8"))


@cache
def record_validator() -> Any:
    """The compiled record validator, built once per process."""
    return jsonschema_rs.validator_for(record_schema())


def format_problems(obj: Any) -> list[tuple[str, str]]:
    """``(json_path, message)`` for what the record's JSON Schema refuses in one record dict."""
    validator = record_validator()
    try:
        errors = [] if validator.is_valid(obj) else list(validator.iter_errors(obj))
    except UnicodeEncodeError:  # a lone surrogate somewhere: the validator reads UTF-8 only
        obj = _without_surrogates(obj)
        errors = [] if validator.is_valid(obj) else list(validator.iter_errors(obj))
    return [(json_path(e.instance_path), _message(e)) for e in errors]


def record_dict_problems(obj: Any, schema: AnnotationSchema | None = None) -> list[tuple[str, str]]:
    """``(json_path, message)`` for every fault of one record dict: format, structure, schema.

    All three layers are checked whatever the others found, so a record with a
    missing field, a span outside its text and an unknown label reports all three.
    """
    out = format_problems(obj)
    reported = {p for p, _ in out}
    try:
        structural = structural_problems(obj)
    except (TypeError, AttributeError, KeyError) as e:  # shapes the JSON Schema already refused
        structural = [f"cannot be checked further ({type(e).__name__}: {e})"]
    for msg in structural:
        m = _WHERE.match(msg)
        where, text = (f"$.{m.group(1)}", m.group(2)) if m else ("$", msg)
        if where == "$.status" and where in reported:
            continue  # the JSON Schema said it already
        out.append((where, text))
    if schema is not None and isinstance(obj, dict) and isinstance(obj.get("text"), str):
        rec = _lenient_record(obj)
        if rec is not None:
            for where, text in (_schema_path(obj, msg) for msg in checks.record_problems(schema, rec)):
                if not (where == "$.status" and where in reported):
                    out.append((where, text))
    return out


_SURROGATE = re.compile("[\ud800-\udfff]")


def _without_surrogates(obj: Any) -> Any:
    """``obj`` with lone surrogates in its strings as U+FFFD: the JSON Schema validator cannot read them.

    A ``\\ud83d`` escape is valid JSON and a record may carry one; it is not a fault of the
    record's shape, and every exporter writes it as U+FFFD.
    """
    if isinstance(obj, str):
        return _SURROGATE.sub("\ufffd", obj)
    if isinstance(obj, dict):
        return {_without_surrogates(k): _without_surrogates(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_without_surrogates(v) for v in obj]
    return obj


def checked_record(obj: Any) -> Record | list[tuple[str, str]]:
    """The record in ``obj`` when ``validate`` would accept it, else every ``(json_path, message)`` why not.

    The one gate of what import, export and evaluation take from a records file, so they
    agree with ``validate``: parts a hand-written record may leave out (``meta``, ``doc``,
    ``updated``...) are filled in by :class:`Record` first; what is present must be right
    (``rev: -1``, ``updated: 5``, ``doc.sentiment: 5``, an attribute that is a list are faults).
    """
    try:
        rec = Record.from_dict(obj)  # the structural checks: it raises on any of them
        faults = format_problems(rec.to_dict())  # what is present must have the record format's shape
    except (RecordError, TypeError, ValueError, KeyError, AttributeError, OverflowError, RecursionError) as e:
        try:  # say it in the JSON Schema's words ("$.meta: [1] is not of type object") where it can
            said = [(p, m) for p, m in record_dict_problems(obj) if "required property" not in m]
        except (TypeError, ValueError, RecursionError):
            said = []
        return said or [("$", f"not a record ({type(e).__name__}: {e})")]
    return faults or rec


def faults_text(faults: list[tuple[str, str]], most: int = 3) -> str:
    """``checked_record``'s faults as one line: the first few, each with its JSON path."""
    text = "; ".join(m if p == "$" else f"{p}: {m}" for p, m in faults[:most])
    return text + (f" (and {len(faults) - most} more)" if len(faults) > most else "")


def _message(error: Any) -> str:
    """jsonschema_rs shortens long enums to "or 2 other candidates"; an annotator needs them all."""
    kind = error.kind
    if type(kind).__name__ == "Enum":
        value = json.dumps(error.instance, ensure_ascii=False)
        return f"{value} is not one of {', '.join(map(str, kind.options))}"
    return error.message


def _lenient_record(obj: dict[str, Any]) -> Record | None:
    """The parts of a record sound enough to check against an annotation schema.

    Spans with bad offsets and relations to missing spans are left out: their
    structural problem is already reported, and the rest still deserves a check.
    """
    text = obj["text"]
    try:
        spans: dict[str, Span] = {}
        for s in obj.get("spans") or []:
            if isinstance(s, dict) and {"id", "label"} <= s.keys():
                if not offset_problems(text, s.get("start"), s.get("end"), "") and isinstance(s["id"], str):
                    spans.setdefault(s["id"], Span.from_dict(s))
        rels: dict[str, Relation] = {}
        for r in obj.get("relations") or []:
            if isinstance(r, dict) and {"id", "head", "child", "label"} <= r.keys():
                if r["head"] in spans and r["child"] in spans and isinstance(r["id"], str):
                    rels.setdefault(r["id"], Relation.from_dict(r))
        doc = obj.get("doc")
        status = obj.get("status")
        return Record(
            id=str(obj.get("id")),
            text=text,
            spans=spans,
            relations=rels,
            doc=dict(doc) if isinstance(doc, dict) else {},
            status=status if isinstance(status, str) else "todo",
            schema=obj.get("schema") if isinstance(obj.get("schema"), str) else None,
        )
    except (TypeError, ValueError, AttributeError):
        return None


_SCHEMA_MSG = re.compile(r"^(span|relation) (.+?): (.*)$", re.S)
_DOC_MSG = re.compile(r"^doc\.([^:]+): (.*)$", re.S)


def _schema_path(obj: dict[str, Any], msg: str) -> tuple[str, str]:
    """Turn ``span s3: ...`` from :func:`checks.record_problems` into ``$.spans[2]``."""
    m = _SCHEMA_MSG.match(msg)
    if m:
        key = "spans" if m.group(1) == "span" else "relations"
        for i, item in enumerate(obj.get(key) or []):
            if isinstance(item, dict) and item.get("id") == m.group(2):
                return f"$.{key}[{i}]", m.group(3)
        return "$", msg
    m = _DOC_MSG.match(msg)
    if m:
        return f"$.doc.{m.group(1)}", m.group(2)
    if msg.startswith("status "):
        return "$.status", msg
    if msg.startswith("record was made under schema"):
        return "$.schema", msg
    return "$", msg


def iter_problems(
    path: str | Path,
    schema: AnnotationSchema | None = None,
    *,
    unique_ids: bool = False,
    summary: ValidationSummary | None = None,
) -> Iterator[Problem]:
    """Stream every problem of a JSONL file of records, in file order.

    A repeated record id is normal in an annotator file (the later line wins),
    so it is only a problem with ``unique_ids`` (a corpus meant to be final).
    """
    summary = summary if summary is not None else ValidationSummary()
    name = str(path)
    first_seen: dict[str, int] = {}
    for item in read_jsonl(path):
        summary.lines += 1
        if isinstance(item, LineError):
            summary.problems += 1
            summary.bad_records += 1
            yield Problem(name, item.line, item.message, "$")
            continue
        line, obj = item
        summary.records += 1
        found = [Problem(name, line, m, p) for p, m in record_dict_problems(obj, schema)]
        rid = obj.get("id")
        if isinstance(rid, str):
            if rid in first_seen:
                summary.repeated_ids += 1
                if unique_ids:
                    found.append(
                        Problem(name, line, f"id {rid!r} already used on line {first_seen[rid]}", "$.id")
                    )
            else:
                first_seen[rid] = line
        if found:
            summary.bad_records += 1
            summary.problems += len(found)
            yield from found
    summary.ids = set(first_seen)


def is_annotation_schema(data: Any) -> bool:
    return isinstance(data, dict) and "span_labels" in data


def schema_file_problems(path: str | Path, data: Any | None = None) -> list[Problem]:
    """Every problem of an annotation schema file against the meta-schema and its own references."""
    name = str(path)
    if data is None:
        try:
            data = json.loads(Path(path).read_text("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as e:
            return [Problem(name, getattr(e, "lineno", None), f"not valid JSON: {e}", "$")]
    return [Problem(name, None, m, p) for p, m in schema_problems(data)]


def iter_json_file_problems(
    path: str | Path, data: Any, schema: AnnotationSchema | None, summary: ValidationSummary
) -> Iterator[Problem]:
    """A ``.json`` file holding one record or a list of them (paths say which element)."""
    name = str(path)
    items = data if isinstance(data, list) else [data]
    for i, obj in enumerate(items):
        summary.records += 1
        prefix = f"$[{i}]" if isinstance(data, list) else "$"
        found = [Problem(name, None, m, prefix + p[1:]) for p, m in record_dict_problems(obj, schema)]
        if found:
            summary.bad_records += 1
            summary.problems += len(found)
            yield from found
