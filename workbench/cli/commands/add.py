"""``workbench add DIR FILES...``: import articles into a project's corpus."""

from __future__ import annotations

import argparse
import sys

from workbench.cli.options import add_clean_options


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "add",
        help="import article files or folders into a project's corpus (duplicates reported, not added)",
    )
    p.add_argument("dir", help="the project folder")
    p.add_argument("files", nargs="+", help="article files or folders (txt, html, json, jsonl)")
    add_clean_options(p, "add raw pages as they are")
    p.add_argument(
        "--near", type=float, default=0.8, help="similarity above which an article counts as a near duplicate"
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from workbench.app.cleaning import cleaned_line
    from workbench.app.project import add_articles, open_project

    project = open_project(args.dir)
    done = add_articles(project, args.files, clean=args.clean, near=args.near)
    report = done.report
    err = sys.stderr
    print(f"added {report.added} article(s) to {project.corpus_path}", file=err)
    if done.cleaned:
        print("  " + cleaned_line(done.cleaned, done.furniture, "adds pages as they are"), file=err)
    for source, existing in report.duplicates:
        print(f"  duplicate, not added: {source} (already in the corpus as {existing})", file=err)
    for source, other, score in report.near_duplicates:
        print(f"  near duplicate, not added: {source} ({score:.0%} like {other})", file=err)
    for p in done.problems:
        print(f"  problem: {p}", file=err)
    return 1 if done.failed else 0
