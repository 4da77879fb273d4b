"""What a path opens: its batch of articles, and where the annotator's file for it lives.

The annotator file lives next to what was opened, named ``<corpus stem>.<annotator>.jsonl``
(for a folder: inside its parent, named after the folder), so a batch and its annotations
travel together and two annotators of one corpus never share a file. Opening the annotator
file itself works too. A project folder (``project.json``) opens the annotator's batch and
writes to ``annotations/<name>.jsonl``, as the project layout says. The shipped demo corpus
is the exception: its annotations go to ``<data folder>/annotations/`` (``io/datadir.py``),
since an installation may be read-only. Split from :mod:`workbench.app.session`, which holds
the open batch once it is made.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from workbench.app.batch import Batch, ReadArticles, start_batch
from workbench.core.paths import corpora_dir
from workbench.core.problems import Problem
from workbench.core.record import Record
from workbench.io.articles import KINDS
from workbench.io.datadir import annotations_dir

# What the window's Open dialog offers: every kind the article readers know, and Markdown
# (read as text when given by name); the readers decide, so the dialog cannot hide one they read.
ARTICLE_SUFFIXES = (*KINDS, ".md")


class OpenError(ValueError):
    """Nothing usable could be opened; the message names the file (and line)."""


def _safe(name: str) -> str:
    return re.sub(r"[^\w.-]+", "_", name).strip("._") or "annotator"


def project_of(paths: list[Path]) -> Any:
    """The project when ``paths`` is one project folder (or its project.json), else None."""
    if len(paths) != 1:
        return None
    root = paths[0].parent if paths[0].name == "project.json" else paths[0]
    if not (root.is_dir() and (root / "project.json").is_file()):
        return None
    from workbench.io.project import Project, ProjectError

    try:
        return Project.open(root)
    except ProjectError as e:
        raise OpenError(str(e)) from None


def annotator_path(paths: list[Path], annotator: str) -> Path:
    project = project_of(paths)
    if project is not None:
        return project.annotator_file(annotator)
    first = paths[0].resolve()
    if is_annotator_file(first, annotator):
        return first
    stem = first.name if first.is_dir() else first.stem
    name = f"{stem}.{_safe(annotator)}.jsonl"
    shipped = corpora_dir().resolve()
    if first == shipped or shipped in first.parents or not os.access(first.parent, os.W_OK):
        # the demo ships inside the installation, and articles may sit on a read-only share:
        # annotate into the user's data folder rather than refuse to open them
        return annotations_dir() / name
    return first.parent / name


def is_annotator_file(path: Path, annotator: str) -> bool:
    return path.is_file() and path.name.endswith(f".{_safe(annotator)}.jsonl")


def _read_articles(
    path: Path, problems: list[Problem], clean: bool = True, originals: dict[str, Record] | None = None
) -> list[Record]:
    """Article files and folders through the shared readers (txt, html, json...).

    Raw ``.txt``/``.html`` pages get the cleaning and title detection that ``workbench add``
    gives them (``read_articles(clean="raw")``: menus, share bars, date lines and "RELATED
    ARTICLES" out; the original text kept in ``meta["original_text"]``); JSON articles are
    someone's prepared text and stay as they are.
    ``originals`` collects the uncleaned record of each cleaned one, by the cleaned id.
    """
    from workbench.io.articles import read_articles

    def keep(original: Record, cleaned: Record) -> None:
        if originals is not None:
            original.meta["cleaned_to"] = cleaned.id  # opened uncleaned, it says what it was cleaned to
            originals[cleaned.id] = original

    out: list[Record] = []
    for item in read_articles([path], clean="raw" if clean else False, cleaned=keep):
        if isinstance(item, Record):
            out.append(item)
        else:
            problems.append(item)
    return out


def build_batch(
    paths: list[Path],
    budget: float | None = None,
    clean: bool = True,
    originals: dict[str, Record] | None = None,
) -> Batch:
    """The batch of ``paths``; with ``budget`` (seconds), the rest of a long index is left pending.

    The window passes a budget, so a 100k-article corpus opens at once and its list fills
    in the background (``Batch.pending``); everyone else gets the whole index.
    ``clean=False`` shows raw files exactly as they are (decision 0015).
    """
    sources: list[tuple[Path, ReadArticles | None]] = []
    for p in paths:
        if not p.exists():
            raise OpenError(f"{p}: no such file or folder")
        if p.is_file() and p.suffix.lower() == ".jsonl":
            sources.append((p, None))
        else:
            sources.append((p, lambda problems, p=p: _read_articles(p, problems, clean, originals)))
    batch = start_batch(sources, budget)
    if not batch.items:
        batch.close()
        detail = "\n".join(map(str, batch.errors[:5]))
        raise OpenError(
            f"{', '.join(map(str, paths))}: no articles found" + (f"\n{detail}" if detail else "")
        )
    return batch
