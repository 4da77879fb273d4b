"""``workbench assign DIR``: hand out batches with a controlled overlap."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from workbench.io.project import Project


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("assign", help="hand out batches of unassigned articles to annotators")
    p.add_argument("dir", help="the project folder")
    p.add_argument("--annotators", required=True, help="comma-separated names, e.g. alice,bob,carol")
    p.add_argument("--size", type=int, default=50, help="articles per annotator (default 50)")
    p.add_argument(
        "--overlap", type=float, default=0.2, help="share of articles seen by two annotators (default 0.2)"
    )
    p.add_argument("--seed", type=int, default=0, help="random seed, for a reproducible hand-out")
    p.add_argument(
        "--preannotate", action="store_true", help="pre-annotate each batch with the project's model"
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from workbench.app.project import assign_batches, open_project

    names = [n.strip() for n in args.annotators.split(",") if n.strip()]
    project = open_project(args.dir)
    batches = assign_batches(project, names, args.size, args.overlap, args.seed, args.preannotate, say=_say)
    total = len({i for ids in batches.values() for i in ids})
    if total == 0:
        print("nothing to assign: every article in the corpus is already assigned", file=sys.stderr)
        return 0
    _print_summary(project, batches)
    return 0


def _say(line: str) -> None:
    print(line, file=sys.stderr)


def _print_summary(project: Project, batches: dict[str, list[str]]) -> None:
    from rich.console import Console
    from rich.table import Table

    from workbench.io.project import assigned_ids

    shared: dict[str, int] = {}
    owners: dict[str, int] = {}
    for ids in batches.values():
        for i in ids:
            owners[i] = owners.get(i, 0) + 1
    table = Table(title=f"Assigned in {project.root}")
    for col in ("annotator", "new", "of which shared", "total assigned", "batch file"):
        table.add_column(col)
    for name, ids in batches.items():
        shared[name] = sum(1 for i in ids if owners[i] > 1)
        table.add_row(
            name,
            str(len(ids)),
            str(shared[name]),
            str(len(assigned_ids(project, name))),
            str(project.batch_file(name).relative_to(project.root)),
        )
    Console(stderr=True).print(table)
