"""Every problem of a records file or an annotation schema: the work behind ``workbench validate``.

A lead fixing a file by hand wants all its faults at once, in file order, while
a huge corpus streams past; so :func:`check_file` hands back the problems as a
stream (an iterator of :class:`~workbench.core.problems.Problem`) and fills the
counts in as it is read. The checks themselves are :mod:`workbench.io.validate`;
this module decides what the file is and what to check it against.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from workbench.app.errors import AppError
from workbench.core.problems import Problem
from workbench.core.schema import AnnotationSchema, SchemaError, load_schema
from workbench.io.validate import (
    ValidationSummary,
    is_annotation_schema,
    iter_json_file_problems,
    iter_problems,
    schema_file_problems,
)

# What was checked: records (JSONL, or a JSON list of records), an annotation schema file,
# a .json file that is not JSON at all, or nothing because the --schema to check against is bad.
Kind = Literal["records", "schema", "not_json", "bad_schema"]


@dataclass
class FileCheck:
    """A check under way: iterate ``problems``; ``summary`` is complete once they are exhausted."""

    kind: Kind
    problems: Iterator[Problem]
    schema: AnnotationSchema | None = None  # what the records are checked against
    summary: ValidationSummary = field(default_factory=ValidationSummary)


def check_file(path: Path, schema_path: Path | None = None, unique_ids: bool = False) -> FileCheck:
    """Check ``path`` (records, or an annotation schema against the meta-schema).

    With ``schema_path`` records are also checked against that annotation schema; a
    schema with problems of its own is reported instead (``bad_schema``), records unread.
    """
    if not path.exists():
        raise AppError(f"{path}: no such file")
    if path.is_dir():
        raise AppError(f"{path} is a folder; give a .jsonl records file or a .json schema")
    schema = None
    if schema_path is not None:
        if not schema_path.is_file():
            raise AppError(f"{schema_path}: no such schema file")
        try:
            schema = load_schema(schema_path)
        except SchemaError as e:
            bad = [Problem(str(schema_path), None, msg, jp) for jp, msg in e.problems]
            return FileCheck("bad_schema", iter(bad), summary=ValidationSummary(problems=len(bad)))
    summary = ValidationSummary()
    if path.suffix.lower() != ".json":
        stream = iter_problems(path, schema, unique_ids=unique_ids, summary=summary)
        return FileCheck("records", stream, schema, summary)
    try:
        data = json.loads(path.read_text("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        bad = [Problem(str(path), getattr(e, "lineno", 0), f"not valid JSON ({e})", "$")]
        return FileCheck("not_json", iter(bad), summary=ValidationSummary(problems=1))
    if is_annotation_schema(data):
        found = schema_file_problems(path, data)
        return FileCheck("schema", iter(found), summary=ValidationSummary(problems=len(found)))
    return FileCheck("records", iter_json_file_problems(path, data, schema, summary), schema, summary)
