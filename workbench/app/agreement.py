"""Agreement over annotators' files, or over the versions one merged file keeps.

Returns an :class:`~workbench.core.agreement_report.AgreementReport`; the command
draws it as a table, an HTML page or JSON.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from workbench.app.agreement_extras import (
    GROUPINGS,
    Source,
    add_extras,
    project_batches,
    project_root,
    throughput_rows,
)
from workbench.app.errors import AppError
from workbench.app.gamma import SAMPLE as GAMMA_SAMPLE
from workbench.app.inputs import open_inputs
from workbench.app.merge import aligned_slices
from workbench.app.progress import NO_PROGRESS, Progress
from workbench.app.schemas import schema_for
from workbench.core.agreement import Agreement, agreement_for_schema
from workbench.core.agreement_report import AgreementReport
from workbench.core.merged_record import MergedRecord
from workbench.core.schema import AnnotationSchema
from workbench.io.annotator_files import AnnotatorFile, InputError, is_merged_file, iter_merged


@dataclass
class Extras:
    """What a lead may add to a run (issue 19): see :mod:`workbench.app.agreement_extras`."""

    by: str | None = None  # "batch" or "week"
    gamma: bool = False
    gamma_sample: int = GAMMA_SAMPLE
    dispute_below: float | None = None
    throughput: bool = False  # each annotator's time and pre-annotation figures (read from their files)
    openable: bool = True  # the input files outlive the run (not a brat folder read into a temp dir)


def agreement_over(
    inputs: list[Path],
    names: list[str] | None,
    schema_path: str | None,
    token_labels: list[str],
    jobs: int = 1,
    progress: Progress = NO_PROGRESS,
    extras: Extras | None = None,
) -> AgreementReport:
    """The report, with the lines of the inputs that could not be read in its ``problems``."""
    problems: list[str] = []
    if len(inputs) == 1 and is_merged_file(inputs[0]):
        report, schema = _over_merged(inputs[0], schema_path, token_labels, problems)
        source = Source(merged=inputs[0])
    else:
        report, schema, files = _over_files(
            inputs, names, schema_path, token_labels, problems, jobs, progress
        )
        source = Source(files=files)
        if extras is not None and extras.openable:
            source.openable = {f.annotator: f.path for f in files}
            source.project = project_root(inputs)
    report.problems = problems
    if extras is not None:
        if extras.by is not None and extras.by not in GROUPINGS:
            raise AppError(f"--by {extras.by}: give one of {', '.join(GROUPINGS)}")
        batches = project_batches(project_root(inputs)) if extras.by == "batch" else {}
        add_extras(
            report,
            source,
            schema,
            token_labels,
            extras.by,
            extras.gamma,
            extras.gamma_sample,
            extras.dispute_below,
            batches,
        )
        if extras.throughput and source.files:
            report.throughput = throughput_rows({f.annotator: f.path for f in source.files}, report.problems)
    return report


def _over_merged(
    path: Path, schema_path: str | None, token_labels: list[str], problems: list[str]
) -> tuple[AgreementReport, AnnotationSchema]:
    acc: Agreement | None = None
    schema: AnnotationSchema | None = None
    for _line, d in iter_merged(path, problems):
        m = MergedRecord.from_dict(d)
        if acc is None:
            schema = schema_for(m.schema, schema_path)
            acc = agreement_for_schema(m.annotators, schema, token_labels)
        if m.status == "text_differs":
            acc.skipped.append(f"{m.id}: the annotators' texts differ")
            continue
        acc.add(m.id, m.text, m.full_versions(), m.title)
    if acc is None or schema is None:
        raise AppError(f"{path}: no usable merged records")
    return acc.report(), schema


def _over_files(
    inputs: list[Path],
    names: list[str] | None,
    schema_path: str | None,
    token_labels: list[str],
    problems: list[str],
    jobs: int,
    progress: Progress,
) -> tuple[AgreementReport, AnnotationSchema, list[AnnotatorFile]]:
    if len(inputs) < 2:
        raise AppError("agreement needs at least two annotator files (or one merged file)")
    files = open_inputs(inputs, names)
    schema = schema_for(files[0].schema, schema_path)
    annotators = [f.annotator for f in files]

    def new_acc() -> Agreement:
        return agreement_for_schema(annotators, schema, token_labels)

    acc = new_acc()
    try:
        for _data, part, got in aligned_slices(files, None, [], new_acc, jobs, None, progress):
            problems += part.problems
            if got is not None:
                acc.absorb(got)
    except InputError as e:
        raise AppError(str(e)) from None
    for f in files:
        problems += [f"{e}; left out" for e in f.errors]
    return acc.report(), schema, files


def project_report_path(root: Path) -> Path:
    return root / "exports" / "agreement.html"


def write_project_report(root: Path, progress: Progress = NO_PROGRESS) -> Path:
    """The lead's HTML report of a project: by batch, disputes at 0.6, throughput (the window's button)."""
    from workbench.app.inputs import annotator_inputs, ensure_parent
    from workbench.io.report_html import write_report

    extras = Extras(by="batch", dispute_below=0.6, throughput=True)
    with annotator_inputs([str(root)]) as (paths, _):
        report = agreement_over(paths, None, None, [], progress=progress, extras=extras)
    out = project_report_path(root)
    ensure_parent(out)
    write_report(report, out, title=str(root))
    return out
