"""``workbench guidelines SCHEMA [--html OUT]``: the schema's annotation guidelines, whole."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from workbench.app.guidelines import guidelines_document


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "guidelines",
        help="the annotation guidelines a schema carries, as text or one HTML file",
        description=(
            "Print the guidelines of an annotation schema (a schema file, a project folder, or a shipped "
            "schema's name such as 'news'): the project text and, for each label, relation type, attribute "
            "and document field, its definition with examples. With --html, write them as one "
            "self-contained HTML file with the examples marked in the schema's colours."
        ),
    )
    p.add_argument("schema", metavar="SCHEMA", help="schema file, project folder, or shipped schema name")
    p.add_argument("--html", type=Path, metavar="OUT", help="write the guidelines as HTML here")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    doc = guidelines_document(args.schema, args.html)
    if not doc.schema.has_guidelines:
        print(f"{doc.schema.ref}: this schema has no guidelines yet", file=sys.stderr)
    for path, message in doc.notes:
        print(f"note: {args.schema}: {path}: {message}", file=sys.stderr)
    if doc.html is not None:
        print(f"HTML guidelines: {doc.html}")
    else:
        print(doc.text)
    return 0
