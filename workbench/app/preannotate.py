"""Pre-annotate a corpus into one JSONL file: the run behind ``workbench preannotate INPUT... -o OUT``.

Streaming (one batch in memory), resumable (ids already in OUT are skipped, so
running it again after Ctrl+C, a cancel or a crash carries on), and safe: OUT
only ever receives whole lines, appended, so a stopped run leaves a valid file.
A failing article is reported with its id and skipped; the run goes on.

What the user must see whatever the progress shows (the model in use, a repair
of OUT, each input problem and each skipped article) goes to ``tell`` as it
happens: a :class:`~workbench.core.problems.Problem` when it names a file and
line, a plain line otherwise. The counts come back as a
:class:`PreannotateSummary`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from workbench.app.errors import AppError
from workbench.app.progress import NO_PROGRESS, Progress
from workbench.core.problems import Problem
from workbench.core.record import Record, untouched_preannotation
from workbench.core.schema import AnnotationSchema, SchemaError, default_schema, load_schema
from workbench.io.articles import KINDS, Clean, walk_folder
from workbench.io.interop._base import without_surrogates

Tell = Callable[[Problem | str], None]


def _ignore(_: Problem | str) -> None:
    pass


@dataclass(slots=True)
class PreannotateSummary:
    """What a run did; ``lines()`` is what a front end shows at the end."""

    output: Path
    model: str  # the model in use, in the user's words (the policy's message)
    trained: bool
    written: int = 0
    failed: int = 0
    skipped: int = 0  # already in OUT (or its page's uncleaned text is, from a run with --no-clean or before)
    duplicates: int = 0  # same text as an earlier input of this run: written once, under the first
    problems: int = 0  # input files or lines that could not be read
    cleaned: int = 0  # of those written, raw pages cleaned first (as the window cleans a page it opens)
    furniture: int = 0  # pieces of page furniture those lost (kept in their meta.cleaning)
    interrupted: bool = False

    def lines(self) -> list[str]:
        out = [
            f"{self.output}: {self.written} articles pre-annotated, {self.failed} failed, "
            f"{self.skipped} already done, {self.problems} input problems"
        ]
        if self.duplicates:
            out.append(
                f"{self.duplicates} input(s) had the same text as an earlier one and were written once, "
                "under the first one's record (each is listed above with both places)"
            )
        if self.interrupted:
            out.append("interrupted: the output is valid; run the same command again to resume")
        elif not self.trained:
            out.append("WARNING: no trained model was used: " + self.model)
        return out


def run_preannotation(
    inputs: Sequence[Path],
    output: Path,
    *,
    schema: AnnotationSchema | str | Path | None = None,
    model: str | None = None,
    batch_size: int = 64,
    n_process: int = 1,
    clean: Clean = "raw",
    progress: Progress = NO_PROGRESS,
    tell: Tell = _ignore,
) -> PreannotateSummary:
    """Append one pre-annotated record per new article of ``inputs`` to ``output``.

    Raw ``.txt``/``.html`` pages are cleaned first, as the window cleans a page it opens and
    ``workbench add`` cleans one it adds (``clean="raw"``, decision 0015: one path,
    :func:`workbench.io.articles.read_articles`); ``True`` cleans bare JSON articles too,
    ``False`` nothing. A record that carries spans or relations is never cleaned. A page whose
    uncleaned text is already in OUT counts as done, so a run begun uncleaned resumes as it was.

    ``model`` is a model named by the user (a flag): it loads or the run stops; without
    it the configured or default model is chosen (:func:`workbench.nlp.models.select_model`).
    ``progress.cancelled()`` is polled between batches; Ctrl+C (``KeyboardInterrupt``)
    stops the same way. Either way the summary says ``interrupted`` and OUT is valid.
    """
    from workbench.app.cleaning import furniture
    from workbench.io.articles import read_articles
    from workbench.io.jsonl import dumps
    from workbench.nlp.models import ModelNotFound, select_model
    from workbench.nlp.preannotate import Preannotator, preannotate_records

    for p in inputs:
        if not p.exists():
            raise AppError(f"{p}: no such file or folder")
    if output.is_dir():
        raise AppError(f"{output} is a folder: give a JSONL file to write (folders are for --cluster)")
    sch = _schema(schema)
    try:
        loaded = select_model(flag=model, schema=sch)
    except ModelNotFound as e:
        raise AppError(f"{e}\n(list installed pipelines with `python -m spacy info`)") from None
    tell(("" if loaded.is_trained else "WARNING: ") + loaded.message)
    annotator = Preannotator(loaded, sch)

    output.parent.mkdir(parents=True, exist_ok=True)
    done = done_ids(output, tell)
    if done:
        tell(f"{output}: {len(done)} articles already done, skipping them")
    summary = PreannotateSummary(output, loaded.message, loaded.is_trained)

    first: dict[str, str] = {}  # id -> where this run met the text first
    originals: dict[str, str] = {}  # id of a cleaned page -> the id of its text as the file has it
    furniture_of: dict[str, int] = {}  # id of a cleaned page -> pieces of furniture it lost

    def note(original: Record, rec: Record) -> None:
        originals[rec.id] = original.id
        furniture_of[rec.id] = furniture(rec)

    def records() -> Iterator[Record]:
        for item in read_articles(inputs, clean=clean, cleaned=note):
            if not isinstance(item, Record):
                summary.problems += 1
                tell(item)
                continue
            if item.id in first:
                # A story given twice is annotated once; a user joining results back by their own
                # ids must learn which of theirs has no record of its own, and where its text is.
                summary.duplicates += 1
                tell(
                    f"{_place(item)}: duplicate: same text as {first[item.id]}; "
                    f"written once as record {item.id}"
                )
                continue
            if item.id in done or originals.get(item.id) in done:
                summary.skipped += 1
                continue
            done.add(item.id)
            first[item.id] = _place(item)
            item.text, bad = without_surrogates(item.text)  # spaCy cannot read them; one for one
            if bad:
                tell(f"{first[item.id]}: {bad} lone surrogate character(s) read as U+FFFD")
            yield item

    total = estimate_total(inputs)
    progress.start(None if total is None else max(total - len(done), 0))
    stream = preannotate_records(records(), annotator, batch_size, n_process)
    with open(output, "a", encoding="utf-8", newline="\n") as fh:
        try:
            for n, o in enumerate(stream, 1):
                if o.record is None:
                    summary.failed += 1
                    tell(f"{first.get(o.id, '?')} (record {o.id}): skipped: {o.error}")
                else:
                    fh.write(dumps(o.record.to_dict()) + "\n")  # one whole line per write
                    summary.written += 1
                    if o.id in furniture_of:
                        summary.cleaned += 1
                        summary.furniture += furniture_of[o.id]
                    if summary.written % 64 == 0:
                        fh.flush()
                progress.step(failed=o.record is None)
                if n % batch_size == 0 and progress.cancelled():
                    summary.interrupted = True
                    break
        except KeyboardInterrupt:
            summary.interrupted = True
        finally:
            stream.close()  # stops worker processes, if any
            progress.close()
            fh.flush()
            os.fsync(fh.fileno())
    return summary


def _place(rec: Record) -> str:
    """file:line of an article, with the id its own file gave it (``source_id``) when it had one."""
    where = str(rec.meta.get("file") or "?")
    if rec.meta.get("line"):
        where += f":{rec.meta['line']}"
    own = rec.meta.get("source_id")
    return f"{where} (id {own})" if own is not None else where


def _schema(schema: AnnotationSchema | str | Path | None) -> AnnotationSchema:
    if isinstance(schema, AnnotationSchema):
        return schema
    try:
        return load_schema(schema) if schema else default_schema()
    except SchemaError as e:
        raise AppError(str(e)) from None


def done_ids(out: Path, tell: Tell = _ignore) -> set[str]:
    """Ids already in OUT. A torn last line (killed writer) is moved aside so appends stay valid."""
    from workbench.io.jsonl import LineError, iter_records, set_aside

    ids: set[str] = set()
    if not out.exists():
        return ids
    torn: LineError | None = None
    for item in iter_records(out, fast=True):
        if isinstance(item, LineError):
            if item.torn:
                torn = item
            else:
                tell(f"warning: {item} (left as it is)")
            continue
        ids.add(item[3])
    if torn is not None:
        side = set_aside(out, [torn])
        tell(Problem(str(out), torn.line, f"incomplete last line set aside to {side}"))
    return ids


def estimate_total(paths: Sequence[Path]) -> int | None:
    """Roughly how many articles: files, or lines of JSONL files (cheap: bytes, not JSON)."""
    total = 0
    try:
        for p in paths:
            files = list(walk_folder(p)) if p.is_dir() else [p]  # no FIFO or outside link is read
            for f in files:
                if KINDS.get(f.suffix.lower()) == "jsonl":  # .ndjson too: the reader's own list
                    with open(f, "rb") as fh:
                        total += sum(1 for line in fh if line.strip())
                else:
                    total += 1
    except OSError:
        return None
    return total


def stale_preannotation(rec: Record, model: str | None) -> bool:
    """Was ``rec`` pre-annotated by another model than the folder ``model``, and has nobody touched it?

    A batch pre-annotated at ``assign`` keeps that model's spans in the batch file. After a
    lead trains a better model and uses it "for articles not yet annotated", an article
    nobody has worked on is pre-annotated again when it opens; one a person touched (a span
    made, reviewed or rejected, a status set) keeps what it has.
    """
    from workbench.nlp.model_names import folder_identity, model_origin

    now = folder_identity(model)
    if now is None or not rec.spans or rec.status != "todo" or rec.rejected:
        return False
    if not all(map(untouched_preannotation, rec.spans.values())):
        return False
    models = {s.origin for s in rec.spans.values() if s.origin and s.origin.startswith("model:")}
    return bool(models) and model_origin(*now) not in models
