"""Apply a schema change to every file of a project, or say exactly what stands in the way."""

from __future__ import annotations

import json
import shutil
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

from workbench.core.migrate import Hit, MappingMissing, SchemaChange, affected, apply_mapping, diff
from workbench.core.record import Record, RecordError
from workbench.core.schema import AnnotationSchema, load_schema
from workbench.io.atomic import write_text_atomic
from workbench.io.jsonl import LineError, read_jsonl, write_jsonl
from workbench.io.project import Project
from workbench.io.store import AnnotatorStore


@dataclass
class MigrationPlan:
    new: AnnotationSchema
    change: SchemaChange
    hits: dict[Path, list[Hit]] = field(default_factory=dict)

    @property
    def total_hits(self) -> int:
        return sum(len(h) for h in self.hits.values())

    def unmapped(self, mapping: dict[str, str | None]) -> list[str]:
        return sorted({h.old for hits in self.hits.values() for h in hits if h.old not in mapping})


def project_files(project: Project) -> list[Path]:
    files = [project.corpus_path]
    for folder in ("batches", "annotations", "gold"):
        files += sorted((project.root / folder).glob("*.jsonl"))
    return [f for f in files if f.exists()]


def _records(path: Path) -> list[Record]:
    out = []
    for item in read_jsonl(path):
        if isinstance(item, LineError):
            continue
        try:
            out.append(Record.from_dict(item[1]))
        except RecordError:
            continue
    return out


def plan_migration(project: Project, new_schema_path: str | Path) -> MigrationPlan:
    new = load_schema(new_schema_path)
    change = diff(project.schema(), new)
    plan = MigrationPlan(new, change)
    if change.removes_anything:
        for path in project_files(project):
            hits = affected(_records(path), change, new)
            if hits:
                plan.hits[path] = hits
    return plan


def apply_migration(
    project: Project, new_schema_path: str | Path, plan: MigrationPlan, mapping: dict[str, str | None]
) -> int:
    """Rewrite affected files atomically (annotator files under their lock), then switch schemas."""
    missing = plan.unmapped(mapping)
    if missing:
        raise MappingMissing(f"no mapping for {', '.join(missing)}")
    unknown = [
        t
        for t in mapping.values()
        if t is not None and "=" not in t and t not in plan.new.labels and t not in plan.new.relations
    ]
    if unknown:
        raise MappingMissing(f"mapping targets not in the new schema: {', '.join(unknown)}")
    changed = 0
    with ExitStack() as stack:
        # Take every annotator's lock before touching anything: all files change, or none.
        stores = {
            path: stack.enter_context(AnnotatorStore(path))
            for path in plan.hits
            if path.parent.name == "annotations"
        }
        for path, hits in plan.hits.items():
            if path in stores:
                store = stores[path]
                for rec in list(store.records()):
                    if any(h.record == rec.id for h in hits):
                        changed += apply_mapping(rec, mapping, hits)
                        store.save(rec)
                store.compact()
            else:
                records = _records(path)
                for rec in records:
                    changed += apply_mapping(rec, mapping, hits)
                write_jsonl(path, (r.to_dict() for r in records))
    shutil.copyfile(new_schema_path, project.root / "schema.json.new")
    (project.root / "schema.json.new").replace(project.schema_path)
    project.data["schema_ref"] = plan.new.ref
    write_text_atomic(
        project.root / "project.json", json.dumps(project.data, indent=2, ensure_ascii=False) + "\n"
    )
    return changed
