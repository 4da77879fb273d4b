"""What a corpus or annotator file holds, as plain figures: the work behind ``workbench stats``.

Built on the streaming index, so it answers for a 100k-record corpus without
loading it; repeated ids count once (the later line wins), as the workbench
itself would show them. Bad lines are kept with the figures and never stop it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workbench.app.errors import AppError
from workbench.core.problems import Problem
from workbench.core.record import Record
from workbench.io.corpus import CorpusIndex, index_corpus
from workbench.io.jsonl import LineError, read_jsonl
from workbench.io.validate import checked_record, faults_text


@dataclass
class CorpusStats:
    figures: dict[str, Any]  # plain data, what ``--json`` prints
    bad_lines: list[LineError]
    invalid: list[Problem] = field(default_factory=list)  # records validate refuses, by file:line

    @property
    def ok(self) -> bool:
        """No bad line and no invalid record: what the command's exit code says."""
        return not self.bad_lines and not self.invalid


def invalid_records(path: Path) -> list[Problem]:
    """Each record line that ``validate`` refuses, named by file:line with its first faults.

    The figures count such a record as the index reads it; a lead must still learn it is
    not usable (export, merge and eval skip it), so stats names it rather than staying quiet.
    """
    out: list[Problem] = []
    for item in read_jsonl(path):
        if isinstance(item, LineError):
            continue  # a bad line: already in bad_lines
        line, obj = item
        if "text" not in obj:
            continue  # not a record line at all: a bad line of the index
        rec = checked_record(obj)
        if not isinstance(rec, Record):
            out.append(Problem(str(path), line, f"invalid record: {faults_text(rec)}"))
    return out


def corpus_stats(path: Path) -> CorpusStats:
    """The figures of one JSONL file; a file that holds no workbench record at all is refused."""
    if not path.exists():
        raise AppError(f"{path}: no such file")
    if path.is_dir():
        raise AppError(f"{path} is a folder; give a .jsonl corpus or annotator file")
    try:
        with open(path, "rb") as fh:
            if b"\0" in fh.read(8192):
                raise AppError(f"{path}: a binary file, not a JSONL corpus or annotator file")
        index = index_corpus(path)
    except OSError as e:
        raise AppError(f"{path}: cannot read ({e.strerror or e})") from None
    if not len(index) and index.errors:
        first = index.errors[0]
        raise AppError(
            f"{path}: no records here: {len(index.errors)} line(s) are not workbench records "
            f"(first, line {first.line}: {first.message}). Give a corpus or annotator .jsonl file; "
            "`workbench import` makes one from articles"
        )
    invalid = invalid_records(path)
    data = figures(index)
    data["invalid_records"] = [{"line": p.line, "message": p.message} for p in invalid]
    return CorpusStats(data, list(index.errors), invalid)


def figures(index: CorpusIndex) -> dict[str, Any]:
    """Documents, statuses, spans per label, relations per type, document fields, bad lines."""
    entries = list(index)
    spans = sum(e.spans for e in entries)
    rels = index.relation_counts()
    return {
        "file": str(index.path),
        "lines": index.lines,
        "documents": len(index),
        "repeated_ids": index.repeated,
        "characters": sum(e.chars for e in entries),
        "statuses": dict(index.status_counts().most_common()),
        "annotators": dict(Counter(e.annotator or "(none)" for e in entries).most_common()),
        "schemas": dict(Counter(e.schema or "(none)" for e in entries).most_common()),
        "spans": spans,
        "spans_per_label": dict(index.label_counts().most_common()),
        "relations": sum(rels.values()),
        "relations_per_type": dict(rels.most_common()),
        "reviews": dict(index.review_counts().most_common()),
        "rejected": sum(e.rejected for e in entries),
        "doc_fields": {k: dict(v.most_common()) for k, v in sorted(index.doc_counts().items())},
        "bad_lines": [{"line": e.line, "message": e.message, "torn": e.torn} for e in index.errors],
    }
