"""Agreement over annotators' files, or over the versions one merged file keeps.

Returns an :class:`~workbench.core.agreement_report.AgreementReport`; the command
draws it as a table, an HTML page or JSON.
"""

from __future__ import annotations

from pathlib import Path

from workbench.app.errors import AppError
from workbench.app.inputs import open_inputs
from workbench.app.merge import aligned_slices
from workbench.app.progress import NO_PROGRESS, Progress
from workbench.app.schemas import schema_for
from workbench.core.agreement import Agreement, agreement_for_schema
from workbench.core.agreement_report import AgreementReport
from workbench.core.merged_record import MergedRecord
from workbench.io.annotator_files import InputError, is_merged_file, iter_merged


def agreement_over(
    inputs: list[Path],
    names: list[str] | None,
    schema_path: str | None,
    token_labels: list[str],
    jobs: int = 1,
    progress: Progress = NO_PROGRESS,
) -> AgreementReport:
    """The report, with the lines of the inputs that could not be read in its ``problems``."""
    problems: list[str] = []
    if len(inputs) == 1 and is_merged_file(inputs[0]):
        report = _over_merged(inputs[0], schema_path, token_labels, problems)
    else:
        report = _over_files(inputs, names, schema_path, token_labels, problems, jobs, progress)
    report.problems = problems
    return report


def _over_merged(
    path: Path, schema_path: str | None, token_labels: list[str], problems: list[str]
) -> AgreementReport:
    acc: Agreement | None = None
    for _line, d in iter_merged(path, problems):
        m = MergedRecord.from_dict(d)
        if acc is None:
            acc = agreement_for_schema(m.annotators, schema_for(m.schema, schema_path), token_labels)
        if m.status == "text_differs":
            acc.skipped.append(f"{m.id}: the annotators' texts differ")
            continue
        acc.add(m.id, m.text, m.full_versions(), m.title)
    if acc is None:
        raise AppError(f"{path}: no usable merged records")
    return acc.report()


def _over_files(
    inputs: list[Path],
    names: list[str] | None,
    schema_path: str | None,
    token_labels: list[str],
    problems: list[str],
    jobs: int,
    progress: Progress,
) -> AgreementReport:
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
    return acc.report()
