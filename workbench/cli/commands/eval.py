"""``workbench eval GOLD PRED`` / ``workbench eval GOLD --run``: how good is pre-annotation?

GOLD is a JSONL file of records or a brat/PolNeAR folder (or one ``.ann``);
PRED a JSONL file of records (e.g. from ``workbench preannotate``). With
``--run`` the gold texts are pre-annotated in memory and scored in one go.
Entities: P/R/F1 per label, exact match. Quotes: Gender Gap Tracker overlap
matching at 30 % and 80 %, speaker accuracy, split direct/indirect (see
:mod:`workbench.nlp.evaluate`). ``--effort`` adds the edits an annotator needs per article
(:mod:`workbench.core.edit_effort`); ``--baseline-model M`` runs M too and prints the ratio.
``--json`` prints one machine-readable line. The work is
:func:`workbench.app.evaluation.evaluate`; this command maps flags to it and prints.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from workbench.cli.errors import UserError


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "eval",
        help="score pre-annotations against gold (entities, quotes, speakers)",
        description=(
            "Score predicted records against gold records or brat/PolNeAR annotations. Quotes match when the "
            "prediction covers at least 30 %% (and, separately, 80 %%) of a gold quote's characters, one to "
            "one; pieces of one attribution (sharing a CUE) are joined first."
        ),
    )
    p.add_argument(
        "gold", type=Path, metavar="GOLD", help="gold JSONL, or a brat/PolNeAR folder or .ann file"
    )
    p.add_argument(
        "pred", type=Path, nargs="?", metavar="PRED", help="predicted JSONL records (or a brat folder)"
    )
    p.add_argument("--run", action="store_true", help="pre-annotate the gold texts now and score them")
    p.add_argument("--model", default=None, metavar="M", help="spaCy pipeline for --run")
    p.add_argument("--schema", default=None, metavar="S", help="annotation schema for --run")
    p.add_argument("--batch-size", type=int, default=64, metavar="N")
    p.add_argument(
        "--effort",
        action="store_true",
        help="also count the edits an annotator needs to turn each prediction into the gold "
        "(spans added, removed, resized, relabelled; relations added, removed), total and per article",
    )
    p.add_argument(
        "--baseline-model",
        default=None,
        metavar="M",
        help="with --run: pre-annotate a second time with M (blank:en for rules alone) and print its "
        "scores, its edit effort and the ratio of edits per article, --model ÷ M",
    )
    p.add_argument("--json", action="store_true", help="print one JSON line instead of a table")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from workbench.app.evaluation import evaluate
    from workbench.nlp.evaluate import format_report

    if args.pred is None and not args.run:
        raise UserError("give PRED records to score, or --run to pre-annotate the gold texts now")
    if args.pred is not None and args.run:
        raise UserError("give either PRED or --run, not both")
    if args.baseline_model is not None and not args.run:
        raise UserError("--baseline-model pre-annotates the gold texts: use it with --run")
    report = evaluate(
        args.gold,
        args.pred,
        model=args.model,
        schema=args.schema,
        batch_size=args.batch_size,
        tell=_tell,
        effort=args.effort,
        baseline_model=args.baseline_model,
    )
    if args.json:
        print(json.dumps(report, ensure_ascii=False, separators=(",", ":")))
    else:
        print(format_report(report))
    return 0


def _tell(line: str) -> None:
    print(line, file=sys.stderr)
