"""Train from gold inside a project: the project's gold in, a model folder under ``models/`` out.

The window's Project → Train from gold runs this on its worker; ``workbench train``
is the same trainer over files (:mod:`workbench.app.train`). The new model goes
into the project (``models/model-<time>``) so it travels with the folder and the
project can point at it with a relative path (:func:`workbench.app.project_gold.use_model`).
A cancelled run returns None and leaves no folder behind.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from workbench.app.errors import Cancelled
from workbench.app.progress import Progress
from workbench.app.project_gold import new_model_dir
from workbench.app.train import DEFAULT_EPOCHS, REPORT_NAME, TrainSummary, train_model_from_records
from workbench.core.record import Record
from workbench.io.project import Project

# Below this the held-out tenth is empty and the dev figures mean nothing.
MIN_ARTICLES = 10


def train_project(
    project: Project, records: Sequence[Record], progress: Progress, epochs: int = DEFAULT_EPOCHS
) -> TrainSummary | None:
    """Train on ``records`` (from :func:`workbench.app.project_gold.project_gold`) with its schema."""
    out = new_model_dir(project, datetime.now(UTC).strftime("%Y%m%d-%H%M%S"))
    out.parent.mkdir(parents=True, exist_ok=True)
    try:
        return train_model_from_records(
            records,
            out,
            schema=project.schema(),
            epochs=epochs,
            progress=progress,
            data_names=[f"project {project.data.get('name', project.root.name)}: gold/ and done articles"],
        )
    except Cancelled:
        return None


def latest_report(project: Project) -> Path | None:
    """The report of the project's model when it has one, else of the newest model trained here."""
    model = project.model
    if model and (Path(model) / REPORT_NAME).is_file():
        return Path(model) / REPORT_NAME
    reports = sorted((project.root / "models").glob(f"*/{REPORT_NAME}"))
    return reports[-1] if reports else None
