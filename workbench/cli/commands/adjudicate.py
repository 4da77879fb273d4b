"""``workbench adjudicate merged.jsonl [--gold gold.jsonl]``: settle conflicts into a gold file."""

from __future__ import annotations

import argparse
from pathlib import Path

from workbench.app.adjudication import prepare_adjudication
from workbench.cli.options import add_records_schema_option


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
    add_records_schema_option(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    setup = prepare_adjudication(
        Path(args.merged), Path(args.gold) if args.gold else None, args.adjudicator, args.schema
    )
    from workbench.ui.launch import adjudication_window  # Qt only when the window is wanted

    return adjudication_window(setup)
