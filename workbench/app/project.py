"""Project operations: create a project, add articles, hand out batches, see progress, change the schema.

The files and their rules are :mod:`workbench.io.project`; this module is what a
front end calls, so that a project the user cannot open or change as asked comes
back as one :class:`~workbench.app.errors.AppError` (the lower layers'
``ProjectError``, ``SchemaError`` and ``StoreLocked`` are turned into it here, once).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from workbench.app.errors import AppError, cannot_write
from workbench.core.problems import Problem
from workbench.core.record import Record
from workbench.core.schema import SchemaError
from workbench.io.project import AddReport, Project, ProjectError, assign

if TYPE_CHECKING:
    from workbench.io.articles import Clean
    from workbench.io.project_migrate import MigrationPlan
    from workbench.io.project_status import ProjectStatus

Say = Callable[[str], None]


def _quiet(_: str) -> None:
    pass


def open_project(root: str | Path) -> Project:
    try:
        return Project.open(root)
    except ProjectError as e:
        raise AppError(str(e)) from None


def create_project(
    root: str | Path, schema: str | None = None, model: str | None = None, name: str | None = None
) -> Project:
    """A new project folder; ``schema`` defaults to the shipped news schema, ``name`` to the folder's."""
    try:
        return Project.init(root, schema, model, name)
    except (ProjectError, SchemaError) as e:
        raise AppError(str(e)) from None
    except OSError as e:  # e.g. the folder is an existing file
        raise AppError(f"cannot create the project in {root}: {e.strerror or e}") from None


@dataclass
class AddSummary:
    """What adding articles did: the corpus's report, and the inputs that could not be read."""

    report: AddReport
    problems: list[Problem] = field(default_factory=list)
    cleaned: int = 0  # articles read cleaned (raw pages: as the window cleans one it opens)
    furniture: int = 0  # pieces of page furniture those lost (kept in their meta.cleaning)

    @property
    def failed(self) -> bool:
        """Nothing added, and the only reason is inputs that could not be read."""
        r = self.report
        return r.added == 0 and bool(self.problems) and not (r.duplicates or r.near_duplicates)


def add_articles(
    project: Project, files: Sequence[str | Path], clean: Clean = "raw", near: float = 0.8
) -> AddSummary:
    """Append new articles to the corpus; exact and near (``near`` similarity) duplicates are reported.

    Raw ``.txt``/``.html`` pages are cleaned as the window cleans a page it opens (decision
    0015; ``clean="raw"``), so the corpus holds what an annotator would see opening the file:
    ``clean=True`` cleans bare JSON articles too, ``False`` adds every text as it is.
    """
    from workbench.app.cleaning import furniture
    from workbench.io.articles import read_articles

    if not 0.0 <= near <= 1.0:
        raise AppError("--near is a similarity between 0 and 1")
    problems: list[Problem] = []
    done = AddSummary(AddReport(), problems)

    cleaned: dict[int, int] = {}  # id() of a cleaned record -> pieces of furniture it lost
    by_source: dict[str, list[int]] = {}  # a source as the report names it -> its cleaned records' losses

    def count(_original: Record, rec: Record) -> None:
        cleaned[id(rec)] = furniture(rec)

    def records() -> Iterator[Record]:
        for item in read_articles(list(files), clean=clean, cleaned=count):
            if isinstance(item, Problem):
                problems.append(item)
                continue
            if item.meta.get("file"):
                item.meta["file"] = relative_to_project(item.meta["file"], project.root)
            if id(item) in cleaned:
                by_source.setdefault(str(item.meta.get("file") or item.id), []).append(cleaned.pop(id(item)))
            yield item

    try:
        report = project.add_records(records(), near_threshold=near)
    except ProjectError as e:  # another add holds the lock, or its lock file is a link
        raise AppError(str(e)) from None
    except OSError as e:  # a full disk: the corpus is as it was
        raise cannot_write(e, project.corpus_path) from None
    for source, *_ in report.duplicates + report.near_duplicates:  # not added: not said to be cleaned
        if by_source.get(source):
            by_source[source].pop()
    done.cleaned = sum(map(len, by_source.values()))
    done.furniture = sum(map(sum, by_source.values()))
    done.report = report
    return done


def relative_to_project(file: str, root: Path) -> str:
    """Paths in a project are relative to it where possible, so the folder can move."""
    try:
        return os.path.relpath(Path(file).resolve(), root.resolve())
    except ValueError:  # another drive on Windows
        return file


def assign_batches(
    project: Project,
    annotators: list[str],
    size: int = 50,
    overlap: float = 0.2,
    seed: int = 0,
    preannotate: bool = False,
    say: Say = _quiet,
) -> dict[str, list[str]]:
    """Hand out unassigned articles (new ids per annotator), pre-annotated with the project's model if asked.

    ``say`` hears the model in use and each article whose pre-annotation failed (it goes out plain).
    """
    try:
        pre = batch_preannotator(project, say) if preannotate else None
        return assign(project, annotators, size, overlap, seed, pre)
    except ValueError as e:  # ProjectError is one
        raise AppError(str(e)) from None


def batch_preannotator(project: Project, say: Say = _quiet) -> Callable[[list[Record]], list[Record]]:
    """Pre-annotate a batch on its way out; an article that fails goes out plain, and is named."""
    from workbench.nlp.preannotate import Preannotator, preannotate_records

    annotator = Preannotator.create(project.model, str(project.schema_path))
    say(annotator.model.message)

    def run(records: list[Record]) -> list[Record]:
        by_id = {r.id: r for r in records}
        out = []
        for outcome in preannotate_records(list(by_id.values()), annotator=annotator):
            if outcome.record is not None:
                out.append(outcome.record)
            else:
                say(f"pre-annotation failed for {outcome.id}: {outcome.error}")
                out.append(by_id[outcome.id])
        return out

    return run


def status_of(project: Project) -> ProjectStatus:
    """Progress per annotator and agreement so far."""
    from workbench.io.project_status import project_status

    try:
        return project_status(project)
    except ProjectError as e:
        raise AppError(str(e)) from None


def plan_schema_change(project: Project, schema: str | Path) -> MigrationPlan:
    """What switching to ``schema`` adds, removes, and which annotations it touches (nothing written)."""
    from workbench.io.project_migrate import plan_migration

    try:
        return plan_migration(project, schema)
    except (ProjectError, SchemaError) as e:
        raise AppError(str(e)) from None


def apply_schema_change(
    project: Project, schema: str | Path, plan: MigrationPlan, mapping: dict[str, str | None]
) -> int:
    """Rewrite the project's files for the new schema; returns how many annotations were rewritten.

    Refused while a removed label or value has no mapping: annotations are never dropped silently.
    """
    from workbench.core.migrate import MappingMissing
    from workbench.io.project_migrate import apply_migration
    from workbench.io.store import StoreLocked

    missing = plan.unmapped(mapping)
    if missing:
        raise AppError(f"refusing to drop annotations silently: map {', '.join(missing)} first")
    try:
        return apply_migration(project, schema, plan, mapping)
    except (MappingMissing, StoreLocked) as e:
        raise AppError(str(e)) from None
