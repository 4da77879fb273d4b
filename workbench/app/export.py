"""Export a corpus as training data for another tool, whole or split by article.

Streams the corpus (repeated ids: the later line wins, as in the store), so a 100k-article
file is never held in memory; with a split it reads the file twice more, once to find
near-duplicates and once per split. Every format says what it wrote and exactly what it
could not carry, with counts (:class:`workbench.io.interop.registry.ExportReport`, one per
split); :class:`ExportSummary` gathers them with the split plan for the front end.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workbench.app.errors import AppError
from workbench.core.problems import Problem
from workbench.core.record import Record
from workbench.core.schema import AnnotationSchema
from workbench.io.atomic import EXPORT_MARK, atomic_folder
from workbench.io.corpus import Entry, index_corpus
from workbench.io.interop._base import without_surrogates
from workbench.io.interop.registry import EXPORTERS, OUTPUT_SUFFIX, ExportReport
from workbench.io.interop.split import SplitPlan, parse_ratios, plan_split
from workbench.io.validate import checked_record, faults_text


def writes_folder(fmt: str, split: bool = False) -> bool:
    """A split export, or a format the registry gives no file suffix, writes a folder."""
    return split or fmt not in OUTPUT_SUFFIX


@dataclass
class ExportSummary:
    """One export: the format's report per split (``all`` without a split), and what went where."""

    format: str
    reports: dict[str, ExportReport]
    groups: dict[str, list[Entry]]  # split name -> the corpus entries written to it
    plan: SplitPlan | None = None  # with a split: the assignment, near-duplicate groups, labels missed
    config: Path | None = None  # spaCy: the training config written beside the data
    problems: list[Problem] = field(default_factory=list)  # lines of the corpus left out

    def labels_per_split(self) -> dict[str, tuple[Counter[str], Counter[str]]]:
        """Per split: records containing each label, and spans of it (what a lead checks a split by)."""
        out: dict[str, tuple[Counter[str], Counter[str]]] = {}
        for name, members in self.groups.items():
            records: Counter[str] = Counter()
            spans: Counter[str] = Counter()
            for e in members:
                records.update(entry_labels(e))
                spans.update(dict(e.labels))
            out[name] = (records, spans)
        return out

    def to_json(self) -> str:
        """``export --json``: per split what was written and left out, and the split's sizes."""
        data: dict[str, Any] = {
            name: {
                "outputs": [str(p) for p in r.outputs], "records": r.records, "spans": r.spans,
                "relations": r.relations, "doc_fields": r.doc_fields, "left_out": dict(r.left_out),
            }
            for name, r in self.reports.items()
        }  # fmt: skip
        if self.plan is not None:
            data["_split"] = {"sizes": dict(self.plan.sizes()), "missing": self.plan.missing}
        return json.dumps(data, ensure_ascii=False)


def entry_labels(e: Entry) -> set[str]:
    """What stratification balances: span labels and document field values."""
    labels = {label for label, _ in e.labels}
    for name, value in e.doc:
        for v in value if isinstance(value, tuple) else (value,):
            labels.add(f"{name}:{v}")
    return labels


def iter_records(path: Path, entries: Iterable[Entry], bad: list[Problem]) -> Iterator[Record]:
    """Records read back one at a time by byte offset; a line that does not fit is named and skipped.

    A record passes the gate ``validate`` applies (:func:`checked_record`), so one malformed
    record is a problem with its file and line, never the end of the export. Lone surrogates
    (from a ``\\ud83d`` escape) are written as U+FFFD, one character for one, and said so.
    """
    with open(path, "rb") as fh:
        for e in sorted(entries, key=lambda e: e.offset):
            fh.seek(e.offset)
            try:
                obj = json.loads(fh.readline())
            except (ValueError, RecursionError) as err:
                bad.append(Problem(str(path), e.line, f"not valid JSON ({err})"))
                continue
            rec = checked_record(obj)
            if not isinstance(rec, Record):
                bad.append(Problem(str(path), e.line, f"skipped: {faults_text(rec)}"))
                continue
            fixed, n = without_surrogates(rec.text)
            if n:
                rec.text = fixed
                bad.append(Problem(str(path), e.line, f"{n} lone surrogate character(s) written as U+FFFD"))
            yield rec


def output_path(out: Path, fmt: str, split: str | None) -> Path:
    """Where one split (or the whole export) goes: a file for single-file formats, else a folder."""
    suffix = OUTPUT_SUFFIX.get(fmt)
    if split is not None:
        return out / (f"{split}{suffix}" if suffix else split)
    if suffix and out.is_dir():
        return out / f"{fmt}{suffix}"
    return out


def require_corpus(corpus: Path) -> None:
    """The corpus is a file (checked first: every other mistake is about what to do with it)."""
    if not corpus.is_file():
        raise AppError(f"{corpus}: no such file (give a corpus or annotator .jsonl file)")


def check_export(corpus: Path, fmt: str, out: Path, split: str | None = None, threshold: float = 0.7) -> None:
    """Refuse, before anything is read, an export that would overwrite its input or a file."""
    if out.exists() and not out.is_dir() and writes_folder(fmt, bool(split)):
        raise AppError(f"{out} is a file; {fmt} with these options writes a folder")
    if writes_folder(fmt, bool(split)) and out.is_dir() and not out.is_symlink():
        if out.resolve() in corpus.resolve().parents:
            raise AppError(
                f"the input file {corpus} is inside {out}; an export replaces its whole folder, "
                "so write it elsewhere"
            )
        foreign = not_an_export(out, fmt, bool(split))
        if foreign:
            raise AppError(
                f"{out} holds files an export did not write ({', '.join(foreign[:3])}); an export "
                "replaces its whole folder, so give a new or empty folder"
            )
    names = ("train", "dev", "test") if split else (None,)
    for target in (output_path(out, fmt, name) for name in names):
        if target.is_file() and target.samefile(corpus):
            # replacing the input loses it (and a store appending to it would write into a deleted file)
            raise AppError(f"{target} is the input file; write the export elsewhere")
    if not 0.0 <= threshold <= 1.0:
        raise AppError("--near-duplicate-threshold is a similarity between 0 and 1")


# What an export may find in the folder it replaces (exports older than the mark wrote no mark).
_EXPORT_NAMES = {
    "split": r"(train|dev|test)(\.jsonl|\.conll)?|config\.cfg",
    "spacy": r".*\.spacy|config\.cfg",
    "brat": r".*\.(txt|ann)|annotation\.conf",
    "hf": r"ner\.jsonl|relations\.jsonl|labels\.json",
}


def not_an_export(folder: Path, fmt: str, split: bool) -> list[str]:
    """Names in ``folder`` that this export would not write: it must not swap such a folder away."""
    if (folder / EXPORT_MARK).is_file():
        return []
    pattern = _EXPORT_NAMES.get("split" if split else fmt)
    if pattern is None:  # a folder format with no list of its names: only its mark says it is ours
        return sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))
    names = re.compile(pattern)
    return sorted(
        p.name for p in folder.iterdir() if not p.name.startswith(".") and not names.fullmatch(p.name)
    )


def export_corpus(
    corpus: Path,
    fmt: str,
    out: Path,
    schema: AnnotationSchema,
    *,
    statuses: list[str] | None = None,
    split: str | None = None,
    seed: int = 0,
    threshold: float = 0.7,
) -> ExportSummary:
    """Write ``corpus`` (only records of ``statuses`` if given) as ``fmt`` into ``out``.

    ``split`` (``80/10/10``) divides by article, stratified by label, keeping articles whose
    estimated Jaccard similarity is above ``threshold`` in one split.
    """
    require_corpus(corpus)
    index = index_corpus(corpus)
    problems = [Problem(e.path, e.line, e.message) for e in index.errors]  # without the raw lines
    entries = [e for e in index if not statuses or e.status in statuses]
    if not entries:
        which = f" with status {' or '.join(statuses)}" if statuses else ""
        raise AppError(f"{corpus}: no records{which} to export")
    groups: dict[str, list[Entry]]
    plan = None
    if split:
        try:
            ratios = parse_ratios(split)
        except ValueError as e:
            raise AppError(str(e)) from None
        labels = {e.id: entry_labels(e) for e in entries}
        items = ((r.id, r.text, labels[r.id]) for r in iter_records(corpus, entries, problems))
        plan = plan_split(items, ratios, seed=seed, threshold=threshold)
        groups = {name: [] for name in ratios if ratios[name] > 0}
        for e in entries:
            if e.id in plan.assignment:
                groups[plan.assignment[e.id]].append(e)
    else:
        groups = {"all": entries}
    if not writes_folder(fmt, bool(split)):
        report = EXPORTERS[fmt](iter_records(corpus, entries, problems), schema, output_path(out, fmt, None))
        return ExportSummary(fmt, {"all": report}, groups, plan, None, problems)
    # A folder: every split and the config are built beside ``out`` and swapped in together, so a
    # kill or a full disk leaves the previous export whole (never new train with old dev).
    reports = {}
    config = None
    with atomic_folder(out) as stage:
        for name, members in groups.items():
            target = output_path(stage, fmt, name if split else None)
            reports[name] = EXPORTERS[fmt](iter_records(corpus, members, problems), schema, target)
            reports[name].outputs = [_moved(p, stage, out) for p in reports[name].outputs]
        if fmt == "spacy":
            config = _write_spacy_config(out, stage, schema, groups, split is not None)
    # a split reads every record twice (to plan, then to write): each problem is said once
    return ExportSummary(fmt, reports, groups, plan, config, list(dict.fromkeys(problems)))


def _moved(path: Path, stage: Path, out: Path) -> Path:
    """Where a file written into the staging folder is once the folder is swapped in."""
    try:
        return out / Path(path).relative_to(stage)
    except ValueError:
        return Path(path)


def _write_spacy_config(
    out: Path, stage: Path, schema: AnnotationSchema, groups: dict[str, list[Entry]], split: bool
) -> Path:
    from workbench.io.interop.spacy_config import build_config, write_config

    fields_used = {name for members in groups.values() for e in members for name, _ in e.doc}
    if split:
        train, dev = out / "train", out / ("dev" if "dev" in groups else "train")
    else:
        train = dev = out
    config = build_config(schema, train=train.resolve(), dev=dev.resolve(), fields_used=fields_used)
    write_config(stage / "config.cfg", config)
    return out / "config.cfg"
