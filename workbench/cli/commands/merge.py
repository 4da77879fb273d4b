"""``workbench merge A.jsonl B.jsonl ... -o merged.jsonl``: consensus plus every version."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from workbench.app.inputs import annotator_inputs, open_inputs
from workbench.app.merge import check_merge, merge_files, parse_policy
from workbench.app.schemas import schema_for
from workbench.cli.errors import UserError
from workbench.cli.listing import shorten, split_names
from workbench.cli.options import add_annotators_option, add_jobs_option, add_records_schema_option
from workbench.cli.progress import TerminalProgress
from workbench.core.merge import Policy


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "merge",
        help="merge annotators' files: who chose what, agreed items and open conflicts",
        description="Align records by article id, record which annotators chose each span, relation, "
        "attribute and document field, accept what the policy agrees on and keep the rest as conflicts. "
        "The merged file keeps every annotator's version. A brat folder (PolNeAR style, "
        "<article>_<annotator>.ann) is imported first.",
    )
    p.add_argument("inputs", nargs="+", help="annotator JSONL files, or a folder of brat .ann files")
    p.add_argument("-o", "--output", required=True, help="merged JSONL file to write")
    p.add_argument(
        "--policy", choices=["unanimous", "majority", "at-least"], default="majority", help="when items agree"
    )
    p.add_argument("-k", type=int, default=2, help="annotators needed with --policy at-least (default 2)")
    add_annotators_option(p)
    add_records_schema_option(p)
    p.add_argument("--imported", help="where to keep the JSONL files made from a brat folder")
    add_jobs_option(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    policy = parse_policy(args.policy, args.k)
    keep = Path(args.imported) if args.imported else None
    try:
        with annotator_inputs(args.inputs, keep, bool(args.imported)) as (paths, note):
            return _run(args, policy, paths, note)
    except OSError as e:  # e.g. --imported names a file, or the output folder cannot be written
        raise UserError(f"{e.filename or args.output}: {e.strerror or e}") from None


def _run(args: argparse.Namespace, policy: Policy, paths: list[Path], note: str | None) -> int:
    out = Path(args.output)
    check_merge(paths, out)
    files = open_inputs(paths, split_names(args.annotators))
    schema = schema_for(files[0].schema, args.schema)
    progress = TerminalProgress("merging", "merge", None, sys.stderr, transient=True)
    try:
        s = merge_files(files, out, policy, schema, jobs=args.jobs, progress=progress)
    finally:
        progress.close()
    w = sys.stdout.write
    if note:
        w(f"{note}\n")
    w(
        f"merged {s.articles} article(s) from {len(s.annotators)} annotators ({', '.join(s.annotators)}), "
        f"policy {policy.describe()} -> {out}\n"
    )
    w(f"  {s.agreed} item(s) agreed, {s.conflicts} open conflict(s) in {s.with_conflicts} article(s)\n")
    if s.partial:
        w(f"  {len(s.partial)} article(s) not annotated by everyone (kept, merged among those who did):\n")
        for line in shorten([f"{rid}: missing {', '.join(m)}" for rid, m in s.partial]):
            w(f"    {line}\n")
    if s.text_differs:
        w(f"  {len(s.text_differs)} article(s) NOT merged because the annotators' texts differ:\n")
        for rid, texts in s.text_differs:
            groups = "; ".join(f"{', '.join(t['by'])} ({t['length']} chars)" for t in texts)
            w(f"    {rid}: {groups}\n")
    if s.problems:
        w(f"  {len(s.problems)} problem(s) in the inputs:\n")
        for line in shorten(s.problems):
            w(f"    {line}\n")
    return 0
