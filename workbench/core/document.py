"""The evented document model: one record, its schema, its undo history.

Widgets and the CLI never change a record directly; they hand an edit to
:meth:`Document.apply`, which checks it against the schema, applies it, records
its inverse and tells listeners (the store saves, the views repaint).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from workbench.core import checks
from workbench.core.edits import (
    AddRelation,
    AddSpan,
    EditGroup,
    ReplaceRelation,
    ReplaceSpan,
    ResizeSpan,
    SetDocField,
    SetSpanAttr,
    SetSpanLabel,
    SetStatus,
    flatten,
)
from workbench.core.history import History, Step
from workbench.core.record import STATUSES, Record, now_iso
from workbench.core.schema import AnnotationSchema


class EditRefused(ValueError):
    """The schema does not allow this edit; the message says why, for the annotator."""


@dataclass(frozen=True, slots=True)
class Change:
    """What changed, so views repaint only that. ``kind`` is apply, undo or redo."""

    kind: str
    label: str
    edit: Any
    inverse: Any
    span_ids: frozenset[str]
    relation_ids: frozenset[str]


Listener = Callable[[Change], None]


def _ids(*edits: Any) -> tuple[frozenset[str], frozenset[str]]:
    spans: set[str] = set()
    rels: set[str] = set()
    for e in edits:
        for leaf in flatten(e):
            if hasattr(leaf, "span"):
                spans.add(leaf.span.id)
            if hasattr(leaf, "span_id"):
                spans.add(leaf.span_id)
            if hasattr(leaf, "relation"):
                rels.add(leaf.relation.id)
                spans.update((leaf.relation.head, leaf.relation.child))
            if hasattr(leaf, "relation_id"):
                rels.add(leaf.relation_id)
    return frozenset(spans), frozenset(rels)


class Document:
    def __init__(
        self,
        record: Record,
        schema: AnnotationSchema,
        annotator: str | None = None,
        history_limit: int = 1000,
    ):
        self.record = record
        self.schema = schema
        self.annotator = annotator
        self.history = History(history_limit)
        self._listeners: list[Listener] = []
        # Asked before every edit (undo and redo only replay edits it let through); may raise
        # EditRefused. The session sets it on a document shown before the annotator file was
        # indexed, so no edit is made on a stale view.
        self.guard: Callable[[Document], None] | None = None
        if record.schema is None:
            record.schema = schema.ref

    # events -----------------------------------------------------------
    def subscribe(self, listener: Listener) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def _emit(self, change: Change) -> None:
        for listener in list(self._listeners):
            listener(change)

    # editing ----------------------------------------------------------
    def problems(self, edit: Any) -> list[str]:
        """What the schema says against ``edit`` (applied and rolled back on a scratch basis)."""
        try:
            inverse = edit.apply(self.record)
        except ValueError as e:
            return [str(e)]
        try:
            return self._check(edit)
        finally:
            inverse.apply(self.record)

    def apply(self, edit: Any, label: str | None = None, starts_work: bool = True) -> Any:
        """Check and apply an edit as one undo step; raises :class:`EditRefused`.

        The annotator's first edit of a "todo" article moves it to "in progress" in the same
        step; a model's pass (``starts_work=False``) does not: nobody has worked on it yet.
        """
        if self.guard is not None:
            self.guard(self)
        label = label or edit.describe()
        if starts_work and self.record.status == "todo" and not isinstance(edit, SetStatus):
            edit = EditGroup((edit, SetStatus("in_progress")), label)
        try:
            inverse = edit.apply(self.record)
        except ValueError as e:
            raise EditRefused(str(e)) from None
        problems = self._check(edit)
        if problems:
            inverse.apply(self.record)
            raise EditRefused("; ".join(dict.fromkeys(problems)))
        self.history.record(label, inverse)
        self._stamp()
        self._emit(Change("apply", label, edit, inverse, *_ids(edit, inverse)))
        return inverse

    def group(self, label: str):  # noqa: ANN201 - a context manager
        """``with doc.group("Pre-annotate"): ...`` makes many edits one undo step."""
        return self.history.group(label)

    def undo(self) -> str | None:
        return self._replay("undo", self.history.pop_undo, self.history.push_redo)

    def redo(self) -> str | None:
        return self._replay("redo", self.history.pop_redo, self.history.push_undo)

    def _replay(
        self, kind: str, pop: Callable[[], Step | None], push_back: Callable[[Step], None]
    ) -> str | None:
        """Undo and redo are one move in opposite directions: apply a stored inverse, keep its own."""
        step = pop()
        if step is None:
            return None
        back = step.inverse.apply(self.record)
        push_back(Step(step.label, back))
        self._stamp()
        self._emit(Change(kind, step.label, step.inverse, back, *_ids(step.inverse, back)))
        return step.label

    def _stamp(self) -> None:
        self.record.rev += 1
        self.record.updated = now_iso()
        if self.annotator:
            self.record.annotator = self.annotator

    def _check(self, edit: Any) -> list[str]:
        rec, schema = self.record, self.schema
        problems: list[str] = []
        for leaf in flatten(edit):
            if isinstance(leaf, AddSpan | ReplaceSpan):
                span_id = leaf.span.id
            elif isinstance(leaf, SetSpanLabel | ResizeSpan | SetSpanAttr):
                span_id = leaf.span_id
            else:
                span_id = None
            if span_id is not None and span_id in rec.spans:
                problems += checks.span_problems(schema, rec, rec.spans[span_id])
                if isinstance(leaf, SetSpanLabel | ReplaceSpan):
                    for r in rec.relations_of(span_id):
                        problems += checks.relation_problems(schema, rec, r)
            if isinstance(leaf, AddRelation | ReplaceRelation) and leaf.relation.id in rec.relations:
                problems += checks.relation_problems(schema, rec, rec.relations[leaf.relation.id])
            if isinstance(leaf, SetDocField):
                problems += checks.doc_field_problems(schema, leaf.name, leaf.value)
            if isinstance(leaf, SetStatus) and leaf.status not in STATUSES:
                problems.append(f"status {leaf.status!r} is not one of {', '.join(STATUSES)}")
        return problems
