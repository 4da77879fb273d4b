"""Edits as data: every user action is a small frozen command.

``apply(record)`` changes the record in place and returns the edit that undoes
it, so undo/redo, replay and logging all come from one mechanism. Edits do not
consult the annotation schema; :mod:`workbench.core.document` checks them first.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from workbench.core.record import Record, Relation, Span, offset_problems


class EditError(ValueError):
    """An edit that cannot apply to this record (missing id, bad offsets...)."""


class Edit(Protocol):
    def apply(self, record: Record) -> Edit: ...

    def describe(self) -> str: ...


def _span(record: Record, span_id: str) -> Span:
    try:
        return record.spans[span_id]
    except KeyError:
        raise EditError(f"no span {span_id!r} in this document") from None


def _relation(record: Record, relation_id: str) -> Relation:
    try:
        return record.relations[relation_id]
    except KeyError:
        raise EditError(f"no relation {relation_id!r} in this document") from None


def _check_offsets(record: Record, start: int, end: int) -> None:
    """Outside the text, or splitting a surrogate pair of a text that carries one, is refused."""
    problems = offset_problems(record.text, start, end, "span")
    if problems:
        raise EditError(problems[0].removeprefix("span: "))


def _touch(span: Span) -> Span:
    """A person changing a pre-annotation reviews it: mark it edited."""
    return span.with_(review="edited") if span.review == "pending" else span


@dataclass(frozen=True, slots=True)
class AddSpan:
    span: Span

    def apply(self, record: Record) -> Edit:
        if self.span.id in record.spans:
            raise EditError(f"span id {self.span.id!r} already exists")
        _check_offsets(record, self.span.start, self.span.end)
        record.spans[self.span.id] = self.span
        return RemoveSpan(self.span.id)

    def describe(self) -> str:
        return f"Add {self.span.label}"


@dataclass(frozen=True, slots=True)
class RemoveSpan:
    """Removes a span and the relations that use it (they mean nothing without it)."""

    span_id: str

    def apply(self, record: Record) -> Edit:
        span = _span(record, self.span_id)
        rels = record.relations_of(self.span_id)
        for r in rels:
            del record.relations[r.id]
        del record.spans[self.span_id]
        return EditGroup((AddSpan(span), *(AddRelation(r) for r in rels)), f"Add {span.label}")

    def describe(self) -> str:
        return "Delete span"


@dataclass(frozen=True, slots=True)
class ReplaceSpan:
    """Puts a span back as it was; the inverse of every in-place span change."""

    span: Span

    def apply(self, record: Record) -> Edit:
        old = _span(record, self.span.id)
        record.spans[self.span.id] = self.span
        return ReplaceSpan(old)

    def describe(self) -> str:
        return f"Change {self.span.label}"


@dataclass(frozen=True, slots=True)
class SetSpanLabel:
    span_id: str
    label: str

    def apply(self, record: Record) -> Edit:
        old = _span(record, self.span_id)
        record.spans[self.span_id] = _touch(old).with_(label=self.label)
        return ReplaceSpan(old)

    def describe(self) -> str:
        return f"Relabel as {self.label}"


@dataclass(frozen=True, slots=True)
class ResizeSpan:
    span_id: str
    start: int
    end: int

    def apply(self, record: Record) -> Edit:
        old = _span(record, self.span_id)
        _check_offsets(record, self.start, self.end)
        record.spans[self.span_id] = _touch(old).with_(start=self.start, end=self.end)
        return ReplaceSpan(old)

    def describe(self) -> str:
        return "Resize span"


@dataclass(frozen=True, slots=True)
class SetSpanAttr:
    """Sets one attribute; ``value=None`` clears it."""

    span_id: str
    name: str
    value: Any

    def apply(self, record: Record) -> Edit:
        old = _span(record, self.span_id)
        attrs = dict(old.attrs)
        if self.value is None:
            attrs.pop(self.name, None)
        else:
            attrs[self.name] = self.value
        record.spans[self.span_id] = _touch(old).with_(attrs=attrs)
        return ReplaceSpan(old)

    def describe(self) -> str:
        return f"Set {self.name}" if self.value is not None else f"Clear {self.name}"


@dataclass(frozen=True, slots=True)
class AcceptSpan:
    """The annotator confirms a pre-annotation as it stands."""

    span_id: str

    def apply(self, record: Record) -> Edit:
        old = _span(record, self.span_id)
        if old.review == "pending":
            record.spans[self.span_id] = old.with_(review="accepted")
        return ReplaceSpan(old)

    def describe(self) -> str:
        return "Accept pre-annotation"


@dataclass(frozen=True, slots=True)
class RejectSpan:
    """Removes a pre-annotation but keeps it in ``record.rejected`` for the lead."""

    span_id: str

    def apply(self, record: Record) -> Edit:
        span = _span(record, self.span_id)
        inverse = RemoveSpan(self.span_id).apply(record)
        entry = span.to_dict(record.text)
        record.rejected.append(entry)
        return EditGroup((_Unreject(len(record.rejected) - 1), inverse), "Restore rejected")

    def describe(self) -> str:
        return "Reject pre-annotation"


@dataclass(frozen=True, slots=True)
class _Unreject:
    index: int

    def apply(self, record: Record) -> Edit:
        entry = record.rejected.pop(self.index)
        return _Rereject(self.index, _freeze(entry))

    def describe(self) -> str:
        return "Restore rejected"


@dataclass(frozen=True, slots=True)
class _Rereject:
    index: int
    entry: tuple[tuple[str, Any], ...]

    def apply(self, record: Record) -> Edit:
        record.rejected.insert(self.index, dict(self.entry))
        return _Unreject(self.index)

    def describe(self) -> str:
        return "Reject pre-annotation"


def _freeze(d: dict[str, Any]) -> tuple[tuple[str, Any], ...]:
    return tuple(d.items())


@dataclass(frozen=True, slots=True)
class AddRelation:
    relation: Relation

    def apply(self, record: Record) -> Edit:
        r = self.relation
        if r.id in record.relations:
            raise EditError(f"relation id {r.id!r} already exists")
        for end in (r.head, r.child):
            _span(record, end)
        record.relations[r.id] = r
        return RemoveRelation(r.id)

    def describe(self) -> str:
        return f"Add {self.relation.label} relation"


@dataclass(frozen=True, slots=True)
class RemoveRelation:
    relation_id: str

    def apply(self, record: Record) -> Edit:
        r = _relation(record, self.relation_id)
        del record.relations[self.relation_id]
        return AddRelation(r)

    def describe(self) -> str:
        return "Delete relation"


@dataclass(frozen=True, slots=True)
class ReplaceRelation:
    relation: Relation

    def apply(self, record: Record) -> Edit:
        old = _relation(record, self.relation.id)
        record.relations[self.relation.id] = self.relation
        return ReplaceRelation(old)

    def describe(self) -> str:
        return f"Change {self.relation.label} relation"


@dataclass(frozen=True, slots=True)
class SetDocField:
    """Sets a document-level field; ``value=None`` clears it."""

    name: str
    value: Any

    def apply(self, record: Record) -> Edit:
        old = record.doc.get(self.name)
        if self.value is None:
            record.doc.pop(self.name, None)
        else:
            record.doc[self.name] = list(self.value) if isinstance(self.value, tuple) else self.value
        return SetDocField(self.name, tuple(old) if isinstance(old, list) else old)

    def describe(self) -> str:
        return f"Set document {self.name}"


@dataclass(frozen=True, slots=True)
class SetStatus:
    status: str

    def apply(self, record: Record) -> Edit:
        old = record.status
        record.status = self.status
        return SetStatus(old)

    def describe(self) -> str:
        return f"Mark {self.status.replace('_', ' ')}"


@dataclass(frozen=True, slots=True)
class EditGroup:
    """Several edits as one step (a whole pre-annotation pass undoes at once)."""

    edits: tuple[Any, ...]
    label: str = "Edits"

    def apply(self, record: Record) -> Edit:
        inverses: list[Edit] = []
        try:
            for e in self.edits:
                inverses.append(e.apply(record))
        except Exception:
            for inv in reversed(inverses):
                inv.apply(record)
            raise
        return EditGroup(tuple(reversed(inverses)), self.label)

    def describe(self) -> str:
        return self.label


def flatten(edit: Any) -> list[Any]:
    """The leaf edits of an edit, groups opened."""
    if isinstance(edit, EditGroup):
        out: list[Any] = []
        for e in edit.edits:
            out += flatten(e)
        return out
    return [edit]
