"""The action table: every command, its keys, its menu, its handler; and the schema's keys.

One table drives the menus, the window shortcuts, the text view's single-key
dispatch, the help overlay and the dispatch itself (:mod:`workbench.ui.dispatch`),
so they cannot disagree: an action whose handler does not exist stops the window
at start-up, not at the key press. Single keys without modifiers (label, relation
and value keys from the schema, plus the few annotation keys here) act only
while the article has focus, so typing in the search box never labels anything.
:func:`collisions` finds keys claimed twice; the window refuses to guess and
shows them, and a test keeps the table clean.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from workbench.core.schema import AnnotationSchema


@dataclass(frozen=True, slots=True)
class ActionSpec:
    """One command. ``handler`` is ``"owner.method"``: the owner (``window`` or ``controller``)
    is an object the window names when it resolves the table; the method takes no argument and
    returns False only when it did not handle the key (the view then gets it)."""

    id: str
    text: str
    keys: tuple[str, ...]
    menu: str
    help: str = ""
    handler: str = field(kw_only=True)


A = ActionSpec
ACTIONS: tuple[ActionSpec, ...] = (
    A(
        "open",
        "&Open…",
        ("Ctrl+O",),
        "File",
        "Open article files, a folder, a corpus or an annotator file",
        handler="window.act_open",
    ),
    A(
        "open_folder",
        "Open &folder…",
        ("Ctrl+Shift+O",),
        "File",
        "Open every article in a folder",
        handler="window.act_open_folder",
    ),
    A(
        "project_status",
        "Project &status…",
        ("Ctrl+Shift+S",),
        "File",
        "Progress per annotator and agreement so far (project folders)",
        handler="window.act_project_status",
    ),
    A(
        "preferences",
        "&Preferences…",
        ("Ctrl+,",),
        "File",
        "Annotator name, model, snapping",
        handler="window.act_preferences",
    ),
    A(
        "quit",
        "&Quit",
        ("Ctrl+Q",),
        "File",
        "Close the window (everything is already saved)",
        handler="window.act_quit",
    ),
    A(
        "undo",
        "&Undo",
        ("Ctrl+Z",),
        "Edit",
        "Undo the last edit (the menu names it)",
        handler="window.act_undo",
    ),
    A(
        "redo",
        "&Redo",
        ("Ctrl+Shift+Z", "Ctrl+Y"),
        "Edit",
        "Redo the last undone edit",
        handler="window.act_redo",
    ),
    A(
        "find",
        "&Search the batch",
        ("Ctrl+F",),
        "Edit",
        "Search titles and texts of the batch",
        handler="window.act_find",
    ),
    A(
        "next_span",
        "Next span",
        ("Tab",),
        "Span",
        "Make the next span current",
        handler="controller.act_next_span",
    ),
    A(
        "prev_span",
        "Previous span",
        ("Shift+Tab",),
        "Span",
        "Make the previous span current",
        handler="controller.act_prev_span",
    ),
    A(
        "delete_span",
        "Delete span",
        ("Delete", "Backspace"),
        "Span",
        "Delete the current span",
        handler="controller.act_delete_span",
    ),
    A(
        "accept",
        "Accept pre-annotation",
        ("y",),
        "Span",
        "Confirm the current pre-annotation, go to the next",
        handler="controller.act_accept",
    ),
    A(
        "reject",
        "Reject pre-annotation",
        ("x",),
        "Span",
        "Reject the current pre-annotation, go to the next",
        handler="controller.act_reject",
    ),
    A(
        "accept_all",
        "Accept all remaining",
        ("Shift+Y",),
        "Span",
        "Accept every unreviewed pre-annotation, spans and relations",
        handler="controller.accept_all",
    ),
    A(
        "widen_left",
        "Widen to the left",
        ("Alt+Left",),
        "Span",
        "Move the start one word left",
        handler="controller.act_widen_left",
    ),
    A(
        "widen_right",
        "Widen to the right",
        ("Alt+Right",),
        "Span",
        "Move the end one word right",
        handler="controller.act_widen_right",
    ),
    A(
        "shrink_left",
        "Shrink from the left",
        ("Alt+Shift+Right",),
        "Span",
        "Move the start one word right (with its punctuation)",
        handler="controller.act_shrink_left",
    ),
    A(
        "shrink_right",
        "Shrink from the right",
        ("Alt+Shift+Left",),
        "Span",
        "Move the end one word left (with its punctuation)",
        handler="controller.act_shrink_right",
    ),
    A(
        "relation",
        "Start a relation…",
        ("r",),
        "Span",
        "Link the current span to the next one you pick",
        handler="controller.act_relation",
    ),
    A(
        "confirm",
        "Finish relation",
        ("Return",),
        "Span",
        "End the relation on the span picked with Tab",
        handler="controller.act_confirm",
    ),
    A(
        "cancel",
        "Cancel / clear",
        ("Esc",),
        "Span",
        "Cancel a relation, drop the current span; from a panel: back to the article",
        handler="controller.act_cancel",
    ),
    A(
        "relations",
        "Relations of the span",
        ("Ctrl+R",),
        "Span",
        "Go into the list of the current span's relations (Esc comes back)",
        handler="window.act_relations",
    ),
    A(
        "delete_relation",
        "Delete relation",
        ("Shift+Delete",),
        "Span",
        "Delete the current relation (the one selected in the relations list)",
        handler="window.act_delete_relation",
    ),
    A(
        "focus_mode",
        "Focus on the current span",
        ("Ctrl+L",),
        "Span",
        "Show only the current span's relations and dim the other highlights (again: all)",
        handler="controller.act_focus_mode",
    ),
    A(
        "done_next",
        "Mark done, next",
        ("Ctrl+Return",),
        "Document",
        "Mark the document done, open the next undone (with unreviewed items: press again)",
        handler="window.act_done_next",
    ),
    A(
        "skip_next",
        "Skip, next",
        ("Ctrl+Shift+Return",),
        "Document",
        "Mark the document skipped, open the next",
        handler="window.act_skip_next",
    ),
    A(
        "reopen",
        "Mark in progress",
        ("Ctrl+Shift+I",),
        "Document",
        "Take a done or skipped document back",
        handler="window.act_reopen",
    ),
    A(
        "next_undone",
        "Next undone document",
        ("Alt+Down",),
        "Document",
        "Open the next document not done",
        handler="window.act_next_undone",
    ),
    A(
        "prev_undone",
        "Previous undone document",
        ("Alt+Up",),
        "Document",
        "Open the previous document not done",
        handler="window.act_prev_undone",
    ),
    A(
        "next_doc",
        "Next document",
        ("Alt+PgDown",),
        "Document",
        "Open the next document in the list",
        handler="window.act_next_doc",
    ),
    A(
        "prev_doc",
        "Previous document",
        ("Alt+PgUp",),
        "Document",
        "Open the previous document in the list",
        handler="window.act_prev_doc",
    ),
    A(
        "uncleaned",
        "Show the article uncleaned",
        ("Ctrl+Shift+U",),
        "Document",
        "Switch between the cleaned article and the original file text (raw .txt/.html)",
        handler="window.act_uncleaned",
    ),
    A(
        "preannotate",
        "Pre-annotate document",
        ("Ctrl+P",),
        "Document",
        "Run the model on this document",
        handler="window.act_preannotate",
    ),
    A(
        "preannotate_all",
        "Pre-annotate batch",
        ("Ctrl+Shift+P",),
        "Document",
        "Run the model on the whole batch",
        handler="window.act_preannotate_all",
    ),
    A(
        "cancel_work",
        "Cancel background work",
        ("Ctrl+.",),
        "Document",
        "Stop pre-annotation",
        handler="window.act_cancel_work",
    ),
    A("help", "Keyboard help", ("F1", "?"), "Help", "Show this list", handler="window.act_help"),
    A(
        "guidelines",
        "Annotation guidelines",
        ("Shift+F1",),
        "Help",
        "The schema's guidelines, at the current span's label",
        handler="window.act_guidelines",
    ),
)


@dataclass(frozen=True, slots=True)
class SchemaKey:
    key: str
    kind: str  # label, relation, value
    target: str  # label name, relation type, or "attribute=value"
    help: str


def schema_keys(schema: AnnotationSchema) -> list[SchemaKey]:
    out: list[SchemaKey] = []
    for lab in schema.labels.values():
        if lab.key:
            out.append(SchemaKey(lab.key, "label", lab.name, f"Label the selection {lab.name} / relabel"))
    for rel in schema.relations.values():
        if rel.key:
            heads = "/".join(rel.head)
            out.append(
                SchemaKey(rel.key, "relation", rel.name, f"Start a {rel.name} relation from a {heads}")
            )
    for vs in schema.value_sets.values():
        for value, key in vs.keys.items():
            out.append(SchemaKey(key, "value", f"{vs.name}={value}", f"Set {vs.name} to {value}"))
    return out


def is_single(key: str) -> bool:
    """Handled by the article view while it has focus: no Ctrl/Alt/Meta and not a function key."""
    if any(m in key for m in ("Ctrl+", "Alt+", "Meta+")):
        return False
    return not (key.startswith("F") and key[1:].isdigit())


def key_text(key: str) -> str:
    """The character a single-key binding produces ("Shift+Y" -> "Y", "Tab" stays "Tab")."""
    if key.startswith("Shift+") and len(key) == 7:
        return key[-1].upper()
    return key


def collisions(schema: AnnotationSchema, actions: tuple[ActionSpec, ...] = ACTIONS) -> list[str]:
    """Every key claimed by two things, in words. Value keys may repeat across value sets
    (sentiment - 0 + for both a span and the document) only when they mean the same value."""
    seen: dict[str, str] = {}
    problems: list[str] = []

    def claim(key: str, owner: str) -> None:
        k = key_text(key)
        k = k.lower() if len(k) > 1 else k
        if k in seen and seen[k] != owner:
            problems.append(f"key {key!r} is used by {seen[k]} and by {owner}")
        else:
            seen[k] = owner

    for a in actions:
        for key in a.keys:
            claim(key, f"action '{a.text.replace('&', '')}'")
    for sk in schema_keys(schema):
        owner = f"{sk.kind} {sk.target}" if sk.kind != "value" else f"value {sk.target.split('=')[1]}"
        claim(sk.key, owner)
    return problems
