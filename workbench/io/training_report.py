"""``MODEL_DIR/training-report.html``: what a trained model is for and how good it is, as one offline page.

Inline CSS and SVG, no scripts (the same rules and look as the agreement report,
:mod:`workbench.io.report_html`). The data is the plain dict that
:mod:`workbench.app.train` builds from its ``TrainSummary``.
"""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Any

from workbench.io.atomic import write_text_atomic
from workbench.io.report_html import CSS, STRICT, _f, _table

FIGURES = (
    ("all attributions @30 %", "all@30"),
    ("all attributions @80 %", "all@80"),
    ("reported speech @30 %", "indirect@30"),
    ("reported speech @80 %", "indirect@80"),
    ("direct quotes @30 %", "direct@30"),
    ("direct quotes @80 %", "direct@80"),
)


def line_svg(points: list[tuple[float, float]], x_label: str, y_label: str, width: int = 560) -> str:
    """A line with dots over (x, y) points, y on 0..1, x from 0 to the largest x; labels on each dot."""
    height, left, bottom, top, right = 260, 48, 36, 12, 24
    pw, ph = width - left - right, height - top - bottom
    xmax = max((x for x, _ in points), default=1.0) or 1.0

    def at(x: float, y: float) -> tuple[float, float]:
        return left + pw * x / xmax, top + ph * (1 - max(0.0, min(1.0, y)))

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img">']
    for i in range(0, 11, 2):
        _, y = at(0, i / 10)
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + pw}" y2="{y:.1f}" stroke="#eee"/>')
        out.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#888">{i / 10:.1f}</text>')
    xy = [at(x, y) for x, y in points]
    if len(xy) > 1:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in xy)
        out.append(f'<polyline points="{path}" fill="none" stroke="{STRICT}" stroke-width="2"/>')
    for (x, y), (px, py) in zip(points, xy, strict=True):
        out.append(
            f'<circle cx="{px:.1f}" cy="{py:.1f}" r="4" fill="{STRICT}">'
            f"<title>{x:g}: {y:.3f}</title></circle>"
        )
        out.append(f'<text x="{px:.1f}" y="{py - 8:.1f}" text-anchor="middle" fill="#444">{y:.2f}</text>')
        out.append(f'<text x="{px:.1f}" y="{top + ph + 16}" text-anchor="middle" fill="#888">{x:g}</text>')
    out.append(f'<text x="{left + pw / 2}" y="{height - 4}" text-anchor="middle">{escape(x_label)}</text>')
    out.append(
        f'<text x="12" y="{top + ph / 2}" transform="rotate(-90 12 {top + ph / 2})" text-anchor="middle">'
    )
    out.append(f"{escape(y_label)}</text></svg>")
    return "".join(out)


def render(d: dict[str, Any]) -> str:
    meta = d.get("meta", {})
    dev = d.get("dev", {})
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'>",
        f"<title>Training report: {escape(d['name'])}</title>",
        f"<style>{CSS}</style></head><body>",
        f"<h1>Training report: {escape(d['name'])} {escape(d['version'])}</h1>",
        "<p class='sub'>Pre-annotations from this model carry "
        f"<code>origin = {escape(d['origin'])}</code>.</p>",
        "<h2>What it was trained for</h2>",
        _table(
            ["", ""],
            [
                ["schema", escape(d["schema"])],
                ["predicts", "QUOTE (with quote_kind), CUE, the speaker span; SPEAKER and CUE relations"],
                ["entities", escape(_entities_line(meta.get("entities")))],
                ["base pipeline (entities, parse)", escape(str(meta.get("base", "")))],
                ["training data", escape(", ".join(meta.get("training_data", {}).get("files", [])))],
                ["training articles", str(d["articles"])],
                ["dev articles", f"{d['dev_articles']} ({escape(d['dev_source'])})"],
                ["epochs (best)", f"{len(d['epochs'])} ({d['best_epoch']})"],
                ["rules' reported speech kept", escape(d["policy"])],
                ["time", f"{d['seconds']:.0f} s wall, {d['cpu_seconds']:.0f} s CPU"],
                ["workbench", escape(str(meta.get("workbench_version", "")))],
            ],
        ),
        "<h2>Attributions on dev (as <code>workbench eval</code> scores them)</h2>",
        _table(
            ["", "P", "R", "F1", "gold", "predicted"],
            [
                [
                    escape(name),
                    _f(m.get("p")),
                    _f(m.get("r")),
                    _f(m.get("f1")),
                    str(m.get("gold", "")),
                    str(m.get("pred", "")),
                ]
                for name, key in FIGURES
                if (m := dev.get(key))
            ],
        ),  # fmt: skip
        _table(
            ["speaker accuracy", "@30 %", "@80 %"],
            [
                [
                    split,
                    _f(dev.get(f"speaker@30:{split}", {}).get("accuracy")),
                    _f(dev.get(f"speaker@80:{split}", {}).get("accuracy")),
                ]
                for split in ("all", "direct", "indirect")
            ],
        ),  # fmt: skip
        "<h2>Per label (the tagger's spans, exact match)</h2>",
        _table(
            ["label", "P", "R", "F1", "gold"],
            [
                [escape(lab), _f(m.get("p")), _f(m.get("r")), _f(m.get("f1")), str(m.get("gold", ""))]
                for lab, m in d.get("labels", {}).items()
            ],
        ),
        "<p class='note'>CONTENT is scored here as the tagger found it; the table above scores the quotes "
        "pre-annotation writes (rules and model together), with the Gender Gap Tracker's overlap "
        "matching.</p>",
        *_entity_tables(meta.get("entities"), dev.get("entities")),
        "<h2>Per epoch</h2>",
        _table(
            ["epoch", "loss", "dev F1 @30 %", "dev entity F1", "seconds"],
            [
                [
                    str(e["epoch"]),
                    f"{e['loss']:.0f}",
                    _f(e["main"]),
                    _f(e.get("entities")) if e.get("entities") is not None else "",
                    f"{e['seconds']:.0f}",
                ]
                for e in d["epochs"]
            ],
        ),
    ]
    if len(d["epochs"]) > 1:
        parts.append(line_svg([(e["epoch"], e["main"]) for e in d["epochs"]], "epoch", "dev F1 @30 %"))
    if d.get("curve"):
        pts = [(float(n), f) for n, f in d["curve"]]
        best = dev.get("all@30", {}).get("f1")
        if best is not None:
            pts.append((float(d["articles"]), float(best)))
        parts += [
            "<h2>Learning curve</h2>",
            line_svg(pts, "training articles", "dev F1 @30 %"),
            "<p class='note'>Each point is a model trained on the first N training articles for the same "
            "number of epochs, its best epoch on dev; the last point is this model.</p>",
        ]
    if d.get("problems"):
        shown = d["problems"][:30]
        parts += ["<h2>Problems in the gold</h2><ul>"] + [f"<li>{escape(p)}</li>" for p in shown] + ["</ul>"]
    parts.append("</body></html>")
    return "\n".join(parts)


def _entities_line(e: dict[str, Any] | None) -> str:
    if not e:
        return "from the base pipeline, unchanged (the gold has too few articles with entity spans)"
    new = f"; new labels {', '.join(e['new_labels'])}" if e.get("new_labels") else ""
    kept = (
        f"the trained ner of epoch {e['epoch']}"
        if e.get("kept") == "trained"
        else "the base ner, unchanged (training did not beat it on dev)"
    )
    return f"learnt from {e['articles']} articles: {', '.join(e['labels'])}{new}; kept: {kept}"


def _entity_tables(e: dict[str, Any] | None, final: dict[str, Any] | None) -> list[str]:
    """Per-label entity P/R/F1 on dev (exact spans), the kept ner's beside the base ner's."""
    if not e or not (final or e.get("dev")):
        return []
    final = final or e.get("dev", {})
    base = e.get("base_dev") or {}
    rows = []
    for lab, m in final.items():
        b = base.get(lab, {})
        rows.append(
            [escape(lab), _f(m.get("p")), _f(m.get("r")), _f(m.get("f1")), str(m.get("gold", "")),
             _f(b.get("f1")) if b else ""]
        )  # fmt: skip
    return [
        "<h2>Entities on dev (exact match)</h2>",
        _table(["label", "P", "R", "F1", "gold", "base ner F1"], rows),
        "<p class='note'>Scored on the dev articles that carry entity spans; the base ner's figure is "
        "what the trained ner had to beat to be kept.</p>",
    ]


def write_training_report(path: Path, data: dict[str, Any]) -> None:
    write_text_atomic(path, render(data))
