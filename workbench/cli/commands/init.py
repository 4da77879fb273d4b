"""``workbench init DIR``: create a project folder."""

from __future__ import annotations

import argparse
import sys


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("init", help="create a project folder (schema, model, corpus, batches, annotations)")
    p.add_argument("dir", help="the project folder to create")
    p.add_argument("--schema", help="annotation schema JSON (default: the shipped news schema)")
    p.add_argument("--model", help="spaCy pipeline for pre-annotation (package name or path)")
    p.add_argument("--name", help="project name (default: the folder name)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from workbench.app.project import create_project

    project = create_project(args.dir, args.schema, args.model, args.name)
    print(f"created project {project.data['name']!r} in {project.root}", file=sys.stderr)
    print(f"  schema {project.data['schema_ref']}, model {project.model or '(default)'}", file=sys.stderr)
    print(f"  next: workbench add {project.root} ARTICLES...", file=sys.stderr)
    return 0
