"""Generic brat ↔ record mapping: every line kind is kept, so a file exports back line for line.

Import:
- ``T``: a span with the brat id as span id; a discontinuous ``T`` becomes one span per fragment
  (``T5``, ``T5.2``...) and ``meta["brat"]["discontinuous"]`` remembers the group, so export
  writes the one ``T`` line back.
- ``R``: a relation, Arg1 = head, Arg2 = child.
- ``E``: one relation per argument from the trigger span (label = role); ``meta["brat"]["events"]``
  keeps type, trigger and argument order for export.
- ``A``/``M``: span ``attrs`` (binary attributes are ``true``); attributes of events go with the event.
- ``N``, ``#``: kept in ``meta["brat"]`` with their targets; ``*``: relations chaining the members,
  remembered as one equivalence.

Labels stay brat's own (``Person``, ``Content``...): reading PolNeAR's attributions as
quotes is :mod:`workbench.io.brat.polnear`, chosen by name (``--format polnear``).
"""

from __future__ import annotations

import re
from typing import Any

from workbench.core.problems import Problem
from workbench.core.record import Record, Relation, Span, offset_problems
from workbench.core.schema import AnnotationSchema
from workbench.io.brat.standoff import BratDocument

_TID = re.compile(r"^T\d+$")


def doc_to_record(doc: BratDocument, meta: dict[str, Any]) -> tuple[Record | None, list[Problem]]:
    """The record of one parsed file, or None and every problem when the file has any.

    A file with a problem (offsets outside the text, text that does not match,
    unknown references) is not mapped at all rather than guessed at: the lead
    fixes the file and imports again.
    """
    problems = list(doc.problems)
    if problems:
        return None, problems
    text = doc.text
    rec = Record.new(text, meta, status="done")
    brat: dict[str, Any] = {}
    for tb in doc.textbounds.values():
        ids = [tb.id] + [f"{tb.id}.{i}" for i in range(2, len(tb.fragments) + 1)]
        for sid, (s, e) in zip(ids, tb.fragments, strict=True):
            bad = offset_problems(text, s, e, tb.id)
            if bad:
                problems.append(Problem(doc.file, tb.line, bad[0]))
                continue
            rec.spans[sid] = Span(sid, s, e, tb.label)
        if len(ids) > 1:
            brat.setdefault("discontinuous", {})[tb.id] = ids[1:]
    if problems:
        return None, problems

    def span_of(ref: str) -> str:
        return doc.events[ref].trigger if ref in doc.events else ref

    for r in doc.relations.values():
        head, child = r.arg("Arg1") or r.args[0][1], r.arg("Arg2") or r.args[1][1]
        rec.relations[r.id] = Relation(r.id, span_of(head), span_of(child), r.label)
        roles = [role for role, _ in r.args]
        if roles != ["Arg1", "Arg2"]:
            brat.setdefault("relation_args", {})[r.id] = [list(a) for a in r.args]
    events: dict[str, Any] = {}
    for ev in doc.events.values():
        args = []
        for i, (role, ref) in enumerate(ev.args, 1):
            rid = f"{ev.id}.{i}"
            rec.relations[rid] = Relation(rid, ev.trigger, span_of(ref), role)
            args.append([role, rid, ref if ref in doc.events else None])
        events[ev.id] = {"type": ev.label, "trigger": ev.trigger, "args": args}
    for a in doc.attributes.values():
        value: Any = True if a.value is None else a.value
        if a.target in doc.events:
            events[a.target].setdefault("attrs", {})[a.label] = value
        elif a.target in rec.spans:
            s = rec.spans[a.target]
            rec.spans[a.target] = s.with_(attrs={**s.attrs, a.label: value})
        elif a.target in rec.relations:
            r = rec.relations[a.target]
            rec.relations[a.target] = r.with_(attrs={**r.attrs, a.label: value})
    if events:
        brat["events"] = events
    if doc.normalizations:
        brat["normalizations"] = [
            [n.id, n.label, n.target, n.ref, n.text] for n in doc.normalizations.values()
        ]
    if doc.notes:
        brat["notes"] = [[n.id, n.label, n.target, n.text] for n in doc.notes]
    for k, eq in enumerate(doc.equivs, 1):
        rel_ids = []
        for j, (a, b) in enumerate(zip(eq.ids, eq.ids[1:], strict=False), 1):
            rid = f"*{k}.{j}"
            rec.relations[rid] = Relation(rid, span_of(a), span_of(b), eq.label)
            rel_ids.append(rid)
        brat.setdefault("equivs", []).append({"type": eq.label, "relations": rel_ids})
    if brat:
        rec.meta["brat"] = brat
    return rec, []


# ------------------------------------------------------------------ export


class AnnotationConf:
    """What ``annotation.conf`` must declare: the schema plus whatever the exported data uses."""

    def __init__(self, schema: AnnotationSchema | None):
        self.schema = schema
        self.entities: dict[str, None] = dict.fromkeys(schema.labels if schema else [])
        self.relations: dict[str, tuple[set[str], set[str]]] = {}
        self.events: dict[str, set[str]] = {}
        self.equivs: set[str] = set()
        self.attrs: dict[str, tuple[set[str], set[str]]] = {}

    def text(self) -> str:
        lines = [
            "# Generated by workbench from the annotation schema and the exported data.",
            "",
            "[entities]",
        ]
        lines += [e for e in self.entities if e not in self.events]
        lines += ["", "[relations]"]
        sch = self.schema
        if sch:
            for r in sch.relations.values():
                sym = ", <REL-TYPE>:symmetric" if r.symmetric else ""
                lines.append(f"{r.name}\tArg1:{'|'.join(r.head)}, Arg2:{'|'.join(r.child)}{sym}")
        for name, (heads, childs) in sorted(self.relations.items()):
            if not sch or name not in sch.relations:
                lines.append(f"{name}\tArg1:{'|'.join(sorted(heads))}, Arg2:{'|'.join(sorted(childs))}")
        for name in sorted(self.equivs):
            lines.append(f"{name}\tArg1:<ENTITY>, Arg2:<ENTITY>, <REL-TYPE>:symmetric-transitive")
        lines += ["", "[events]"]
        for name, roles in sorted(self.events.items()):
            lines.append(f"{name}\t" + ", ".join(f"{r}*:<ENTITY>" for r in sorted(roles)))
        lines += ["", "[attributes]"]
        if sch:
            for attr in sorted({a for lab in sch.labels.values() for a in lab.attributes}):
                owners = [lab.name for lab in sch.labels.values() if attr in lab.attributes]
                lines.append(f"{attr}\tArg:{'|'.join(owners)}, Value:{'|'.join(sch.values_of(attr))}")
        for attr, (owners, values) in sorted(self.attrs.items()):
            if sch and any(attr in lab.attributes for lab in sch.labels.values()):
                continue
            val = f", Value:{'|'.join(sorted(values))}" if values else ""
            lines.append(f"{attr}\tArg:{'|'.join(sorted(owners))}{val}")
        return "\n".join(lines) + "\n"


def _clean(s: str) -> str:
    return s.replace("\n", " ").replace("\r", " ").replace("\t", " ")


def record_to_ann(rec: Record, conf: AnnotationConf) -> str:
    """One record as ``.ann`` lines; ``conf`` learns the labels, relations and attributes it uses."""
    brat = rec.meta.get("brat") or {}
    disc: dict[str, list[str]] = brat.get("discontinuous") or {}
    absorbed = {x for extra in disc.values() for x in extra}
    used = {s.id for s in rec.spans.values() if _TID.match(s.id)}
    n = max((int(i[1:]) for i in used), default=0)
    tid: dict[str, str] = {}
    lines: list[str] = []
    attr_lines: list[tuple[str, str, Any]] = []
    for s in rec.sorted_spans():
        if s.id in absorbed:
            continue
        if not _TID.match(s.id):
            n += 1
            tid[s.id] = f"T{n}"
        else:
            tid[s.id] = s.id
        frags = [s] + [rec.spans[x] for x in disc.get(s.id, []) if x in rec.spans]
        for extra in disc.get(s.id, []):
            tid[extra] = tid[s.id]
        spec = ";".join(f"{f.start} {f.end}" for f in frags)
        covered = " ".join(rec.text[f.start : f.end] for f in frags)
        lines.append(f"{tid[s.id]}\t{s.label} {spec}\t{_clean(covered)}")
        conf.entities.setdefault(s.label, None)
        for name, value in s.attrs.items():
            attr_lines.append((name, tid[s.id], value))
            owners, values = conf.attrs.setdefault(name, (set(), set()))
            owners.add(s.label)
            if value is not True:
                values.add(str(value))
    events = brat.get("events") or {}
    in_event: set[str] = set()
    ev_lines = []
    for eid, ev in events.items():
        args = []
        for role, rid, ev_ref in ev["args"]:
            if rid in rec.relations:
                args.append(f"{role}:{ev_ref or tid[rec.relations[rid].child]}")
                in_event.add(rid)
                conf.events.setdefault(ev["type"], set()).add(role)
        ev_lines.append(f"{eid}\t{ev['type']}:{tid[ev['trigger']]} " + " ".join(args))
        conf.events.setdefault(ev["type"], set())
        for name, value in (ev.get("attrs") or {}).items():
            attr_lines.append((name, eid, value))
            owners, values = conf.attrs.setdefault(name, (set(), set()))
            owners.add("<EVENT>")
            if value is not True:
                values.add(str(value))
    lines += [ln.rstrip() for ln in ev_lines]
    equivs = brat.get("equivs") or []
    in_equiv = {rid for eq in equivs for rid in eq["relations"]}
    r_ids = {r.id for r in rec.relations.values() if re.match(r"^R\d+$", r.id)}
    rn = max((int(i[1:]) for i in r_ids), default=0)
    special = brat.get("relation_args") or {}
    for r in rec.relations.values():
        if r.id in in_event or r.id in in_equiv:
            continue
        if r.id in r_ids:
            rid = r.id
        else:
            rn += 1
            rid = f"R{rn}"
        if r.id in special:
            args = " ".join(f"{role}:{tid.get(ref, ref)}" for role, ref in special[r.id])
        else:
            args = f"Arg1:{tid[r.head]} Arg2:{tid[r.child]}"
        lines.append(f"{rid}\t{r.label} {args}\t")
        heads, childs = conf.relations.setdefault(r.label, (set(), set()))
        heads.add(rec.spans[r.head].label)
        childs.add(rec.spans[r.child].label)
        for name, value in r.attrs.items():
            attr_lines.append((name, rid, value))
            conf.attrs.setdefault(name, (set(), set()))[0].add("<RELATION>")
    for eq in equivs:
        members: list[str] = []
        for rid in eq["relations"]:
            if rid in rec.relations:
                for end in (rec.relations[rid].head, rec.relations[rid].child):
                    if tid[end] not in members:
                        members.append(tid[end])
        if members:
            lines.append(f"*\t{eq['type']} " + " ".join(members))
            conf.equivs.add(eq["type"])
    for k, (name, target, value) in enumerate(attr_lines, 1):
        lines.append(f"A{k}\t{name} {target}" + ("" if value is True else f" {_clean(str(value))}"))
    for nid, label, target, ref, text in brat.get("normalizations") or []:
        lines.append(f"{nid}\t{label} {tid.get(target, target)} {ref}\t{text}")
    for nid, label, target, text in brat.get("notes") or []:
        lines.append(f"{nid}\t{label} {tid.get(target, target)}\t{text}")
    return "\n".join(lines) + ("\n" if lines else "")
