"""``workbench add DIR FILES...``: import articles into a project's corpus."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator
from pathlib import Path

from workbench.cli.errors import UserError
from workbench.core.record import Record


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "add",
        help="import article files or folders into a project's corpus (duplicates reported, not added)",
    )
    p.add_argument("dir", help="the project folder")
    p.add_argument("files", nargs="+", help="article files or folders (txt, html, json, jsonl)")
    p.add_argument("--clean", action="store_true", help="remove scrape boilerplate (original kept in meta)")
    p.add_argument(
        "--near", type=float, default=0.8, help="similarity above which an article counts as a near duplicate"
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from workbench.core.problems import Problem
    from workbench.io.articles import read_articles
    from workbench.io.project import Project, ProjectError

    try:
        project = Project.open(args.dir)
    except ProjectError as e:
        raise UserError(str(e)) from None
    problems: list[Problem] = []

    def records() -> Iterator[Record]:
        for item in read_articles(args.files, clean=args.clean):
            if isinstance(item, Problem):
                problems.append(item)
                continue
            if item.meta.get("file"):
                item.meta["file"] = _relative(item.meta["file"], project.root)
            yield item

    if not 0.0 <= args.near <= 1.0:
        raise UserError("--near is a similarity between 0 and 1")
    report = project.add_records(records(), near_threshold=args.near)
    err = sys.stderr
    print(f"added {report.added} article(s) to {project.corpus_path}", file=err)
    for source, existing in report.duplicates:
        print(f"  duplicate, not added: {source} (already in the corpus as {existing})", file=err)
    for source, other, score in report.near_duplicates:
        print(f"  near duplicate, not added: {source} ({score:.0%} like {other})", file=err)
    for p in problems:
        print(f"  problem: {p}", file=err)
    if report.added == 0 and problems and not (report.duplicates or report.near_duplicates):
        return 1
    return 0


def _relative(file: str, root: Path) -> str:
    """Paths in a project are relative to it where possible, so the folder can move."""
    try:
        return os.path.relpath(Path(file).resolve(), root.resolve())
    except ValueError:  # another drive on Windows
        return file
