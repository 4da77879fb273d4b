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
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from workbench.core.problems import Problem
from workbench.core.record import Record, RecordError
from workbench.core.schema import AnnotationSchema
from workbench.io.atomic import atomic_folder
from workbench.io.interop._base import ExportReport, doc_values, new_span, place_categories
from workbench.io.interop._corpus import files_in
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

    out = Path(out)
    report = ExportReport("spacy", [out])
    report.notes.append("relations, span attributes, ids and meta are in doc.user_data['workbench']")
    with atomic_folder(out) as stage:  # the old shards stay whole until every new one is written
        _write_shards(records, schema, stage, report)
    return report


def _write_shards(
    records: Iterable[Record], schema: AnnotationSchema, out: Path, report: ExportReport
) -> None:
    from spacy.tokens import DocBin

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


def _spacy_files(path: Path) -> Iterator[Path | Problem]:
    return files_in(Path(path), (".spacy",), recursive=True)


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


MAX_DOCBIN_BYTES = 256 * 1024 * 1024  # what one .spacy file may expand to (ours are ~10 MB a shard)


def read_docbin(f: Path, limit: int | None = None) -> Any:
    """The DocBin in ``f``, refused (ValueError) if the file or what it expands to exceeds ``limit``.

    A ``.spacy`` file is zlib-compressed msgpack: a 1 MB file can claim gigabytes, which
    spaCy's own reader would allocate before looking. It is expanded here in a bounded
    step first.
    """
    from spacy.tokens import DocBin

    limit = MAX_DOCBIN_BYTES if limit is None else limit
    with open(f, "rb") as fh:
        raw = fh.read(limit + 1)
    if len(raw) > limit:
        raise ValueError(f"file is over the {limit // 2**20} MB limit for a .spacy file")
    if _expanded_size(raw, limit) > limit:
        raise ValueError(
            f"expands to over {limit // 2**20} MB (a .spacy file is compressed; "
            f"the limit keeps a small hostile file from filling memory)"
        )
    return DocBin().from_bytes(raw)


def _expanded_size(raw: bytes, limit: int, step: int = 1 << 20) -> int:
    """How many bytes ``raw`` inflates to, counted a megabyte at a time and stopped past ``limit``."""
    z = zlib.decompressobj()
    size = 0
    data = raw
    try:
        while data and size <= limit:
            size += len(z.decompress(data, step))
            data = z.unconsumed_tail
    except zlib.error as e:
        raise ValueError(f"not zlib-compressed ({e})") from None
    return size


def import_spacy(path: Path, schema: AnnotationSchema | None = None) -> Iterator[Record | Problem]:
    """Docs of one ``.spacy`` file or every one under a folder; ``line`` in a problem is the doc number.

    A file that is not a DocBin, or is too big, is one problem; a hand-made DocBin whose
    docs spaCy cannot rebuild stops at the first such doc with a problem naming it.
    """
    vocab = blank_nlp().vocab
    for f in _spacy_files(Path(path)):
        if isinstance(f, Problem):
            yield f
            continue
        try:
            db = read_docbin(f)
        except Exception as e:  # spaCy raises plain ValueError/msgpack errors for non-DocBin bytes
            yield Problem(str(f), None, f"not a usable spaCy DocBin file ({type(e).__name__}: {e})")
            continue
        docs = db.get_docs(vocab)
        i = 0
        while True:
            i += 1
            try:
                doc = next(docs)
            except StopIteration:
                break
            except Exception as e:  # odd attributes, arrays of the wrong shape: spaCy's own errors
                yield Problem(str(f), i, f"doc {i}: spaCy cannot rebuild it ({type(e).__name__}: {e})")
                break
            try:
                yield doc_to_record(doc, schema)
            except (RecordError, KeyError, TypeError, ValueError, AttributeError) as e:
                yield Problem(str(f), i, f"doc {i}: {e}")
