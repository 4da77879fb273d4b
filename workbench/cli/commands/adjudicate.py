"""``workbench adjudicate merged.jsonl [--gold gold.jsonl]``: settle conflicts into a gold file."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from workbench.app.schemas import schema_for
from workbench.cli.errors import UserError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "adjudicate",
        help="open a merged file in the adjudication window and write the gold file",
        description="Every annotator's version side by side, conflicts listed and stepped through by key "
        "(J/K next/previous, 1-9 accept a version, Ctrl+1-9 accept several, A all, X none, E edit, "
        "Ctrl+Z undo). Agreed items start accepted. The gold is saved on every decision, with who "
        "adjudicated and when, and can be reopened to continue.",
    )
    p.add_argument("merged", help="merged JSONL file written by `workbench merge`")
    p.add_argument("--gold", help="gold JSONL file (default: <merged>.gold.jsonl next to it)")
    p.add_argument("--adjudicator", help="your name (default: the annotator name in your settings)")
    p.add_argument("--schema", help="annotation schema file (default: the one named in the records)")
    p.set_defaults(func=run)


def gold_path_for(merged: Path) -> Path:
    name = merged.name[: -len(".jsonl")] if merged.name.endswith(".jsonl") else merged.name
    return merged.with_name(f"{name}.gold.jsonl")


def run(args: argparse.Namespace) -> int:
    merged = Path(args.merged)
    if not merged.is_file():
        raise UserError(f"{merged}: no such file")
    from workbench.io.annotator_files import is_merged_file

    if not is_merged_file(merged):
        raise UserError(
            f"{merged} is not a merged file; make one with `workbench merge A.jsonl B.jsonl -o ...`"
        )
    adjudicator = args.adjudicator or os.environ.get("WORKBENCH_ANNOTATOR")
    if not adjudicator:
        from workbench.io.settings import load_settings

        adjudicator = load_settings().effective_annotator
    if not adjudicator:
        raise UserError("say who adjudicates: --adjudicator NAME")
    from workbench.io.jsonl import read_jsonl

    first = next((item[1] for item in read_jsonl(merged) if isinstance(item, tuple)), {})
    schema = schema_for(first.get("schema"), args.schema)
    if schema is None:
        from workbench.core.schema import default_schema

        schema = default_schema()
    from workbench.io.store import StoreLocked
    from workbench.ui.adjudication import open_adjudication
    from workbench.ui.app import application

    app = application()
    try:
        win, problems = open_adjudication(
            merged, Path(args.gold) if args.gold else gold_path_for(merged), adjudicator, schema
        )
    except StoreLocked as e:
        raise UserError(str(e)) from None
    except ValueError as e:
        raise UserError(str(e)) from None
    for p in problems:
        print(p, file=sys.stderr)
    win.resize(1400, 900)
    win.show()
    return int(app.exec())
