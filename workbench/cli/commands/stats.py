"""``workbench stats FILE [--json]``: what a corpus or annotator file holds, at a glance.

Built on the streaming index, so it answers for a 100k-record corpus without
loading it; repeated ids count once (the later line wins), as the workbench
itself would show them. Bad lines are listed by file:line and never stop it.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from workbench.cli.errors import UserError
from workbench.io.corpus import CorpusIndex, index_corpus

SHOWN = 10  # bad lines listed on the terminal; --json has them all


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "stats",
        help="documents, statuses, spans per label, relations per type, document fields",
        description=(
            "Summarise a corpus or annotator JSONL file. Repeated ids count once (the later line wins)."
        ),
    )
    p.add_argument("file", type=Path, metavar="FILE")
    p.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    p.set_defaults(func=run)


def stats_dict(index: CorpusIndex) -> dict[str, Any]:
    """The figures as plain data (what ``--json`` prints)."""
    entries = list(index)
    spans = sum(e.spans for e in entries)
    rels = index.relation_counts()
    return {
        "file": str(index.path),
        "lines": index.lines,
        "documents": len(index),
        "repeated_ids": index.repeated,
        "characters": sum(e.chars for e in entries),
        "statuses": dict(index.status_counts().most_common()),
        "annotators": dict(Counter(e.annotator or "(none)" for e in entries).most_common()),
        "schemas": dict(Counter(e.schema or "(none)" for e in entries).most_common()),
        "spans": spans,
        "spans_per_label": dict(index.label_counts().most_common()),
        "relations": sum(rels.values()),
        "relations_per_type": dict(rels.most_common()),
        "reviews": dict(index.review_counts().most_common()),
        "rejected": sum(e.rejected for e in entries),
        "doc_fields": {k: dict(v.most_common()) for k, v in sorted(index.doc_counts().items())},
        "bad_lines": [{"line": e.line, "message": e.message, "torn": e.torn} for e in index.errors],
    }


def run(args: argparse.Namespace) -> int:
    path: Path = args.file
    if not path.exists():
        raise UserError(f"{path}: no such file")
    if path.is_dir():
        raise UserError(f"{path} is a folder; give a .jsonl corpus or annotator file")
    try:
        with open(path, "rb") as fh:
            if b"\0" in fh.read(8192):
                raise UserError(f"{path}: a binary file, not a JSONL corpus or annotator file")
        index = index_corpus(path)
    except OSError as e:
        raise UserError(f"{path}: cannot read ({e.strerror or e})") from None
    if not len(index) and index.errors:
        first = index.errors[0]
        raise UserError(
            f"{path}: no records here: {len(index.errors)} line(s) are not workbench records "
            f"(first, line {first.line}: {first.message}). Give a corpus or annotator .jsonl file; "
            "`workbench import` makes one from articles"
        )
    data = stats_dict(index)
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        _print_tables(data)
    for e in index.errors[:SHOWN]:
        print(e, file=sys.stderr)
    if len(index.errors) > SHOWN:
        more = len(index.errors) - SHOWN
        print(f"... and {more} more bad line(s) (--json lists them all)", file=sys.stderr)
    return 0


def _print_tables(d: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    head = Table(title=d["file"], show_header=False, title_justify="left")
    head.add_column(style="bold")
    head.add_column(justify="right")
    head.add_row("documents", f"{d['documents']:,}")
    head.add_row("lines", f"{d['lines']:,}")
    if d["repeated_ids"]:
        head.add_row("repeated ids (later wins)", f"{d['repeated_ids']:,}")
    head.add_row("characters", f"{d['characters']:,}")
    head.add_row("spans", f"{d['spans']:,}")
    head.add_row("relations", f"{d['relations']:,}")
    if d["rejected"]:
        head.add_row("rejected pre-annotations", f"{d['rejected']:,}")
    if d["bad_lines"]:
        head.add_row("bad lines", f"[red]{len(d['bad_lines']):,}[/red]")
    console.print(head)
    for title, key in (
        ("status", "statuses"),
        ("span label", "spans_per_label"),
        ("relation type", "relations_per_type"),
        ("review of pre-annotations", "reviews"),
        ("annotator", "annotators"),
        ("schema", "schemas"),
    ):
        if d[key]:
            console.print(_count_table(title, d[key]))
    for name, values in d["doc_fields"].items():
        console.print(_count_table(f"doc.{name}", values))


def _count_table(title: str, counts: dict[str, int]) -> Any:
    from rich.table import Table

    total = sum(counts.values()) or 1
    t = Table(title_justify="left")
    t.add_column(title)
    t.add_column("count", justify="right")
    t.add_column("%", justify="right")
    for k, n in counts.items():
        t.add_row(str(k), f"{n:,}", f"{100 * n / total:.1f}")
    return t
