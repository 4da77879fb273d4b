"""``workbench agreement FILES... [--html report.html] [--json]``: how much annotators agree."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from workbench.app.agreement import Extras, agreement_over
from workbench.app.agreement_extras import GROUPINGS
from workbench.app.gamma import SAMPLE as GAMMA_SAMPLE
from workbench.app.inputs import annotator_inputs, ensure_parent
from workbench.cli.errors import UserError
from workbench.cli.lead_text import render_extras
from workbench.cli.listing import figure, shorten, split_names, text_table
from workbench.cli.options import add_annotators_option, add_jobs_option, add_records_schema_option
from workbench.cli.progress import TerminalProgress
from workbench.core.agreement_report import AgreementReport

DISPUTE_BELOW = 0.6


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "agreement",
        help="inter-annotator agreement: span F1, kappas, alpha, relations, per-document ranking",
        description="Agreement between annotators' files (or the versions kept in one merged file, or a "
        "brat folder): strict and lenient span F1 per label, Cohen's and Fleiss' kappa and Krippendorff's "
        "alpha for labels, attributes, speakers and document fields, relation F1, per-document ranking "
        "and a label confusion matrix.",
    )
    p.add_argument("inputs", nargs="+", help="annotator JSONL files, one merged file, or a brat folder")
    p.add_argument("--html", help="write a self-contained HTML report here")
    p.add_argument("--json", action="store_true", help="print the full figures as JSON")
    add_annotators_option(p)
    add_records_schema_option(p)
    p.add_argument(
        "--tokens",
        help="comma-separated span labels for token-level alpha (e.g. MENTION,CUE,QUOTE, as PolNeAR reports)",
    )
    add_jobs_option(p)
    p.add_argument("--documents", type=int, default=10, help="how many worst documents to list (default 10)")
    p.add_argument(
        "--by",
        choices=GROUPINGS,
        help="figures per hand-out batch (the project's assign rounds, or meta.batch) or per ISO week of "
        "the last activity, to see drift over time",
    )
    p.add_argument(
        "--gamma",
        action="store_true",
        help="add Mathet's gamma for spans (needs pip install 'workbench[gamma]'; seconds per article)",
    )
    p.add_argument(
        "--gamma-sample",
        type=int,
        default=GAMMA_SAMPLE,
        metavar="N",
        help=f"measure gamma on at most N continua, drawn with a fixed seed (default {GAMMA_SAMPLE})",
    )
    p.add_argument(
        "--dispute-below",
        type=float,
        default=DISPUTE_BELOW,
        metavar="F1",
        help=f"list labels and annotators whose strict span F1 is below this, with the guideline and "
        f"spans to open (default {DISPUTE_BELOW}; 0 lists none)",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    progress = TerminalProgress("agreement", "agreement", None, sys.stderr, transient=True)
    with annotator_inputs(args.inputs, say_where=False) as (paths, note):
        if args.gamma_sample < 1:
            raise UserError("--gamma-sample: give at least 1")
        extras = Extras(
            by=args.by,
            gamma=args.gamma,
            gamma_sample=args.gamma_sample,
            dispute_below=args.dispute_below if args.dispute_below > 0 else None,
            throughput=bool(args.html),
            openable=note is None,  # a brat folder is read into a temp dir that goes with the run
        )
        try:
            report = agreement_over(
                paths,
                split_names(args.annotators),
                args.schema,
                split_names(args.tokens) or [],
                args.jobs,
                progress,
                extras,
            )
        finally:
            progress.close()
    if args.html:
        from workbench.io.report_html import write_report

        ensure_parent(Path(args.html))
        try:
            write_report(report, Path(args.html), title=", ".join(str(p) for p in args.inputs))
        except OSError as e:
            raise UserError(f"cannot write {args.html}: {e.strerror or e}") from None
    if args.json:
        sys.stdout.flush()
        sys.stdout.buffer.write(report.to_json() + b"\n")
        sys.stdout.buffer.flush()
        return 0
    if note:
        print(note)
    print(render_table(report, args.documents))
    extra = render_extras(report)
    if extra:
        print()
        print(extra)
    if args.html:
        print(f"HTML report: {args.html}")
    return 0


def render_table(r: AgreementReport, n_docs: int = 10) -> str:
    """The terminal view: spans, relations, coefficients, worst documents, confusion."""
    out = [f"{r.documents} document(s), annotators: {', '.join(r.annotators)}", ""]
    strict, lenient = r.spans["strict"], r.spans["lenient"]
    rows = []
    for lab in r.labels:
        s, le = strict["labels"][lab], lenient["labels"][lab]
        rows.append(
            [
                lab,
                figure(s["mean_f1"]),
                figure(le["mean_f1"]),
                figure(s["micro"]["precision"]),
                figure(s["micro"]["recall"]),
            ]
        )
    rows.append(["all labels", figure(strict["mean_f1"]), figure(lenient["mean_f1"]), "", ""])
    out += ["Spans (mean over annotator pairs; P/R pooled, first of each pair as reference)"]
    out += text_table(["label", "strict F1", "lenient F1", "strict P", "strict R"], rows) + [""]
    if r.relations:
        out += ["Relations (same head span, child span and type)"]
        out += text_table(
            ["type", "mean F1"], [[k, figure(v["mean_f1"])] for k, v in r.relations.items()]
        ) + [""]
    used = {name: c for name, c in r.coefficients.items() if c["units"]}
    ordinal = any("alpha_ordinal" in c for c in used.values())
    rows = []
    for name, c in used.items():
        row = [name, str(c["units"]), figure(c["cohen_mean"]), f"{figure(c['fleiss'])} ({c['fleiss_units']})"]
        row.append(figure(c["alpha_nominal"]))
        if ordinal:
            row.append(figure(c.get("alpha_ordinal")) if "alpha_ordinal" in c else "")
        rows.append(row)
    header = ["what", "units", "Cohen κ mean", "Fleiss κ (units)", "α nominal"] + (
        ["α ordinal"] if ordinal else []
    )
    out += ["Coefficients (units coded by at least two annotators)"]
    out += text_table(header, rows) + [""]
    docs = r.per_document[:n_docs]
    if docs:
        out += [f"Documents to look at first (lowest strict span F1, {len(docs)} of {r.documents})"]
        rows = [
            [
                (d["title"] or d["id"])[:50],
                d["id"],
                figure(d["strict_f1"]),
                figure(d["lenient_f1"]),
                figure(d["relation_f1"]),
            ]
            for d in docs
        ]
        out += text_table(["title", "id", "strict F1", "lenient F1", "relation F1"], rows) + [""]
    conf = r.confusion
    if len(conf["labels"]) > 1:
        out += ["Label confusion between annotators (same offsets; ∅ = the other marked nothing there)"]
        labs = conf["labels"]
        out += text_table(
            ["", *labs], [[a, *[str(x) for x in row]] for a, row in zip(labs, conf["counts"], strict=True)]
        )
        out += [""]
    if r.skipped:
        out += [f"Skipped {len(r.skipped)} article(s):"] + [f"  {s}" for s in shorten(r.skipped)]
    if r.problems:
        out += [f"{len(r.problems)} problem(s) in the inputs:"] + [f"  {s}" for s in shorten(r.problems)]
    return "\n".join(out).rstrip()
