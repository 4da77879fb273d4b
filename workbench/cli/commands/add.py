"""``workbench add DIR FILES...``: import articles into a project's corpus."""

from __future__ import annotations

import argparse
import sys


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "add",
        help="import article files or folders into a project's corpus (duplicates reported, not added)",
    )
    p.add_argument("dir", help="the project folder")
    p.add_argument("files", nargs="+", help="article files or folders (txt, html, json, jsonl)")
    cleaning = p.add_mutually_exclusive_group()
    cleaning.add_argument(
        "--clean",
        dest="clean",
        action="store_const",
        const=True,
        default="raw",
        help="also clean bare JSON articles (raw .txt/.html pages are cleaned by default, as the window "
        "cleans a page it opens; the original text is kept in meta)",
    )
    cleaning.add_argument(
        "--no-clean", dest="clean", action="store_const", const=False, help="add raw pages as they are"
    )
    p.add_argument(
        "--near", type=float, default=0.8, help="similarity above which an article counts as a near duplicate"
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from workbench.app.project import add_articles, open_project

    project = open_project(args.dir)
    done = add_articles(project, args.files, clean=args.clean, near=args.near)
    report = done.report
    err = sys.stderr
    print(f"added {report.added} article(s) to {project.corpus_path}", file=err)
    if done.cleaned:
        print(
            f"  cleaned {done.cleaned} article(s) as the window does when it opens a page: "
            f"{done.furniture} piece(s) of page furniture out, the original text kept in meta.original_text "
            "(--no-clean adds pages as they are)",
            file=err,
        )
    for source, existing in report.duplicates:
        print(f"  duplicate, not added: {source} (already in the corpus as {existing})", file=err)
    for source, other, score in report.near_duplicates:
        print(f"  near duplicate, not added: {source} ({score:.0%} like {other})", file=err)
    for p in done.problems:
        print(f"  problem: {p}", file=err)
    return 1 if done.failed else 0
