"""The agreement report as one self-contained HTML file: inline CSS and SVG, no scripts, no links.

A lead mails it around or opens it offline, so nothing may be fetched: charts
are drawn here as SVG from an :class:`~workbench.core.agreement_report.AgreementReport`.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from workbench.core.agreement_report import AgreementReport
from workbench.io.atomic import atomic_write
from workbench.io.report_html_lead import lead_sections

STRICT, LENIENT = "#3b6fb6", "#9bbce6"
CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#222;margin:24px auto;
max-width:1100px;padding:0 16px}
h1{font-size:22px;margin:0 0 4px}
h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}
.sub{color:#666;margin:0 0 16px}table{border-collapse:collapse;margin:8px 0}
td,th{padding:3px 10px;border-bottom:1px solid #eee;text-align:right}th{background:#f6f6f6}
td:first-child,th:first-child{text-align:left}.note{color:#666;font-size:12px}
.legend span{display:inline-block;width:12px;height:12px;margin:0 4px 0 12px;vertical-align:-1px}
svg text{font:12px system-ui,sans-serif}.warn{color:#a33}h3{font-size:15px;margin:18px 0 4px}
blockquote{margin:4px 0 8px 0;padding:2px 12px;border-left:3px solid #ccd;color:#333}
code.cmd{font-size:11px;user-select:all;white-space:nowrap}mark{background:#ffe08a}
"""


def _f(x: float | None, digits: int = 3) -> str:
    return "—" if x is None else f"{x:.{digits}f}"


def _heat(x: float, lo: float = 0.0, hi: float = 1.0) -> str:
    """White to deep blue; used for every heat map so they read the same way."""
    t = 0.0 if hi <= lo else max(0.0, min(1.0, (x - lo) / (hi - lo)))
    r, g, b = (int(255 + (c - 255) * t) for c in (33, 82, 160))
    return f"rgb({r},{g},{b})"


def _ink(x: float, lo: float = 0.0, hi: float = 1.0) -> str:
    return "#fff" if hi > lo and (x - lo) / (hi - lo) > 0.55 else "#222"


def bars_svg(
    rows: list[tuple[str, list[float | None]]], series: list[tuple[str, str]], width: int = 640
) -> str:
    """Horizontal grouped bars on a 0..1 axis; ``rows`` are (label, one value per series)."""
    longest = max((min(len(label), 24) for label, _ in rows), default=8)
    label_w, bar_h, gap = min(max(90, int(longest * 7.2) + 16), 240), 14, 10
    plot_w = width - label_w - 60
    group_h = bar_h * len(series) + gap
    height = 24 + group_h * len(rows)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img">']
    for i in range(0, 11, 2):
        x = label_w + plot_w * i / 10
        out.append(f'<line x1="{x}" y1="0" x2="{x}" y2="{height - 18}" stroke="#eee"/>')
        out.append(f'<text x="{x}" y="{height - 4}" text-anchor="middle" fill="#888">{i / 10:.1f}</text>')
    for r, (label, values) in enumerate(rows):
        y0 = r * group_h + 4
        short = label if len(label) <= 24 else label[:23] + "…"
        out.append(
            f'<text x="{label_w - 8}" y="{y0 + group_h / 2 - 2}" text-anchor="end">'
            f"<title>{escape(label)}</title>{escape(short)}</text>"
        )
        for s, ((name, colour), v) in enumerate(zip(series, values, strict=True)):
            y = y0 + s * bar_h
            if v is None:
                out.append(f'<text x="{label_w + 4}" y="{y + bar_h - 3}" fill="#999">n/a</text>')
                continue
            w = max(1.0, plot_w * max(0.0, v))
            out.append(
                f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h - 2}" fill="{colour}">'
                f"<title>{escape(label)} {escape(name)}: {v:.3f}</title></rect>"
            )
            out.append(f'<text x="{label_w + w + 4:.1f}" y="{y + bar_h - 3}" fill="#444">{v:.2f}</text>')
    out.append("</svg>")
    return "".join(out)


def heatmap_svg(
    labels_y: list[str], labels_x: list[str], cells: list[list[float | None]], lo: float, hi: float, fmt: str
) -> str:
    """A labelled grid of coloured cells with the value written in each."""
    cell = 46 if len(labels_x) <= 12 else 30
    left = 14 + 8 * max((len(s) for s in labels_y), default=4)
    top = 14 + 7 * max((len(s) for s in labels_x), default=4)
    width, height = left + cell * len(labels_x) + 10, top + cell * len(labels_y) + 10
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img">']
    for j, lab in enumerate(labels_x):
        x = left + cell * j + cell / 2
        out.append(f'<text transform="translate({x + 4},{top - 6}) rotate(-60)">{escape(lab)}</text>')
    for i, lab in enumerate(labels_y):
        y = top + cell * i
        out.append(f'<text x="{left - 6}" y="{y + cell / 2 + 4}" text-anchor="end">{escape(lab)}</text>')
        for j, v in enumerate(cells[i]):
            x = left + cell * j
            if v is None:
                out.append(
                    f'<rect x="{x}" y="{y}" width="{cell}" height="{cell}" fill="#f4f4f4" stroke="#fff"/>'
                )
                continue
            tip = f"{labels_y[i]} / {labels_x[j]}: {fmt.format(v)}"
            fill = _heat(v, lo, hi)
            out.append(
                f'<rect x="{x}" y="{y}" width="{cell}" height="{cell}" fill="{fill}" stroke="#fff">'
                f"<title>{escape(tip)}</title></rect>"
            )
            out.append(
                f'<text x="{x + cell / 2}" y="{y + cell / 2 + 4}" text-anchor="middle" '
                f'fill="{_ink(v, lo, hi)}">{fmt.format(v)}</text>'
            )
    out.append("</svg>")
    return "".join(out)


def _table(header: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def _legend() -> str:
    return (
        f'<div class="legend"><span style="background:{STRICT}"></span>strict (same offsets and label)'
        f'<span style="background:{LENIENT}"></span>lenient (overlap, same label)</div>'
    )


def render(report: AgreementReport, title: str = "", max_documents: int = 40) -> str:
    r = report
    strict, lenient = r.spans["strict"], r.spans["lenient"]
    anns = r.annotators
    parts = [
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">',
        f"<title>Agreement report {escape(title)}</title><style>{CSS}</style></head><body>",
        "<h1>Inter-annotator agreement</h1>",
        f'<p class="sub">{r.documents} document(s) · {len(anns)} annotators: {escape(", ".join(anns))}'
        + (f"<br>{escape(title)}" if title else "")
        + "</p>",
    ]
    # per-label F1
    rows = [(lab, [strict["labels"][lab]["mean_f1"], lenient["labels"][lab]["mean_f1"]]) for lab in r.labels]
    rows.append(("all labels", [strict["mean_f1"], lenient["mean_f1"]]))
    parts += ["<h2>Span F1 per label</h2>", _legend()]
    parts.append(bars_svg(rows, [("strict", STRICT), ("lenient", LENIENT)]))
    parts.append('<p class="note">Mean over annotator pairs of the F1 between their spans.</p>')
    # pairwise matrix
    if len(anns) > 1:
        pair_f = {}
        # A pair's key is "a~b"; a name may hold "~" itself, so keys are matched, never split.
        names = {f"{a}~{b}": (a, b) for a in anns for b in anns if a != b}
        for key, s in strict["pairs"].items():
            if key in names:
                a, b = names[key]
                pair_f[(a, b)] = pair_f[(b, a)] = s["f1"]
        cells = [[None if a == b else pair_f.get((a, b)) for b in anns] for a in anns]
        known = [v for row in cells for v in row if v is not None]
        lo = min(int(min(known) * 10) / 10, 0.9) if known else 0.0
        parts += ["<h2>Strict span F1 between each pair of annotators</h2>"]
        parts.append(heatmap_svg(anns, anns, cells, lo, 1.0, "{:.2f}"))
        parts.append(
            f'<p class="note">Colour scale from {lo:.1f} (white) to 1.0 (dark), to show differences.</p>'
        )
    # relations
    if r.relations:
        parts += ["<h2>Relation F1 per type</h2>"]
        rel_rows = [(k, [v["mean_f1"]]) for k, v in r.relations.items()]
        parts.append(bars_svg(rel_rows, [("F1", STRICT)]))
        parts.append('<p class="note">A relation matches when head span, child span and type all match.</p>')
    # coefficients
    used = {n: c for n, c in r.coefficients.items() if c["units"]}
    ordinal = any("alpha_ordinal" in c for c in used.values())
    crow = []
    for name, c in used.items():
        row = [
            escape(name),
            str(c["units"]),
            _f(c["cohen_mean"]),
            f"{_f(c['fleiss'])} <span class='note'>({c['fleiss_units']})</span>",
            _f(c["alpha_nominal"]),
        ]
        crow.append(row + ([_f(c.get("alpha_ordinal")) if "alpha_ordinal" in c else ""] if ordinal else []))
    header = ["what", "units", "Cohen κ (mean of pairs)", "Fleiss κ (units)", "α nominal"]
    parts += ["<h2>Agreement coefficients</h2>"]
    parts.append(_table(header + (["α ordinal"] if ordinal else []), crow))
    parts.append(
        '<p class="note">Units coded by at least two annotators. Fleiss κ uses only the units '
        "every annotator coded (their number in brackets); Krippendorff's α uses all, with missing codes. "
        "<i>span label</i>: label of spans several annotators put at the same offsets; "
        "<i>quote speaker</i>: which mention each quote is attributed to; <i>tokens X</i>: every token is "
        "in or out of an X span (token-level, as PolNeAR reports).</p>"
    )
    parts += lead_sections(r)  # by batch or week, γ, disputes, throughput: when the run asked for them
    # confusion
    conf = r.confusion
    if len(conf["labels"]) > 1:
        labs = conf["labels"]
        counts = conf["counts"]
        peak = max((v for row in counts for v in row), default=1) or 1
        parts += ["<h2>Label confusion between annotators</h2>"]
        parts.append(heatmap_svg(labs, labs, [[float(v) for v in row] for row in counts], 0, peak, "{:.0f}"))
        parts.append(
            '<p class="note">Rows: the first annotator of each pair, columns: the second; spans at the same '
            "offsets. ∅: the other annotator has no span there.</p>"
        )
    # per-document ranking
    docs = r.per_document[:max_documents]
    if docs:
        parts += [
            f"<h2>Documents to look at first ({len(docs)} of {r.documents}, lowest agreement first)</h2>"
        ]
        parts.append(_legend())
        parts.append(
            bars_svg(
                [((d["title"] or d["id"]), [d["strict_f1"], d["lenient_f1"]]) for d in docs],
                [("strict", STRICT), ("lenient", LENIENT)],
                width=760,
            )
        )
        drows = [
            [
                escape((d["title"] or "")[:80]),
                f"<code>{escape(d['id'])}</code>",
                _f(d["strict_f1"]),
                _f(d["lenient_f1"]),
                _f(d["relation_f1"]),
                _f(d["min_pair_f1"]),
                " ".join(f"{escape(a)}:{n}" for a, n in d["spans"].items()),
            ]
            for d in docs
        ]
        parts.append(
            _table(["title", "id", "strict F1", "lenient F1", "relation F1", "worst pair", "spans"], drows)
        )
    for listed, what in ((r.skipped, "Skipped articles"), (r.problems, "Problems in the inputs")):
        if listed:
            items = "".join(f"<li>{escape(s)}</li>" for s in listed[:200])
            parts.append(f'<h2 class="warn">{what} ({len(listed)})</h2><ul>{items}</ul>')
    parts.append("</body></html>")
    return "\n".join(parts)


def write_report(report: AgreementReport, path: Path, title: str = "") -> None:
    with atomic_write(path) as fh:
        fh.write(render(report, title))
