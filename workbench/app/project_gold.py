"""Which of a project's articles count as gold for training, and switching the project's model.

Train from gold (the window's Project menu) needs one version of each finished
article. The rule, stated once here and shown to the lead before training:

1. an adjudicated record in ``gold/*.jsonl`` wins (the later line of a file wins,
   files in name order);
2. otherwise an annotator's record with status ``done`` from ``annotations/*.jsonl``;
   when several annotators finished the article, the first annotator file in name
   order (the same rule as ``import --format polnear`` for articles annotated twice).

Articles only started, skipped or still to do are left out: an unfinished record
teaches the model that the unmarked quotes are not quotes. Unreadable lines are
counted and named, never fatal: the lead trains on what is sound and is told
what was skipped.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from workbench.app.errors import AppError
from workbench.core.problems import Problem
from workbench.core.record import Record, RecordError
from workbench.io.atomic import write_text_atomic
from workbench.io.jsonl import LineError, iter_records
from workbench.io.project import PROJECT_FILE, Project

MODELS_FOLDER = "models"


@dataclass
class ProjectGold:
    """The training articles of a project and where each came from."""

    records: list[Record] = field(default_factory=list)
    adjudicated: int = 0
    done: int = 0
    problems: list[Problem] = field(default_factory=list)

    def describe(self) -> str:
        parts = [
            f"{len(self.records)} article(s): {self.adjudicated} adjudicated, {self.done} done by annotators"
        ]
        if self.problems:
            parts.append(f"{len(self.problems)} unreadable line(s) skipped (first: {self.problems[0]})")
        return "; ".join(parts)


def _latest(path: Path, problems: list[Problem]) -> Iterator[tuple[str, dict]]:
    latest: dict[str, dict] = {}
    for item in iter_records(path):
        if isinstance(item, LineError):
            problems.append(item)
            continue
        latest[item[3]] = item[4]
    yield from latest.items()


def _record(path: Path, obj: dict, problems: list[Problem]) -> Record | None:
    try:
        return Record.from_dict(obj)
    except (RecordError, ValueError, TypeError) as e:
        problems.append(Problem(str(path), None, f"record {obj.get('id')!r} left out: {e}"))
        return None


def project_gold(project: Project) -> ProjectGold:
    """The project's gold, by the rule in the module docstring."""
    gold = ProjectGold()
    chosen: dict[str, Record] = {}
    gold_files, refused = project.jsonl_files("gold")
    annotator_files, also = project.jsonl_files("annotations")
    gold.problems += refused + also
    for path in gold_files:
        for rid, obj in _latest(path, gold.problems):
            rec = _record(path, obj, gold.problems)
            if rec is not None:
                chosen[rid] = rec
    gold.adjudicated = len(chosen)
    for path in annotator_files:
        for rid, obj in _latest(path, gold.problems):
            if rid in chosen or obj.get("status") != "done":
                continue
            rec = _record(path, obj, gold.problems)
            if rec is not None:
                chosen[rid] = rec
                gold.done += 1
    gold.records = list(chosen.values())
    return gold


def new_model_dir(project: Project, stamp: str) -> Path:
    """``models/model-<stamp>`` inside the project, so the model travels with the folder."""
    return project.root / MODELS_FOLDER / f"model-{stamp}"


def use_model(project: Project, model_dir: Path) -> str:
    """Make ``model_dir`` the project's pre-annotation model; returns what project.json now says.

    Inside the project the path is stored relative (the folder may move or sit on a
    shared drive); :attr:`Project.model` resolves it again.
    """
    model_dir = Path(model_dir).resolve()
    if not (model_dir / "meta.json").is_file():
        raise AppError(f"{model_dir}: not a trained model folder (no meta.json)")
    root = project.root.resolve()
    value = model_dir.relative_to(root).as_posix() if model_dir.is_relative_to(root) else str(model_dir)
    data = dict(project.data)
    data["model"] = value
    try:
        write_text_atomic(project.root / PROJECT_FILE, json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    except OSError as e:
        raise AppError(f"{project.root / PROJECT_FILE}: cannot save the model choice ({e})") from None
    project.data = data
    return value
