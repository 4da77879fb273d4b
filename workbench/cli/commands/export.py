"""``workbench export CORPUS --format F -o OUT [--split 80/10/10 --seed N] [--status done]``.

Streams the corpus (repeated ids: the later line wins, as in the store), so a 100k-article
file is never held in memory; with ``--split`` it reads the file twice more, once to find
near-duplicates and once per split. Every format prints what it wrote and exactly what it
could not carry, with counts, and a table shows the labels in each split.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from workbench.cli.errors import UserError
from workbench.core.record import STATUSES, Record, RecordError
from workbench.core.schema import AnnotationSchema, SchemaError, load_schema
from workbench.io.corpus import Entry, index_corpus


def register(subparsers: Any) -> None:
    from workbench.io.interop.registry import EXPORTERS

    formats = list(EXPORTERS)
    p = subparsers.add_parser(
        "export",
        help=f"export a corpus as training data: {', '.join(formats)}",
        description=(
            "Write a corpus or annotator JSONL file in another tool's format. Whatever the format cannot "
            "carry is listed with counts. --split divides by article, stratified by label, keeping "
            "near-duplicate articles (MinHash over word shingles) in one split."
        ),
    )
    p.add_argument("corpus", type=Path, metavar="CORPUS", help="corpus or annotator JSONL file")
    p.add_argument("--format", "-f", required=True, choices=formats, metavar="F", help=", ".join(formats))
    p.add_argument("-o", "--output", type=Path, required=True, metavar="OUT", help="output file or folder")
    p.add_argument("--schema", type=Path, default=None, help="annotation schema (default: the news schema)")
    p.add_argument(
        "--status",
        action="append",
        choices=STATUSES,
        help="only records with this status (repeatable; default: all records)",
    )
    p.add_argument("--split", default=None, metavar="TRAIN/DEV[/TEST]", help="e.g. 80/10/10, by article")
    p.add_argument("--seed", type=int, default=0, help="seed of the split (default 0)")
    p.add_argument(
        "--near-duplicate-threshold",
        type=float,
        default=0.7,
        metavar="J",
        help="estimated Jaccard similarity of word 5-shingles above which articles stay together (0.7)",
    )
    p.add_argument("--json", action="store_true", help="also print the report as JSON on stdout")
    p.set_defaults(func=run)


def entry_labels(e: Entry) -> set[str]:
    """What stratification balances: span labels and document field values."""
    labels = {label for label, _ in e.labels}
    for name, value in e.doc:
        for v in value if isinstance(value, tuple) else (value,):
            labels.add(f"{name}:{v}")
    return labels


def iter_records(path: Path, entries: Iterable[Entry], bad: list[str]) -> Iterator[Record]:
    """Records read back one at a time by byte offset; a line that does not fit is named and skipped."""
    with open(path, "rb") as fh:
        for e in sorted(entries, key=lambda e: e.offset):
            fh.seek(e.offset)
            try:
                yield Record.from_dict(json.loads(fh.readline()))
            except (RecordError, ValueError) as err:
                bad.append(f"{path}:{e.line}: {err}")


def output_path(out: Path, fmt: str, split: str | None) -> Path:
    from workbench.io.interop.registry import OUTPUT_SUFFIX

    suffix = OUTPUT_SUFFIX.get(fmt)
    if split is not None:
        return out / (f"{split}{suffix}" if suffix else split)
    if suffix and out.is_dir():
        return out / f"{fmt}{suffix}"
    return out


def export_corpus(
    corpus: Path,
    fmt: str,
    out: Path,
    schema: AnnotationSchema,
    *,
    statuses: list[str] | None = None,
    split: str | None = None,
    seed: int = 0,
    threshold: float = 0.7,
) -> dict[str, Any]:
    """The plain function behind the command: returns reports, split plan and problems."""
    from workbench.io.interop.registry import EXPORTERS
    from workbench.io.interop.split import parse_ratios, plan_split

    index = index_corpus(corpus)
    problems = [str(e) for e in index.errors]
    entries = [e for e in index if not statuses or e.status in statuses]
    if not entries:
        which = f" with status {' or '.join(statuses)}" if statuses else ""
        raise UserError(f"{corpus}: no records{which} to export")
    groups: dict[str, list[Entry]]
    plan = None
    if split:
        try:
            ratios = parse_ratios(split)
        except ValueError as e:
            raise UserError(str(e)) from None
        labels = {e.id: entry_labels(e) for e in entries}
        items = ((r.id, r.text, labels[r.id]) for r in iter_records(corpus, entries, problems))
        plan = plan_split(items, ratios, seed=seed, threshold=threshold)
        groups = {name: [] for name in ratios if ratios[name] > 0}
        for e in entries:
            if e.id in plan.assignment:
                groups[plan.assignment[e.id]].append(e)
    else:
        groups = {"all": entries}
    reports = {}
    for name, members in groups.items():
        target = output_path(out, fmt, name if split else None)
        bad: list[str] = []
        reports[name] = EXPORTERS[fmt](iter_records(corpus, members, bad), schema, target)
        problems += bad
    config = None
    if fmt == "spacy":
        config = _write_spacy_config(out, schema, groups, split is not None)
    return {"reports": reports, "plan": plan, "groups": groups, "problems": problems, "config": config}


def _write_spacy_config(
    out: Path, schema: AnnotationSchema, groups: dict[str, list[Entry]], split: bool
) -> Path:
    from workbench.io.interop.spacy_config import build_config, write_config

    fields_used = {name for members in groups.values() for e in members for name, _ in e.doc}
    if split:
        train, dev = out / "train", out / ("dev" if "dev" in groups else "train")
    else:
        train = dev = out
    config = build_config(schema, train=train.resolve(), dev=dev.resolve(), fields_used=fields_used)
    return write_config(out / "config.cfg", config)


def run(args: argparse.Namespace) -> int:
    corpus: Path = args.corpus
    if not corpus.is_file():
        raise UserError(f"{corpus}: no such file (give a corpus or annotator .jsonl file)")
    try:
        schema = load_schema(args.schema)
    except SchemaError as e:
        raise UserError(str(e)) from None
    if (
        args.output.exists()
        and not args.output.is_dir()
        and (args.split or args.format in ("spacy", "brat", "hf"))
    ):
        raise UserError(f"{args.output} is a file; {args.format} with these options writes a folder")
    names = ("train", "dev", "test") if args.split else (None,)
    for target in (output_path(args.output, args.format, name) for name in names):
        if target.is_file() and target.samefile(corpus):
            # replacing the input loses it (and a store appending to it would write into a deleted file)
            raise UserError(f"{target} is the input file; write the export elsewhere")
    if not 0.0 <= args.near_duplicate_threshold <= 1.0:
        raise UserError("--near-duplicate-threshold is a similarity between 0 and 1")
    try:
        result = export_corpus(
            corpus, args.format, args.output, schema, statuses=args.status, split=args.split,
            seed=args.seed, threshold=args.near_duplicate_threshold,
        )  # fmt: skip
    except OSError as e:  # e.g. -o below a file, or in a folder that cannot be written
        raise UserError(f"cannot write {args.output}: {e.filename}: {e.strerror or e}") from None
    _print(result, args)
    for p in result["problems"]:
        print(p, file=sys.stderr)
    return 0


def _print(result: dict[str, Any], args: argparse.Namespace) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(stderr=args.json)
    for name, report in result["reports"].items():
        head = f"[{name}] " if name != "all" else ""
        for i, line in enumerate(report.lines()):
            console.print((head if i == 0 else "") + line, markup=False, highlight=False, soft_wrap=True)
    if result["config"]:
        console.print(f"spaCy training config: {result['config']}", markup=False, highlight=False)
        console.print(
            f"  train with: python -m spacy train {result['config']} --output MODEL_DIR", markup=False
        )
    plan = result["plan"]
    names = list(result["groups"])
    table = Table(title="Labels per split (records containing the label; spans in brackets)")
    table.add_column("label")
    for n in names:
        table.add_column(n, justify="right")
    recs: dict[str, Counter[str]] = {n: Counter() for n in names}
    spans: dict[str, Counter[str]] = {n: Counter() for n in names}
    for n, members in result["groups"].items():
        for e in members:
            recs[n].update(entry_labels(e))
            spans[n].update(dict(e.labels))
    table.add_row("(articles)", *[str(len(result["groups"][n])) for n in names])
    for label in sorted(set().union(*recs.values())):
        cells = []
        for n in names:
            c = recs[n][label]
            cells.append((f"{c} ({spans[n][label]})" if spans[n][label] else str(c)) if c else "[red]0[/red]")
        table.add_row(label, *cells)
    console.print(table)
    if plan is not None:
        dup = plan.near_duplicate_groups
        console.print(
            f"near-duplicate groups kept in one split: {len(dup)} ({sum(len(g) for g in dup)} articles)",
            highlight=False,
        )
        for label, lacking in sorted(plan.missing.items()):
            console.print(
                f"label {label} is in no {'/'.join(lacking)} article (too few articles)", markup=False
            )
    if args.json:
        data = {
            name: {
                "outputs": [str(p) for p in r.outputs], "records": r.records, "spans": r.spans,
                "relations": r.relations, "doc_fields": r.doc_fields, "left_out": dict(r.left_out),
            }
            for name, r in result["reports"].items()
        }  # fmt: skip
        if plan is not None:
            data["_split"] = {"sizes": dict(plan.sizes()), "missing": plan.missing}
        print(json.dumps(data, ensure_ascii=False))
