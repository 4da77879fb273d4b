"""The lead's sections of the HTML agreement report: figures over time, γ, disputes, throughput.

Same rules as :mod:`workbench.io.report_html`: one self-contained file, inline SVG, no
scripts. A link into the window cannot be a real hyperlink (no browser may start a
program from a ``file://`` page without a registered URL handler, and registering one
is an installer's business), so each disputed span shows the command that opens it,
ready to copy, with the article and offsets in plain sight.
"""

from __future__ import annotations

from html import escape
from typing import Any

from workbench.core.guidelines import ExampleError, parse_example
from workbench.core.throughput import THROUGHPUT_HEADER, throughput_cells

PALETTE = ("#3b6fb6", "#d9822b", "#2e9e6a", "#b83f5a", "#7a5cc4", "#8c8c3a", "#3aa0b8", "#a0522d", "#555")


def _f(x: float | None, digits: int = 3) -> str:
    return "—" if x is None else f"{x:.{digits}f}"


def _table(header: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def line_chart_svg(keys: list[str], series: dict[str, list[float | None]], width: int = 760) -> str:
    """One line per series over the groups in order; a gap where a group has no value."""
    left, right, top, bottom = 44, 200, 12, 54
    plot_w, plot_h = width - left - right, 220
    values = [v for vs in series.values() for v in vs if v is not None]
    lo = min(0.0, min(values, default=0.0))
    lo = float(int(lo * 10 - 1)) / 10 if lo < 0 else 0.0
    height = top + plot_h + bottom

    def x(i: int) -> float:
        return left + (plot_w * i / (len(keys) - 1) if len(keys) > 1 else plot_w / 2)

    def y(v: float) -> float:
        return top + plot_h * (1 - (v - lo) / (1 - lo))

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img">']
    ticks = [lo + (1 - lo) * k / 5 for k in range(6)]
    for t in ticks:
        out.append(f'<line x1="{left}" y1="{y(t):.1f}" x2="{left + plot_w}" y2="{y(t):.1f}" stroke="#eee"/>')
        out.append(f'<text x="{left - 6}" y="{y(t) + 4:.1f}" text-anchor="end" fill="#888">{t:.1f}</text>')
    for i, key in enumerate(keys):
        out.append(
            f'<text transform="translate({x(i):.1f},{top + plot_h + 14}) rotate(20)" fill="#444">'
            f"{escape(key if len(key) <= 30 else key[:29] + '…')}</text>"
        )
    for n, (name, vs) in enumerate(series.items()):
        colour = PALETTE[n % len(PALETTE)]
        runs: list[list[tuple[float, float]]] = [[]]
        for i, v in enumerate(vs):
            if v is None:
                runs.append([])
            else:
                runs[-1].append((x(i), y(v)))
        for run in runs:
            if len(run) > 1:
                pts = " ".join(f"{a:.1f},{b:.1f}" for a, b in run)
                dash = ' stroke-dasharray="6 3"' if n % 2 else ""  # lines that coincide stay visible
                out.append(f'<polyline points="{pts}" fill="none" stroke="{colour}" stroke-width="2"{dash}/>')
        for i, v in enumerate(vs):
            if v is not None:
                out.append(
                    f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="3.5" fill="{colour}">'
                    f"<title>{escape(name)}, {escape(keys[i])}: {v:.3f}</title></circle>"
                )
        ly = top + 6 + 18 * n
        out.append(f'<rect x="{left + plot_w + 16}" y="{ly}" width="12" height="12" fill="{colour}"/>')
        out.append(f'<text x="{left + plot_w + 34}" y="{ly + 10}">{escape(name)}</text>')
    out.append("</svg>")
    return "".join(out)


def groups_html(groups: dict[str, Any]) -> list[str]:
    items = groups["groups"]
    parts = [f"<h2>Agreement by {escape(groups['by'])}</h2>"]
    if not items:
        return parts + ['<p class="note">No article was compared.</p>']
    keys = [g["key"] for g in items]
    names = list(dict.fromkeys(k for g in items for k in g["figures"]))
    series = {n: [g["figures"].get(n) for g in items] for n in names}
    parts.append(line_chart_svg(keys, series))
    rows = [[escape(g["key"]), str(g["documents"]), *(_f(g["figures"].get(n)) for n in names)] for g in items]
    parts.append(_table([groups["by"], "documents", *names], rows))
    parts.append(
        '<p class="note">Each group is measured on its own articles. <i>batch</i>: the project\'s hand-out '
        "rounds (<code>workbench assign</code>), or the records' <code>meta.batch</code>; <i>week</i>: "
        "the ISO week of the last activity on the article. A falling line is drift; a low group is a "
        "training need.</p>"
    )
    return parts


def gamma_html(g: dict[str, Any]) -> list[str]:
    parts = ["<h2>γ (Mathet) for spans</h2>"]
    if not g.get("computed"):
        return parts + [f'<p class="note">{escape(g["message"])}</p>']
    how = "all annotators of an article together" if g["mode"] == "all" else "mean over annotator pairs"
    parts.append(
        f"<p><b>γ = {_f(g['gamma'])}</b> ({escape(how)}), measured on {g['measured']} of {g['continua']} "
        f"continua from {g['articles']} article(s) in {g['seconds']:.1f} s "
        f"({_f(g['seconds_per_continuum'], 2)} s each), plus {g['import_seconds']:.1f} s to load "
        "pygamma-agreement.</p>"
    )
    if g["message"]:
        parts.append(f'<p class="warn">{escape(g["message"])}</p>')
    rows = [[escape(k), _f(v)] for k, v in g["per_label"].items()]
    if rows:
        parts.append(_table(["label", "γ_k (label choice on aligned spans)"], rows))
    rows = [[escape(k), _f(v)] for k, v in g["per_annotator"].items()]
    if rows:
        parts.append(_table(["annotator", "γ (mean of their pairs)"], rows))
    parts.append(
        '<p class="note">γ aligns overlapping and nested spans and weighs position and label differences '
        "against random continua (1 = perfect, 0 = chance, may go below 0). γ_k is Mathet's agreement on "
        "the <i>category</i> of aligned spans only, not a per-label γ: do not compare it with per-label "
        "F1.</p>"
    )
    return parts


def example_html(source: str) -> str:
    """A guideline example with its marked words highlighted (``[[words]]``, ``[[words|TAG]]``)."""
    try:
        ex = parse_example(source)
    except ExampleError:
        return escape(source)
    depth = [0] * (len(ex.text) + 1)
    for m in ex.marks:
        depth[m.start] += 1
        depth[m.end] -= 1
    out, level, run = [], 0, ""
    for i, ch in enumerate(ex.text):
        nxt = level + depth[i]
        if (nxt > 0) != (level > 0) and run:
            out.append(f"<mark>{escape(run)}</mark>" if level > 0 else escape(run))
            run = ""
        level = nxt
        run += ch
    out.append(f"<mark>{escape(run)}</mark>" if level > 0 else escape(run))
    return "".join(out)


def _guideline(g: dict[str, Any] | None) -> str:
    if g is None:
        return '<p class="note">The schema has no guideline for this label.</p>'
    out = f"<p>{escape(g['definition'])}</p>" if g["definition"] else ""
    for key, title in (("positive", "Mark"), ("negative", "Do not mark")):
        if g[key]:
            items = "".join(f"<li>{example_html(str(x))}</li>" for x in g[key])
            out += f"<p class='note'>{title}:</p><ul>{items}</ul>"
    return f"<blockquote>{out}</blockquote>"


def disputes_html(d: dict[str, Any]) -> list[str]:
    parts = [f"<h2>Disputes: strict span F1 below {d['threshold']}</h2>"]
    if not d["labels"] and not d["annotators"]:
        return parts + ['<p class="note">No label and no annotator below the threshold.</p>']
    if d["annotators"]:
        who = ", ".join(f"{escape(a['name'])} ({_f(a['f1'], 2)})" for a in d["annotators"])
        parts.append(f"<p>Annotators below it with everyone else: {who}</p>")
    for lab in d["labels"]:
        below = (
            ", ".join(f"{escape(a['name'])} ({_f(a['f1'], 2)})" for a in lab["annotators"]) or "none alone"
        )
        parts.append(
            f"<h3>{escape(lab['label'])}: F1 {_f(lab['f1'], 2)} "
            f"<span class='note'>(lenient {_f(lab['lenient_f1'], 2)}; below: {below})</span></h3>"
        )
        parts.append(_guideline(lab.get("guideline")))
        rows = [
            [
                f"<code>{escape(ex['id'])}</code>",
                f"{ex['start']}–{ex['end']}",
                escape(ex["text"]),
                escape(", ".join(ex["marked_by"])),
                escape(", ".join(ex["not_by"])),
                f"<code class='cmd'>{escape(ex['open'])}</code>",
            ]
            for ex in lab["examples"]
        ]
        if rows:
            parts.append(_table(["article", "offsets", "text", "marked by", "not by", "open it"], rows))
    parts.append(
        '<p class="note">Copy a command into a terminal: the window opens that annotator\'s file on the '
        "article with the span current. FILE stands for an annotator's file when the input was a brat "
        "folder.</p>"
    )
    return parts


def throughput_html(rows: list[dict[str, Any]]) -> list[str]:
    body = [[escape(c) for c in throughput_cells(t)] for t in rows]
    return [
        "<h2>Throughput and pre-annotations</h2>",
        _table(list(THROUGHPUT_HEADER), body),
        '<p class="note">Active time as the window measured it, idle gaps over two minutes left out. '
        "Rates count done articles with a recorded time. Accepted / edited / rejected: what became of the "
        "model's spans and relations in the articles each annotator started.</p>",
    ]


def lead_sections(report: Any) -> list[str]:
    """The sections a run asked for, in reading order."""
    parts: list[str] = []
    if report.groups is not None:
        parts += groups_html(report.groups)
    if report.gamma is not None:
        parts += gamma_html(report.gamma)
    if report.disputes is not None:
        parts += disputes_html(report.disputes)
    if report.throughput is not None:
        parts += throughput_html(report.throughput)
    return parts
