"""``workbench schema-change DIR NEW.json``: change a project's schema without losing annotations."""

from __future__ import annotations

import argparse
import sys

from workbench.cli.errors import UserError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "schema-change",
        help="switch a project to a new schema; removed or renamed labels need a mapping",
        description="Adding labels, relation types or values is always allowed. Removing or renaming one "
        "lists every affected annotation and needs --map OLD=NEW (or OLD= to drop on purpose).",
    )
    p.add_argument("dir", help="the project folder")
    p.add_argument("schema", help="the new annotation schema JSON")
    p.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="OLD=NEW",
        help="rename a label/relation (PER=PERSON) or value (sentiment=mixed=neutral); OLD= drops it",
    )
    p.add_argument("--apply", action="store_true", help="rewrite the project's files (default: only report)")
    p.set_defaults(func=run)


def _mapping(items: list[str]) -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for item in items:
        if "=" not in item:
            raise UserError(f"--map {item!r}: write OLD=NEW, or OLD= to drop")
        if item.count("=") == 2:  # attribute=value=new_value
            attr, value, target = item.split("=")
            out[f"{attr}={value}"] = f"{attr}={target}" if target else None
        else:
            old, target = item.split("=", 1)
            out[old] = target or None
    return out


def run(args: argparse.Namespace) -> int:
    from workbench.app.project import apply_schema_change, open_project, plan_schema_change

    project = open_project(args.dir)
    plan = plan_schema_change(project, args.schema)
    ch = plan.change
    err = sys.stderr
    for what, items in (
        ("added labels", ch.added_labels),
        ("added relation types", ch.added_relations),
        ("added values", [f"{a}={v}" for a, v in ch.added_values]),
        ("removed labels", ch.removed_labels),
        ("removed relation types", ch.removed_relations),
        ("removed values", [f"{a}={v}" for a, v in ch.removed_values]),
    ):
        if items:
            print(f"{what}: {', '.join(items)}", file=err)
    for path, hits in plan.hits.items():
        print(f"{path.relative_to(project.root)}: {len(hits)} annotation(s) affected", file=err)
        for h in hits[:20]:
            print(f"  record {h.record} {h.item}: {h.kind} {h.old}", file=err)
        if len(hits) > 20:
            print(f"  ... and {len(hits) - 20} more", file=err)
    mapping = _mapping(args.map)
    missing = plan.unmapped(mapping)
    if not args.apply:
        if missing:
            print(f"to apply, map each of: {', '.join(missing)} (--map OLD=NEW or OLD=)", file=err)
        print("nothing changed (add --apply to rewrite the project)", file=err)
        return 1 if missing else 0
    n = apply_schema_change(project, args.schema, plan, mapping)
    print(f"schema is now {plan.new.ref}; {n} annotation(s) rewritten", file=err)
    return 0
