"""``workbench validate FILE [--schema S]``: every problem of a records file or an annotation schema.

Problems stream to stdout as ``file:line: json.path: message`` while the file
is read, so a lead sees the first faults of a huge corpus at once and can grep
the output; the exit code says whether anything was wrong (1) or not (0). What is
checked against what is :func:`workbench.app.validation.check_file`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from workbench.core.schema import AnnotationSchema
from workbench.io.validate import ValidationSummary


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


def run(args: argparse.Namespace) -> int:
    from workbench.app.validation import check_file

    path: Path = args.file
    check = check_file(path, args.schema, args.unique_ids)
    for p in check.problems:
        print(p, flush=False)
    sys.stdout.flush()
    found = check.summary.problems
    if check.kind == "bad_schema":
        print(
            f"{args.schema}: {found} problem(s) in the annotation schema; records not checked",
            file=sys.stderr,
        )
    elif check.kind == "schema" and not args.quiet:
        verdict = f"{found} problem(s)" if found else "valid"
        print(f"{path}: annotation schema: {verdict}", file=sys.stderr)
    elif check.kind == "records" and not args.quiet:
        _print_summary(path, check.summary, check.schema)
    return 1 if found or check.kind in ("bad_schema", "not_json") else 0


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
