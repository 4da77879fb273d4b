"""The terminal view of what a lead adds to an agreement run: groups over time, γ, disputes, throughput."""

from __future__ import annotations

from typing import Any

from workbench.cli.listing import figure, shorten, text_table
from workbench.core.agreement_report import AgreementReport
from workbench.core.throughput import THROUGHPUT_HEADER, throughput_cells


def render_groups(groups: dict[str, Any]) -> list[str]:
    items = groups["groups"]
    if not items:
        return [f"By {groups['by']}: no article compared"]
    names = list(dict.fromkeys(k for g in items for k in g["figures"]))
    header = [groups["by"], "docs", *names]
    rows = [[g["key"], str(g["documents"]), *(figure(g["figures"].get(n)) for n in names)] for g in items]
    return [f"By {groups['by']} (each group measured on its own)", *text_table(header, rows)]


def render_gamma(g: dict[str, Any]) -> list[str]:
    if not g.get("computed"):
        return [g["message"]]
    how = "all annotators of an article together" if g["mode"] == "all" else "mean over annotator pairs"
    out = [
        f"γ (Mathet, pygamma-agreement; {how}): {figure(g['gamma'])} on {g['measured']} of {g['continua']} "
        f"continua from {g['articles']} article(s); {g['seconds']:.1f} s "
        f"({figure(g['seconds_per_continuum'], 2)} s each) + {g['import_seconds']:.1f} s to import"
    ]
    if g["per_label"]:
        out.append(
            "  γ_k (label choice on aligned spans): "
            + ", ".join(f"{k} {figure(v)}" for k, v in g["per_label"].items())
        )
    if g["per_annotator"]:
        out.append("  per annotator: " + ", ".join(f"{k} {figure(v)}" for k, v in g["per_annotator"].items()))
    if g["message"]:
        out.append(f"  {g['message']}")
    return out


def render_disputes(d: dict[str, Any]) -> list[str]:
    t = d["threshold"]
    if not d["labels"] and not d["annotators"]:
        return [f"Disputes: no label or annotator below strict span F1 {t}"]
    out = [f"Disputes (strict span F1 below {t})"]
    for lab in d["labels"]:
        who = ", ".join(f"{a['name']} {figure(a['f1'], 2)}" for a in lab["annotators"]) or "none alone"
        out.append(
            f"  {lab['label']}: F1 {figure(lab['f1'], 2)} "
            f"(lenient {figure(lab['lenient_f1'], 2)}); below: {who}"
        )
        g = lab.get("guideline")
        if g and g.get("definition"):
            out.append(f"    guideline: {' '.join(g['definition'].split())[:200]}")
        elif g is None:
            out.append("    guideline: none in the schema for this label")
        for ex in lab["examples"]:
            out.append(
                f"    {ex['id']} {ex['start']}-{ex['end']} {ex['text']!r}: "
                f"marked by {', '.join(ex['marked_by'])}"
                f", not by {', '.join(ex['not_by'])}"
            )
            out.append(f"      {ex['open']}")
    if d["annotators"]:
        out.append("  annotators: " + ", ".join(f"{a['name']} {figure(a['f1'], 2)}" for a in d["annotators"]))
    return out


def render_throughput(rows: list[dict[str, Any]]) -> list[str]:
    body = [throughput_cells(t) for t in rows]
    return ["Throughput (active time) and pre-annotations", *text_table(list(THROUGHPUT_HEADER), body)]


def render_extras(r: AgreementReport) -> str:
    out: list[str] = []
    for part, draw in (
        (r.groups, render_groups),
        (r.gamma, render_gamma),
        (r.disputes, render_disputes),
        (r.throughput, render_throughput),
    ):
        if part is not None:
            out += [*draw(part), ""]  # type: ignore[operator]
    return "\n".join(shorten(out, 400) if len(out) > 400 else out).rstrip()
