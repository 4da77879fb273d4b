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
    p.add_argument(
        "--annotator",
        metavar="NAME",
        help="open as this annotator (their batch and file in a project), e.g. to look at their spans",
    )
    p.add_argument(
        "--at",
        metavar="ID:START",
        help="open article ID with the cursor (and the span starting there) at code point START, "
        "as the agreement report's disputes list them",
    )
    p.set_defaults(func=run)


def parse_at(value: str) -> tuple[str, int]:
    """``ID:START``; the id may itself hold colons, the offset is what follows the last one."""
    from workbench.cli.errors import UserError

    rid, sep, start = value.rpartition(":")
    if not sep or not rid or not start.isdigit():
        raise UserError(
            f"--at {value!r}: give ID:START, an article id and a character offset (e.g. a3f9c2:118)"
        )
    return rid, int(start)


def run(args: argparse.Namespace) -> int:
    from workbench.cli.errors import UserError

    if not args.paths:
        raise UserError("give at least one PATH to open (or run `workbench gui`)")
    at = parse_at(args.at) if args.at else None
    if args.annotator:
        import os

        from workbench.io.settings import ANNOTATOR_ENV

        if not args.annotator.strip():
            raise UserError("--annotator: give a name")
        os.environ[ANNOTATOR_ENV] = args.annotator  # the name the window uses (io/settings.py)
    return gui.run(args, at)
