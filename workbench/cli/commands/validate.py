"""``workbench validate FILE [--schema S]``: every problem of a records file or an annotation schema.

Problems stream to stdout as ``file:line: json.path: message`` while the file
is read, so a lead sees the first faults of a huge corpus at once and can grep
the output; the exit code says whether anything was wrong (1) or not (0).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from workbench.cli.errors import UserError
from workbench.core.problems import Problem
from workbench.core.schema import AnnotationSchema, SchemaError, load_schema
from workbench.io.validate import (
    ValidationSummary,
    is_annotation_schema,
    iter_json_file_problems,
    iter_problems,
    schema_file_problems,
)


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "validate",
        help="check a records file (JSONL) or an annotation schema, reporting every problem",
        description=(
            "Check every record of FILE against the record format (schemas/record.schema.json) and, "
            "with --schema, against an annotation schema. If FILE is an annotation schema (.json with "
            "span_labels), check it against the meta-schema instead. Each problem is printed as "
            "file:line: json.path: message. Exit status 1 if anything is wrong."
        ),
    )
    p.add_argument("file", type=Path, metavar="FILE")
    p.add_argument(
        "--schema", type=Path, metavar="S", help="annotation schema to check labels and values against"
    )
    p.add_argument(
        "--unique-ids",
        action="store_true",
        help="treat a repeated record id as a problem (a final corpus; annotator files repeat ids by design)",
    )
    p.add_argument("-q", "--quiet", action="store_true", help="print only the problems, no summary")
    p.set_defaults(func=run)


def _emit(problem: Problem) -> None:
    print(problem, flush=False)


def _load_annotation_schema(path: Path) -> AnnotationSchema | None:
    """The --schema file, or None after printing every one of its problems."""
    if not path.is_file():
        raise UserError(f"{path}: no such schema file")
    try:
        return load_schema(path)
    except SchemaError as e:
        for json_path, msg in e.problems:
            _emit(Problem(str(path), None, msg, json_path))
        print(
            f"{path}: {len(e.problems)} problem(s) in the annotation schema; records not checked",
            file=sys.stderr,
        )
        return None


def run(args: argparse.Namespace) -> int:
    path: Path = args.file
    if not path.exists():
        raise UserError(f"{path}: no such file")
    if path.is_dir():
        raise UserError(f"{path} is a folder; give a .jsonl records file or a .json schema")
    schema = None
    if args.schema is not None:
        schema = _load_annotation_schema(args.schema)
        if schema is None:
            return 1
    summary = ValidationSummary()
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(path.read_text("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as e:
            _emit(Problem(str(path), getattr(e, "lineno", 0), f"not valid JSON ({e})", "$"))
            return 1
        if is_annotation_schema(data):
            problems = schema_file_problems(path, data)
            for p in problems:
                _emit(p)
            if not args.quiet:
                verdict = f"{len(problems)} problem(s)" if problems else "valid"
                print(f"{path}: annotation schema: {verdict}", file=sys.stderr)
            return 1 if problems else 0
        stream = iter_json_file_problems(path, data, schema, summary)
    else:
        stream = iter_problems(path, schema, unique_ids=args.unique_ids, summary=summary)
    for p in stream:
        _emit(p)
    sys.stdout.flush()
    if not args.quiet:
        _print_summary(path, summary, schema)
    return 1 if summary.problems else 0


def _print_summary(path: Path, s: ValidationSummary, schema: AnnotationSchema | None) -> None:
    against = f" against {schema.ref}" if schema is not None else ""
    parts = [f"{s.records} record(s){against}"]
    if s.problems:
        parts.append(f"{s.problems} problem(s) in {s.bad_records} record(s)/line(s)")
    else:
        parts.append("no problems")
    if s.repeated_ids:
        parts.append(f"{s.repeated_ids} repeated id(s), later lines win")
    if s.records == 0 and s.lines == 0:
        parts.append("the file is empty")
    print(f"{path}: " + ", ".join(parts), file=sys.stderr)
