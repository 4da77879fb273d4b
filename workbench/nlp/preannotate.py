"""Pre-annotation of articles: entities, quotes, cues, speakers. One plain function per article.

API (used by the CLI loop, ``--n-process`` workers, the window's worker and a Dask cluster alike):

- :class:`Preannotator` holds what every article needs: the loaded model
  (:func:`workbench.nlp.models.select_model`), the schema and its ``preannotation``
  settings. Build it once per process (``Preannotator.create(model_setting, schema_path)``).
- ``Preannotator.annotate_doc(record, doc) -> Record`` adds spans and relations
  for one article whose ``doc`` came from ``nlp``; ``Preannotator.annotate(record)``
  runs the model itself.
- :func:`preannotate_records` ``(records, annotator, batch_size, n_process)`` streams
  :class:`Outcome` items in input order: ``record`` (the annotated Record) or
  ``error`` (a readable reason) with the article ``id``. A failing article
  never stops the stream: it is reported with its id and skipped.

Input records may already hold annotations. Nothing a person made (``origin``
None) or reviewed (``review`` accepted/edited) is touched; earlier *pending*
pre-annotations are replaced; a pre-annotation the annotator rejected
(``record.rejected``) is not proposed again, and none is added where it would
cross a person's span of the same kind. Entity spans carry
``origin = model:<name>@<version>``, quotes, cues, mentions and their relations
``rule:quotes@1``; all carry ``review = "pending"``. With a pipeline trained by
``workbench train`` (:mod:`workbench.nlp.attribution_model`) the attributions the
model adds (and their cues, speakers and relations) carry the model's origin
instead, so a lead can tell them from the rules'.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from spacy.tokens import Doc

from workbench.core.record import Record, Relation, Span, untouched_preannotation
from workbench.core.schema import AnnotationSchema, default_schema, load_schema, parse_schema
from workbench.io.interop._base import without_surrogates
from workbench.nlp.attribution_model import (
    ATTR_KEY,
    Found,
    combine,
    combine_policy,
    source_ranges,
    speakers_as_mentions,
)
from workbench.nlp.models import LoadedModel, check_schema, describe, select_model
from workbench.nlp.parallel import ordered_map
from workbench.nlp.quotes import find_attributions
from workbench.nlp.speakers import EntityRef, SpeakerLinker

RULE_ORIGIN = "rule:quotes@1"
MAX_CHARS = 1_000_000
LONG_CHARS = 50_000  # spaCy's own default max_length; longer articles are reported, not cut
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(slots=True)
class Outcome:
    id: str
    record: Record | None = None
    error: str | None = None
    warnings: list[str] = field(default_factory=list)


class _Builder:
    """Adds pre-annotations to a record without touching what a person made."""

    def __init__(self, rec: Record, schema: AnnotationSchema):
        self.rec = rec
        self.schema = schema
        self.kind = {name: lab.kind for name, lab in schema.labels.items()}
        # drop earlier pending pre-annotations: this run replaces them
        stale = {sid for sid, s in rec.spans.items() if untouched_preannotation(s)}
        for sid in stale:
            del rec.spans[sid]
        for rid in [
            rid
            for rid, r in rec.relations.items()
            if r.head in stale or r.child in stale or untouched_preannotation(r)
        ]:
            del rec.relations[rid]
        self.by_key = {(s.start, s.end, s.label): s.id for s in rec.spans.values()}
        self.rejected = {
            (d.get("start"), d.get("end"), d.get("label")) for d in rec.rejected if isinstance(d, dict)
        }
        self.kept = [s for s in rec.spans.values()]  # person-made or reviewed: never crossed
        # per span kind: sorted starts and the spans, plus the longest length, for overlap checks
        self._by_kind: dict[str, tuple[list[int], list[Span]]] = {}
        self._maxlen: dict[str, int] = {}
        for sp in self.kept:
            self._index(sp)
        self.rel_keys = {(r.head, r.child, r.label) for r in rec.relations.values()}
        self.per_head: dict[tuple[str, str], int] = {}
        for r in rec.relations.values():
            self.per_head[(r.head, r.label)] = self.per_head.get((r.head, r.label), 0) + 1
        self._sn = _max_num(rec.spans, "s")
        self._rn = _max_num(rec.relations, "r")
        self.added_spans: list[Span] = []
        self.origin = RULE_ORIGIN  # of the relations added now (and the spans the linker adds)

    def add_span(self, start: int, end: int, label: str, attrs: dict[str, str], origin: str) -> str | None:
        if start >= end or label not in self.schema.labels:
            return None
        key = (start, end, label)
        if key in self.by_key:
            return self.by_key[key]
        if key in self.rejected:
            return None
        kind = self.kind[label]
        if self.schema.overlap != "any" and self._crosses(kind, start, end):
            return None
        self._sn += 1
        sid = f"s{self._sn}"
        span = Span(sid, start, end, label, attrs, origin=origin, review="pending")
        self.rec.spans[sid] = span
        self.by_key[key] = sid
        self.added_spans.append(span)
        self._index(span)
        return sid

    def _index(self, span: Span) -> None:
        kind = self.kind.get(span.label, "")
        starts, spans = self._by_kind.setdefault(kind, ([], []))
        i = bisect.bisect_right(starts, span.start)
        starts.insert(i, span.start)
        spans.insert(i, span)
        self._maxlen[kind] = max(self._maxlen.get(kind, 0), span.end - span.start)

    def _crosses(self, kind: str, start: int, end: int) -> bool:
        """Would [start, end) overlap a span of the same kind against the schema's overlap policy?"""
        if kind not in self._by_kind:
            return False
        starts, spans = self._by_kind[kind]
        lo = bisect.bisect_left(starts, start - self._maxlen[kind])
        hi = bisect.bisect_left(starts, end)
        for s in spans[lo:hi]:
            if not (s.start < end and start < s.end):
                continue
            nested = (s.start <= start and end <= s.end) or (start <= s.start and s.end <= end)
            if self.schema.overlap == "none" or not nested:
                return True
        return False

    def add_relation(self, head: str, child: str, label: str) -> None:
        key = (head, child, label)
        if key in self.rel_keys or label not in self.schema.relations:
            return
        rt = self.schema.relations[label]
        h, c = self.rec.spans[head], self.rec.spans[child]
        if not rt.allows(h.label, c.label):
            return
        if rt.max_per_head is not None and self.per_head.get((head, label), 0) >= rt.max_per_head:
            return
        self.per_head[(head, label)] = self.per_head.get((head, label), 0) + 1
        self._rn += 1
        rid = f"r{self._rn}"
        self.rec.relations[rid] = Relation(rid, head, child, label, origin=self.origin, review="pending")
        self.rel_keys.add(key)


def _max_num(d: dict[str, Any], prefix: str) -> int:
    n = 0
    for k in d:
        if k.startswith(prefix) and k[len(prefix) :].isdigit():
            n = max(n, int(k[len(prefix) :]))
    return n


class Preannotator:
    """Everything needed to pre-annotate articles in one process."""

    def __init__(self, model: LoadedModel, schema: AnnotationSchema | None = None):
        self.model = model
        self.schema = schema or default_schema()
        self.settings = dict(self.schema.preannotation)
        self.provenance = describe(model)
        check_schema(model, self.schema)
        self.policy = combine_policy(model.nlp.meta or {})
        self.speakers_as_mentions = speakers_as_mentions(model.nlp.meta or {})

    @classmethod
    def create(
        cls,
        model_name: str | None = None,
        schema: str | dict[str, Any] | AnnotationSchema | None = None,
        *,
        pinned: bool = False,
    ) -> Preannotator:
        """Build from picklable arguments: a model name/path and a schema (path, dict or parsed).

        ``model_name`` is a project or user setting (one that cannot load falls back,
        and the message says so), or with ``pinned`` the model a parent process or a
        cluster client chose for this worker, loaded strictly as a ``--model`` flag
        (see :func:`workbench.nlp.models.select_model`).
        """
        sch = _schema(schema)
        model = select_model(flag=model_name) if pinned else select_model(setting=model_name)
        return cls(model, sch)  # refuses a model trained for another schema

    @property
    def nlp(self) -> Any:
        return self.model.nlp

    def check(self, rec: Record) -> str | None:
        """Why an article cannot be pre-annotated, or None."""
        if not rec.text.strip():
            return "empty article (no text to pre-annotate)"
        if len(rec.text) > MAX_CHARS:
            return f"article too long for pre-annotation ({len(rec.text):,} characters, limit {MAX_CHARS:,})"
        return None

    def annotate_doc(self, rec: Record, doc: Doc) -> Record:
        """Add entities, quotes, cues, speakers and mentions to ``rec`` (in place; returned)."""
        b = _Builder(rec, self.schema)
        origin = self.model.origin
        ents: list[EntityRef] = []
        for ent in doc.ents:
            label = self.schema.map_model_label(ent.label_)
            if label is None:
                continue
            sid = b.add_span(ent.start_char, ent.end_char, label, {}, origin)
            if sid is not None:
                ents.append(EntityRef(sid, ent.start_char, ent.end_char, label))
        # entities a person made count as antecedents and speakers too
        for s in b.kept:
            if self.kind_of(s.label) == "entity":
                ents.append(EntityRef(s.id, s.start, s.end, s.label))
        atts = find_attributions(doc, self.settings)
        trained = ATTR_KEY in doc.spans
        linker = SpeakerLinker(
            doc,
            ents,
            lambda s, e, label, attrs: b.add_span(s, e, label, attrs, b.origin),
            b.add_relation,
            resolve=bool(self.settings.get("resolve_mentions", True)),
            named_as_mentions=trained and self.speakers_as_mentions,
            sources=source_ranges(doc) if trained and self.speakers_as_mentions else None,
        )
        partial = str(self.settings.get("scare_quotes", "partial"))
        if not trained:
            linker.link(atts, partial)
        else:  # a trained attribution model ran: its contents join the rules' (one linker, text order)
            found: list[Found] = combine(doc, atts, self.policy)
            for f in found:
                b.origin = origin if f.from_model else RULE_ORIGIN
                linker.link([f.att], partial)
            b.origin = RULE_ORIGIN
        rec.meta["preannotation"] = dict(self.provenance, rules=RULE_ORIGIN)
        if rec.schema is None:
            rec.schema = self.schema.ref
        return rec

    def kind_of(self, label: str) -> str | None:
        lab = self.schema.labels.get(label)
        return lab.kind if lab else None

    def annotate(self, rec: Record) -> Record:
        return self.annotate_doc(rec, self.nlp(_clean_for_model(rec.text)))

    def annotate_batch(self, records: list[Record], batch_size: int = 64) -> list[Outcome]:
        """One batch through ``nlp.pipe``; if the batch fails, retry one by one to isolate the bad article.

        Outcomes come back in input order, one per record.
        """
        results: list[Outcome | None] = [None] * len(records)
        good: list[int] = []
        for i, rec in enumerate(records):
            why = self.check(rec)
            if why:
                results[i] = Outcome(rec.id, error=why)
            else:
                good.append(i)
        # Very long articles go through alone: in a batch spaCy pads every doc to the longest.
        short = [i for i in good if len(records[i].text) <= LONG_CHARS]
        docs: dict[int, Doc] = {}
        try:
            texts = (_clean_for_model(records[i].text) for i in short)
            docs = dict(zip(short, self.nlp.pipe(texts, batch_size=batch_size), strict=True))
        except Exception:
            docs = {}  # one article broke the batch: redo them one by one to find it
        for i in good:
            rec = records[i]
            try:
                doc = docs.pop(i, None)
                if doc is None:
                    doc = self.nlp(_clean_for_model(rec.text))
                results[i] = Outcome(rec.id, record=self.annotate_doc(rec, doc))
            except Exception as e:  # one bad article must not stop a corpus run
                results[i] = Outcome(rec.id, error=f"pre-annotation failed: {type(e).__name__}: {e}")
        return [o for o in results if o is not None]


def _clean_for_model(text: str) -> str:
    """Control characters become spaces, lone surrogates U+FFFD: one for one, so offsets hold.

    spaCy cannot encode a lone surrogate (a JSON ``\\ud83d`` escape lets one into a record) and
    failed the article. ``workbench preannotate`` used to be the only front end to replace them
    (in the record it writes, decision 0017); here the window, ``assign --preannotate``, the
    cluster and ``eval --run`` pre-annotate such an article too, and its text stays as it is.
    """
    if _CONTROL.search(text):
        text = _CONTROL.sub(" ", text)
    return without_surrogates(text)[0]


def _schema(schema: str | dict[str, Any] | AnnotationSchema | None) -> AnnotationSchema:
    if isinstance(schema, AnnotationSchema):
        return schema
    if isinstance(schema, dict):
        return parse_schema(schema)
    return load_schema(schema) if schema else default_schema()


def _chunks(records: Iterable[Record], n: int) -> Iterator[list[Record]]:
    chunk: list[Record] = []
    for r in records:
        chunk.append(r)
        if len(chunk) >= n:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def preannotate_records(
    records: Iterable[Record],
    annotator: Preannotator | None = None,
    batch_size: int = 64,
    n_process: int = 1,
) -> Iterator[Outcome]:
    """Stream outcomes for records, in order, in constant memory.

    With ``n_process > 1`` the articles go to worker processes in chunks of
    ``batch_size``; each worker builds its :class:`Preannotator` once, pinned to the
    model the annotator loaded here and its schema. Without ``annotator`` one is
    built by :meth:`Preannotator.create` (the configured or default model). Items
    are :class:`Outcome`: ``outcome.record`` is None when the article failed, and
    ``outcome.error`` says why.
    """
    ann = annotator or Preannotator.create()
    if n_process <= 1:
        for chunk in _chunks(records, batch_size):
            yield from ann.annotate_batch(chunk, batch_size)
        return
    chunks = ([r.to_dict() for r in chunk] for chunk in _chunks(records, batch_size))
    init_args = (ann.model.source, ann.schema.raw, batch_size)
    preload = ["spacy", __name__]
    for results in ordered_map(_worker_run, chunks, n_process, _worker_init, init_args, preload):
        for rid, d, err in results:
            yield Outcome(rid, record=Record.from_dict(d) if d is not None else None, error=err)


# --------------------------------------------------------------------------- in a worker process
_worker: tuple[Preannotator, int] | None = None


def _worker_init(model_source: str, schema: dict[str, Any], batch_size: int) -> None:
    """Once per worker: the parent's very model (pinned, strict) and schema."""
    global _worker
    _worker = (Preannotator.create(model_source, schema, pinned=True), batch_size)


def _worker_run(chunk: list[dict[str, Any]]) -> list[tuple[str, dict[str, Any] | None, str | None]]:
    """Records travel as dicts (small, picklable) and come back as dicts."""
    assert _worker is not None, "worker used before _worker_init"
    ann, batch_size = _worker
    records = [Record.from_dict(d) for d in chunk]
    return [
        (o.id, o.record.to_dict() if o.record is not None else None, o.error)
        for o in ann.annotate_batch(records, batch_size)
    ]
