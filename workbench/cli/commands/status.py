"""``workbench status DIR``: who has done what, and how well they agree so far."""

from __future__ import annotations

import argparse
import json
import sys


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("status", help="progress per annotator and agreement so far in a project")
    p.add_argument("dir", help="the project folder")
    p.add_argument("--json", action="store_true", help="print one JSON object instead of tables")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from workbench.app.project import open_project, status_of

    project = open_project(args.dir)
    st = status_of(project)
    if args.json:
        print(
            json.dumps(
                {
                    "corpus": st.corpus,
                    "unassigned": st.unassigned,
                    "annotators": [
                        {
                            "name": a.name,
                            "assigned": a.assigned,
                            "done": a.done,
                            "in_progress": a.in_progress,
                            "skipped": a.skipped,
                            "todo": a.todo,
                            "seconds": a.seconds,
                        }
                        for a in st.annotators
                    ],
                    "agreement": st.agreement,
                    "disputed": st.disputed,
                    "throughput": [t.to_dict() for t in st.throughput],
                },
                ensure_ascii=False,
            )
        )
        return 0
    from rich.console import Console
    from rich.table import Table

    # piped or logged: rich would squeeze the tables to 80 columns and cut every header to "ann…"
    console = Console() if sys.stdout.isatty() else Console(width=160)
    console.print(f"[bold]{project.data['name']}[/]: {st.corpus} articles, {st.unassigned} not yet assigned")
    table = Table()
    for col in ("annotator", "assigned", "done", "in progress", "skipped", "to do", "time"):
        table.add_column(col, justify="left" if col == "annotator" else "right")
    for a in st.annotators:
        t = f"{a.seconds / 60:.0f} min" if a.seconds is not None else "-"
        table.add_row(a.name, *(str(x) for x in (a.assigned, a.done, a.in_progress, a.skipped, a.todo)), t)
    console.print(table)
    if any(t.articles for t in st.throughput):
        from workbench.core.throughput import table_rows

        header, rows = table_rows(st.throughput)
        tp = Table(title="Throughput (active time, idle gaps left out) and pre-annotations")
        for col in header:
            tp.add_column(col, justify="left" if col == "annotator" else "right")
        for row in rows:
            tp.add_row(*row)
        console.print(tp)
        console.print(
            "  articles/h, median min and edits/article count done articles with a recorded time; "
            "accepted/edited/rejected: the model's spans and relations in started articles"
        )
    if st.agreement:
        ag = st.agreement
        strict = f"{ag['span_f1_strict']:.2f}" if ag["span_f1_strict"] is not None else "-"
        lenient = f"{ag['span_f1_lenient']:.2f}" if ag["span_f1_lenient"] is not None else "-"
        console.print(
            f"agreement so far on {ag['articles']} shared article(s): "
            f"span F1 strict {strict}, lenient {lenient}"
        )
        for doc_id, f1 in st.disputed[:5]:
            console.print(f"  most disagreement: {doc_id}  strict F1 {f1:.2f}")
    else:
        console.print("agreement so far: no article has been started by two annotators yet")
    return 0
