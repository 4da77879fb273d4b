"""Turn a pre-annotation result into one edit on the live record. Qt-free.

The model ran on a snapshot while the annotator kept working, so the result is
not copied over the record: it is diffed against the snapshot and replayed as
edits. Old pre-annotations are removed only if they are still pending and
unchanged; new ones get fresh ids and are dropped where the schema refuses them
(e.g. they would cross a span the person drew). Nothing a person made, accepted
or edited is touched, and the whole pass is one undo step.
"""

from __future__ import annotations

from typing import Any

from workbench.core.document import Document, EditRefused
from workbench.core.edits import AddRelation, AddSpan, EditGroup, RemoveSpan
from workbench.core.record import Record, untouched_preannotation
from workbench.core.schema import AnnotationSchema


def _next(prefix: str, taken: set[str], n: list[int]) -> str:
    while True:
        n[0] += 1
        cand = f"{prefix}{n[0]}"
        if cand not in taken:
            taken.add(cand)
            return cand


def _max(ids: Any, prefix: str) -> int:
    return max(
        (int(i[len(prefix) :]) for i in ids if i.startswith(prefix) and i[len(prefix) :].isdigit()), default=0
    )


def candidate_edits(live: Record, snapshot: Record, result: Record, schema: AnnotationSchema) -> list[Any]:
    """Edits that bring the result's new pre-annotations into ``live`` (see the module doc)."""

    def kind(label: str) -> str:
        lab = schema.labels.get(label)
        return lab.kind if lab else label

    edits: list[Any] = []
    # The model numbers its spans afresh after dropping the old pass, so an id in both the
    # snapshot and the result may name two different spans: a span carries over only if equal.
    same = {sid for sid, old in snapshot.spans.items() if result.spans.get(sid) == old}
    same_rel = {rid for rid, old in snapshot.relations.items() if result.relations.get(rid) == old}
    for sid, old in snapshot.spans.items():
        if untouched_preannotation(old) and sid not in same and live.spans.get(sid) == old:
            edits.append(RemoveSpan(sid))
    removed = {e.span_id for e in edits}
    kept = {(s.start, s.end, s.label) for sid, s in live.spans.items() if sid not in removed}
    # text a person labelled or reviewed is decided: no model span of the same kind over it
    decided = [(s.start, s.end, kind(s.label)) for s in live.spans.values() if s.review != "pending"]
    span_ids = set(live.spans) | set(snapshot.spans)
    rel_ids = set(live.relations) | set(snapshot.relations)
    sn, rn = (
        [max(_max(span_ids, "s"), _max(result.spans, "s"))],
        [max(_max(rel_ids, "r"), _max(result.relations, "r"))],
    )
    remap: dict[str, str] = {}
    for sid, s in result.spans.items():
        if sid in same or s.origin is None:
            if sid in live.spans and sid not in removed:
                remap[sid] = sid
            continue
        if (s.start, s.end, s.label) in kept:
            continue
        k = kind(s.label)
        if any(a < s.end and s.start < z and k == dk for a, z, dk in decided):
            continue
        new_id = _next("s", span_ids, sn)
        remap[sid] = new_id
        kept.add((s.start, s.end, s.label))
        edits.append(AddSpan(s.with_(id=new_id)))
    for rid, r in result.relations.items():
        if rid in same_rel or r.origin is None and rid in live.relations:
            continue
        head, child = remap.get(r.head), remap.get(r.child)
        if head is None or child is None:
            continue
        if any(o.head == head and o.child == child and o.label == r.label for o in live.relations.values()):
            continue
        edits.append(AddRelation(r.with_(id=_next("r", rel_ids, rn), head=head, child=child)))
    return edits


def merge_edit(live: Record, snapshot: Record, result: Record, schema: AnnotationSchema) -> EditGroup | None:
    """One group of the edits the schema accepts, tried in order on a scratch copy."""
    edits = candidate_edits(live, snapshot, result, schema)
    if not edits:
        return None
    scratch = Document(Record.from_dict(live.to_dict()), schema)
    try:
        scratch.apply(EditGroup(tuple(edits), "Pre-annotate"))
        return EditGroup(tuple(edits), "Pre-annotate")
    except EditRefused:
        pass
    scratch = Document(Record.from_dict(live.to_dict()), schema)
    accepted: list[Any] = []
    dropped_spans: set[str] = set()
    for e in edits:
        if isinstance(e, AddRelation) and (
            e.relation.head in dropped_spans or e.relation.child in dropped_spans
        ):
            continue
        try:
            scratch.apply(e)
            accepted.append(e)
        except EditRefused:
            if isinstance(e, AddSpan):
                dropped_spans.add(e.span.id)
    return EditGroup(tuple(accepted), "Pre-annotate") if accepted else None
