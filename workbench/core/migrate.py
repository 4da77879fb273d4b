"""Changing a project's schema mid-way without silently dropping annotations.

Adding labels, relation types or values is always allowed. Removing or renaming
one is allowed only with a mapping for every affected annotation (to another
name, or explicitly to nothing), and the lead sees exactly which records are hit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from workbench.core.record import Record
from workbench.core.schema import AnnotationSchema


@dataclass
class SchemaChange:
    added_labels: list[str] = field(default_factory=list)
    removed_labels: list[str] = field(default_factory=list)
    added_relations: list[str] = field(default_factory=list)
    removed_relations: list[str] = field(default_factory=list)
    added_values: list[tuple[str, str]] = field(default_factory=list)  # (attribute, value)
    removed_values: list[tuple[str, str]] = field(default_factory=list)

    @property
    def removes_anything(self) -> bool:
        return bool(self.removed_labels or self.removed_relations or self.removed_values)


def diff(old: AnnotationSchema, new: AnnotationSchema) -> SchemaChange:
    ch = SchemaChange()
    ch.added_labels = [n for n in new.labels if n not in old.labels]
    ch.removed_labels = [n for n in old.labels if n not in new.labels]
    ch.added_relations = [n for n in new.relations if n not in old.relations]
    ch.removed_relations = [n for n in old.relations if n not in new.relations]
    for name, vs in old.value_sets.items():
        new_values = new.value_sets[name].values if name in new.value_sets else ()
        ch.removed_values += [(name, v) for v in vs.values if v not in new_values]
    for name, vs in new.value_sets.items():
        old_values = old.value_sets[name].values if name in old.value_sets else ()
        ch.added_values += [(name, v) for v in vs.values if v not in old_values]
    return ch


@dataclass(frozen=True)
class Hit:
    """One annotation that a schema change touches."""

    record: str
    item: str  # span or relation id, or doc.<field>
    kind: str  # label, relation, value
    old: str


def affected(records: Iterable[Record], change: SchemaChange, new: AnnotationSchema) -> list[Hit]:
    removed_labels = set(change.removed_labels)
    removed_rels = set(change.removed_relations)
    removed_values = set(change.removed_values)
    hits: list[Hit] = []
    for rec in records:
        for s in rec.sorted_spans():
            if s.label in removed_labels:
                hits.append(Hit(rec.id, s.id, "label", s.label))
            for attr, value in s.attrs.items():
                if (attr, value) in removed_values:
                    hits.append(Hit(rec.id, s.id, "value", f"{attr}={value}"))
        for r in rec.relations.values():
            if r.label in removed_rels:
                hits.append(Hit(rec.id, r.id, "relation", r.label))
        for name, value in rec.doc.items():
            df = new.doc_fields.get(name)
            attr = df.attribute if df else name
            for v in value if isinstance(value, list) else [value]:
                if (attr, v) in removed_values:
                    hits.append(Hit(rec.id, f"doc.{name}", "value", f"{attr}={v}"))
    return hits


class MappingMissing(ValueError):
    pass


def apply_mapping(record: Record, mapping: dict[str, str | None], hits: list[Hit]) -> int:
    """Rename or drop what ``hits`` found in ``record``; returns how many items changed.

    ``mapping`` keys are old label/relation names or ``attr=value``; a value of
    None drops the item on purpose. Anything hit and not mapped is refused.
    """
    mine = [h for h in hits if h.record == record.id]
    missing = sorted({h.old for h in mine if h.old not in mapping})
    if missing:
        raise MappingMissing(f"no mapping for {', '.join(missing)} (map each to a new name, or to nothing)")
    changed = 0
    for h in mine:
        target = mapping[h.old]
        if h.kind == "label" and h.item in record.spans:
            if target is None:
                for r in record.relations_of(h.item):
                    del record.relations[r.id]
                del record.spans[h.item]
            else:
                record.spans[h.item] = record.spans[h.item].with_(label=target)
        elif h.kind == "relation" and h.item in record.relations:
            if target is None:
                del record.relations[h.item]
            else:
                record.relations[h.item] = record.relations[h.item].with_(label=target)
        elif h.kind == "value":
            attr, old_value = h.old.split("=", 1)
            new_value = target.split("=", 1)[-1] if target is not None else None
            if h.item.startswith("doc."):
                name = h.item[4:]
                value = record.doc.get(name)
                if isinstance(value, list):
                    vals = [new_value if v == old_value else v for v in value]
                    record.doc[name] = [v for v in vals if v is not None]
                elif new_value is None:
                    record.doc.pop(name, None)
                else:
                    record.doc[name] = new_value
            elif h.item in record.spans:
                attrs = dict(record.spans[h.item].attrs)
                if new_value is None:
                    attrs.pop(attr, None)
                else:
                    attrs[attr] = new_value
                record.spans[h.item] = record.spans[h.item].with_(attrs=attrs)
        changed += 1
    return changed
