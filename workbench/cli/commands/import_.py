"""``workbench import FILES... -o corpus.jsonl [--clean] [--format F]``: articles into a corpus file.

Good files are imported and bad ones listed (file:line: reason) in one run, so
a folder with one broken file still yields a corpus; the command fails only
when nothing at all could be imported. The corpus is written through a temp
file and renamed into place, so an interrupted import never leaves half a file
and an existing corpus is only replaced when asked (--force) or extended
(--append).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

from workbench.cli.errors import UserError
from workbench.core.record import Record, article_id

ARTICLES = "articles"
Importer = Callable[[Path], Iterator[Any]]


def other_formats() -> dict[str, Importer]:
    """Importers for other tools' formats, when the interop package provides them."""
    try:
        from workbench.io.interop.registry import IMPORTERS
    except ImportError:
        return {}
    return dict(IMPORTERS)


def register(subparsers: Any) -> None:
    formats = [ARTICLES, *sorted(other_formats())]
    p = subparsers.add_parser(
        "import",
        help="read article files or folders (txt, html, json, jsonl) into a corpus JSONL file",
        description=(
            "Read .txt, .html/.htm, .json (one article or a list) and .jsonl files, and folders of them "
            "(recursively), into one corpus file with one record per article. The same text always gets "
            "the same id, so a story imported twice is stored once. Problems are listed as file:line: "
            "reason on stderr; the exit status is non-zero only when nothing could be imported."
        ),
    )
    p.add_argument("paths", nargs="+", type=Path, metavar="FILES", help="files or folders to read")
    p.add_argument("-o", "--output", type=Path, required=True, metavar="OUT", help="corpus JSONL to write")
    p.add_argument(
        "--format",
        default=ARTICLES,
        metavar="F",
        help=f"input format: {', '.join(formats)} (default: {ARTICLES}: plain articles)",
    )
    p.add_argument(
        "--clean",
        action="store_true",
        help="remove scrape boilerplate (header lines, captions, related-article tails, share footers); "
        "the original text is kept in meta.original_text",
    )
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--force", action="store_true", help="replace OUT if it exists")
    mode.add_argument("--append", action="store_true", help="keep OUT's records and add new ones")
    p.add_argument("--max-mb", type=float, default=20.0, help="largest article accepted, in MB (default 20)")
    p.set_defaults(func=run)


def _items(args: argparse.Namespace) -> Iterator[tuple[Path, Any]]:
    """(the input given, a record or a problem), input by input."""
    if args.format == ARTICLES:
        from workbench.io.articles import read_articles

        for path in args.paths:
            for item in read_articles([path], clean=args.clean, max_bytes=int(args.max_mb * 1024 * 1024)):
                yield path, item
        return
    importer = other_formats()[args.format]
    for path in args.paths:
        if not path.exists():
            from workbench.core.problems import Problem

            yield path, Problem(str(path), None, "no such file or folder")
            continue
        for item in importer(path):
            yield path, item


def _existing_ids(path: Path) -> set[str]:
    from workbench.io.jsonl import iter_records

    ids: set[str] = set()
    for item in iter_records(path, fast=True):
        if not isinstance(item, tuple):
            # Copying a damaged corpus forward would hide the damage; let the user decide first.
            raise UserError(f"cannot append: {item}; fix {path} or import into a new file")
        ids.add(item[3])
    return ids


class _NothingImported(Exception):
    pass


def _write(args: argparse.Namespace, out: IO[str], existing: Path | None) -> dict[str, Any]:
    from workbench.io.jsonl import dumps

    seen: dict[str, str] = {}
    tally: dict[str, Any] = {"imported": 0, "kept": 0, "duplicates": [], "problems": []}
    if existing is not None:
        for rid in _existing_ids(existing):
            seen[rid] = str(existing)
        with open(existing, encoding="utf-8", newline="") as fh:
            for line in fh:
                out.write(line if line.endswith("\n") else line + "\n")
                tally["kept"] += 1
    for given, item in _items(args):
        if not isinstance(item, Record):
            tally["problems"].append(str(item))
            continue
        # An article read now has a content id and a place; a workbench record keeps its own id
        # and the file it was first imported from, which says nothing about this run.
        where = _source(item)
        if where is not None and not (item.id == article_id(item.text) and _within(where, [given])):
            where = None
        if item.id in seen:
            if where is None:
                note = f"record {item.id} appears again (first from {seen[item.id]}); the first is kept"
                tally["duplicates"].append(note)
            else:
                tally["duplicates"].append(f"{where}: same text as {seen[item.id]} (id {item.id}), skipped")
            continue
        seen[item.id] = where or str(given)
        out.write(dumps(item.to_dict()) + "\n")
        tally["imported"] += 1
    if tally["imported"] == 0:
        raise _NothingImported(tally)
    return tally


def run(args: argparse.Namespace) -> int:
    formats = [ARTICLES, *sorted(other_formats())]
    if args.format not in formats:
        raise UserError(f"unknown format {args.format!r}; available: {', '.join(formats)}")
    if args.clean and args.format != ARTICLES:
        raise UserError("--clean applies to plain articles (--format articles) only")
    if args.max_mb <= 0:
        raise UserError("--max-mb must be positive")
    out_path: Path = args.output
    to_stdout = str(out_path) == "-"
    if not to_stdout:
        if out_path.is_dir():
            raise UserError(f"{out_path} is a folder; -o needs a file name such as corpus.jsonl")
        if out_path.exists() and not (args.force or args.append):
            raise UserError(f"{out_path} exists; use --force to replace it or --append to add to it")
        if not out_path.parent.exists():
            raise UserError(f"folder {out_path.parent} does not exist")
    existing = out_path if args.append and not to_stdout and out_path.exists() else None
    try:
        if to_stdout:
            tally = _write(args, sys.stdout, None)
        else:
            from workbench.io.atomic import atomic_write

            with atomic_write(out_path) as fh:
                tally = _write(args, fh, existing)
    except _NothingImported as e:
        tally = e.args[0]
        _report(tally, None)
        why = "" if tally["problems"] else f" (no {args.format} input found in the given paths)"
        written = "" if to_stdout else "; no file written"
        print(f"workbench import: nothing was imported{why}{written}", file=sys.stderr)
        return 1
    _report(tally, None if to_stdout else out_path)
    return 0


def _report(tally: dict[str, Any], out_path: Path | None) -> None:
    err = sys.stderr
    dest = f" -> {out_path}" if out_path else ""
    kept = f" (+{tally['kept']} kept from before)" if tally["kept"] else ""
    n_dup, n_prob = len(tally["duplicates"]), len(tally["problems"])
    print(
        f"workbench import: {tally['imported']} imported{kept}, {n_dup} duplicate{'s' * (n_dup != 1)} "
        f"skipped, {n_prob} problem{'s' * (n_prob != 1)}{dest}",
        file=err,
    )
    for line in tally["duplicates"]:
        print(f"  duplicate: {line}", file=err)
    for line in tally["problems"]:
        print(f"  problem: {line}", file=err)


def _within(where: str, inputs: list[Path]) -> bool:
    """Whether ``file[:line]`` is one of the inputs of this run, or inside one of its folders."""
    path = Path(where.rsplit(":", 1)[0] if where.rsplit(":", 1)[-1].isdigit() else where).resolve()
    return any(path == p.resolve() or p.resolve() in path.parents for p in inputs)


def _source(rec: Record) -> str | None:
    """file:line an article came from, for article files and other tools' formats alike.

    None for records in our own format: they carry no provenance (they are imported as they are).
    """
    origin = rec.meta.get("imported_from")
    if isinstance(origin, dict) and origin.get("file"):
        line = origin.get("line")
        return f"{origin['file']}:{line}" if line else str(origin["file"])
    if rec.meta.get("file"):
        line = rec.meta.get("line")
        return f"{rec.meta['file']}:{line}" if line else str(rec.meta["file"])
    return None
