"""Progress of a project: per annotator, what is done, started and still to do.

Built on the streaming corpus index, so a lead can run it on a large project
over a network drive without loading every annotator's file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workbench.core.throughput import Throughput, throughput_of
from workbench.io.corpus import index_corpus
from workbench.io.project import Project, assigned_ids


@dataclass
class AnnotatorProgress:
    name: str
    assigned: int = 0
    done: int = 0
    in_progress: int = 0
    skipped: int = 0
    seconds: float | None = None

    @property
    def todo(self) -> int:
        """Assigned and not started; 0 for work done without an assignment."""
        return max(0, self.assigned - self.done - self.in_progress - self.skipped)


@dataclass
class ProjectStatus:
    corpus: int = 0
    unassigned: int = 0
    annotators: list[AnnotatorProgress] = field(default_factory=list)
    agreement: dict[str, Any] | None = None
    disputed: list[tuple[str, float]] = field(default_factory=list)
    throughput: list[Throughput] = field(default_factory=list)  # per annotator with a file


def project_status(project: Project) -> ProjectStatus:
    assignments = project.assignments()
    corpus_ids = project.corpus_ids()
    status = ProjectStatus(corpus=len(corpus_ids))
    status.unassigned = sum(1 for i in corpus_ids if i not in assignments["articles"])
    for name in assignments["annotators"]:
        ids = assigned_ids(project, name)
        status.annotators.append(_progress(status, name, project.annotator_file(name), ids, len(ids)))
    # files of people who annotated without an assignment (the corpus opened directly, files copied in)
    known = {project.annotator_file(n).name for n in assignments["annotators"]}
    for path in project.jsonl_files("annotations")[0]:  # links that leave it, FIFOs: not read
        if path.name not in known:
            status.annotators.append(_progress(status, path.stem, path, None, 0))
    _agreement_so_far(project, assignments, status)
    return status


def _progress(
    status: ProjectStatus, name: str, path: Path, ids: list[str] | None, assigned: int
) -> AnnotatorProgress:
    """Counts over ``ids`` in the annotator's file (``None``: every article in it)."""
    prog = AnnotatorProgress(name, assigned=assigned)
    if not path.exists():
        return prog
    index = index_corpus(path)
    for i in index.entries if ids is None else ids:
        entry = index.entries.get(i)
        if entry is None:
            continue
        if entry.status == "done":
            prog.done += 1
        elif entry.status == "in_progress":
            prog.in_progress += 1
        elif entry.status == "skipped":
            prog.skipped += 1
    tp = _throughput(name, path, set(index.entries if ids is None else ids))
    status.throughput.append(tp)
    prog.seconds = tp.active_seconds if tp.active_seconds > 0 else None
    return prog


def _throughput(name: str, path: Any, ids: set[str]) -> Throughput:
    """Time and pre-annotation figures of the assigned articles, journal included (an open window's)."""
    from workbench.io.store import AnnotatorStore

    with AnnotatorStore(path, readonly=True) as store:
        return throughput_of(name, (store.raw(i) or {} for i in store.ids() if i in ids))


def _agreement_so_far(project: Project, assignments: dict[str, Any], status: ProjectStatus) -> None:
    """Agreement on articles that two or more annotators have both started, worst first."""
    from workbench.core.agreement import agreement_for_schema
    from workbench.io.store import AnnotatorStore

    shared = {i: names for i, names in assignments["articles"].items() if len(names) > 1}
    if not shared:
        return
    names = sorted({n for owners in shared.values() for n in owners})
    stores = {}
    for n in names:
        path = project.annotator_file(n)
        if path.exists():
            stores[n] = AnnotatorStore(path, readonly=True)
    acc = agreement_for_schema(names, project.schema())
    compared = 0
    for art, owners in shared.items():
        versions = {}
        for n in owners:
            raw = stores[n].raw(art) if n in stores else None
            if raw is not None and raw.get("status") in ("in_progress", "done"):
                versions[n] = raw
        if len(versions) >= 2:
            text = next(iter(versions.values()))["text"]
            acc.add(
                art, text, versions, title=str(next(iter(versions.values())).get("meta", {}).get("title", ""))
            )
            compared += 1
    for store in stores.values():
        store.close()
    if not compared:
        return
    report = acc.report()
    status.agreement = {
        "articles": compared,
        "span_f1_strict": report.spans["strict"]["mean_f1"],
        "span_f1_lenient": report.spans["lenient"]["mean_f1"],
        "pairs": report.spans["strict"]["pairs"],
    }
    status.disputed = [
        (d["id"], d["strict_f1"]) for d in report.per_document[:10] if d["strict_f1"] is not None
    ]
