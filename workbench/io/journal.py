"""The edit journal beside an annotator file: durable saving that costs the edit, not the document.

An edit of a long article changes one span or relation, a document field, the
status; appending the whole record (text and every span) for it would write
hundreds of KB per keystroke. So the store appends a small *entry* to
``<annotator file>.journal`` instead and fsyncs it before the edit counts as
saved. An entry says which record it changes, the revision it starts from
(``base``) and the one it makes (``rev``), and carries only what changed:

    {"id": "a3f9…", "base": 7, "rev": 8,
     "set": {"doc": {...}, "status": "in_progress", "annotator": "alice", "schema": "news@1",
             "updated": "2026-12-02T08:40:00Z"},
     "spans": {"s12": {"id": "s12", "start": 4, "end": 9, "label": "ORG", "text": "Apple"}},
     "relations": {"r3": null}}

(``null`` removes a span or relation.) Entries are folded into the annotator file
as whole record lines when the annotator leaves an article, closes the window, and
when the journal outgrows the records it covers (after a crash, every open replays
it until the next of those); so the annotator file stays plain JSON Lines with
"later line wins" for every reader that knows nothing of the journal (decision 0014).

Revisions make every step safe to repeat: an entry applies only to the state at its
``base``; one whose ``rev`` the record already has was folded before (the journal is
emptied only after the fold is durable, so a crash in between leaves such entries);
any other entry cannot be placed and is reported and set aside, never applied blindly.

:class:`RecordState` is the persisted state of one record held as dicts keyed by
span and relation id, so an entry applies in O(entry) and the same code serves the
live store and the replay after a crash.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from workbench.core.record import Record, id_order_key

# Top-level fields an edit can change besides spans and relations (Document stamps the last three).
EDITED_FIELDS = ("doc", "status", "annotator", "schema", "updated")


def _span_key(d: dict[str, Any]) -> tuple[Any, ...]:
    """The order of ``Record.to_dict``: by start, longest first, then label and id."""
    return (d["start"], -d["end"], d["label"], d["id"])


def _relation_key(d: dict[str, Any]) -> tuple[Any, ...]:
    return id_order_key(d["id"])


@dataclass
class RecordState:
    """A record as last made durable: the whole line's fields, spans and relations by id.

    ``top`` keeps every key of the record line in its order (``spans`` and ``relations``
    hold placeholders there) so :meth:`to_dict` gives the line ``Record.to_dict`` would.
    ``rejected_ids`` remembers which rejected entries were written, by identity, so a new
    entry carries the rejected list only when an edit changed it.
    """

    top: dict[str, Any]
    spans: dict[str, dict[str, Any]]
    relations: dict[str, dict[str, Any]]
    rejected_ids: tuple[int, ...] = ()
    _line: dict[str, Any] | None = field(default=None, repr=False)

    @classmethod
    def of(cls, d: dict[str, Any]) -> RecordState:
        """From a record line, made canonical (as ``Record.to_dict`` writes it); RecordError if unusable."""
        canonical = Record.from_dict(d).to_dict()
        spans = {s["id"]: s for s in canonical["spans"]}
        relations = {r["id"]: r for r in canonical["relations"]}
        top = dict(canonical)
        top["spans"] = top["relations"] = None
        return cls(top, spans, relations, _line=canonical)

    @property
    def rev(self) -> int:
        return int(self.top.get("rev") or 0)

    def to_dict(self) -> dict[str, Any]:
        """The whole record line; built once per change and kept (callers never mutate it)."""
        line = self._line
        if line is None:
            line = dict(self.top)
            # list(...) of a dict's values is one step under the GIL: a worker thread reading
            # while the GUI thread applies an entry sees the spans before or after, not half
            line["spans"] = sorted(list(self.spans.values()), key=_span_key)
            line["relations"] = sorted(list(self.relations.values()), key=_relation_key)
            self._line = line
        return line

    def apply(self, entry: dict[str, Any]) -> None:
        """Make the entry's changes (the caller checked that it starts from this state)."""
        for key, value in (entry.get("set") or {}).items():
            if key == "rejected" and not value:
                self.top.pop("rejected", None)
            elif key == "rejected" and "rejected" not in self.top:
                self._insert_rejected(value)
            else:
                self.top[key] = value
        self.top["rev"] = entry["rev"]
        for sid, span in (entry.get("spans") or {}).items():
            if span is None:
                self.spans.pop(sid, None)
            else:
                self.spans[sid] = span
        for rid, rel in (entry.get("relations") or {}).items():
            if rel is None:
                self.relations.pop(rid, None)
            else:
                self.relations[rid] = rel
        self._line = None

    def _insert_rejected(self, value: list[Any]) -> None:
        """``Record.to_dict`` puts ``rejected`` after the known fields and before unknown ones."""
        top: dict[str, Any] = {}
        for key, v in self.top.items():
            if key not in Record.__slots__ and "rejected" not in top:  # type: ignore[attr-defined]
                top["rejected"] = value
            top[key] = v
        top.setdefault("rejected", value)
        self.top = top


def entry_for(
    record: Record, state: RecordState, span_ids: set[str], relation_ids: set[str]
) -> dict[str, Any]:
    """The journal entry taking ``state`` to ``record``, given the span and relation ids touched.

    Costs the edit: the named spans and relations, the small fields an edit changes,
    ``meta`` and ``rejected`` only when they differ. The dicts are fresh copies, so the
    record may change on afterwards without changing a written entry.
    """
    text = record.text
    changed: dict[str, Any] = {
        "doc": dict(record.doc),
        "status": record.status,
        "annotator": record.annotator,
        "schema": record.schema,
        "updated": record.updated,
    }
    if record.meta != state.top.get("meta"):
        changed["meta"] = dict(record.meta)
    rejected_ids = tuple(map(id, record.rejected))
    if rejected_ids != state.rejected_ids:
        changed["rejected"] = list(record.rejected)
    spans = {
        sid: (record.spans[sid].to_dict(text) if sid in record.spans else None) for sid in sorted(span_ids)
    }
    relations = {
        rid: (record.relations[rid].to_dict() if rid in record.relations else None)
        for rid in sorted(relation_ids)
    }
    return {
        "id": record.id,
        "base": state.rev,
        "rev": record.rev,
        "set": changed,
        "spans": spans,
        "relations": relations,
    }


def placement(state: RecordState, entry: dict[str, Any]) -> str:
    """``apply``, ``done`` (already folded into the record) or a reason it cannot be placed."""
    try:
        base, rev = int(entry["base"]), int(entry["rev"])
    except (KeyError, TypeError, ValueError):
        return "not a journal entry (needs integer 'base' and 'rev')"
    if base == state.rev and rev > base:
        return "apply"
    if rev <= state.rev:
        return "done"
    return f"starts from revision {base}, but the record is at revision {state.rev}"


def valid_entry(obj: dict[str, Any]) -> bool:
    return (
        isinstance(obj.get("id"), str)
        and isinstance(obj.get("set", {}), dict)
        and isinstance(obj.get("spans", {}), dict)
        and isinstance(obj.get("relations", {}), dict)
    )
