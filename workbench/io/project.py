"""A project folder: what is annotated, with which schema and model, by whom.

Everything lives in plain files with relative paths so a team can share the
folder on a network drive or in git, and move it between machines:

    project.json        schema reference, model, settings (readable, hand-editable)
    schema.json         the project's annotation schema (a copy, so it travels)
    corpus.jsonl        the articles, text included (the corpus keeps the text
                        even when the source file is gone)
    assignments.json    who has which articles, batch by batch
    batches/NAME.jsonl  each annotator's articles, in order (pre-annotated if asked)
    annotations/NAME.jsonl  each annotator's store (written by the window)
    gold/               adjudicated gold
    exports/            training sets
"""

from __future__ import annotations

import json
import os
import shutil
import unicodedata
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workbench.core.problems import Problem
from workbench.core.record import Record, now_iso
from workbench.core.schema import AnnotationSchema, load_schema
from workbench.io import locks
from workbench.io.atomic import atomic_write, write_text_atomic
from workbench.io.jsonl import LineError, dumps, iter_records
from workbench.io.safe_files import split_found, walk_files

PROJECT_FILE = "project.json"
PROJECT_FORMAT = "workbench-project@1"
FOLDERS = ("batches", "annotations", "gold", "exports")


class ProjectError(ValueError):
    """A project that cannot be opened or changed as asked."""


class ProjectLocked(ProjectError):
    pass


def safe_name(annotator: str) -> str:
    """A file name for an annotator: their own letters kept, separators and controls replaced."""
    name = unicodedata.normalize("NFC", annotator.strip())
    if not name:
        raise ProjectError("an annotator name cannot be empty")
    out = []
    for ch in name:
        cat = unicodedata.category(ch)
        if ch in '/\\:*?"<>|' or cat.startswith("C"):
            out.append("_")
        elif ch.isspace():
            out.append("_")
        else:
            out.append(ch)
    safe = "".join(out).strip(".")
    return safe or "_"


@dataclass
class AddReport:
    added: int = 0
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (source, existing id)
    near_duplicates: list[tuple[str, str, float]] = field(default_factory=list)  # (source, similar id, score)
    problems: list[str] = field(default_factory=list)


class Project:
    def __init__(self, root: Path, data: dict[str, Any]):
        self.root = root
        self.data = data

    # creation and opening ------------------------------------------------
    @classmethod
    def init(
        cls,
        root: str | Path,
        schema: str | Path | None = None,
        model: str | None = None,
        name: str | None = None,
    ) -> Project:
        root = Path(root)
        if (root / PROJECT_FILE).exists():
            raise ProjectError(f"{root} is already a project ({PROJECT_FILE} exists)")
        parsed = load_schema(schema)  # refuse a bad schema before creating anything
        root.mkdir(parents=True, exist_ok=True)
        for folder in FOLDERS:
            (root / folder).mkdir(exist_ok=True)
        shutil.copyfile(Path(schema) if schema else parsed_source(), root / "schema.json")
        data = {
            "format": PROJECT_FORMAT,
            "name": name or root.resolve().name,
            "schema": "schema.json",
            "schema_ref": parsed.ref,
            "model": model,
            "settings": {"snap_to_tokens": True, "preannotate_on_assign": False, "preannotate_on_open": True},
            "created": now_iso(),
        }
        write_text_atomic(root / PROJECT_FILE, json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        (root / "corpus.jsonl").touch()
        write_text_atomic(root / "assignments.json", json.dumps(_empty_assignments(), indent=2) + "\n")
        return cls(root, data)

    @classmethod
    def open(cls, root: str | Path) -> Project:
        root = Path(root)
        if root.is_file() and root.name == PROJECT_FILE:
            root = root.parent
        path = root / PROJECT_FILE
        if not path.exists():
            raise ProjectError(
                f"{root} is not a project folder (no {PROJECT_FILE}); create one with workbench init"
            )
        try:
            data = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError) as e:
            raise ProjectError(f"{path}: cannot read the project file ({e})") from None
        if data.get("format") != PROJECT_FORMAT:
            raise ProjectError(f"{path}: not a {PROJECT_FORMAT} file")
        return cls(root, data)

    # paths (all relative to the folder, so it can move) ---------------------
    @property
    def corpus_path(self) -> Path:
        return self.root / "corpus.jsonl"

    @property
    def schema_path(self) -> Path:
        return self.root / self.data.get("schema", "schema.json")

    def schema(self) -> AnnotationSchema:
        return load_schema(self.schema_path)

    @property
    def model(self) -> str | None:
        """The configured pipeline: a package name as written, a folder inside the project resolved
        against the project (``models/…`` is stored relative so the folder can move)."""
        value = self.data.get("model")
        if value and not Path(value).is_absolute() and (self.root / value).is_dir():
            return str(self.root / value)
        return value

    @property
    def preannotate_on_open(self) -> bool:
        """False when the lead wants annotators to start from a blank article (e.g. an agreement study).

        The window then never pre-annotates on open, whatever the annotator's own preference.
        """
        settings = self.data.get("settings")
        return not (isinstance(settings, dict) and settings.get("preannotate_on_open") is False)

    def annotator_file(self, annotator: str) -> Path:
        return self.root / "annotations" / f"{safe_name(annotator)}.jsonl"

    def jsonl_files(self, folder: str) -> tuple[list[Path], list[Problem]]:
        """The ``*.jsonl`` files of one of the project's folders (``annotations``, ``gold``) readers may open.

        A shared folder is written by many people: a link that leaves the folder or a FIFO
        named ``x.jsonl`` is refused with a problem, as every folder walk does (io/safe_files.py).
        """
        where = self.root / folder
        if not where.is_dir():
            return [], []
        return split_found(walk_files(where, lambda f: f.suffix == ".jsonl", recursive=False))

    def batch_file(self, annotator: str) -> Path:
        return self.root / "batches" / f"{safe_name(annotator)}.jsonl"

    # corpus -----------------------------------------------------------------
    def corpus_ids(self) -> list[str]:
        if not self.corpus_path.exists():
            return []
        return [item[3] for item in iter_records(self.corpus_path, fast=True) if type(item) is not LineError]

    def iter_corpus(self) -> Iterator[Record]:
        for item in iter_records(self.corpus_path):
            if type(item) is not LineError:
                yield Record.from_dict(item[4])

    def add_records(self, records: Iterable[Record], near_threshold: float = 0.8) -> AddReport:
        """Append new articles to the corpus; exact and near duplicates are reported, not added.

        Under the project's ``add`` lock (two ``add`` runs at once would each read the corpus
        and append the same articles), and whole or not at all: the corpus is copied with the
        new lines to a temp file that replaces it, so a full disk or a kill leaves the old
        corpus as it was, never a torn line that the next ``add`` would glue its article to.
        """
        with self.lock("add"):
            return self._add_records(records, near_threshold)

    def _add_records(self, records: Iterable[Record], near_threshold: float) -> AddReport:
        from workbench.io.near_duplicates import NearDuplicateIndex

        report = AddReport()
        index = NearDuplicateIndex(threshold=near_threshold)
        known = set()
        for rec in self.iter_corpus():
            known.add(rec.id)
            index.add(rec.id, rec.text)
        lines = []
        for rec in records:
            source = str(rec.meta.get("file") or rec.id)
            if rec.id in known:
                report.duplicates.append((source, rec.id))
                continue
            similar = index.query(rec.text)
            if similar:
                other, score = similar[0]
                report.near_duplicates.append((source, other, score))
                continue
            known.add(rec.id)
            index.add(rec.id, rec.text)
            rec.status, rec.annotator = "todo", None
            lines.append(dumps(rec.to_dict()) + "\n")
            report.added += 1
        if lines:
            append_whole(self.corpus_path, lines)
        return report

    # assignments --------------------------------------------------------------
    @property
    def assignments_path(self) -> Path:
        return self.root / "assignments.json"

    def assignments(self) -> dict[str, Any]:
        if not self.assignments_path.exists():
            return _empty_assignments()
        try:
            data = json.loads(self.assignments_path.read_text("utf-8"))
        except (OSError, ValueError) as e:
            raise ProjectError(f"{self.assignments_path}: cannot read the assignments ({e})") from None
        if not (
            isinstance(data, dict)
            and isinstance(data.get("annotators"), dict)
            and isinstance(data.get("articles"), dict)
        ):
            raise ProjectError(
                f"{self.assignments_path}: not an assignments file (needs annotators and articles)"
            )
        return data

    def save_assignments(self, data: dict[str, Any]) -> None:
        write_text_atomic(self.assignments_path, json.dumps(data, indent=2, ensure_ascii=False) + "\n")

    @contextmanager
    def lock(self, what: str = "assign") -> Iterator[None]:
        """One lead at a time changes assignments; the second is told who holds the lock."""
        user = os.environ.get("USER") or os.environ.get("USERNAME") or "?"
        try:
            fd = locks.acquire(self.root / f".{what}.lock", user=user)
        except locks.LinkRefused as e:
            raise ProjectError(str(e)) from None
        except locks.Held as e:
            h = e.holder
            raise ProjectLocked(
                f"another {what} is running in {self.root}: {h.get('user', '?')} on "
                f"{h.get('host', '?')} (pid {h.get('pid', '?')}) since {h.get('since', '?')}"
            ) from None
        try:
            yield
        finally:
            os.close(fd)


def append_whole(path: Path, lines: list[str]) -> None:
    """Append ``lines`` to a shared JSONL file whole or not at all (the caller holds the project lock).

    The file is copied with the new lines into a temp file beside it that then replaces it
    (``atomic_write``): a reader, a kill or a full disk sees the old file or the new one.
    A last line without its newline (a writer killed before this rule) is ended first, so a
    new record never lands on it.
    """
    with atomic_write(path, "wb") as out:
        last = b"\n"
        if path.exists():
            with open(path, "rb") as old:
                shutil.copyfileobj(old, out, 1 << 20)
                if old.tell():
                    old.seek(-1, os.SEEK_END)
                    last = old.read(1)
        if last != b"\n":
            out.write(b"\n")
        out.write("".join(lines).encode("utf-8"))


def parsed_source() -> Path:
    from workbench.core.paths import schemas_dir

    return schemas_dir() / "news.json"


def _empty_assignments() -> dict[str, Any]:
    return {"annotators": {}, "articles": {}}


def assign(
    project: Project,
    annotators: list[str],
    size: int,
    overlap: float,
    seed: int = 0,
    preannotate: Any = None,
) -> dict[str, list[str]]:
    """Hand out unassigned articles; returns the new ids per annotator.

    Articles already assigned (and so anything someone started or finished) are
    never moved. ``preannotate``, if given, is called on each batch's records
    before they are written (the workbench.nlp pre-annotation function).
    """
    from workbench.core.assign import plan

    for name in annotators:
        safe_name(name)
    with project.lock("assign"):
        data = project.assignments()
        taken = set(data["articles"])
        corpus = {rec.id: rec for rec in project.iter_corpus()}
        candidates = [i for i in corpus if i not in taken]
        result = plan(candidates, annotators, size, overlap, seed)
        stamp = now_iso()
        for name, ids in result.batches.items():
            if not ids:
                continue
            entry = data["annotators"].setdefault(name, {"file": safe_name(name), "batches": []})
            entry["batches"].append({"assigned": stamp, "ids": ids})
            for i in ids:
                data["articles"].setdefault(i, []).append(name)
            records = [corpus[i] for i in ids]
            if preannotate is not None:
                records = list(preannotate(records))
            for rec in records:
                rec.annotator = name
            append_whole(project.batch_file(name), [dumps(rec.to_dict()) + "\n" for rec in records])
        project.save_assignments(data)
        return result.batches


def assigned_ids(project: Project, annotator: str) -> list[str]:
    entry = project.assignments()["annotators"].get(annotator)
    if entry is None:
        return []
    return [i for batch in entry["batches"] for i in batch["ids"]]
