"""The guidelines document of a schema: as plain text for a terminal, as one HTML file for a lead
to send round. The window shows the same entries (``ui/guidelines_page.py``)."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from pathlib import Path

from workbench.app.errors import AppError
from workbench.app.inputs import ensure_parent
from workbench.core.guidelines import ExampleError, Guideline, GuidelineKind, parse_example
from workbench.core.paths import schemas_dir
from workbench.core.schema import AnnotationSchema, SchemaError, load_schema
from workbench.io.guidelines_html import KIND_TITLES, entry_title, write_guidelines_html


@dataclass(frozen=True, slots=True)
class GuidelinesDocument:
    schema: AnnotationSchema
    text: str  # the plain-text rendering
    html: Path | None  # where the HTML went, if asked
    notes: list[tuple[str, str]]  # examples marking a label or value the schema does not declare


def find_schema(where: str | Path) -> AnnotationSchema:
    """A schema file, a project folder (its schema.json), or the name of a shipped schema (``news``)."""
    p = Path(where)
    if p.is_dir() and (p / "project.json").is_file():
        p = p / "schema.json"
    elif not p.exists() and (schemas_dir() / f"{where}.json").is_file():
        p = schemas_dir() / f"{where}.json"
    elif p.is_dir():
        raise AppError(f"{p} is a folder, not a schema file or a project")
    try:
        return load_schema(p)
    except SchemaError as e:
        raise AppError(str(e)) from None


def plain_example(source: str) -> str:
    """``[[words|TAG]]`` as ``[words|TAG]``: the marks stay visible without colour."""
    try:
        ex = parse_example(source)
    except ExampleError:
        return source
    opens: dict[int, int] = {}
    closes: dict[int, list[str]] = {}
    for m in ex.marks:
        opens[m.start] = opens.get(m.start, 0) + 1
        closes.setdefault(m.end, []).insert(0, f"|{m.tag}]" if m.tag else "]")
    out = []
    for i in range(len(ex.text) + 1):
        out.extend(closes.get(i, []))
        out.append("[" * opens.get(i, 0))
        if i < len(ex.text):
            out.append(ex.text[i])
    return "".join(out)


def _indent(text: str, prefix: str = "    ") -> str:
    return textwrap.indent(text.strip(), prefix)


def entry_text(schema: AnnotationSchema, kind: GuidelineKind, name: str, g: Guideline) -> str:
    lines = [f"{name} — {entry_title(schema, kind, name)}", _indent(g.definition)]
    for title, items, sign in (("Yes", g.positive, "+"), ("Not this", g.negative, "-")):
        if items:
            lines.append(f"  {title}:")
            lines.extend(f"    {sign} {plain_example(s)}" for s in items)
    return "\n".join(lines)


def guidelines_text(schema: AnnotationSchema) -> str:
    head = f"Annotation guidelines — {schema.title} ({schema.ref})"
    if not schema.has_guidelines:
        return (
            f'{head}\n\nThis schema has no guidelines yet. Add a top-level "guidelines" text '
            '(Markdown) and a\n"guideline": {"definition": …, "positive": […], "negative": […]} to its '
            'labels, relation\ntypes, attributes and document fields (docs/guide/leads.md, "Guidelines").'
        )
    parts = [head, schema.guidelines.strip()] if schema.guidelines.strip() else [head]
    entries = schema.guideline_entries()
    for kind, title in KIND_TITLES.items():
        mine = [entry_text(schema, kind, n, g) for k, n, g in entries if k == kind and g is not None]
        if mine:
            parts.append(f"== {title} ==")
            parts.extend(mine)
    missing = [f"{n} ({k})" for k, n, g in entries if g is None]
    if missing:
        parts.append("Without a guideline: " + ", ".join(missing))
    return "\n\n".join(parts)


def guidelines_document(where: str | Path, html: Path | None = None) -> GuidelinesDocument:
    """Load the schema and render its guidelines; with ``html``, also write the HTML file there
    (atomically: an old file stays whole until the new one is complete)."""
    schema = find_schema(where)
    if html is not None:
        ensure_parent(html)
        try:
            write_guidelines_html(schema, html)
        except OSError as e:
            raise AppError(f"cannot write {html}: {e.strerror or e}") from None
    return GuidelinesDocument(schema, guidelines_text(schema), html, schema.guideline_notes())
