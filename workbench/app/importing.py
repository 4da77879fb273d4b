"""Articles (or another tool's files) into one corpus file: the work behind ``workbench import``.

Good inputs are imported and bad ones listed (file:line: reason) in one run, so a
folder with one broken file still yields a corpus; a run that imports nothing
writes nothing. The corpus goes through a temp file renamed into place, so an
interrupted import never leaves half a file, and an existing corpus is only
replaced (``replace``) or extended (``append``) when asked. The same text always
gets the same id, so a story given twice is stored once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from workbench.app.errors import AppError, Cancelled, cannot_write
from workbench.app.progress import NO_PROGRESS, Progress
from workbench.core.problems import Problem
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


def import_formats() -> list[str]:
    """What an import can read: plain articles first, then other tools' formats by name."""
    return [ARTICLES, *sorted(other_formats())]


@dataclass
class ImportSummary:
    """What an import did; ``lines()`` is what a front end shows."""

    output: Path | None  # None: written to a stream (stdout)
    format: str = ARTICLES
    imported: int = 0
    kept: int = 0  # records of an appended-to corpus
    duplicates: list[str] = field(default_factory=list)
    problems: list[Problem | str] = field(default_factory=list)
    inputs: list[str] = field(default_factory=list)  # what was given, for "found nothing in ..."

    @property
    def nothing_imported(self) -> bool:
        """Nothing new came in, so no file was written (an existing one is untouched)."""
        return self.imported == 0

    def lines(self) -> list[str]:
        dest = f" -> {self.output}" if self.output and not self.nothing_imported else ""
        kept = f" (+{self.kept} kept from before)" if self.kept else ""
        n_dup, n_prob = len(self.duplicates), len(self.problems)
        out = [
            f"{self.imported} imported{kept}, {n_dup} duplicate{'s' * (n_dup != 1)} "
            f"skipped, {n_prob} problem{'s' * (n_prob != 1)}{dest}"
        ]
        out += [f"  duplicate: {line}" for line in self.duplicates]
        out += [f"  problem: {p}" for p in self.problems]
        return out

    def why_nothing(self) -> str:
        """The sentence for a run that imported nothing."""
        where = ", ".join(self.inputs) or "the given paths"
        why = "" if self.problems else f" (no {self.format} input found in {where})"
        if self.duplicates and not self.problems:
            why = " (every input was already there)"
        written = "" if self.output is None else "; no file written"
        return f"nothing was imported{why}{written}"


class _NothingImported(Exception):
    """Leaves the atomic write without renaming the temp file into place."""


def check_format(name: str) -> None:
    formats = import_formats()
    if name not in formats:
        raise AppError(f"unknown format {name!r}; available: {', '.join(formats)}")


def import_records(
    paths: Sequence[Path],
    output: Path | IO[str],
    *,
    format: str = ARTICLES,
    clean: bool = False,
    max_bytes: int = 20 * 1024 * 1024,
    replace: bool = False,
    append: bool = False,
    progress: Progress = NO_PROGRESS,
) -> ImportSummary:
    """Import ``paths`` into ``output`` (a corpus file, or an open text stream such as stdout).

    A file that exists is refused unless ``replace`` or ``append``. When nothing is
    imported the summary says so (:attr:`ImportSummary.nothing_imported`) and no file
    is written.
    """
    check_format(format)
    if not isinstance(output, Path):
        summary = ImportSummary(None, format, inputs=[str(p) for p in paths])
        _write(paths, output, None, summary, format, clean, max_bytes, progress)
        return summary
    if output.is_dir():
        raise AppError(f"{output} is a folder; -o needs a file name such as corpus.jsonl")
    if output.exists() and not (replace or append):
        raise AppError(f"{output} exists; use --force to replace it or --append to add to it")
    if not output.parent.exists():
        raise AppError(f"folder {output.parent} does not exist")
    from workbench.io.atomic import atomic_write

    existing = output if append and output.exists() else None
    summary = ImportSummary(output, format, inputs=[str(p) for p in paths])
    try:
        with atomic_write(output) as fh:
            _write(paths, fh, existing, summary, format, clean, max_bytes, progress)
            if summary.nothing_imported:
                raise _NothingImported
    except _NothingImported:
        pass
    except OSError as e:  # a full disk: the temp file is gone and the old corpus whole
        raise cannot_write(e, output) from None
    return summary


def _items(paths: Sequence[Path], format: str, clean: bool, max_bytes: int) -> Iterator[tuple[Path, Any]]:
    """(the input given, a record or a problem), input by input."""
    if format == ARTICLES:
        from workbench.io.articles import read_articles

        for path in paths:
            for item in read_articles([path], clean=clean, max_bytes=max_bytes):
                yield path, item
        return
    importer = other_formats()[format]
    for path in paths:
        if not path.exists():
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
            raise AppError(f"cannot append: {item}; fix {path} or import into a new file")
        ids.add(item[3])
    return ids


def _write(
    paths: Sequence[Path],
    out: IO[str],
    existing: Path | None,
    summary: ImportSummary,
    format: str,
    clean: bool,
    max_bytes: int,
    progress: Progress,
) -> None:
    from workbench.io.jsonl import dumps
    from workbench.io.validate import checked_record, faults_text

    seen: dict[str, str] = {}
    if existing is not None:
        for rid in _existing_ids(existing):
            seen[rid] = str(existing)
        with open(existing, encoding="utf-8", newline="") as fh:
            for line in fh:
                out.write(line if line.endswith("\n") else line + "\n")
                summary.kept += 1
    progress.start(None)
    try:
        for given, item in _items(paths, format, clean, max_bytes):
            if progress.cancelled():
                raise Cancelled
            progress.step(failed=not isinstance(item, Record))
            if not isinstance(item, Record):
                summary.problems.append(item)
                continue
            # An article read now has a content id and a place; a workbench record keeps its own id
            # and the file it was first imported from, which says nothing about this run.
            where = _source(item)
            line = item.to_dict()
            checked = checked_record(line)  # what validate refuses is not imported either
            if not isinstance(checked, Record):
                summary.problems.append(f"{where or given}: skipped: {faults_text(checked)}")
                continue
            if where is not None and not (item.id == article_id(item.text) and _within(where, [given])):
                where = None
            if item.id in seen:
                if where is None:
                    note = f"record {item.id} appears again (first from {seen[item.id]}); the first is kept"
                else:
                    note = f"{where}: same text as {seen[item.id]} (id {item.id}), skipped"
                summary.duplicates.append(note)
                continue
            seen[item.id] = where or str(given)
            out.write(dumps(line) + "\n")
            summary.imported += 1
    finally:
        progress.close()


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
