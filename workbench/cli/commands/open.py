"""``workbench open PATH...``: open articles, folders, a corpus or an annotator file in the window."""

from __future__ import annotations

import argparse

from workbench.cli.commands import gui


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "open",
        help="open articles, a folder, a corpus JSONL or an annotator file in the window",
        description="Open files in the annotation window. Annotations go to <name>.<annotator>.jsonl "
        "next to the first PATH (or into the annotator file itself when you open one).",
    )
    gui.add_arguments(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if not args.paths:
        from workbench.cli.errors import UserError

        raise UserError("give at least one PATH to open (or run `workbench gui`)")
    return gui.run(args)
