"""Our own records as JSON Lines, compacted: one line per article, latest revision only."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from workbench.core.problems import Problem
from workbench.core.record import Record, RecordError
from workbench.core.schema import AnnotationSchema
from workbench.io.atomic import atomic_write
from workbench.io.interop._base import ExportReport, doc_values
from workbench.io.interop._corpus import files_in
from workbench.io.jsonl import LineError, dumps, read_jsonl


def import_jsonl(path: Path, schema: AnnotationSchema | None = None) -> Iterator[Record | Problem]:
    for f in files_in(Path(path), (".jsonl",)):
        for item in read_jsonl(f):
            if isinstance(item, LineError):
                yield item
                continue
            line, obj = item
            try:
                yield Record.from_dict(obj)
            except RecordError as e:
                yield Problem(str(f), line, str(e))


def export_jsonl(records: Iterable[Record], schema: AnnotationSchema, out: Path) -> ExportReport:
    report = ExportReport("jsonl", [Path(out)])
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    seen: set[str] = set()
    with atomic_write(out) as fh:
        for rec in records:
            if rec.id in seen:
                report.notes.append(f"record {rec.id} given twice; the later copy is written too")
            seen.add(rec.id)
            fh.write(dumps(rec.to_dict()) + "\n")
            report.records += 1
            report.spans += len(rec.spans)
            report.relations += len(rec.relations)
            report.doc_fields += len(doc_values(rec.doc))
    return report
