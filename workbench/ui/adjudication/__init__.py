"""Adjudication mode: open a merged file, settle its conflicts into a gold file."""

from __future__ import annotations

from pathlib import Path

from workbench.core.merged_record import MergedRecord
from workbench.core.schema import AnnotationSchema
from workbench.ui.adjudication.window import AdjudicationWindow

__all__ = ["AdjudicationWindow", "open_adjudication"]


def open_adjudication(
    merged_path: Path, gold_path: Path, adjudicator: str, schema: AnnotationSchema
) -> tuple[AdjudicationWindow, list[str]]:
    """The window on a merged file; the problems found reading it (hand edits, bad lines) come back too."""
    from workbench.io.annotator_files import iter_merged

    problems: list[str] = []
    merged = [MergedRecord.from_dict(d) for _line, d in iter_merged(merged_path, problems)]
    if not merged:
        raise ValueError(f"{merged_path}: no merged records to adjudicate")
    win = AdjudicationWindow(merged, schema, gold_path, adjudicator, str(merged_path), problems)
    return win, problems
