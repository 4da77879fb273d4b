"""Setting up adjudication: what a front end must know before it opens the window.

The checks and defaults live here, not in the command, so the window (a menu
entry one day) and ``workbench adjudicate`` open the same gold file for the same
person with the same schema, and refuse the same files with the same words.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from workbench.app.errors import AppError
from workbench.app.schemas import schema_for
from workbench.core.schema import AnnotationSchema, default_schema
from workbench.io.annotator_files import is_merged_file
from workbench.io.jsonl import read_jsonl
from workbench.io.settings import ANNOTATOR_ENV, load_settings


@dataclass(frozen=True, slots=True)
class AdjudicationSetup:
    """Everything the adjudication window is opened with."""

    merged: Path
    gold: Path
    adjudicator: str
    schema: AnnotationSchema


def gold_path_for(merged: Path) -> Path:
    """``x.merged.jsonl`` -> ``x.merged.gold.jsonl`` beside it, so a rerun finds the gold and continues."""
    name = merged.name[: -len(".jsonl")] if merged.name.endswith(".jsonl") else merged.name
    return merged.with_name(f"{name}.gold.jsonl")


def adjudicator_name(given: str | None = None) -> str:
    """The flag, else $WORKBENCH_ANNOTATOR, else the settings' name: a gold file always says who decided."""
    name = given or os.environ.get(ANNOTATOR_ENV) or load_settings().effective_annotator
    if not name:
        raise AppError("say who adjudicates: --adjudicator NAME")
    return name


def first_schema_ref(merged: Path) -> str | None:
    """The ``schema`` field of the first readable record (bad lines are the window's to report)."""
    first = next((item[1] for item in read_jsonl(merged) if isinstance(item, tuple)), {})
    ref = first.get("schema")
    return ref if isinstance(ref, str) else None


def prepare_adjudication(
    merged: Path,
    gold: Path | None = None,
    adjudicator: str | None = None,
    schema_path: str | None = None,
) -> AdjudicationSetup:
    """Check ``merged`` is a merged file and settle the gold path, the adjudicator and the schema."""
    if not merged.is_file():
        raise AppError(f"{merged}: no such file")
    if not is_merged_file(merged):
        raise AppError(
            f"{merged} is not a merged file; make one with `workbench merge A.jsonl B.jsonl -o ...`"
        )
    name = adjudicator_name(adjudicator)
    schema = schema_for(first_schema_ref(merged), schema_path) or default_schema()
    return AdjudicationSetup(merged, gold if gold is not None else gold_path_for(merged), name, schema)
