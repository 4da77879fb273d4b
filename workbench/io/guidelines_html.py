"""The schema's guidelines as HTML: one self-contained file for ``workbench guidelines --html``,
and the same fragments for the window (the inspector's definition, F1 → Guidelines).

Why one renderer for both: an example must look the same on paper and in the window, with the
words marked in the label's colour, as the article view marks spans. The colours come from a
``Fill`` the caller passes: the window blends them into its palette, the file into white paper.

Everything from the schema is escaped: definitions are Markdown rendered with raw HTML off (a
``<script>`` in a definition comes out as text), images off (the file fetches nothing), and the
file carries a Content-Security-Policy that allows no script at all, in case anything slipped.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import cache
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

from workbench.core.guidelines import ExampleError, Guideline, GuidelineKind, parse_example
from workbench.core.schema import AnnotationSchema
from workbench.io.atomic import atomic_write

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

# (schema colour "#rrggbb", span kind) -> (background, text) colours, "#rrggbb"
Fill = Callable[[str, str], tuple[str, str]]

NEUTRAL = "#9a9a9a"  # a value or the subject of a relation entry: no label colour to borrow
KIND_NAMES: dict[GuidelineKind, str] = {
    "label": "span label",
    "relation": "relation type",
    "attribute": "attribute",
    "field": "document field",
}
KIND_TITLES: dict[GuidelineKind, str] = {
    "label": "Span labels",
    "relation": "Relation types",
    "attribute": "Attributes",
    "field": "Document fields",
}


def _rgb(color: str) -> tuple[float, float, float]:
    return tuple(int(color[i : i + 2], 16) / 255 for i in (1, 3, 5))  # type: ignore[return-value]


def _hex(rgb: tuple[float, float, float]) -> str:
    return "#" + "".join(f"{round(c * 255):02x}" for c in rgb)


def _luminance(rgb: tuple[float, float, float]) -> float:
    def ch(v: float) -> float:
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = (ch(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def paper_fill(color: str, kind: str) -> tuple[str, str]:
    """The label colour blended into white, as the window blends it into a light palette (quotes
    are long: a paler tint), with black or white text, whichever reads better."""
    alpha = 0.22 if kind == "quote" else 0.5
    fill = tuple(1 - alpha + c * alpha for c in _rgb(color))
    lum = _luminance(fill)  # type: ignore[arg-type]
    text = "#111111" if (lum + 0.05) / 0.05 >= 1.05 / (lum + 0.05) else "#ffffff"
    return _hex(fill), text  # type: ignore[arg-type]


@cache
def _markdown() -> MarkdownIt:
    from markdown_it import MarkdownIt  # 70 ms of imports: paid when a guideline is shown, not at start-up

    return MarkdownIt("commonmark", {"html": False, "linkify": False}).disable("image")


def markdown_html(text: str) -> str:
    """Markdown from the schema as HTML; raw HTML in it is shown as text, never interpreted."""
    return _markdown().render(text)


def anchor(kind: GuidelineKind, name: str) -> str:
    """The id of an entry in the document (``label-QUOTE``, ``relation-CUE``)."""
    return f"{kind}-" + re.sub(r"[^A-Za-z0-9_-]", "_", name)


def _host_label(schema: AnnotationSchema, kind: GuidelineKind, name: str) -> tuple[str, str]:
    """The colour and span kind an entry's own ``[[words]]`` are painted with."""
    if kind == "label" and name in schema.labels:
        lab = schema.labels[name]
        return lab.color, lab.kind
    if kind == "attribute":
        hosts = [lab for lab in schema.labels.values() if name in lab.attributes]
        if len(hosts) == 1:
            return hosts[0].color, hosts[0].kind
    return NEUTRAL, "other"


def example_html(source: str, schema: AnnotationSchema, kind: GuidelineKind, name: str, fill: Fill) -> str:
    """One example with its marked words painted: their own label's colour, a tag's label colour,
    and the tag (another label, or a value) written small after the words."""
    try:
        ex = parse_example(source)
    except ExampleError:
        return escape(source)  # a validated schema never gets here; a hand-built one still renders
    own_color, own_kind = _host_label(schema, kind, name)
    opens: dict[int, list[str]] = {}
    closes: dict[int, list[str]] = {}
    for m in ex.marks:
        lab = schema.labels.get(m.tag or "")
        if lab is not None:
            color, span_kind = lab.color, lab.kind
        elif m.tag is None or kind in ("attribute", "field"):  # the entry's own span, or a value of it
            color, span_kind = own_color, own_kind
        else:  # a label the schema no longer declares (guideline_notes lists it)
            color, span_kind = NEUTRAL, "other"
        bg, fg = fill(color, span_kind)
        title = f' title="{escape(m.tag)}"' if m.tag else ""
        opens.setdefault(m.start, []).append(
            f'<span class="mark" style="background-color:{bg};color:{fg}"{title}>'
        )
        tag = f' <small class="tag">{escape(m.tag)}</small>' if m.tag else ""
        closes.setdefault(m.end, []).insert(0, tag + "</span>")
    out: list[str] = []
    cuts = sorted({0, len(ex.text), *opens, *closes})
    for a, b in zip(cuts, cuts[1:] + [None], strict=True):
        out.extend(closes.get(a, []))
        out.extend(opens.get(a, []))
        if b is not None:
            out.append(escape(ex.text[a:b]))
    return "".join(out)


def entry_title(schema: AnnotationSchema, kind: GuidelineKind, name: str) -> str:
    """What an entry is, in a line: ``span label (quote), key q``; ``relation QUOTE → PERSON, …``."""
    tables: dict[str, Mapping[str, object]] = {
        "label": schema.labels,
        "relation": schema.relations,
        "attribute": schema.value_sets,
        "field": schema.doc_fields,
    }
    if name not in tables[kind]:  # an entry asked for by name (a report's disputed label) not declared
        return KIND_NAMES[kind]
    if kind == "label":
        lab = schema.labels[name]
        return f"span label ({lab.kind})" + (f", key {lab.key}" if lab.key else "")
    if kind == "relation":
        rel = schema.relations[name]
        arrow = "↔" if rel.symmetric else "→"
        return f"relation {', '.join(rel.head)} {arrow} {', '.join(rel.child)}"
    if kind == "attribute":
        return "attribute: " + ", ".join(schema.value_sets[name].values)
    return f"document field ({schema.doc_fields[name].attribute})"


def _chip(schema: AnnotationSchema, kind: GuidelineKind, name: str, fill: Fill) -> str:
    color, span_kind = _host_label(schema, kind, name)
    if kind != "label":
        return f"<code>{escape(name)}</code>"
    bg, fg = fill(color, "entity" if span_kind == "quote" else span_kind)  # a chip, not a long quote
    return f'<span class="mark" style="background-color:{bg};color:{fg}">&nbsp;{escape(name)}&nbsp;</span>'


def examples_html(schema: AnnotationSchema, kind: GuidelineKind, name: str, g: Guideline, fill: Fill) -> str:
    parts = []
    for title, items, cls, sign, ink in (
        ("Yes", g.positive, "pos", "✓", "#2e7d32"),
        ("Not this", g.negative, "neg", "✗", "#b23b3b"),
    ):
        if items:
            lis = "".join(
                f'<li><span style="color:{ink};font-weight:600">{sign}</span>&nbsp; '
                f"{example_html(s, schema, kind, name, fill)}</li>"
                for s in items
            )
            parts.append(
                f'<p class="{cls}"><b>{title}</b></p>'
                f'<ul class="{cls}" style="list-style-type:none;margin-left:0;-qt-list-indent:0">{lis}</ul>'
            )
    return "".join(parts)


def entry_html(
    schema: AnnotationSchema, kind: GuidelineKind, name: str, g: Guideline | None, fill: Fill, level: int = 3
) -> str:
    """One entry: a heading with the label's chip, the definition, and the examples."""
    head = (
        f'<h{level} id="{anchor(kind, name)}"><a name="{anchor(kind, name)}"></a>'
        f"{_chip(schema, kind, name, fill)} "
        f'<span class="what">{escape(entry_title(schema, kind, name))}</span></h{level}>'
    )
    if g is None:
        return head + '<p class="none">No guideline yet.</p>'
    return head + markdown_html(g.definition) + examples_html(schema, kind, name, g, fill)


def guidelines_body(schema: AnnotationSchema, fill: Fill, level: int = 2) -> str:
    """The project text, then every entry by kind; entries without a guideline are listed last, so
    the lead sees what is still to write."""
    if not schema.has_guidelines:
        return (
            f"<p>The schema <code>{escape(schema.ref)}</code> has no guidelines yet.</p>"
            "<p>A lead adds them to the schema file: a top-level <code>guidelines</code> text in "
            "Markdown, and a <code>guideline</code> with a <code>definition</code> and "
            "<code>positive</code> and <code>negative</code> examples on each label, relation type, "
            "attribute and document field (see docs/guide/leads.md).</p>"
        )
    parts = [markdown_html(schema.guidelines)] if schema.guidelines.strip() else []
    entries = schema.guideline_entries()
    for kind, title in KIND_TITLES.items():
        mine = [(n, g) for k, n, g in entries if k == kind and g is not None]
        if mine:
            parts.append(f"<h{level}>{title}</h{level}>")
            parts.extend(entry_html(schema, kind, n, g, fill, level + 1) for n, g in mine)
    missing = [f"{KIND_NAMES[k]} <code>{escape(n)}</code>" for k, n, g in entries if g is None]
    if missing:
        parts.append(f'<h{level}>Without a guideline</h{level}><p class="none">{", ".join(missing)}</p>')
    return "\n".join(parts)


def contents_html(schema: AnnotationSchema) -> str:
    """One line of links per kind: the label CUE and the relation CUE must not look like one entry."""
    entries = schema.guideline_entries()
    lines = []
    for kind, title in KIND_TITLES.items():
        links = [f'<a href="#{anchor(k, n)}">{escape(n)}</a>' for k, n, g in entries if k == kind and g]
        if links:
            lines.append(f"{title}: {' · '.join(links)}")
    return f'<p class="toc">{"<br>".join(lines)}</p>' if lines else ""


CSS = """
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:#222;margin:24px auto;
max-width:860px;padding:0 16px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:19px;margin:32px 0 8px;border-bottom:1px solid #ddd;
padding-bottom:4px}h3{font-size:16px;margin:24px 0 4px}.what{font-weight:normal;color:#666;font-size:13px}
.sub{color:#666;margin:0 0 16px}.toc{font-size:13px;color:#666}.none{color:#777}
.mark{border-radius:3px;padding:1px 2px}.tag{font-size:10px;font-weight:600;opacity:.75}
p.pos b{color:#2e7d32}p.neg b{color:#b23b3b}ul.pos,ul.neg{margin-top:0;padding-left:8px}
ul.pos li,ul.neg li{margin:2px 0}code{background:#f3f3f3;padding:0 3px;border-radius:3px}
"""


def render(schema: AnnotationSchema) -> str:
    """The whole document as one HTML file: inline CSS, no script, nothing fetched."""
    title = f"Annotation guidelines — {schema.title}"
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en"><head><meta charset="utf-8">',
            '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
            "style-src 'unsafe-inline'\">",
            f"<title>{escape(title)}</title><style>{CSS}</style></head><body>",
            f"<h1>{escape(title)}</h1>",
            f'<p class="sub">schema <code>{escape(schema.ref)}</code></p>',
            contents_html(schema),
            guidelines_body(schema, paper_fill),
            "</body></html>",
        ]
    )


def write_guidelines_html(schema: AnnotationSchema, path: Path) -> None:
    with atomic_write(path) as fh:
        fh.write(render(schema))
