"""Our own records as JSON Lines, compacted: one line per article, latest revision only."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from workbench.core.problems import Problem
from workbench.core.record import Record
from workbench.core.schema import AnnotationSchema
from workbench.io.interop._base import ExportReport, doc_values, write_json_lines
from workbench.io.interop._corpus import files_in
from workbench.io.jsonl import LineError, read_jsonl
from workbench.io.validate import checked_record, faults_text


def import_jsonl(path: Path, schema: AnnotationSchema | None = None) -> Iterator[Record | Problem]:
    for f in files_in(Path(path), (".jsonl",)):
        if isinstance(f, Problem):
            yield f
            continue
        for item in read_jsonl(f):
            if isinstance(item, LineError):
                yield item
                continue
            line, obj = item
            rec = checked_record(obj)  # what validate refuses is refused here too, every fault named
            if isinstance(rec, Record):
                yield rec
            else:
                yield Problem(str(f), line, faults_text(rec))


def export_jsonl(records: Iterable[Record], schema: AnnotationSchema, out: Path) -> ExportReport:
    seen: set[str] = set()

    def convert(rec: Record, report: ExportReport) -> dict[str, Any]:
        if rec.id in seen:
            report.notes.append(f"record {rec.id} given twice; the later copy is written too")
        seen.add(rec.id)
        report.records += 1
        report.spans += len(rec.spans)
        report.relations += len(rec.relations)
        report.doc_fields += len(doc_values(rec.doc))
        return rec.to_dict()

    return write_json_lines("jsonl", records, out, convert)
