"""Merge several annotators' versions of one article into a record that loses nothing.

Items are compared by what they mean, never by their ids: a span is its
offsets and label, a relation is the two spans it connects (offsets + label)
and its type, an attribute hangs on a span key, a document field is its name.
For each item the merged record says which annotators chose it and whether a
policy (unanimous, majority, at least k) accepts it; the rest are open
conflicts. Every annotator's full version travels along, so adjudication can
be redone from the merged file alone. The shape is documented in
``docs/agreement.md``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from workbench.core.record import Record, Relation, Span, now_iso, structural_problems

MERGE_FORMAT = "workbench-merge@1"
POLICIES = ("unanimous", "majority", "at-least")


class MergeError(ValueError):
    """Versions that cannot be merged as they stand (the message says why)."""


@dataclass(frozen=True, slots=True)
class Policy:
    """When do annotators agree on an item? ``k`` is used by ``at-least`` only."""

    name: str = "majority"
    k: int = 2

    def __post_init__(self) -> None:
        if self.name not in POLICIES:
            raise MergeError(f"unknown policy {self.name!r} (use one of {', '.join(POLICIES)})")
        if self.name == "at-least" and self.k < 1:
            raise MergeError("at-least needs k >= 1")

    def accepts(self, votes: int, voters: int) -> bool:
        if self.name == "unanimous":
            return votes == voters and voters > 0
        if self.name == "majority":
            return votes * 2 > voters
        return votes >= self.k

    def describe(self) -> str:
        return f"at least {self.k}" if self.name == "at-least" else self.name


# keys ------------------------------------------------------------------------
def span_key(start: int, end: int, label: str) -> str:
    return f"span|{start}-{end}|{label}"


def parse_span_key(key: str) -> tuple[int, int, str]:
    _, offsets, label = key.split("|", 2)
    start, end = offsets.split("-")
    return int(start), int(end), label


def relation_key(head: str, child: str, label: str) -> str:
    return f"rel|{label}|{head}>{child}"


def attr_key(span: str, name: str) -> str:
    return f"attr|{name}|{span}"


def doc_key(name: str) -> str:
    return f"doc|{name}"


def value_token(value: Any) -> str:
    """A hashable, order-free spelling of an attribute or field value (lists are sets here)."""
    if isinstance(value, str):
        return "s:" + value
    if isinstance(value, list | tuple):
        value = sorted(value, key=str)
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


# merging ---------------------------------------------------------------------
def versions_digest(versions: dict[str, dict[str, Any]]) -> str:
    """Fingerprint of the versions, so a hand-edited merged record is noticed."""
    # repr is exact for JSON-loaded data and many times cheaper than re-encoding it; key
    # order is kept by every JSON reader and writer used here.
    return hashlib.sha256(repr(versions).encode("utf-8", "surrogatepass")).hexdigest()[:16]


def _choices(votes: dict[str, list[str]], raw: dict[str, Any]) -> list[dict[str, Any]]:
    ranked = sorted(votes.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    return [{"value": raw[tok], "by": sorted(anns)} for tok, anns in ranked]


def merge_versions(
    record_id: str,
    versions: dict[str, dict[str, Any]],
    annotators: Iterable[str],
    policy: Policy,
    symmetric: Iterable[str] = (),
) -> dict[str, Any]:
    """One merged record from ``annotator -> record dict`` (all for the same article id).

    ``annotators`` is everyone taking part in the merge, so missing ones are
    named. Versions whose text differs are not merged: the record says so and
    keeps each version with its own text.
    """
    everyone = list(annotators)
    present = [a for a in everyone if a in versions]
    if not present:
        raise MergeError(f"article {record_id}: no version to merge")
    first = versions[present[0]]
    texts: dict[str, list[str]] = {}
    for a in present:
        texts.setdefault(versions[a]["text"], []).append(a)
    head: dict[str, Any] = {
        "id": record_id,
        "text": first["text"],
        "meta": first.get("meta") or {},
        "schema": first.get("schema"),
    }
    info: dict[str, Any] = {
        "format": MERGE_FORMAT,
        "annotators": everyone,
        "present": present,
        "missing": [a for a in everyone if a not in versions],
        "policy": policy.name,
        "k": policy.k if policy.name == "at-least" else None,
        "merged": now_iso(),
    }
    if symmetric:
        info["symmetric"] = sorted(symmetric)
    if len(texts) > 1:
        info["status"] = "text_differs"
        info["texts"] = [
            {"sha256": hashlib.sha256(t.encode()).hexdigest()[:16], "length": len(t), "by": anns}
            for t, anns in texts.items()
        ]
        kept = {a: dict(versions[a]) for a in present}
        info["digest"] = versions_digest(kept)
        return {**head, "merge": info, "versions": kept, "items": []}
    info["status"] = "merged"
    stripped = {a: {k: v for k, v in versions[a].items() if k != "text"} for a in present}
    info["digest"] = versions_digest(stripped)
    items = merge_items(first["text"], stripped, present, policy, frozenset(symmetric))
    return {**head, "merge": info, "versions": stripped, "items": items}


def merge_items(
    text: str,
    versions: dict[str, dict[str, Any]],
    present: list[str],
    policy: Policy,
    symmetric: frozenset[str] = frozenset(),
) -> list[dict[str, Any]]:
    """The item list of a merged record: spans, their attributes, relations, doc fields."""
    n = len(present)
    span_by: dict[str, list[str]] = {}
    span_info: dict[str, tuple[int, int, str]] = {}
    attr_votes: dict[tuple[str, str], dict[str, list[str]]] = {}
    attr_raw: dict[str, Any] = {}
    rel_by: dict[str, list[str]] = {}
    rel_info: dict[str, tuple[str, str, str]] = {}
    doc_votes: dict[str, dict[str, list[str]]] = {}
    doc_raw: dict[str, Any] = {}
    attr_names: dict[str, set[str]] = {}
    for a in present:
        v = versions[a]
        ids: dict[Any, str] = {}
        seen: set[str] = set()
        for s in v.get("spans") or ():
            start, end, label = s["start"], s["end"], s["label"]
            key = f"span|{start}-{end}|{label}"
            ids[s["id"]] = key
            if key in seen:
                continue  # the same span twice in one version counts once
            seen.add(key)
            by = span_by.get(key)
            if by is None:
                span_by[key] = [a]
                span_info[key] = (start, end, label)
            else:
                by.append(a)
            attrs = s.get("attrs")
            if attrs:
                for name, value in attrs.items():
                    tok = value_token(value)
                    attr_raw[tok] = value
                    attr_votes.setdefault((key, name), {}).setdefault(tok, []).append(a)
                    attr_names.setdefault(key, set()).add(name)
        rels: set[str] = set()
        for r in v.get("relations") or ():
            h, c = ids.get(r["head"]), ids.get(r["child"])
            if h is None or c is None:
                continue
            label = r["label"]
            if label in symmetric and c < h:
                h, c = c, h
            key = f"rel|{label}|{h}>{c}"
            if key not in rels:
                rels.add(key)
                by = rel_by.get(key)
                if by is None:
                    rel_by[key] = [a]
                    rel_info[key] = (label, h, c)
                else:
                    by.append(a)
        for name, value in (v.get("doc") or {}).items():
            tok = value_token(value)
            doc_raw[tok] = value
            doc_votes.setdefault(name, {}).setdefault(tok, []).append(a)
    items: list[dict[str, Any]] = []
    null = value_token(None)
    attr_raw[null] = doc_raw[null] = None
    for key in sorted(span_by, key=lambda k: (span_info[k][0], -span_info[k][1], k)):
        start, end, label = span_info[key]
        by = span_by[key]
        items.append(
            {
                "key": key,
                "kind": "span",
                "start": start,
                "end": end,
                "label": label,
                "text": text[start:end],
                "by": sorted(by),
                "agreed": policy.accepts(len(by), n),
            }
        )
        for name in sorted(attr_names.get(key, ())):
            votes = dict(attr_votes[(key, name)])
            voted = {x for anns in votes.values() for x in anns}
            unset = [a for a in by if a not in voted]
            if unset:
                votes[null] = unset
            choices = _choices(votes, attr_raw)
            top = choices[0]
            ok = policy.accepts(len(top["by"]), len(by)) and (
                len(choices) == 1 or len(choices[1]["by"]) < len(top["by"])
            )
            items.append(
                {
                    "key": attr_key(key, name),
                    "kind": "attr",
                    "span": key,
                    "name": name,
                    "choices": choices,
                    "agreed": ok,
                    "value": top["value"] if ok else None,
                }
            )
    for key in sorted(rel_by):
        label, h, c = rel_info[key]
        by = rel_by[key]
        items.append(
            {
                "key": key,
                "kind": "relation",
                "label": label,
                "head": h,
                "child": c,
                "by": sorted(by),
                "agreed": policy.accepts(len(by), n),
            }
        )
    for name in sorted(doc_votes):
        votes = dict(doc_votes[name])
        unset = [a for a in present if a not in {x for anns in votes.values() for x in anns}]
        if unset:
            votes[null] = unset
        choices = _choices(votes, doc_raw)
        top = choices[0]
        ok = policy.accepts(len(top["by"]), n) and (
            len(choices) == 1 or len(choices[1]["by"]) < len(top["by"])
        )
        items.append(
            {
                "key": doc_key(name),
                "kind": "doc",
                "name": name,
                "choices": choices,
                "agreed": ok,
                "value": top["value"] if ok else None,
            }
        )
    return items


def conflicts(merged: dict[str, Any]) -> list[dict[str, Any]]:
    return [it for it in merged.get("items") or [] if not it["agreed"]]


# reading a merged file back ---------------------------------------------------
def is_merged(d: dict[str, Any]) -> bool:
    return isinstance(d.get("merge"), dict) and d["merge"].get("format") == MERGE_FORMAT


def merged_problems(d: dict[str, Any]) -> list[str]:
    """What is wrong with a merged record read back from disk (e.g. after a hand edit).

    The versions are the source of truth; the items are derived from them. A
    digest mismatch means the versions were edited; items that differ from a
    fresh derivation mean the items were.
    """
    if not is_merged(d):
        return ["not a merged record (no 'merge' block of format " + MERGE_FORMAT + ")"]
    problems: list[str] = []
    versions = d.get("versions")
    if not isinstance(versions, dict) or not versions:
        return ["merged record has no 'versions'"]
    info = d["merge"]
    if versions_digest(versions) != info.get("digest"):
        problems.append("the annotators' versions were changed after merging (digest mismatch)")
    if info.get("status") == "text_differs":
        return problems
    for a, v in versions.items():
        full = {**v, "text": d.get("text")}
        problems += [f"version of {a}: {p}" for p in structural_problems(full)]
    if problems:
        return problems
    try:
        policy = Policy(info.get("policy", "majority"), int(info.get("k") or 2))
    except (MergeError, ValueError) as e:
        return [str(e)]
    fresh = merge_items(d["text"], versions, list(versions), policy, frozenset(info.get("symmetric") or ()))
    if _comparable(fresh) != _comparable(d.get("items") or []):
        problems.append("the merged items do not follow from the versions (edited by hand?)")
    return problems


def _comparable(items: list[dict[str, Any]]) -> list[str]:
    return sorted(json.dumps(it, sort_keys=True, ensure_ascii=False) for it in items)


def rederive(d: dict[str, Any]) -> dict[str, Any]:
    """Recompute the items of a merged record from its versions (after a hand edit)."""
    info = dict(d["merge"])
    versions = d["versions"]
    info["digest"] = versions_digest(versions)
    policy = Policy(info.get("policy", "majority"), int(info.get("k") or 2))
    sym = frozenset(info.get("symmetric") or ())
    if info.get("status") == "text_differs":
        items: list[dict[str, Any]] = []
    else:
        items = merge_items(d["text"], versions, list(versions), policy, sym)
    return {**d, "merge": info, "items": items}


# the gold record ---------------------------------------------------------------
def gold_from_merged(merged: dict[str, Any], annotator: str = "gold") -> Record:
    """A record holding what the policy accepted; conflicts stay open for the adjudicator."""
    text = merged["text"]
    rec = Record(id=merged["id"], text=text, meta=dict(merged.get("meta") or {}), schema=merged.get("schema"))
    rec.annotator = annotator
    rec.status = "in_progress"
    ids: dict[str, str] = {}
    attrs: dict[str, dict[str, Any]] = {}
    for it in merged.get("items") or []:
        if it["kind"] == "attr" and it["agreed"] and it["value"] is not None:
            attrs.setdefault(it["span"], {})[it["name"]] = it["value"]
    for it in merged.get("items") or []:
        if it["kind"] == "span" and it["agreed"]:
            sid = f"s{len(ids) + 1}"
            ids[it["key"]] = sid
            rec.spans[sid] = Span(sid, it["start"], it["end"], it["label"], attrs=attrs.get(it["key"], {}))
    for it in merged.get("items") or []:
        if it["kind"] == "relation" and it["agreed"] and it["head"] in ids and it["child"] in ids:
            rid = f"r{len(rec.relations) + 1}"
            rec.relations[rid] = Relation(rid, ids[it["head"]], ids[it["child"]], it["label"])
        elif it["kind"] == "doc" and it["agreed"] and it["value"] is not None:
            rec.doc[it["name"]] = it["value"]
    return rec
