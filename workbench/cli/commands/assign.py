"""``workbench assign DIR``: hand out batches with a controlled overlap."""

from __future__ import annotations

import argparse
import sys

from workbench.cli.errors import UserError


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
    from workbench.io.project import Project, ProjectError, assign

    names = [n.strip() for n in args.annotators.split(",") if n.strip()]
    try:
        project = Project.open(args.dir)
        pre = _preannotator(project) if args.preannotate else None
        batches = assign(project, names, args.size, args.overlap, args.seed, pre)
    except (ProjectError, ValueError) as e:
        raise UserError(str(e)) from None
    total = len({i for ids in batches.values() for i in ids})
    if total == 0:
        print("nothing to assign: every article in the corpus is already assigned", file=sys.stderr)
        return 0
    _print_summary(project, batches)
    return 0


def _preannotator(project):  # noqa: ANN001, ANN202 - thin glue over workbench.nlp
    """Pre-annotate a batch on its way out; an article that fails goes out plain, and is named."""
    from workbench.nlp.preannotate import Preannotator, preannotate_records

    annotator = Preannotator.create(project.model, str(project.schema_path))
    print(annotator.model.message, file=sys.stderr)

    def run(records):  # noqa: ANN001, ANN202
        by_id = {r.id: r for r in records}
        out = []
        for outcome in preannotate_records(list(by_id.values()), annotator=annotator):
            if outcome.record is not None:
                out.append(outcome.record)
            else:
                print(f"pre-annotation failed for {outcome.id}: {outcome.error}", file=sys.stderr)
                out.append(by_id[outcome.id])
        return out

    return run


def _print_summary(project, batches: dict[str, list[str]]) -> None:  # noqa: ANN001
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
