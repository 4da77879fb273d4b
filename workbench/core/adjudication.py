"""Adjudication as edits: the conflicts of a merged record and how a decision changes the gold.

The gold is an ordinary record (annotator ``gold``) edited through
:class:`~workbench.core.document.Document`, so every decision is one undoable
step and the store saves it like any other edit. Decisions are also written
into ``meta["adjudication"]["decisions"]`` (who, when, what was chosen), so a
reopened gold file knows which conflicts are settled, including "reject all",
which leaves no trace in the spans themselves.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from workbench.core.edits import (
    AddRelation,
    AddSpan,
    EditGroup,
    RemoveRelation,
    RemoveSpan,
    SetDocField,
    SetSpanAttr,
    SetStatus,
)
from workbench.core.merge import parse_span_key, span_key
from workbench.core.merged_record import MergedRecord
from workbench.core.record import Record, Relation, Span, now_iso


class AdjudicationError(ValueError):
    """A decision that cannot be applied yet (the message says what to do first)."""


@dataclass(frozen=True, slots=True)
class Variant:
    key: str  # merged item key (span/relation) or a value token (attr/doc)
    text: str
    by: tuple[str, ...]
    value: Any = None


@dataclass(frozen=True, slots=True)
class Conflict:
    id: str
    kind: str  # span | attr | relation | doc
    title: str
    variants: tuple[Variant, ...]
    start: int | None = None
    end: int | None = None
    target: str | None = None  # attr: the span key; doc: the field name
    multi: bool = True


def _snippet(text: str, start: int, end: int, width: int = 40) -> str:
    s = " ".join(text[start:end].split())
    return s if len(s) <= width else s[: width - 1] + "…"


def conflicts_of(merged: MergedRecord) -> list[Conflict]:
    """The open questions of a merged record, grouped as an adjudicator sees them.

    Disagreeing spans that overlap form one conflict (which of these, if any?);
    disagreeing relations from the same head with the same type form one
    (who is the speaker?); each attribute and document field is one.
    """
    text = merged.text
    open_items = merged.conflicts
    out: list[Conflict] = []
    # Attribute values agreed on a span whose own presence is disputed travel with its versions.
    agreed_attrs: dict[str, dict[str, Any]] = {}
    for it in merged.items:
        if it["kind"] == "attr" and it["agreed"] and it["value"] is not None:
            agreed_attrs.setdefault(it["span"], {})[it["name"]] = it["value"]
    spans = sorted(
        (it for it in open_items if it["kind"] == "span"),
        key=lambda it: (it["start"], -it["end"], it["label"]),
    )
    group: list[dict[str, Any]] = []
    group_end = -1

    def flush() -> None:
        if group:
            start, end = min(g["start"] for g in group), max(g["end"] for g in group)
            variants = tuple(
                Variant(
                    g["key"],
                    f"{g['label']} “{_snippet(text, g['start'], g['end'])}”",
                    tuple(g["by"]),
                    agreed_attrs.get(g["key"]),
                )
                for g in group
            )
            labels = "/".join(dict.fromkeys(g["label"] for g in group))
            title = f"{labels} “{_snippet(text, start, end)}” ({start}-{end})"
            out.append(Conflict(f"spans|{group[0]['key']}", "span", title, variants, start, end))

    for it in spans:
        if group and it["start"] >= group_end:
            flush()
            group = []
        group.append(it)
        group_end = max(group_end, it["end"]) if len(group) > 1 else it["end"]
    flush()
    for it in open_items:
        if it["kind"] == "attr":
            s, e, label = parse_span_key(it["span"])
            variants = tuple(
                Variant(
                    str(i), "(none)" if c["value"] is None else str(c["value"]), tuple(c["by"]), c["value"]
                )
                for i, c in enumerate(it["choices"])
            )
            title = f"{it['name']} of {label} “{_snippet(text, s, e)}”"
            out.append(Conflict(it["key"], "attr", title, variants, s, e, it["span"], multi=False))
    rels: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for it in open_items:
        if it["kind"] == "relation":
            rels.setdefault((it["head"], it["label"]), []).append(it)
    for (head, label), items in sorted(rels.items(), key=lambda kv: parse_span_key(kv[0][0])[:2]):
        s, e, hl = parse_span_key(head)
        variants = []
        for it in items:
            cs, ce, cl = parse_span_key(it["child"])
            variants.append(Variant(it["key"], f"→ {cl} “{_snippet(text, cs, ce)}”", tuple(it["by"])))
        title = f"{label} of {hl} “{_snippet(text, s, e)}”"
        out.append(Conflict(f"rels|{label}|{head}", "relation", title, tuple(variants), s, e, head))
    for it in open_items:
        if it["kind"] == "doc":
            variants = tuple(
                Variant(
                    str(i), "(none)" if c["value"] is None else str(c["value"]), tuple(c["by"]), c["value"]
                )
                for i, c in enumerate(it["choices"])
            )
            out.append(
                Conflict(it["key"], "doc", f"Document {it['name']}", variants, target=it["name"], multi=False)
            )
    return out


# edits --------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class RecordDecision:
    """Writes (or, with ``decision=None``, removes) one decision in the gold's meta."""

    conflict_id: str
    decision: tuple[tuple[str, Any], ...] | None

    def apply(self, record: Record) -> RecordDecision:
        adj = record.meta.setdefault("adjudication", {})
        decisions = dict(adj.get("decisions") or {})
        old = decisions.get(self.conflict_id)
        if self.decision is None:
            decisions.pop(self.conflict_id, None)
        else:
            decisions[self.conflict_id] = dict(self.decision)
        adj["decisions"] = decisions
        return RecordDecision(self.conflict_id, tuple(old.items()) if old is not None else None)

    def describe(self) -> str:
        return "Adjudicate"


def decisions(record: Record) -> dict[str, dict[str, Any]]:
    return dict((record.meta.get("adjudication") or {}).get("decisions") or {})


def gold_from_merged(merged: MergedRecord, annotator: str = "gold") -> Record:
    """A record holding what the policy accepted; conflicts stay open for the adjudicator."""
    text = merged.text
    rec = Record(id=merged.id, text=text, meta=dict(merged.meta), schema=merged.schema)
    rec.annotator = annotator
    rec.status = "in_progress"
    ids: dict[str, str] = {}
    attrs: dict[str, dict[str, Any]] = {}
    for it in merged.items:
        if it["kind"] == "attr" and it["agreed"] and it["value"] is not None:
            attrs.setdefault(it["span"], {})[it["name"]] = it["value"]
    for it in merged.items:
        if it["kind"] == "span" and it["agreed"]:
            sid = f"s{len(ids) + 1}"
            ids[it["key"]] = sid
            rec.spans[sid] = Span(sid, it["start"], it["end"], it["label"], attrs=attrs.get(it["key"], {}))
    for it in merged.items:
        if it["kind"] == "relation" and it["agreed"] and it["head"] in ids and it["child"] in ids:
            rid = f"r{len(rec.relations) + 1}"
            rec.relations[rid] = Relation(rid, ids[it["head"]], ids[it["child"]], it["label"])
        elif it["kind"] == "doc" and it["agreed"] and it["value"] is not None:
            rec.doc[it["name"]] = it["value"]
    return rec


def start_gold(merged: MergedRecord, adjudicator: str, source: str = "") -> Record:
    """A fresh gold record: what the policy agreed, plus who adjudicates and from what."""
    gold = gold_from_merged(merged)
    gold.meta["adjudication"] = {
        "adjudicator": adjudicator,
        "started": now_iso(),
        "merged_from": source,
        "annotators": merged.annotators,
        "policy": merged.merge.get("policy"),
        "decisions": {},
    }
    return gold


def _gold_span(gold: Record, key: str) -> str | None:
    s, e, label = parse_span_key(key)
    for sp in gold.spans.values():
        if sp.start == s and sp.end == e and sp.label == label:
            return sp.id
    return None


def _gold_relation(gold: Record, key: str) -> str | None:
    _, label, ends = key.split("|", 2)
    head, child = ends.split(">")
    h, c = _gold_span(gold, head), _gold_span(gold, child)
    for r in gold.relations.values():
        if r.label == label and r.head == h and r.child == c:
            return r.id
    return None


def _next_ids(gold: Record, prefix: str) -> Iterable[str]:
    existing = gold.spans if prefix == "s" else gold.relations
    n = max((int(k[1:]) for k in existing if k[1:].isdigit() and k[0] == prefix), default=0)
    while True:
        n += 1
        yield f"{prefix}{n}"


def decide(
    gold: Record,
    conflict: Conflict,
    chosen: Iterable[int],
    adjudicator: str,
    all_conflicts: Iterable[Conflict] = (),
    edited: tuple[int, int, str] | None = None,
) -> EditGroup:
    """The edit that makes the gold follow a decision; apply it through ``Document.apply``.

    ``chosen`` are variant indexes (empty: reject all). ``edited`` replaces the
    span variants with the adjudicator's own span (start, end, label).
    """
    chosen = sorted(set(chosen))
    if not conflict.multi and len(chosen) > 1:
        raise AdjudicationError(f"{conflict.title}: pick one value")
    for i in chosen:
        if not 0 <= i < len(conflict.variants):
            raise AdjudicationError(f"there is no choice {i + 1} here")
    edits: list[Any] = []
    span_ids = iter(_next_ids(gold, "s"))
    rel_ids = iter(_next_ids(gold, "r"))
    if conflict.kind == "span":
        wanted = {conflict.variants[i].key for i in chosen}
        attrs = {v.key: dict(v.value or {}) for v in conflict.variants}
        if edited is not None:
            wanted = {span_key(*edited)}
            attrs[span_key(*edited)] = dict(conflict.variants[0].value or {})
        for v in conflict.variants:
            sid = _gold_span(gold, v.key)
            if sid is not None and v.key not in wanted:
                edits.append(RemoveSpan(sid))
        for key in sorted(wanted):
            if _gold_span(gold, key) is None:
                s, e, label = parse_span_key(key)
                edits.append(AddSpan(Span(next(span_ids), s, e, label, attrs=attrs.get(key, {}))))
    elif conflict.kind == "attr":
        sid = _gold_span(gold, conflict.target or "")
        if sid is None:
            raise AdjudicationError(f"{conflict.title}: the span is not in the gold; accept it first")
        value = conflict.variants[chosen[0]].value if chosen else None
        name = conflict.id.split("|")[1]
        edits.append(SetSpanAttr(sid, name, value))
    elif conflict.kind == "relation":
        wanted = {conflict.variants[i].key for i in chosen}
        for v in conflict.variants:
            rid = _gold_relation(gold, v.key)
            if rid is not None and v.key not in wanted:
                edits.append(RemoveRelation(rid))
        for key in sorted(wanted):
            if _gold_relation(gold, key) is not None:
                continue
            _, label, ends = key.split("|", 2)
            head, child = ends.split(">")
            h, c = _gold_span(gold, head), _gold_span(gold, child)
            if h is None or c is None:
                missing = head if h is None else child
                s, e, lab = parse_span_key(missing)
                raise AdjudicationError(
                    f"{conflict.title}: the {lab} span at {s}-{e} is not in the gold; accept it first"
                )
            edits.append(AddRelation(Relation(next(rel_ids), h, c, label)))
    elif conflict.kind == "doc":
        edits.append(
            SetDocField(conflict.target or "", conflict.variants[chosen[0]].value if chosen else None)
        )
    how = "edited" if edited is not None else ("accepted" if chosen else "rejected")
    decision = {
        "how": how,
        "chosen": [conflict.variants[i].key for i in chosen] if edited is None else [span_key(*edited)],
        "by": adjudicator,
        "at": now_iso(),
    }
    edits.append(RecordDecision(conflict.id, tuple(decision.items())))
    settled = set(decisions(gold)) | {conflict.id}
    others = [c.id for c in all_conflicts]
    if others and all(cid in settled for cid in others) and gold.status != "done":
        edits.append(SetStatus("done"))
    label = {"accepted": "Accept", "rejected": "Reject all", "edited": "Edit"}[how]
    return EditGroup(tuple(edits), f"{label}: {conflict.title}")
