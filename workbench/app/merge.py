"""Merge annotators' files into one merged file, measuring agreement in the same pass when asked.

The articles are aligned by id across the files (:func:`workbench.io.annotator_files.iter_bundles`)
and done a slice at a time (:mod:`workbench.app.workers`); each merged article is written as
it comes, so a corpus of any size streams.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workbench.app.errors import AppError
from workbench.app.inputs import ensure_parent
from workbench.app.progress import NO_PROGRESS, Progress
from workbench.app.workers import append_spilled, in_slices, spill
from workbench.core.agreement import Agreement, agreement_for_schema
from workbench.core.merge import MergeError, Policy, merge_line
from workbench.core.schema import AnnotationSchema
from workbench.io.annotator_files import AnnotatorFile, InputError, article_order, iter_bundles
from workbench.io.atomic import atomic_write


@dataclass
class MergeSummary:
    """What a merge did, for the command's summary: counts, and the articles worth a look."""

    annotators: list[str]
    articles: int = 0
    agreed: int = 0
    conflicts: int = 0
    with_conflicts: int = 0
    partial: list[tuple[str, list[str]]] = field(default_factory=list)  # (id, annotators missing)
    text_differs: list[tuple[str, list[dict[str, Any]]]] = field(default_factory=list)  # (id, texts)
    problems: list[str] = field(default_factory=list)

    def absorb(self, other: MergeSummary) -> None:
        self.articles += other.articles
        self.agreed += other.agreed
        self.conflicts += other.conflicts
        self.with_conflicts += other.with_conflicts
        self.partial += other.partial
        self.text_differs += other.text_differs
        self.problems += other.problems


def parse_policy(name: str, k: int = 2) -> Policy:
    """The policy a lead named (``unanimous``, ``majority``, ``at-least`` with ``k``)."""
    try:
        return Policy(name, k)
    except MergeError as e:
        raise AppError(str(e)) from None


def check_merge(paths: list[Path], out: Path) -> None:
    """Refuse a merge of fewer than two files, or one that would write over an input."""
    if len(paths) < 2:
        raise AppError("merge needs at least two annotator files")
    if out.resolve() in {p.resolve() for p in paths}:
        raise AppError(f"{out} is one of the inputs; write the merged file elsewhere")


# One slice's result: its merged lines (bytes, or a worker's part file), counts, agreement.
SliceResult = tuple[bytes | str, MergeSummary, Agreement | None]


def aligned_slices(
    files: list[AnnotatorFile],
    policy: Policy | None,
    symmetric: list[str],
    new_acc: Callable[[], Agreement] | None,
    jobs: int,
    spill_near: Path | None = None,
    progress: Progress = NO_PROGRESS,
) -> Iterator[SliceResult]:
    """Merge (``policy``) and/or measure (``new_acc``) every article of ``files``, slice by slice, in order.

    With no policy only agreement is measured, and nothing is written.
    """
    ids = article_order(files)
    names = [f.annotator for f in files]

    @_collector_paused()
    def work(first: int, end: int, folder: str | None) -> SliceResult:
        acc = new_acc() if new_acc else None
        part = MergeSummary(names)
        out: list[bytes] = []
        for b in iter_bundles(files, part.problems, ids[first:end]):
            if not b.versions:
                continue
            version0 = next(iter(b.versions.values()))
            title = (version0.get("meta") or {}).get("title", "")
            if policy is None:  # agreement only
                assert acc is not None
                if any(v["text"] != version0["text"] for v in b.versions.values()):  # compared, not hashed
                    acc.skipped.append(f"{b.id}: the annotators' texts differ")
                elif len(b.versions) < 2:
                    acc.skipped.append(f"{b.id}: only {', '.join(b.versions)} annotated it")
                else:
                    acc.add(b.id, version0["text"], b.versions, title)
                continue
            m, line = merge_line(b.id, b.versions, names, policy, symmetric)
            part.articles += 1
            if m.missing:
                part.partial.append((b.id, m.missing))
            if m.status == "text_differs":
                part.text_differs.append((b.id, m.texts))
                if acc is not None:
                    acc.skipped.append(f"{b.id}: the annotators' texts differ")
            else:
                open_ = len(m.conflicts)
                part.conflicts += open_
                part.agreed += len(m.items) - open_
                part.with_conflicts += open_ > 0
                if acc is not None and len(b.versions) >= 2:
                    acc.add(b.id, m.text, b.versions, title)
            out.append(line)
        if acc is not None:
            acc.count_waiting()  # while the collector is paused (see _collector_paused)
        return spill(out, folder, first), part, acc

    return in_slices(len(ids), work, jobs, spill_near, progress)


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """No cyclic garbage collection during one slice (at most 128 articles; decision 0027).

    A slice makes no reference cycles (parsed JSON is trees, the counts are tuples and
    integers) and everything it drops is freed by reference counting; but the collector,
    started every few hundred allocations, walks the objects that live a little longer: the
    versions of the article at hand and the agreement's counts of the slice, folded into
    its counters before the collector runs again. That walk was a tenth of agreement's time
    over 10k articles. It runs again after the slice, so anything cyclic is still collected.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def merge_files(
    files: list[AnnotatorFile],
    out: Path,
    policy: Policy,
    schema: AnnotationSchema | None = None,
    agreement: Agreement | None = None,
    jobs: int = 1,
    token_labels: list[str] | None = None,
    progress: Progress = NO_PROGRESS,
) -> MergeSummary:
    """Stream the aligned articles through the merge into ``out`` (written atomically).

    With ``agreement`` (an empty accumulator) the same pass also measures agreement into it.
    """
    names = [f.annotator for f in files]
    summary = MergeSummary(names)
    symmetric = [r.name for r in schema.relations.values() if r.symmetric] if schema else []
    tokens = token_labels or []
    new_acc = (lambda: agreement_for_schema(names, schema, tokens)) if agreement is not None else None
    ensure_parent(out)
    try:
        with atomic_write(out, "wb") as fh:
            for data, part, acc in aligned_slices(files, policy, symmetric, new_acc, jobs, out, progress):
                append_spilled(fh, data)
                summary.absorb(part)
                if agreement is not None and acc is not None:
                    agreement.absorb(acc)
    except (InputError, MergeError) as e:
        raise AppError(str(e)) from None
    for f in files:
        summary.problems += [f"{e}; left out" for e in f.errors]
    return summary
