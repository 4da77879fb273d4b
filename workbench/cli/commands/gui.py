"""``workbench gui [PATH...]``: the annotation window (also what ``workbench`` alone runs)."""

from __future__ import annotations

import argparse
from pathlib import Path

from workbench.cli.errors import UserError


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "gui",
        help="open the annotation window (the last batch, or the demo corpus)",
        description="Open the annotation window. With no PATH: the last batch, or the demo corpus. "
        "Annotations are saved next to what you open, as <name>.<annotator>.jsonl.",
    )
    add_arguments(p)
    p.set_defaults(func=run)


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "paths", nargs="*", metavar="PATH", help="article files, folders, a corpus or annotator JSONL"
    )
    p.add_argument("--schema", help="annotation schema file (default: the shipped news schema)")


def run(args: argparse.Namespace, at: tuple[str, int] | None = None) -> int:
    paths = [Path(p) for p in args.paths]
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise UserError(f"no such file or folder: {', '.join(missing)}")
    if args.schema:
        from workbench.core.schema import SchemaError, load_schema

        try:
            load_schema(args.schema)
        except SchemaError as e:
            raise UserError(str(e)) from None
    from workbench.ui.launch import annotation_window  # Qt only when the window is wanted

    return annotation_window(paths or None, args.schema, at=at)
