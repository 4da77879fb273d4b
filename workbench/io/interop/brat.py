"""The ``brat`` and ``polnear`` formats: folders of ``.txt``/``.ann`` pairs in, brat out.

Both read brat standoff with the one parser (``workbench.io.brat.standoff``) and
differ in what the lines mean, chosen by the format name and nothing else:

- ``brat`` (:mod:`workbench.io.brat.generic`): every line kept under brat's own labels;
  a file with any problem is reported line by line and not imported, rather than
  guessed at. Exported back line for line.
- ``polnear`` (:mod:`workbench.io.brat.polnear`): attributions as quotes with speakers
  and cues, the records ``merge``/``agreement`` and ``eval`` read from the same folder.
  Files are read in sorted order, so of an article annotated several times the
  first annotator id in sorted order comes first and ``import`` keeps it (it
  names the others as duplicates). What the mapping skips is reported and the
  rest of the file imported, as merge and eval do.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path, PurePath

from workbench.core.problems import Problem
from workbench.core.record import Record
from workbench.core.schema import AnnotationSchema
from workbench.io.atomic import atomic_folder
from workbench.io.brat.generic import AnnotationConf, doc_to_record, record_to_ann
from workbench.io.brat.polnear import polnear_file_record, polnear_problems
from workbench.io.brat.standoff import BratDocument, parse_ann, read_text, text_path_for
from workbench.io.interop._base import ExportReport, doc_values, inside, safe_file_name, without_surrogates
from workbench.io.interop._corpus import files_in, origin_meta
from workbench.io.safe_files import not_regular, refused


def _ann_files(path: Path) -> Iterator[Path | Problem]:
    path = Path(path)
    if path.is_dir():
        yield from files_in(path, (".ann",), recursive=True)
        return
    yield path.with_suffix(".ann") if path.suffix == ".txt" else path


Mapping = Callable[[Path, Path, BratDocument], Iterator[Record | Problem]]


def _read(path: Path, mapping: Mapping) -> Iterator[Record | Problem]:
    """Each ``.ann`` under ``path`` parsed against its text and mapped, or why it could not be."""
    for ann in _ann_files(Path(path)):
        if isinstance(ann, Problem):
            yield ann
            continue
        txt = text_path_for(ann)
        if txt is None or not ann.is_file():
            yield Problem(str(ann), 0, "no matching .txt/.ann pair found")
            continue
        # the .txt beside an .ann is found by name: it gets the same checks as the .ann
        why = not_regular(ann) or (refused(txt, Path(path)) if Path(path).is_dir() else not_regular(txt))
        if why:
            yield Problem(str(ann), None, why)
            continue
        try:
            doc = parse_ann(read_text(ann), read_text(txt), str(ann))
        except UnicodeDecodeError as e:
            yield Problem(
                str(ann), None, f"not UTF-8 text ({e.reason} at byte {e.start}); is it a binary file?"
            )
            continue
        yield from mapping(ann, txt, doc)


def _reported(problems: list[Problem]) -> Iterator[Problem]:
    return (Problem(p.path, p.line or 0, p.message) for p in problems)


def _generic(_ann: Path, txt: Path, doc: BratDocument) -> Iterator[Record | Problem]:
    meta = origin_meta("brat", doc.file, 1)
    meta["file"] = str(txt)
    rec, problems = doc_to_record(doc, meta)
    yield from _reported(problems)
    if rec is not None:
        yield rec


def _polnear(ann: Path, _txt: Path, doc: BratDocument) -> Iterator[Record | Problem]:
    yield from _reported(polnear_problems(doc))
    yield polnear_file_record(doc, ann)


def import_brat(path: Path, schema: AnnotationSchema | None = None) -> Iterator[Record | Problem]:
    return _read(path, _generic)


def import_polnear(path: Path, schema: AnnotationSchema | None = None) -> Iterator[Record | Problem]:
    return _read(path, _polnear)


def _name_for(rec: Record, taken: set[str]) -> str:
    """A file name inside the export folder, whatever the record's id or source path say.

    Ids such as ``../../x`` or ``/tmp/x`` are valid in a record; as file names they would
    leave the folder, so only the name's own letters are kept (``safe_file_name``).
    """
    src = (rec.meta.get("imported_from") or {}).get("file") or rec.meta.get("file") or ""
    stem = safe_file_name(PurePath(str(src)).stem if src else rec.id)
    name = stem
    if name.casefold() in taken:
        name = safe_file_name(f"{stem}-{rec.id}")
    n = 2
    while name.casefold() in taken or name.casefold() == "annotation":
        name, n = f"{stem}-{n}", n + 1
    taken.add(name.casefold())
    return name


def export_brat(records: Iterable[Record], schema: AnnotationSchema, out: Path) -> ExportReport:
    """A ``.txt``/``.ann`` pair a record and ``annotation.conf``, built beside ``out``, swapped in whole."""
    out = Path(out)
    report = ExportReport("brat", [out])
    conf = AnnotationConf(schema)
    taken: set[str] = set()
    with atomic_folder(out) as stage:
        for rec in records:
            name = _name_for(rec, taken)
            text, fixed = without_surrogates(rec.text)
            ann = record_to_ann(rec, conf)
            report.leave_out(
                "document fields (brat has no document-level annotation)", len(doc_values(rec.doc))
            )
            report.records += 1
            report.spans += len(rec.spans)
            report.relations += len(rec.relations)
            if fixed:
                report.leave_out("lone surrogate characters (written as U+FFFD; offsets unchanged)", fixed)
                ann = without_surrogates(ann)[0]
            with open(inside(stage, f"{name}.txt"), "x", encoding="utf-8", newline="") as fh:
                fh.write(text)
            with open(inside(stage, f"{name}.ann"), "x", encoding="utf-8", newline="") as fh:
                fh.write(ann)
        (stage / "annotation.conf").write_text(conf.text(), encoding="utf-8")
    return report
