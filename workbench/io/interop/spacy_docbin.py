"""spaCy ``DocBin`` files: what ``spacy train`` reads.

Export, per record (documented in docs/formats.md):
- ``doc.ents``: entity-kind spans (schema kind ``entity``, or labels the schema does not know),
  longest first; an entity overlapping one already taken goes to ``doc.spans["ents_overlap"]``:
  never dropped;
- ``doc.spans["sc"]``: every token-aligned span of every label (for a spancat component);
  ``doc.spans["quotes"]``, ``["cues"]``, ``["mentions"]``: the spans of those kinds;
- ``doc.cats``: each document field as ``field:value`` (1.0 chosen, 0.0 for the field's other values;
  a field the record leaves empty is absent, i.e. missing, not negative);
- ``doc.user_data["workbench"]``: JSON text of the whole record except its text (ids, attributes such as
  quote kind and sentiment, relations, origin/review, meta, status). Import reads it back, so
  ours -> spaCy -> ours is lossless.
Spans that do not start and end on token boundaries cannot be spaCy spans: they are kept in
the user data only and counted in the report, never moved to the nearest token.
Docs are written in shards of ``SHARD`` so memory stays flat whatever the corpus size.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from workbench.core.problems import Problem
from workbench.core.record import Record, RecordError
from workbench.core.schema import AnnotationSchema
from workbench.io.interop._base import ExportReport, doc_values, new_span, place_categories
from workbench.io.interop.tokens import blank_nlp, entity_kind, make_doc
from workbench.io.jsonl import dumps

SHARD = 500
GROUP_OF_KIND = {"quote": "quotes", "cue": "cues", "mention": "mentions"}
USER_KEY = "workbench"


def cat_labels(schema: AnnotationSchema | None, name: str, value: str) -> list[str]:
    """Every ``field:value`` label a field contributes when one of its values is chosen."""
    if schema and name in schema.doc_fields:
        return [f"{name}:{v}" for v in schema.values_of(schema.doc_fields[name].attribute)]
    return [f"{name}:{value}"]


def record_to_doc(rec: Record, schema: AnnotationSchema | None, report: ExportReport) -> Any:
    doc = make_doc(rec)
    ents: list[Any] = []
    taken: set[int] = set()
    groups: dict[str, list[Any]] = {"sc": [], "ents_overlap": []}
    for s in sorted(rec.spans.values(), key=lambda s: (-(s.end - s.start), s.start, s.label, s.id)):
        span = doc.char_span(s.start, s.end, label=s.label)
        if span is None:
            report.leave_out("spans not aligned to tokens (not in doc.ents/span groups; kept in user_data)")
            continue
        groups["sc"].append(span)
        lab = schema.labels.get(s.label) if schema else None
        if entity_kind(schema, s.label):
            toks = range(span.start, span.end)
            if taken.intersection(toks):
                groups["ents_overlap"].append(span)
            else:
                taken.update(toks)
                ents.append(span)
        elif lab is not None:
            groups.setdefault(GROUP_OF_KIND.get(lab.kind, lab.kind), []).append(span)
    doc.ents = sorted(ents, key=lambda sp: sp.start)
    for key, spans in groups.items():
        if spans:  # an empty group costs a msgpack round in DocBin.add for nothing
            doc.spans[key] = sorted(spans, key=lambda sp: (sp.start, sp.end))
    cats: dict[str, float] = {}
    values = doc_values(rec.doc)
    for name, value in values:
        for label in cat_labels(schema, name, value):
            cats.setdefault(label, 0.0)
        cats[f"{name}:{value}"] = 1.0
    doc.cats = cats
    d = rec.to_dict()
    del d["text"]
    # JSON text, not a dict: msgpack would hand lists back as tuples.
    doc.user_data[USER_KEY] = dumps(d)
    report.records += 1
    report.spans += len(rec.spans)
    report.relations += len(rec.relations)
    report.doc_fields += len(values)
    return doc


def export_spacy(records: Iterable[Record], schema: AnnotationSchema, out: Path) -> ExportReport:
    """Write ``out/000.spacy``, ``out/001.spacy``...; ``spacy train`` accepts the folder as a corpus path."""
    from spacy.tokens import DocBin

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.spacy"):
        old.unlink()
    report = ExportReport("spacy", [out])
    report.notes.append("relations, span attributes, ids and meta are in doc.user_data['workbench']")
    db = DocBin(store_user_data=True)
    shard = 0

    def flush() -> None:
        nonlocal db, shard
        if len(db):
            db.to_disk(out / f"{shard:03d}.spacy")
            shard += 1
            db = DocBin(store_user_data=True)

    for rec in records:
        db.add(record_to_doc(rec, schema, report))
        if len(db) >= SHARD:
            flush()
    flush()
    return report


def _spacy_files(path: Path) -> list[Path]:
    path = Path(path)
    return sorted(path.rglob("*.spacy")) if path.is_dir() else [path]


def doc_to_record(doc: Any, schema: AnnotationSchema | None) -> Record:
    raw = doc.user_data.get(USER_KEY)
    if isinstance(raw, str):
        return Record.from_dict({**json.loads(raw), "text": doc.text})
    rec = Record.new(doc.text, status="done")
    seen: set[tuple[int, int, str]] = set()
    spans = list(doc.ents) + [sp for group in doc.spans.values() for sp in group]
    for sp in spans:
        key = (sp.start_char, sp.end_char, sp.label_)
        if key not in seen:
            seen.add(key)
            new_span(rec, *key)
    cats = [label for label, score in doc.cats.items() if score >= 0.5]
    if cats:
        rec.doc = place_categories(cats, schema)
    return rec


def import_spacy(path: Path, schema: AnnotationSchema | None = None) -> Iterator[Record | Problem]:
    """Docs of one ``.spacy`` file or every one under a folder; ``line`` in a problem is the doc number."""
    from spacy.tokens import DocBin

    vocab = blank_nlp().vocab
    for f in _spacy_files(Path(path)):
        try:
            db = DocBin().from_disk(f)
        except Exception as e:  # spaCy raises plain ValueError/msgpack errors for non-DocBin bytes
            yield Problem(str(f), 0, f"not a spaCy DocBin file ({type(e).__name__}: {e})")
            continue
        for i, doc in enumerate(db.get_docs(vocab), 1):
            try:
                yield doc_to_record(doc, schema)
            except (RecordError, KeyError, TypeError, ValueError) as e:
                yield Problem(str(f), i, f"doc {i}: {e}")
