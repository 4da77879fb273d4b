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

import functools
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import orjson

from workbench.core.merged_record import MergedRecord
from workbench.core.record import now_iso, structural_problems

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
        key = tuple(value)
        tok = _LIST_TOKENS.get(key) if all(type(x) is str for x in key) else None
        if tok is None:
            tok = json.dumps(sorted(value, key=str), ensure_ascii=False, sort_keys=True)
            if len(_LIST_TOKENS) < 1024 and all(type(x) is str for x in key):
                _LIST_TOKENS[key] = tok
        return tok
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


_LIST_TOKENS: dict[tuple[str, ...], str] = {}  # lists of strings (e.g. topics) repeat across records


_NULL = value_token(None)
_OBJECT = {dict, type(None)}


def header_problems(d: dict[str, Any]) -> list[str]:
    """What merge and agreement read beside the spans and relations, checked (the record check leaves it).

    Both read ``meta`` and ``doc`` as objects, so a list there would stop them with a traceback;
    a ``rev`` that is no whole number means the line is not what any workbench wrote. The usual
    record passes in three type checks.
    """
    meta, doc, rev = d.get("meta"), d.get("doc"), d.get("rev")
    if type(meta) in _OBJECT and type(doc) in _OBJECT and (rev is None or (type(rev) is int and rev >= 0)):
        return []
    bad = [f"{k} must be an object, found {type(v).__name__}" for k, v in (("meta", meta), ("doc", doc))]
    bad = [b for b, v in zip(bad, (meta, doc), strict=True) if type(v) not in _OBJECT]
    if rev is not None and (type(rev) is not int or rev < 0):
        bad.append(f"rev must be a whole number >= 0, found {rev!r}")
    return bad


# merging ---------------------------------------------------------------------
def versions_digest(versions: dict[str, dict[str, Any]]) -> str:
    """Fingerprint of the versions, so a hand-edited merged record is noticed.

    Hashes the versions as orjson spells them, which is how the merged file holds them and
    several times cheaper than ``repr``; key order is kept by every JSON reader and writer here.
    """
    return _digest(versions, _encode(versions))


def _encode(versions: dict[str, dict[str, Any]]) -> bytes | None:
    try:
        return orjson.dumps(versions)
    except TypeError:  # what orjson cannot write (a lone surrogate, a huge int)
        return None


def _digest(versions: dict[str, dict[str, Any]], encoded: bytes | None) -> str:
    if encoded is None:
        return _repr_digest(versions)  # the older spelling
    return hashlib.sha256(encoded).hexdigest()[:16]


def _repr_digest(versions: dict[str, dict[str, Any]]) -> str:
    """The digest merged files written before the orjson spelling carry."""
    return hashlib.sha256(repr(versions).encode("utf-8", "surrogatepass")).hexdigest()[:16]


def digest_matches(versions: dict[str, dict[str, Any]], digest: Any) -> bool:
    return digest == versions_digest(versions) or digest == _repr_digest(versions)


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
    return _merge(record_id, versions, annotators, policy, symmetric)[0]


def merge_line(
    record_id: str,
    versions: dict[str, dict[str, Any]],
    annotators: Iterable[str],
    policy: Policy,
    symmetric: Iterable[str] = (),
) -> tuple[MergedRecord, bytes]:
    """:func:`merge_versions` and its JSON line; the versions are encoded once, for digest and line."""
    m, encoded = _merge(record_id, versions, annotators, policy, symmetric)
    try:  # byte for byte what orjson.dumps(m) writes: versions and items are m's last two keys
        head = orjson.dumps({k: v for k, v in m.items() if k != "versions" and k != "items"})
        parts = (head[:-1], b',"versions":', encoded or orjson.dumps(m["versions"]), b',"items":')
        line = b"".join((*parts, orjson.dumps(m["items"]), b"}\n"))
    except TypeError:  # what orjson cannot write (a lone surrogate): ASCII escapes, as io.jsonl.dumps does
        line = json.dumps(m, separators=(",", ":")).encode() + b"\n"
    return MergedRecord.from_dict(m), line


def _merge(
    record_id: str,
    versions: dict[str, dict[str, Any]],
    annotators: Iterable[str],
    policy: Policy,
    symmetric: Iterable[str] = (),
) -> tuple[dict[str, Any], bytes | None]:
    everyone = list(annotators)
    present = [a for a in everyone if a in versions]
    if not present:
        raise MergeError(f"article {record_id}: no version to merge")
    first = versions[present[0]]
    texts: dict[str, list[str]] = {first["text"]: present}
    if any(versions[a]["text"] != first["text"] for a in present):  # comparing equal texts is cheap
        texts = {}  # hashing each long text is not
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
            {
                "sha256": hashlib.sha256(t.encode("utf-8", "surrogatepass")).hexdigest()[:16],
                "length": len(t),
                "by": anns,
            }
            for t, anns in texts.items()
        ]
        kept = {a: dict(versions[a]) for a in present}
        encoded = _encode(kept)
        info["digest"] = _digest(kept, encoded)
        return {**head, "merge": info, "versions": kept, "items": []}, encoded
    info["status"] = "merged"
    stripped = {a: {k: v for k, v in versions[a].items() if k != "text"} for a in present}
    encoded = _encode(stripped)
    info["digest"] = _digest(stripped, encoded)
    items = merge_items(first["text"], stripped, present, policy, frozenset(symmetric))
    return {**head, "merge": info, "versions": stripped, "items": items}, encoded


def merge_items(
    text: str,
    versions: dict[str, dict[str, Any]],
    present: list[str],
    policy: Policy,
    symmetric: frozenset[str] = frozenset(),
) -> list[dict[str, Any]]:
    """The item list of a merged record: spans, their attributes, relations, doc fields.

    Per-span work dominates merging a corpus, so spans are counted under ``(start, end,
    label)`` tuples and their key strings are spelled once per distinct span. Versions are
    visited in sorted annotator order, so every voter list comes out sorted as it is built.
    """
    present = sorted(present)
    n = len(present)
    accepts = _accepts(policy, n)
    # (start, end, label) -> [voters, {attr name: {value token: voters}} or None]
    spans: dict[tuple[int, int, str], list[Any]] = {}
    raw: dict[str, Any] = {}  # value token -> value (the last one seen, as for fields)
    with_relations: list[tuple[str, list[dict[str, Any]], dict[Any, tuple[int, int, str]]]] = []
    doc_votes: dict[str, dict[str, list[str]]] = {}
    doc_raw: dict[str, Any] = {}
    for a in present:
        v: dict[str, Any] = versions[a]
        vrels = v.get("relations")
        ids: dict[Any, tuple[int, int, str]] = {}
        for s in v.get("spans") or ():
            span: dict[str, Any] = s
            t = (span["start"], span["end"], span["label"])
            if vrels:
                ids[span["id"]] = t
            entry: list[Any] | None = spans.get(t)
            if entry is None:
                spans[t] = entry = [[a], None]
            elif entry[0][-1] == a:
                continue  # the same span twice in one version counts once
            else:
                entry[0].append(a)
            attrs: dict[str, Any] | None = span.get("attrs")
            if attrs:
                votes: dict[str, dict[str, list[str]]] | None = entry[1]
                if votes is None:
                    votes = entry[1] = {}
                for name, value in attrs.items():
                    tok = "s:" + value if type(value) is str else value_token(value)
                    raw[tok] = value
                    by_tok: dict[str, list[str]] | None = votes.get(name)
                    if by_tok is None:
                        votes[name] = {tok: [a]}
                    elif (chose := by_tok.get(tok)) is None:
                        by_tok[tok] = [a]
                    else:
                        chose.append(a)
        if vrels:
            with_relations.append((a, vrels, ids))
        for name, value in (v.get("doc") or {}).items():
            tok = "s:" + value if type(value) is str else value_token(value)
            doc_raw[tok] = value
            doc_votes.setdefault(name, {}).setdefault(tok, []).append(a)
    items: list[dict[str, Any]] = []
    raw[_NULL] = doc_raw[_NULL] = None
    spelled: dict[tuple[int, int, str], str] = {}  # span -> its key, for the relations
    # (start, -end, label) sorts like the old (start, -end, key string) and needs no key function
    for start, neg_end, label, by, votes in sorted([(t[0], -t[1], t[2], *e) for t, e in spans.items()]):
        end = -neg_end
        spelled[(start, end, label)] = key = f"span|{start}-{end}|{label}"
        items.append(
            {
                "key": key,
                "kind": "span",
                "start": start,
                "end": end,
                "label": label,
                "text": text[start:end],
                "by": by,
                "agreed": accepts[n][len(by)],
            }
        )
        if votes:
            for name in sorted(votes) if len(votes) > 1 else votes:
                choices, ok, value = _choice_item(votes[name], by, raw, accepts[len(by)])
                items.append(
                    {
                        "key": f"attr|{name}|{key}",
                        "kind": "attr",
                        "span": key,
                        "name": name,
                        "choices": choices,
                        "agreed": ok,
                        "value": value,
                    }
                )
    if with_relations:
        items += _relation_items(with_relations, spelled, symmetric, accepts[n])
    for name in sorted(doc_votes):
        choices, ok, value = _choice_item(doc_votes[name], present, doc_raw, accepts[n])
        items.append(
            {
                "key": doc_key(name),
                "kind": "doc",
                "name": name,
                "choices": choices,
                "agreed": ok,
                "value": value,
            }
        )
    return items


@functools.lru_cache(maxsize=64)
def _accepts(policy: Policy, n: int) -> list[list[bool]]:
    """``accepts[voters][votes]``: the policy asked once per number of annotators, not once per item."""
    return [[policy.accepts(v, m) for v in range(m + 1)] for m in range(n + 1)]


def _relation_items(
    versions: list[tuple[str, list[dict[str, Any]], dict[Any, tuple[int, int, str]]]],
    spelled: dict[tuple[int, int, str], str],
    symmetric: frozenset[str],
    accepts: list[bool],
) -> list[dict[str, Any]]:
    """Relation items, keyed by the spans they connect (never by ids), in key order."""
    rel_by: dict[str, list[str]] = {}
    rel_info: dict[str, tuple[str, str, str]] = {}
    for a, rels, ids in versions:
        for r in rels:
            h, c = ids.get(r["head"]), ids.get(r["child"])
            if h is None or c is None:
                continue
            h, c = spelled[h], spelled[c]
            label = r["label"]
            if label in symmetric and c < h:
                h, c = c, h
            key = f"rel|{label}|{h}>{c}"
            by = rel_by.get(key)
            if by is None:
                rel_by[key] = [a]
                rel_info[key] = (label, h, c)
            elif by[-1] != a:  # the same relation twice in one version counts once
                by.append(a)
    items = []
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
                "by": by,
                "agreed": accepts[len(by)],
            }
        )
    return items


def _choice_item(
    votes: dict[str, list[str]], voters: list[str], raw: dict[str, Any], accepts: list[bool]
) -> tuple[list[dict[str, Any]], bool, Any]:
    """Choices (most votes first, then by token), whether the top one wins, and its value.

    ``voters`` are those who could choose (for an attribute, who marked the span); the ones
    who chose nothing vote for "unset". Each voter votes at most once, and every list here
    is in ``voters`` order, which is sorted.
    """
    if len(votes) == 1:
        ((tok, anns),) = votes.items()
        if len(anns) == len(voters):  # everyone chose the same: the usual case
            value = raw[tok]
            ok = accepts[len(anns)]
            return [{"value": value, "by": anns}], ok, value if ok else None
    if sum(map(len, votes.values())) < len(voters):
        voted = set().union(*votes.values())
        unset = [a for a in voters if a not in voted]
        votes = {tok: anns for tok, anns in votes.items() if tok != _NULL}  # an explicit null is
        votes[_NULL] = unset  # replaced by the unset voters, as it always was
    # (-votes, token) orders like the old sort key; tokens are unique, so lists are never compared
    if len(votes) == 2:  # two values (or one and "unset"): order them without a sort
        (t1, a1), (t2, a2) = votes.items()
        if len(a2) > len(a1) or (len(a2) == len(a1) and t2 < t1):
            t1, a1, t2, a2 = t2, a2, t1, a1
        top = len(a1)
        ok = accepts[top] and len(a2) < top
        value = raw[t1]
        return [{"value": value, "by": a1}, {"value": raw[t2], "by": a2}], ok, value if ok else None
    ranked = sorted([(-len(anns), tok, anns) for tok, anns in votes.items()]) if len(votes) > 1 else None
    if ranked is None:
        ((tok, anns),) = votes.items()
        choices = [{"value": raw[tok], "by": anns}]
        ok = accepts[len(anns)]
    else:
        choices = [{"value": raw[tok], "by": anns} for _, tok, anns in ranked]
        top = -ranked[0][0]
        ok = accepts[top] and -ranked[1][0] < top
    return choices, ok, choices[0]["value"] if ok else None


# reading a merged file back ---------------------------------------------------
def is_merged(d: dict[str, Any]) -> bool:
    return isinstance(d.get("merge"), dict) and d["merge"].get("format") == MERGE_FORMAT


def merged_problems(d: dict[str, Any]) -> list[str]:
    """What is wrong with a merged record read back from disk (e.g. after a hand edit).

    The versions are the source of truth; the items are derived from them. A digest mismatch
    means the versions were edited; items that differ from a fresh derivation mean the items were.
    """
    if not is_merged(d):
        return ["not a merged record (no 'merge' block of format " + MERGE_FORMAT + ")"]
    problems: list[str] = []
    versions = d.get("versions")
    if not isinstance(versions, dict) or not versions:
        return ["merged record has no 'versions'"]
    info, names = d["merge"], d["merge"].get("annotators")
    if not isinstance(names, list) or not all(type(a) is str for a in names):
        return ["merged record has no list of annotators' names in its merge block"]
    if not digest_matches(versions, info.get("digest")):
        problems.append("the annotators' versions were changed after merging (digest mismatch)")
    if info.get("status") == "text_differs":
        return problems
    for a, v in versions.items():
        if not isinstance(v, dict):
            problems.append(f"version of {a}: not a JSON object")
            continue
        bad = structural_problems({**v, "text": d.get("text")}) + header_problems(v)
        problems += [f"version of {a}: {p}" for p in bad]
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


def _comparable(items: Any) -> list[str]:  # Any: what a hand edit left (compiled, `list` is enforced)
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
