"""``workbench export CORPUS --format F -o OUT [--split 80/10/10 --seed N] [--status done]``.

The export itself is :func:`workbench.app.export.export_corpus`; here, every format prints
what it wrote and exactly what it could not carry, with counts, and a table shows the labels
in each split.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from workbench.app.errors import cannot_write
from workbench.app.export import ExportSummary, check_export, export_corpus, require_corpus
from workbench.cli.errors import UserError
from workbench.core.record import STATUSES
from workbench.core.schema import SchemaError, load_schema


def register(subparsers: Any) -> None:
    from workbench.io.interop.registry import EXPORTERS

    formats = list(EXPORTERS)
    p = subparsers.add_parser(
        "export",
        help=f"export a corpus as training data: {', '.join(formats)}",
        description=(
            "Write a corpus or annotator JSONL file in another tool's format. Whatever the format cannot "
            "carry is listed with counts. --split divides by article, stratified by label, keeping "
            "near-duplicate articles (MinHash over word shingles) in one split."
        ),
    )
    p.add_argument("corpus", type=Path, metavar="CORPUS", help="corpus or annotator JSONL file")
    p.add_argument("--format", "-f", required=True, choices=formats, metavar="F", help=", ".join(formats))
    p.add_argument("-o", "--output", type=Path, required=True, metavar="OUT", help="output file or folder")
    p.add_argument("--schema", type=Path, default=None, help="annotation schema (default: the news schema)")
    p.add_argument(
        "--status",
        action="append",
        choices=STATUSES,
        help="only records with this status (repeatable; default: all records)",
    )
    p.add_argument("--split", default=None, metavar="TRAIN/DEV[/TEST]", help="e.g. 80/10/10, by article")
    p.add_argument("--seed", type=int, default=0, help="seed of the split (default 0)")
    p.add_argument(
        "--near-duplicate-threshold",
        type=float,
        default=0.7,
        metavar="J",
        help="estimated Jaccard similarity of word 5-shingles above which articles stay together (0.7)",
    )
    p.add_argument("--json", action="store_true", help="also print the report as JSON on stdout")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    corpus: Path = args.corpus
    require_corpus(corpus)
    try:
        schema = load_schema(args.schema)
    except SchemaError as e:
        raise UserError(str(e)) from None
    check_export(corpus, args.format, args.output, args.split, args.near_duplicate_threshold)
    try:
        result = export_corpus(
            corpus, args.format, args.output, schema, statuses=args.status, split=args.split,
            seed=args.seed, threshold=args.near_duplicate_threshold,
        )  # fmt: skip
    except OSError as e:  # e.g. -o below a file, a folder that cannot be written, a full disk
        raise cannot_write(e, args.output) from None
    _print(result, args)
    for p in result.problems:
        print(p, file=sys.stderr)
    return 0


def _print(result: ExportSummary, args: argparse.Namespace) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(stderr=args.json)
    for name, report in result.reports.items():
        head = f"[{name}] " if name != "all" else ""
        for i, line in enumerate(report.lines()):
            console.print((head if i == 0 else "") + line, markup=False, highlight=False, soft_wrap=True)
    if result.config:
        console.print(f"spaCy training config: {result.config}", markup=False, highlight=False)
        console.print(f"  train with: python -m spacy train {result.config} --output MODEL_DIR", markup=False)
    plan = result.plan
    names = list(result.groups)
    table = Table(title="Labels per split (records containing the label; spans in brackets)")
    table.add_column("label")
    for n in names:
        table.add_column(n, justify="right")
    counts = result.labels_per_split()
    table.add_row("(articles)", *[str(len(result.groups[n])) for n in names])
    for label in sorted(set().union(*(recs for recs, _ in counts.values()))):
        cells = []
        for n in names:
            recs, spans = counts[n]
            c = recs[label]
            cells.append((f"{c} ({spans[label]})" if spans[label] else str(c)) if c else "[red]0[/red]")
        table.add_row(label, *cells)
    console.print(table)
    if plan is not None:
        dup = plan.near_duplicate_groups
        console.print(
            f"near-duplicate groups kept in one split: {len(dup)} ({sum(len(g) for g in dup)} articles)",
            highlight=False,
        )
        for label, lacking in sorted(plan.missing.items()):
            console.print(
                f"label {label} is in no {'/'.join(lacking)} article (too few articles)", markup=False
            )
    if args.json:
        print(result.to_json())
