"""Read several annotators' JSONL files side by side, one article at a time.

A first pass keeps only ``id -> byte offset`` per file (the later line wins, as
in the annotator store), so memory grows with the number of articles, not with
their size; a second pass seeks to each article's line in every file. Files need
not be in the same order. Mistakes a lead makes when collecting files (an empty
file, the same annotator twice, files from different schemas, a merged file
given as an annotator file) are refused with a message naming the files.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import repeat
from operator import itemgetter, lt
from pathlib import Path
from typing import Any

from workbench.core.merge import header_problems
from workbench.core.problems import Problem
from workbench.core.record import STATUSES, structural_problems
from workbench.io.jsonl import LineError, iter_records, read_jsonl, read_line, record_id, skim_records

_SURROGATE = re.compile("[\ud800-\udfff]")
_INT, _STR, _ATTRS = {int}, {str}, {dict, type(None)}
_MISSING = object()  # a span without a "text" key (null is a value, and a wrong one)
_SPAN_COLUMNS = itemgetter("start", "end", "id", "label")
_RELATION_COLUMNS = itemgetter("id", "head", "child", "label")
_get = dict.get


def _looks_sound(d: dict[str, Any]) -> bool:
    """The common case of :func:`structural_problems`, fast; False sends the record to the full check.

    Column-wise, and every column is taken at C speed (``itemgetter`` and ``dict.get`` mapped
    over the spans, ``zip(*...)`` to split them), because this runs on every span of every
    version before anything else: about two thirds of the time of per-field comprehensions.
    """
    text = d.get("text")
    if type(text) is not str or (not text.isascii() and _SURROGATE.search(text)):
        return False
    spans = d.get("spans") or ()
    rels = d.get("relations") or ()
    try:
        span_ids: set[Any] = set()
        if spans:
            starts, ends, ids, labels = zip(*map(_SPAN_COLUMNS, spans), strict=True)
            if {*map(type, starts), *map(type, ends)} != _INT or {
                *map(type, ids),
                *map(type, labels),
            } != _STR:
                return False
            if min(starts) < 0 or max(ends) > len(text) or not all(map(lt, starts, ends)):
                return False
            texts = list(map(_get, spans, repeat("text"), repeat(_MISSING)))
            cut = list(map(text.__getitem__, map(slice, starts, ends)))
            if texts != cut and any(t is not _MISSING and t != c for t, c in zip(texts, cut, strict=True)):
                return False
            if not set(map(type, map(_get, spans, repeat("attrs")))) <= _ATTRS:
                return False
            span_ids = set(ids)
            if len(span_ids) != len(ids):
                return False
        if rels:
            rel_ids, heads, children, rel_labels = zip(*map(_RELATION_COLUMNS, rels), strict=True)
            if {*map(type, rel_ids), *map(type, heads), *map(type, children), *map(type, rel_labels)} != _STR:
                return False
            if (
                len(set(rel_ids)) != len(rels)
                or not span_ids.issuperset(heads)
                or not span_ids.issuperset(children)
            ):
                return False
            if not set(map(type, map(_get, rels, repeat("attrs")))) <= _ATTRS:
                return False
    except (KeyError, TypeError):  # a missing key, or a span or relation that is no object
        return False
    status = d.get("status")
    return status is None or status in STATUSES


def _left_out(path: str | Path, line: int | None, message: str) -> str:
    """A problem of an input line that merge skips; strings, since they cross process boundaries."""
    return str(Problem(str(path), line, f"{message}; left out"))


class InputError(ValueError):
    """Files that cannot be read together; the message names them."""


@dataclass
class AnnotatorFile:
    path: Path
    annotator: str
    # id -> (byte offset, line no, length in bytes)
    offsets: dict[str, tuple[int, int, int]] = field(default_factory=dict)
    errors: list[LineError] = field(default_factory=list)
    schema: str | None = None
    merged: bool = False
    _fd: int | None = None

    def read(self, rid: str) -> tuple[int, dict[str, Any]] | None:
        """(line, record) of ``rid``'s latest line, or ValueError saying why that line is no record."""
        where = self.offsets.get(rid)
        if where is None:
            return None
        if self._fd is None:
            self._fd = os.open(self.path, os.O_RDONLY)
        d = read_line(self._fd, where[0], where[2], exact=False)  # ValueError says why it is no JSON
        if type(d) is not dict:
            raise ValueError(f"expected a JSON object, found {type(d).__name__}")
        record_id(d)  # the index skimmed this line: the one record rule is applied now
        return where[1], d

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def index_file(path: str | Path, annotator: str | None = None) -> AnnotatorFile:
    """First pass over one file: where each record is, and who and what schema it is from."""
    p = Path(path)
    if not p.is_file():
        raise InputError(str(Problem(str(p), None, "no such file")))
    af = AnnotatorFile(p, annotator or "")
    first: dict[str, Any] | None = None
    offsets = af.offsets
    for item in skim_records(p):
        if type(item) is LineError:
            af.errors.append(item)
            continue
        n, pos, size, rid, obj = item
        if first is None:
            first = obj
        offsets.pop(rid, None)
        offsets[rid] = (pos, n, size)
    if first is None:
        bad = f" ({len(af.errors)} unreadable line(s), first: {af.errors[0]})" if af.errors else ""
        raise InputError(
            str(Problem(str(p), None, f"the file holds no records{bad}; leave it out or check the path"))
        )
    af.merged = isinstance(first.get("merge"), dict)
    af.schema = first.get("schema")
    if not af.annotator:
        af.annotator = str(first.get("annotator") or p.stem)
    return af


def open_annotator_files(paths: list[str | Path], names: list[str] | None = None) -> list[AnnotatorFile]:
    """Index every file and check they can be merged: distinct annotators, one schema."""
    if names is not None and len(names) != len(paths):
        raise InputError(f"{len(names)} annotator name(s) given for {len(paths)} file(s)")
    seen_paths: dict[Path, str] = {}
    for p in paths:
        rp = Path(p).resolve()
        if rp in seen_paths:
            raise InputError(f"{p} is given twice")
        seen_paths[rp] = str(p)
    files = [index_file(p, names[i] if names else None) for i, p in enumerate(paths)]
    for f in files:
        if f.merged:
            raise InputError(f"{f.path} is already a merged file; give the annotators' own files")
    by_name: dict[str, AnnotatorFile] = {}
    for f in files:
        if f.annotator in by_name:
            raise InputError(
                f"annotator {f.annotator!r} appears twice: {by_name[f.annotator].path} and {f.path} "
                "(if they are different people, name them with --annotators)"
            )
        by_name[f.annotator] = f
    schemas = {f.schema for f in files}
    if len(schemas) > 1:
        listing = ", ".join(f"{f.path.name}: {f.schema}" for f in files)
        raise InputError(
            f"the files were made with different annotation schemas ({listing}); refusing to merge"
        )
    return files


@dataclass
class Bundle:
    """One article as every annotator who has it left it."""

    id: str
    versions: dict[str, dict[str, Any]]
    where: dict[str, tuple[Path, int]]  # annotator -> (file, line)


def article_order(files: list[AnnotatorFile]) -> list[str]:
    """Ids in the order of the first file, then those only later files have."""
    order: dict[str, None] = {}
    for f in files:
        for rid in f.offsets:
            order.setdefault(rid, None)
    return list(order)


def iter_bundles(
    files: list[AnnotatorFile], problems: list[str] | None = None, ids: list[str] | None = None
) -> Iterator[Bundle]:
    """Articles in the order of the first file, then those only later files have (or just ``ids``).

    A record whose schema differs from its file's is refused with file and line;
    a line that does not parse or hang together is left out and described in
    ``problems`` (the input files are never changed, so nothing is lost).
    """
    problems = problems if problems is not None else []
    order = article_order(files) if ids is None else ids
    schema = files[0].schema if files else None
    try:
        for rid in order:
            versions: dict[str, dict[str, Any]] = {}
            where: dict[str, tuple[Path, int]] = {}
            for f in files:
                try:
                    got = f.read(rid)
                except ValueError as e:
                    problems.append(_left_out(f.path, f.offsets[rid][1], str(e)))
                    continue
                if got is None:
                    continue
                line, d = got
                bad = [] if _looks_sound(d) else structural_problems(d)
                bad += header_problems(d)
                if bad:
                    problems.append(_left_out(f.path, line, "; ".join(bad)))
                    continue
                if d.get("schema") != schema:
                    made = f"record {rid} was made with schema {d.get('schema')!r}, the files with {schema!r}"
                    raise InputError(str(Problem(str(f.path), line, f"{made}; refusing to merge")))
                versions[f.annotator] = d
                where[f.annotator] = (f.path, line)
            yield Bundle(rid, versions, where)
    finally:
        for f in files:
            f.close()


def iter_merged(path: str | Path, problems: list[str] | None = None) -> Iterator[tuple[int, dict[str, Any]]]:
    """Records of a merged file, each checked; a hand-edited one is re-derived and reported."""
    from workbench.core.merge import is_merged, merged_problems, rederive

    problems = problems if problems is not None else []
    for item in read_jsonl(path):
        if isinstance(item, LineError):
            problems.append(_left_out(item.path, item.line, item.message))
            continue
        line, d = item
        if not is_merged(d):
            problems.append(_left_out(path, line, "not a merged record"))
            continue
        bad = merged_problems(d)
        if d.get("meta") is not None and type(d["meta"]) is not dict:
            bad.append(f"merged record has no 'meta' object (found {type(d['meta']).__name__})")
        if any(b.startswith(("version of", "merged record has no")) for b in bad):
            problems.append(_left_out(path, line, "; ".join(bad)))
            continue
        if bad:
            redone = f"{'; '.join(bad)}; items recomputed from the versions"
            problems.append(str(Problem(str(path), line, redone)))
            d = rederive(d)
        yield line, d


def is_merged_file(path: str | Path) -> bool:
    """Whether the first record of ``path`` is a merged record."""
    try:
        for item in iter_records(path):
            if type(item) is not LineError:
                return isinstance(item[4].get("merge"), dict)
    except OSError:
        return False
    return False
