"""The action table: every command, its keys, its menu; and the schema's keys.

One table drives the menus, the window shortcuts, the text view's single-key
dispatch and the help overlay, so they cannot disagree. Single keys without
modifiers (label, relation and value keys from the schema, plus the few
annotation keys here) act only while the article has focus, so typing in the
search box never labels anything. :func:`collisions` finds keys claimed twice;
the window refuses to guess and shows them, and a test keeps the table clean.
"""

from __future__ import annotations

from dataclasses import dataclass

from workbench.core.schema import AnnotationSchema


@dataclass(frozen=True, slots=True)
class ActionSpec:
    id: str
    text: str
    keys: tuple[str, ...]
    menu: str
    help: str = ""

    @property
    def single_key(self) -> bool:
        """Handled by the article view (no modifier, or only Shift for a symbol)."""
        return all(
            not any(m in k for m in ("Ctrl+", "Alt+", "Meta+")) and not k.startswith("F") for k in self.keys
        )


A = ActionSpec
ACTIONS: tuple[ActionSpec, ...] = (
    A("open", "&Open…", ("Ctrl+O",), "File", "Open article files, a folder, a corpus or an annotator file"),
    A("open_folder", "Open &folder…", ("Ctrl+Shift+O",), "File", "Open every article in a folder"),
    A(
        "project_status",
        "Project &status…",
        ("Ctrl+Shift+S",),
        "File",
        "Progress per annotator and agreement so far (project folders)",
    ),
    A("preferences", "&Preferences…", ("Ctrl+,",), "File", "Annotator name, model, snapping"),
    A("quit", "&Quit", ("Ctrl+Q",), "File", "Close the window (everything is already saved)"),
    A("undo", "&Undo", ("Ctrl+Z",), "Edit", "Undo the last edit (the menu names it)"),
    A("redo", "&Redo", ("Ctrl+Shift+Z", "Ctrl+Y"), "Edit", "Redo the last undone edit"),
    A("find", "&Search the batch", ("Ctrl+F",), "Edit", "Search titles and texts of the batch"),
    A("next_span", "Next span", ("Tab",), "Span", "Make the next span current"),
    A("prev_span", "Previous span", ("Shift+Tab",), "Span", "Make the previous span current"),
    A("delete_span", "Delete span", ("Delete", "Backspace"), "Span", "Delete the current span"),
    A(
        "accept",
        "Accept pre-annotation",
        ("y",),
        "Span",
        "Confirm the current pre-annotation, go to the next",
    ),
    A("reject", "Reject pre-annotation", ("x",), "Span", "Reject the current pre-annotation, go to the next"),
    A("accept_all", "Accept all remaining", ("Shift+Y",), "Span", "Accept every unreviewed pre-annotation"),
    A("widen_left", "Widen to the left", ("Alt+Left",), "Span", "Move the start one word left"),
    A("widen_right", "Widen to the right", ("Alt+Right",), "Span", "Move the end one word right"),
    A("shrink_left", "Shrink from the left", ("Alt+Shift+Right",), "Span", "Move the start one word right"),
    A("shrink_right", "Shrink from the right", ("Alt+Shift+Left",), "Span", "Move the end one word left"),
    A("relation", "Start a relation…", ("r",), "Span", "Link the current span to the next one you pick"),
    A("confirm", "Finish relation", ("Return",), "Span", "End the relation on the span picked with Tab"),
    A("cancel", "Cancel / clear", ("Esc",), "Span", "Cancel a relation, drop the current span"),
    A(
        "done_next",
        "Mark done, next",
        ("Ctrl+Return",),
        "Document",
        "Mark the document done, open the next undone",
    ),
    A(
        "skip_next",
        "Skip, next",
        ("Ctrl+Shift+Return",),
        "Document",
        "Mark the document skipped, open the next",
    ),
    A("reopen", "Mark in progress", ("Ctrl+Shift+I",), "Document", "Take a done or skipped document back"),
    A("next_undone", "Next undone document", ("Alt+Down",), "Document", "Open the next document not done"),
    A(
        "prev_undone",
        "Previous undone document",
        ("Alt+Up",),
        "Document",
        "Open the previous document not done",
    ),
    A("next_doc", "Next document", ("Alt+PgDown",), "Document", "Open the next document in the list"),
    A("prev_doc", "Previous document", ("Alt+PgUp",), "Document", "Open the previous document in the list"),
    A("preannotate", "Pre-annotate document", ("Ctrl+P",), "Document", "Run the model on this document"),
    A(
        "preannotate_all",
        "Pre-annotate batch",
        ("Ctrl+Shift+P",),
        "Document",
        "Run the model on the whole batch",
    ),
    A("cancel_work", "Cancel background work", ("Ctrl+.",), "Document", "Stop pre-annotation"),
    A("help", "Keyboard help", ("F1", "?"), "Help", "Show this list"),
)

BY_ID = {a.id: a for a in ACTIONS}


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


def collisions(schema: AnnotationSchema) -> list[str]:
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

    for a in ACTIONS:
        for key in a.keys:
            claim(key, f"action '{a.text.replace('&', '')}'")
    for sk in schema_keys(schema):
        owner = f"{sk.kind} {sk.target}" if sk.kind != "value" else f"value {sk.target.split('=')[1]}"
        claim(sk.key, owner)
    return problems
