"""brat standoff: the generic ``.ann`` parser, for every mapping of brat data onto records.

brat is how most attribution and NER corpora (PolNeAR, PARC-style data, brat's
own tutorials) are shipped, so the reader is generic: it keeps every line kind
(``T`` text-bounds incl. discontinuous ``0 5;10 15`` spans, ``R`` relations,
``E`` events, ``A``/``M`` attributes, ``N`` normalisations, ``*`` equivalences,
``#`` notes) as plain frozen dataclasses, checks each text-bound against the
``.txt`` it annotates, and reports every problem with ``file:line`` instead of
stopping at the first one: a lead fixing a hand-edited file wants the full list.

What the lines *mean* is decided elsewhere: :mod:`.generic` keeps them all as
spans and relations (lossless, written back line for line), :mod:`.polnear`
reads PolNeAR's attributions as quotes with speakers and cues.

This module is io: it must not import spaCy (or anything from ``nlp``/``ui``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from workbench.core.problems import Problem
from workbench.io.safe_files import walk_files

Fragment = tuple[int, int]


@dataclass(frozen=True, slots=True)
class TextBound:
    """A ``T`` line; ``fragments`` are (start, end) pairs, end exclusive, in file order."""

    id: str
    label: str
    fragments: tuple[Fragment, ...]
    text: str
    line: int = 0

    @property
    def start(self) -> int:
        return min(s for s, _ in self.fragments)

    @property
    def end(self) -> int:
        return max(e for _, e in self.fragments)


@dataclass(frozen=True, slots=True)
class BratRelation:
    """An ``R`` line: ``args`` are (role, id) pairs, normally Arg1 then Arg2."""

    id: str
    label: str
    args: tuple[tuple[str, str], ...]
    line: int = 0

    def arg(self, role: str) -> str | None:
        return next((i for r, i in self.args if r == role), None)


@dataclass(frozen=True, slots=True)
class BratEvent:
    """An ``E`` line: a trigger text-bound and (role, id) arguments (roles may repeat)."""

    id: str
    label: str
    trigger: str
    args: tuple[tuple[str, str], ...]
    line: int = 0

    def args_of(self, role: str) -> list[str]:
        """Ids for a role, accepting brat's numbered repeats (``Content``, ``Content2``...)."""
        return [i for r, i in self.args if r == role or (r.startswith(role) and r[len(role) :].isdigit())]


@dataclass(frozen=True, slots=True)
class BratAttribute:
    """An ``A`` (or legacy ``M``) line; ``value`` is None for a binary attribute."""

    id: str
    label: str
    target: str
    value: str | None
    line: int = 0


@dataclass(frozen=True, slots=True)
class BratNormalization:
    id: str
    label: str
    target: str
    ref: str
    text: str
    line: int = 0


@dataclass(frozen=True, slots=True)
class BratNote:
    """A ``#`` line (e.g. ``AnnotatorNotes T1``)."""

    id: str
    label: str
    target: str
    text: str
    line: int = 0


@dataclass(frozen=True, slots=True)
class BratEquiv:
    label: str
    ids: tuple[str, ...]
    line: int = 0


@dataclass(slots=True)
class BratDocument:
    file: str
    text: str
    textbounds: dict[str, TextBound] = field(default_factory=dict)
    relations: dict[str, BratRelation] = field(default_factory=dict)
    events: dict[str, BratEvent] = field(default_factory=dict)
    attributes: dict[str, BratAttribute] = field(default_factory=dict)
    normalizations: dict[str, BratNormalization] = field(default_factory=dict)
    notes: list[BratNote] = field(default_factory=list)
    equivs: list[BratEquiv] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


_FRAG = re.compile(r"^(\d+) (\d+)$")


def _fragments(spec: str) -> tuple[Fragment, ...] | str:
    """Parse ``0 5;10 15``; returns an error message string on failure."""
    frags: list[Fragment] = []
    for part in spec.split(";"):
        m = _FRAG.match(part.strip())
        if not m:
            return f"bad offsets {part.strip()!r} (expected 'start end')"
        s, e = int(m.group(1)), int(m.group(2))
        if e < s:
            return f"offsets {s}-{e} end before they start"
        frags.append((s, e))
    return tuple(frags)


def _args(parts: list[str]) -> tuple[tuple[str, str], ...] | str:
    out: list[tuple[str, str]] = []
    for p in parts:
        role, sep, ident = p.partition(":")
        if not sep or not role or not ident:
            return f"bad argument {p!r} (expected Role:ID)"
        out.append((role, ident))
    return tuple(out)


def parse_ann(ann: str, text: str, file: str = "<ann>") -> BratDocument:
    """Parse standoff against its text; every bad line becomes a problem, good lines are kept."""
    doc = BratDocument(file=file, text=text)

    def bad(n: int, msg: str) -> None:
        doc.problems.append(Problem(file, n, msg))

    for n, raw in enumerate(ann.split("\n"), 1):
        line = raw.rstrip("\r")
        if not line.strip():
            continue
        ident, _, rest = line.partition("\t")
        ident = ident.strip()
        kind = ident[:1]
        if kind == "T":
            head, sep, span_text = rest.partition("\t")
            label, _, spec = head.partition(" ")
            if not sep or not label or not spec:
                bad(n, f"{ident}: expected 'T<n><TAB>Label start end<TAB>text'")
                continue
            frags = _fragments(spec)
            if isinstance(frags, str):
                bad(n, f"{ident}: {frags}")
                continue
            if any(e > len(text) for _, e in frags):
                bad(n, f"{ident}: offsets {spec} fall outside the text (length {len(text)})")
                continue
            actual = " ".join(text[s:e] for s, e in frags)
            if actual != span_text and " ".join(actual.split()) != " ".join(span_text.split()):
                bad(n, f"{ident}: text {span_text!r} does not match the text at {spec} ({actual!r})")
            if ident in doc.textbounds:
                bad(n, f"{ident}: id used twice")
            doc.textbounds[ident] = TextBound(ident, label, frags, actual, n)
        elif kind == "R":
            parts = rest.split()
            args = _args(parts[1:])
            if not parts or isinstance(args, str) or len(args) < 2:
                bad(n, f"{ident}: expected 'R<n><TAB>Label Arg1:T1 Arg2:T2'" + (f" ({args})" if args else ""))
                continue
            doc.relations[ident] = BratRelation(ident, parts[0], args, n)
        elif kind == "E":
            parts = rest.split()
            if not parts:
                bad(n, f"{ident}: empty event")
                continue
            label, sep, trigger = parts[0].partition(":")
            args = _args(parts[1:])
            if not sep or isinstance(args, str):
                bad(n, f"{ident}: expected 'E<n><TAB>Type:T1 Role:T2 ...'" + (f" ({args})" if args else ""))
                continue
            doc.events[ident] = BratEvent(ident, label, trigger, args, n)
        elif kind in "AM":
            parts = rest.split()
            if len(parts) not in (2, 3):
                bad(n, f"{ident}: expected 'A<n><TAB>Name ID [Value]'")
                continue
            doc.attributes[ident] = BratAttribute(
                ident, parts[0], parts[1], parts[2] if len(parts) == 3 else None, n
            )
        elif kind == "N":
            head, _, ntext = rest.partition("\t")
            parts = head.split()
            if len(parts) != 3:
                bad(n, f"{ident}: expected 'N<n><TAB>Reference ID DB:KEY<TAB>text'")
                continue
            doc.normalizations[ident] = BratNormalization(ident, parts[0], parts[1], parts[2], ntext, n)
        elif kind == "#":
            head, _, ntext = rest.partition("\t")
            parts = head.split()
            if len(parts) < 2:
                bad(n, f"{ident}: expected '#<n><TAB>AnnotatorNotes ID<TAB>note'")
                continue
            doc.notes.append(BratNote(ident, parts[0], parts[1], ntext, n))
        elif kind == "*":
            parts = rest.split()
            if len(parts) < 3:
                bad(n, "expected '*<TAB>Equiv T1 T2 ...'")
                continue
            doc.equivs.append(BratEquiv(parts[0], tuple(parts[1:]), n))
        else:
            bad(n, f"unknown annotation kind {ident!r}")
    _check_references(doc)
    return doc


def _check_references(doc: BratDocument) -> None:
    known = set(doc.textbounds) | set(doc.events) | set(doc.relations)
    for r in doc.relations.values():
        for role, i in r.args:
            if i not in known:
                doc.problems.append(Problem(doc.file, r.line, f"{r.id}: {role} refers to unknown {i!r}"))
    for e in doc.events.values():
        if e.trigger not in doc.textbounds:
            doc.problems.append(Problem(doc.file, e.line, f"{e.id}: trigger {e.trigger!r} is not a T line"))
        for role, i in e.args:
            if i not in known:
                doc.problems.append(Problem(doc.file, e.line, f"{e.id}: {role} refers to unknown {i!r}"))
    for a in doc.attributes.values():
        if a.target not in known:
            doc.problems.append(Problem(doc.file, a.line, f"{a.id}: target {a.target!r} is unknown"))


def read_text(path: str | Path) -> str:
    """Read a brat ``.txt`` exactly: no newline translation, since offsets count every character."""
    with open(path, encoding="utf-8", newline="") as fh:
        return fh.read()


def text_path_for(ann_path: str | Path) -> Path | None:
    """The ``.txt`` an ``.ann`` annotates: same stem, or PolNeAR's ``<stem>_<annotator>.ann`` in ../text/."""
    p = Path(ann_path)
    candidates = [p.with_suffix(".txt")]
    stem, _, suffix = p.stem.rpartition("_")
    for folder in (p.parent, p.parent.parent / "text"):
        candidates.append(folder / f"{p.stem}.txt")
        if stem:
            candidates.append(folder / f"{stem}.txt")
    return next((c for c in candidates if c.is_file()), None)


def read_brat(ann_path: str | Path, txt_path: str | Path | None = None) -> BratDocument:
    """Read one ``.ann`` and its text. Missing files raise FileNotFoundError naming the file."""
    ann_path = Path(ann_path)
    tp = Path(txt_path) if txt_path is not None else text_path_for(ann_path)
    if tp is None:
        raise FileNotFoundError(f"{ann_path}: no matching .txt file found")
    return parse_ann(read_text(ann_path), read_text(tp), str(ann_path))


def iter_ann_files(folder: str | Path, refused: list[Problem] | None = None) -> Iterator[Path]:
    """Every ``.ann`` under a folder (PolNeAR keeps them in ``attributions/``), sorted.

    Walked like every folder import (``io/safe_files.py``): links that leave the folder,
    FIFOs and other non-files are never read; they go to ``refused`` when it is given.
    """
    found = walk_files(Path(folder), lambda p: p.suffix == ".ann")
    files = []
    for item in found:
        if isinstance(item, Problem):
            if refused is not None:
                refused.append(item)
        else:
            files.append(item)
    yield from sorted(files)
