"""``workbench stats FILE [--json]``: what a corpus or annotator file holds, at a glance.

The figures are :func:`workbench.app.stats.corpus_stats`; this command draws
them as tables (or prints them as JSON) and lists the first bad lines by file:line.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

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


def run(args: argparse.Namespace) -> int:
    from workbench.app.stats import corpus_stats

    stats = corpus_stats(args.file)
    data = stats.figures
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        _print_tables(data)
    for e in stats.bad_lines[:SHOWN]:
        print(e, file=sys.stderr)
    if len(stats.bad_lines) > SHOWN:
        more = len(stats.bad_lines) - SHOWN
        print(f"... and {more} more bad line(s) (--json lists them all)", file=sys.stderr)
    for p in stats.invalid[:SHOWN]:
        print(p, file=sys.stderr)
    if len(stats.invalid) > SHOWN:
        more = len(stats.invalid) - SHOWN
        print(f"... and {more} more invalid record(s) (--json lists them all)", file=sys.stderr)
    return 0 if stats.ok else 1


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
