"""``workbench import FILES... -o corpus.jsonl [--clean] [--format F]``: articles into a corpus file.

Flags in, lines out: the import itself is :func:`workbench.app.importing.import_records`
(bad inputs listed, duplicates skipped, the corpus written atomically); the
command fails only when nothing at all could be imported.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from workbench.app.importing import ARTICLES, check_format, import_formats, import_records
from workbench.cli.errors import UserError


def register(subparsers: Any) -> None:
    formats = import_formats()
    p = subparsers.add_parser(
        "import",
        help="read article files or folders (txt, html, json, jsonl) into a corpus JSONL file",
        description=(
            "Read .txt, .html/.htm, .json (one article or a list) and .jsonl files, and folders of them "
            "(recursively), into one corpus file with one record per article. The same text always gets "
            "the same id, so a story imported twice is stored once. Problems are listed as file:line: "
            "reason on stderr; the exit status is non-zero only when nothing could be imported."
        ),
    )
    p.add_argument("paths", nargs="+", type=Path, metavar="FILES", help="files or folders to read")
    p.add_argument("-o", "--output", type=Path, required=True, metavar="OUT", help="corpus JSONL to write")
    p.add_argument(
        "--format",
        default=ARTICLES,
        metavar="F",
        help=f"input format: {', '.join(formats)} (default: {ARTICLES}: plain articles)",
    )
    p.add_argument(
        "--clean",
        action="store_true",
        help="remove scrape boilerplate (header lines, captions, related-article tails, share footers); "
        "the original text is kept in meta.original_text",
    )
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--force", action="store_true", help="replace OUT if it exists")
    mode.add_argument("--append", action="store_true", help="keep OUT's records and add new ones")
    p.add_argument("--max-mb", type=float, default=20.0, help="largest article accepted, in MB (default 20)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    check_format(args.format)
    if args.clean and args.format != ARTICLES:
        raise UserError("--clean applies to plain articles (--format articles) only")
    if args.max_mb <= 0:
        raise UserError("--max-mb must be positive")
    summary = import_records(
        args.paths,
        sys.stdout if str(args.output) == "-" else args.output,
        format=args.format,
        clean=args.clean,
        max_bytes=int(args.max_mb * 1024 * 1024),
        replace=args.force,
        append=args.append,
    )
    head, *details = summary.lines()
    print(f"workbench import: {head}", file=sys.stderr)
    for line in details:
        print(line, file=sys.stderr)
    if summary.nothing_imported:
        raise UserError(summary.why_nothing(), exit_code=1)
    return 0
