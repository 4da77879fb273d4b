"""What a lead hands to merge and agreement: annotators' files, a brat folder, an output path.

Shared by both use cases so that they accept the same inputs and refuse the same
mistakes in the same words.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from workbench.app.errors import AppError
from workbench.io.annotator_files import AnnotatorFile, InputError, open_annotator_files
from workbench.io.scratch import scratch, sweep_unowned

BRAT_SCRATCH = "workbench-brat-"  # a brat folder's imported files, in the temp folder for one run


@contextmanager
def annotator_inputs(
    inputs: list[str], keep: Path | None = None, say_where: bool = True
) -> Iterator[tuple[list[Path], str | None]]:
    """Files to read, importing a brat folder (one ``.ann`` per article and annotator) first.

    A project folder stands for its annotators' files (``annotations/*.jsonl``). A brat folder
    is imported into ``keep``, or else into a scratch folder in the temp folder that goes when
    the block ends (:mod:`workbench.io.scratch`: a killed run's is removed by the next run);
    other inputs make no folder at all.

    Gives the paths and, for a brat folder, a note of where its per-annotator JSONL files went.
    """
    from workbench.io.brat.polnear import is_brat_folder, write_annotator_files

    out: list[Path] = []
    note = None
    with ExitStack() as stack:
        tmp = Path(tempfile.gettempdir())
        sweep_unowned(tmp, BRAT_SCRATCH)  # what earlier versions left (a folder for every run)
        for item in inputs:
            p = Path(item)
            if is_brat_folder(p):
                target = keep or stack.enter_context(scratch(BRAT_SCRATCH, tmp))
                try:
                    out += write_annotator_files(p, target)
                except (ValueError, FileNotFoundError) as e:
                    raise AppError(str(e)) from None
                note = f"imported brat folder {p}" + (f" into {target}" if say_where else "")
            elif p.is_dir() and (p / "project.json").is_file():
                from workbench.io.project import Project

                found, refused = Project(p, {}).jsonl_files("annotations")
                if refused:  # as a FIFO or a link named on the command line: said, never read
                    raise AppError("\n".join(str(r) for r in refused))
                if not found:
                    raise AppError(f"{p}: a project without annotator files yet (annotations/ is empty)")
                out += found  # a project folder: every annotator's file
            elif p.is_dir():
                raise AppError(f"{p} is a folder without .ann files; give JSONL files or a brat folder")
            else:
                out.append(p)
        yield out, note


def open_inputs(paths: list[Path], names: list[str] | None) -> list[AnnotatorFile]:
    """The annotators' files, opened and indexed; ``names`` overrides the annotators the records name."""
    try:
        return open_annotator_files(list(paths), names)
    except InputError as e:
        raise AppError(str(e)) from None


def ensure_parent(path: Path) -> None:
    """Make the folder an output goes to; a path that cannot be written is a user mistake."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise AppError(f"cannot write {path}: {e.strerror}") from None
    if path.is_dir():
        raise AppError(f"{path} is a folder; give a file name")
