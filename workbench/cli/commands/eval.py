"""``workbench eval GOLD PRED`` / ``workbench eval GOLD --run``: how good is pre-annotation?

GOLD is a JSONL file of records or a brat/PolNeAR folder (or one ``.ann``);
PRED a JSONL file of records (e.g. from ``workbench preannotate``). With
``--run`` the gold texts are pre-annotated in memory and scored in one go.
Entities: P/R/F1 per label, exact match. Quotes: Gender Gap Tracker overlap
matching at 30 % and 80 %, speaker accuracy, split direct/indirect (see
:mod:`workbench.nlp.evaluate`). ``--json`` prints one machine-readable line.
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
    p.add_argument("--json", action="store_true", help="print one JSON line instead of a table")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from workbench.core.record import Record
    from workbench.nlp.evaluate import format_report, read_gold, score

    if args.pred is None and not args.run:
        raise UserError("give PRED records to score, or --run to pre-annotate the gold texts now")
    if args.pred is not None and args.run:
        raise UserError("give either PRED or --run, not both")
    if not args.gold.exists():
        raise UserError(f"{args.gold}: no such file or folder")
    try:
        gold, problems = read_gold(args.gold)
    except (FileNotFoundError, OSError) as e:
        raise UserError(str(e)) from None
    for p in problems[:20]:
        print(f"gold: {p}", file=sys.stderr)
    if len(problems) > 20:
        print(f"gold: ... {len(problems) - 20} more problems", file=sys.stderr)
    if not gold:
        raise UserError(f"{args.gold}: no gold records found")

    extra: dict[str, Any] = {}
    if args.run:
        from workbench.nlp.models import ModelNotFound, select_model
        from workbench.nlp.preannotate import Preannotator, preannotate_records

        try:
            model = select_model(flag=args.model)
        except ModelNotFound as e:
            raise UserError(str(e)) from None
        from workbench.core.schema import SchemaError, default_schema, load_schema

        try:
            schema = load_schema(args.schema) if args.schema else default_schema()
        except SchemaError as e:
            raise UserError(str(e)) from None
        print(("" if model.is_trained else "WARNING: ") + model.message, file=sys.stderr)
        ann = Preannotator(model, schema)
        preds: dict[str, Record] = {}
        for o in preannotate_records((Record(id=g.id, text=g.text) for g in gold), ann, args.batch_size):
            if o.record is not None:
                preds[o.id] = o.record
            else:
                print(f"{o.id}: pre-annotation failed: {o.error}", file=sys.stderr)
        extra["model"] = model.origin if model.is_trained else None
    elif args.pred.is_dir() or args.pred.suffix == ".ann":
        try:
            pred_records, pred_problems = read_gold(args.pred)  # brat on both sides (e.g. two annotators)
        except OSError as e:
            raise UserError(str(e)) from None
        for p in pred_problems[:20]:
            print(f"pred: {p}", file=sys.stderr)
        preds = {r.id: r for r in pred_records}
    else:
        preds = _read_pred(args.pred)
    report = score((g, preds.get(g.id)) for g in gold).to_dict()
    report.update(extra)
    report["gold_file"] = str(args.gold)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, separators=(",", ":")))
    else:
        print(format_report(report))
    return 0


def _read_pred(path: Path) -> dict[str, Any]:
    from workbench.core.record import Record, RecordError
    from workbench.io.jsonl import LineError, read_jsonl

    if not path.is_file():
        raise UserError(f"{path}: no such file")
    preds: dict[str, Record] = {}
    for item in read_jsonl(path):
        if isinstance(item, LineError):
            print(f"pred: {item}", file=sys.stderr)
            continue
        line, obj = item
        try:
            rec = Record.from_dict(obj)
        except (RecordError, KeyError, TypeError, ValueError) as e:
            print(f"pred: {path}:{line}: {e}", file=sys.stderr)
            continue
        preds[rec.id] = rec  # a later line for the same id wins, as in annotator files
    return preds
