"""Keys and clicks on the article turned into edits on the Document.

The controller owns only UI state (the current span, a relation being made);
every change to the record is an edit handed to ``Document.apply``, and the
view is repainted from the Document's change events, not from here. Keys come
from the schema (labels, relations, attribute values) and the action table; the
``act_*`` methods are the handlers the table names for the span actions.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partialmethod

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QCursor, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QMenu

from workbench.core.document import Change, Document, EditRefused
from workbench.core.edits import (
    AcceptSpan,
    AddRelation,
    AddSpan,
    EditGroup,
    RejectSpan,
    RemoveSpan,
    ReplaceRelation,
    ResizeSpan,
    SetDocField,
    SetSpanAttr,
    SetSpanLabel,
)
from workbench.core.record import Relation, Span
from workbench.core.schema import RelationType
from workbench.ui import spans as sp
from workbench.ui.actions import ACTIONS, ActionSpec, SchemaKey, is_single, key_text, schema_keys
from workbench.ui.open_document import OpenDocument
from workbench.ui.text_view import SpanTextView


def event_key(e: QKeyEvent) -> str:
    """A key event as the action table writes keys ("y", "Y", "Tab", "Alt+Left", "Return")."""
    mods = e.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
    text = e.text()
    if (
        text
        and text.isprintable()
        and not mods & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier)
    ):
        return text
    if e.key() == Qt.Key.Key_Backtab:
        return "Shift+Tab"
    return QKeySequence(e.keyCombination()).toString()


def normal_key(key: str) -> str:
    """A table key in the form :func:`event_key` produces ("Delete" -> "Del", "Shift+Y" -> "Y")."""
    k = key_text(key)
    return k if len(k) == 1 else QKeySequence(k).toString()


class Controller(QObject):
    currentChanged = Signal(object)  # span id or None
    message = Signal(str)

    def __init__(self, view: SpanTextView, actions: tuple[ActionSpec, ...] = ACTIONS):
        super().__init__(view)
        self.view = view
        self.actions = actions
        # Runs a single key's action, whoever handles it (the window's Dispatcher, set once it is built).
        self.dispatch: Callable[[str], bool] = lambda _action_id: False
        self.doc: Document | None = None
        self.current: str | None = None
        self.readonly_reason: str | None = None
        self.snap_tokens = True
        self.focus_mode = False  # only the current span and the spans it is linked to are drawn
        self._tokens: list[tuple[int, int]] | None = None
        self._relation: tuple[str, RelationType | None] | None = None  # head id, type (None = choose)
        self._candidate: str | None = None
        self._keys: dict[str, SchemaKey | str] = {}
        self.ask_relation: Callable[[list[RelationType]], RelationType | None] = self._menu_choice
        view.key_handler = self.handle_key
        view.spanClicked.connect(self.span_clicked)
        view.tooltip_provider = self._tooltip

    # setup ---------------------------------------------------------------------------
    def follow(self, open_doc: OpenDocument) -> None:
        """Keys act on whatever article is open; the current span is published for the panels."""
        open_doc.switched.connect(self.set_document)
        open_doc.changed.connect(self.on_change)
        self.currentChanged.connect(open_doc.set_span)

    def set_document(self, doc: Document | None) -> None:
        self.doc = doc
        self.current = None
        self._relation = None
        self._candidate = None
        self._tokens = None
        self._focus()
        if doc is not None:
            self._keys = {}
            for a in self.actions:
                for k in a.keys:
                    if is_single(k):
                        self._keys[normal_key(k)] = a.id
            for skey in schema_keys(doc.schema):
                self._keys.setdefault(skey.key, skey)
        self.currentChanged.emit(None)

    @property
    def toks(self) -> list[tuple[int, int]]:
        if self._tokens is None:
            self._tokens = sp.tokens(self.doc.record.text) if self.doc else []
        return self._tokens

    # edits ---------------------------------------------------------------------------
    def apply(self, edit: object, label: str | None = None, starts_work: bool = True) -> bool:
        if self.doc is None:
            return False
        if self.readonly_reason:
            self.message.emit(f"Read-only: {self.readonly_reason}")
            return False
        try:
            self.doc.apply(edit, label, starts_work)
        except EditRefused as e:
            self.message.emit(f"Not allowed: {e}")
            return False
        return True

    def on_change(self, change: Change) -> None:
        """The Document changed: keep the current span valid and the arrows in step."""
        if self.doc is None:
            return
        if self.current is not None and self.current not in self.doc.record.spans:
            self.set_current(None)
        elif self.current is not None:
            self.view.set_arrows(sp.arrows(self.doc.record, self.doc.schema, self.current))
            self._focus()

    def set_current(self, span_id: str | None, ensure_visible: bool = True) -> None:
        self.current = span_id
        self.view.set_current(span_id, ensure_visible)
        if self.doc is not None:
            self.view.set_arrows(sp.arrows(self.doc.record, self.doc.schema, span_id))
        self._focus()
        self.currentChanged.emit(span_id)

    def _focus(self) -> None:
        if not self.focus_mode or self.doc is None or self.current is None:
            self.view.set_focus(None)
            return
        ids = {self.current}
        for r in self.doc.record.relations_of(self.current):
            ids |= {r.head, r.child}
        self.view.set_focus(ids)

    def act_focus_mode(self) -> None:
        self.focus_mode = not self.focus_mode
        self._focus()
        self.message.emit(
            "Focus: only the current span and its relations are shown (Ctrl+L again: all)"
            if self.focus_mode
            else "All spans shown"
        )

    # keys ----------------------------------------------------------------------------
    def handle_key(self, e: QKeyEvent) -> bool:
        if self.doc is None:
            return False
        key = event_key(e)
        if key == "Enter":
            key = "Return"
        target = self._keys.get(key)
        if target is None:
            return False
        if isinstance(target, str):
            return self.dispatch(target)
        if target.kind == "label":
            return self.label_key(target.target)
        if target.kind == "relation":
            return self.start_relation(self.doc.schema.relations[target.target])
        attr, value = target.target.split("=", 1)
        return self.value_key(attr, value)

    def label_key(self, label: str) -> bool:
        assert self.doc is not None
        rec = self.doc.record
        sel = self.view.selection()
        if sel is not None:
            start, end = sp.strip(rec.text, *sel)
            if self.snap_tokens:
                start, end = sp.snap(self.toks, start, end)
            if start >= end:
                self.message.emit("The selection is only white space")
                return True
            span = Span(rec.next_span_id(), start, end, label)
            if self.apply(AddSpan(span), f"Add {label} {sp.quoted(rec.text[start:end], 30)}"):
                self.view.clear_selection()
                self.set_current(span.id, False)
            return True
        if self.current is not None:
            old = rec.spans[self.current]
            if old.label != label:
                self.apply(SetSpanLabel(self.current, label), f"Relabel {old.label} as {label}")
            elif old.review == "pending":
                self.apply(AcceptSpan(self.current))
            return True
        self.message.emit(f"Select some text first, then press the key for {label}")
        return True

    def label_key_menu(self, label: str) -> None:
        if self.doc is not None:
            self.label_key(label)

    def value_key(self, attr: str, value: str) -> bool:
        assert self.doc is not None
        schema = self.doc.schema
        if self.current is not None:
            span = self.doc.record.spans[self.current]
            lab = schema.labels.get(span.label)
            if lab is not None and attr in lab.attributes:
                new = None if span.attrs.get(attr) == value else value
                self.apply(
                    SetSpanAttr(self.current, attr, new), f"Set {span.label} {attr} to {new or '(none)'}"
                )
                return True
            self.message.emit(f"{span.label} spans have no {attr}")
            return True
        for field in schema.doc_fields.values():
            if field.attribute == attr and not field.multiple:
                old = self.doc.record.doc.get(field.name)
                new = None if old == value else value
                self.apply(SetDocField(field.name, new), f"Set document {field.name} to {new or '(none)'}")
                return True
        self.message.emit(f"Select a span to set its {attr}")
        return True

    # spans ---------------------------------------------------------------------------
    def _ordered(self) -> list[str]:
        assert self.doc is not None
        ids = [s.id for s in self.doc.record.sorted_spans()]
        if self._relation is not None:
            head = self.doc.record.spans.get(self._relation[0])
            ids = [i for i in ids if head is not None and self._allowed(head, self.doc.record.spans[i])]
        return ids

    def cycle(self, step: int) -> None:
        if self.doc is None:
            return
        ids = self._ordered()
        if not ids:
            self.message.emit("No span to go to" if self._relation is None else "No span fits this relation")
            return
        anchor = self._candidate if self._relation is not None else self.current
        spans = self.doc.record.spans
        if anchor in ids:
            nxt = ids[(ids.index(anchor) + step) % len(ids)]
        else:
            # the end-picker starts from the relation's head: Tab is the nearest fit after it,
            # Shift+Tab the nearest before it
            head = spans.get(self._relation[0]) if self._relation is not None else None
            pos = head.start if head is not None else self.view.cursor_offset()
            after = [i for i in ids if spans[i].start >= pos]
            nxt = (
                (after[0] if after else ids[0])
                if step > 0
                else ([i for i in ids if spans[i].start < pos] or ids)[-1]
            )
        self.view.clear_selection()
        if self._relation is not None:
            self._candidate = nxt
            self.view.set_current(nxt)
            self.view.set_arrows(sp.arrows(self.doc.record, self.doc.schema, self._relation[0]))
            self.message.emit(
                f"End the relation on {self.doc.record.spans[nxt].label}? Enter confirms, Esc cancels"
            )
        else:
            self.set_current(nxt)

    def span_clicked(self, span_id: str) -> None:
        if self._relation is not None:
            self.finish_relation(span_id)
        else:
            self.set_current(span_id, False)

    def resize(self, how: str) -> None:
        if self.doc is None or self.current is None:
            self.message.emit("Select a span first (Tab or click)")
            return
        span = self.doc.record.spans[self.current]
        new = sp.step_edge(self.toks, span, how)
        if new is None:
            self.message.emit("The span cannot shrink further" if "shrink" in how else "Nothing more to add")
            return
        self.apply(ResizeSpan(span.id, *new), f"Resize {span.label}")

    def review(self, how: str) -> None:
        if self.doc is None or self.current is None:
            self.message.emit("Select a pre-annotation first (Tab or click)")
            return
        span = self.doc.record.spans[self.current]
        if span.review != "pending":
            self.message.emit(f"This {span.label} is not an unreviewed pre-annotation")
            return
        nxt = self._next_pending(span)
        edit = AcceptSpan(span.id) if how == "accept" else RejectSpan(span.id)
        verb = "Accept" if how == "accept" else "Reject"
        if self.apply(edit, f"{verb} {span.label} {sp.quoted(self.doc.record.span_text(span), 30)}"):
            self.set_current(nxt)

    def _next_pending(self, span: Span) -> str | None:
        assert self.doc is not None
        pend = [s for s in self.doc.record.sorted_spans() if s.review == "pending" and s.id != span.id]
        after = [s for s in pend if s.start >= span.start] or pend
        return after[0].id if after else None

    def accept_all(self) -> None:
        """Every unreviewed pre-annotation of the article, spans and relations alike, in one undo step."""
        if self.doc is None:
            return
        rec = self.doc.record
        pend = [s.id for s in rec.sorted_spans() if s.review == "pending"]
        rels = [r for r in rec.relations.values() if r.review == "pending"]
        if not pend and not rels:
            self.message.emit("No unreviewed pre-annotations left")
            return
        edits = [AcceptSpan(i) for i in pend] + [ReplaceRelation(r.with_(review="accepted")) for r in rels]
        n = len(edits)
        if self.apply(EditGroup(tuple(edits), "Accept all"), f"Accept all ({n})"):
            self.message.emit(f"Accepted {len(pend)} span(s) and {len(rels)} relation(s)")

    # relations ----------------------------------------------------------------------
    def _allowed(self, head: Span, child: Span) -> bool:
        assert self.doc is not None and self._relation is not None
        if head.id == child.id:
            return False
        rt = self._relation[1]
        types = [rt] if rt is not None else list(self.doc.schema.relations.values())
        return any(t.allows(head.label, child.label) for t in types)

    def start_relation(self, rtype: RelationType | None) -> bool:
        if self.doc is None:
            return False
        if self.current is None:
            self.message.emit("Select the span the relation starts from (Tab or click), then press the key")
            return True
        head = self.doc.record.spans[self.current]
        schema = self.doc.schema
        if rtype is not None and not any(rtype.allows(head.label, c) for c in schema.labels):
            self.message.emit(f"{rtype.name} starts from {'/'.join(rtype.head)}, not {head.label}")
            return True
        if rtype is None and not any(schema.allowed_relations(head.label, c) for c in schema.labels):
            self.message.emit(f"No relation type starts from {head.label}")
            return True
        self._relation = (head.id, rtype)
        self._candidate = None
        name = rtype.name if rtype else "relation"
        old = self._replaced(head, rtype) if rtype is not None else None
        was = self.doc.record.spans.get(old.child) if old is not None else None
        replaces = f" (replaces {sp.quoted(self.doc.record.span_text(was), 30)})" if was is not None else ""
        self.message.emit(
            f"{name} from {head.label}{replaces}: Tab to the other end, Enter (or click it); Esc cancels"
        )
        return True

    def finish_relation(self, child_id: str) -> None:
        assert self.doc is not None
        if self._relation is None:
            return
        head_id, rtype = self._relation
        rec = self.doc.record
        head, child = rec.spans.get(head_id), rec.spans.get(child_id)
        if head is None or child is None:
            self._relation = None
            return
        types = [rtype] if rtype else list(self.doc.schema.relations.values())
        allowed = [t for t in types if t.allows(head.label, child.label)]
        if not allowed:
            self.message.emit(
                f"No {rtype.name if rtype else 'relation'} from {head.label} to {child.label} in this schema"
            )
            return
        chosen = allowed[0] if len(allowed) == 1 else self.ask_relation(allowed)
        if chosen is None:
            return
        self._relation = None
        self._candidate = None
        said = f"{sp.quoted(rec.span_text(head), 30)} → {sp.quoted(rec.span_text(child), 30)}"
        old = self._replaced(head, chosen)
        if old is not None and old.child == child.id:
            self.message.emit(f"{chosen.name} {said} is already there")
        elif old is not None:
            # a quote has one speaker: picking another replaces it (one undo step), it is not refused
            was = rec.spans.get(old.child)
            new = old.with_(child=child.id, review="edited" if old.origin else old.review)
            if self.apply(ReplaceRelation(new), f"Replace {chosen.name} of {head.label}"):
                self.message.emit(
                    f"{chosen.name} replaced: {said} "
                    f"(was {sp.quoted(rec.span_text(was), 30) if was else '?'})"
                )
        else:
            rel = Relation(rec.next_relation_id(), head.id, child.id, chosen.name)
            if self.apply(AddRelation(rel), f"Add {chosen.name} {head.label} → {child.label}"):
                self.message.emit(f"{chosen.name}: {said}")
        self.set_current(head.id, False)

    def _replaced(self, head: Span, rtype: RelationType) -> Relation | None:
        """The relation a new one of ``rtype`` from ``head`` takes the place of, when the type allows one."""
        assert self.doc is not None
        if rtype.max_per_head is None:
            return None
        mine = [r for r in self.doc.record.relations.values() if r.head == head.id and r.label == rtype.name]
        return mine[0] if len(mine) >= rtype.max_per_head else None

    def _menu_choice(self, allowed: list[RelationType]) -> RelationType | None:
        menu = QMenu(self.view)
        acts = {menu.addAction(f"{t.name}\t{t.key or ''}"): t for t in allowed}
        chosen = menu.exec(QCursor.pos())
        return acts.get(chosen) if chosen else None

    def _tooltip(self, ids: list[str]) -> str:
        if self.doc is None:
            return ""
        return "<hr>".join(sp.describe(self.doc.record, self.doc.schema, i) for i in ids[:4])

    # the handlers the action table names for the span actions ----------------------------
    act_next_span = partialmethod(cycle, 1)
    act_prev_span = partialmethod(cycle, -1)
    act_accept = partialmethod(review, "accept")
    act_reject = partialmethod(review, "reject")
    act_widen_left = partialmethod(resize, "widen_left")
    act_widen_right = partialmethod(resize, "widen_right")
    act_shrink_left = partialmethod(resize, "shrink_left")
    act_shrink_right = partialmethod(resize, "shrink_right")
    act_relation = partialmethod(start_relation, None)

    def act_delete_span(self) -> bool:
        if self.current is None:
            return False  # the key goes on to the view
        self.apply(RemoveSpan(self.current))
        return True

    def act_confirm(self) -> bool:
        if self._relation is None:
            return False
        if self._candidate is None:
            self.message.emit("Pick the other end first: Tab to it or click it")
        else:
            self.finish_relation(self._candidate)
        return True

    def act_cancel(self) -> None:
        if self._relation is not None:
            self._relation = None
            self._candidate = None
            self.message.emit("Relation cancelled")
            self.set_current(self.current, False)
        else:
            self.view.clear_selection()
            self.set_current(None, False)
