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
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workbench.core.merge import header_problems
from workbench.core.problems import Problem
from workbench.core.record import STATUSES, structural_problems
from workbench.io.jsonl import LineError, iter_records, read_jsonl, read_line, record_id, skim_records

if TYPE_CHECKING:
    import cython  # C types for the compiled module (decision 0027); never imported at run time

_SURROGATE = re.compile("[\ud800-\udfff]")
_ATTRS = {dict, type(None)}
_MISSING = object()  # a span without a "text" key (null is a value, and a wrong one)


def _looks_sound(d: dict[str, Any]) -> bool:
    """The common case of :func:`structural_problems`, fast; False sends the record to the full check.

    This runs on every span of every version before anything else, so it is one plain loop
    that stops at the first doubt, written for the compiler (decision 0027): the ``cython.*``
    annotations make the offsets C integers and the span a dict when compiled, and are never
    evaluated when the module runs as Python.
    """
    text = d.get("text")
    if type(text) is not str or (not text.isascii() and _SURROGATE.search(text)):
        return False
    whole: str = text
    size: cython.Py_ssize_t = len(whole)
    start: cython.Py_ssize_t
    end: cython.Py_ssize_t
    spans = d.get("spans") or ()
    rels = d.get("relations") or ()
    if (spans and type(spans) is not list) or (rels and type(rels) is not list):
        return False
    span_ids: set[Any] = set()
    for s in spans:
        if type(s) is not dict:
            return False
        span: dict[str, Any] = s
        first, last = span.get("start"), span.get("end")
        if type(first) is not int or type(last) is not int or not 0 <= first < last <= size:
            return False
        start, end = first, last
        said = span.get("text", _MISSING)
        if said is not _MISSING and said != whole[start:end]:
            return False
        sid, attrs = span.get("id"), span.get("attrs")
        if type(sid) is not str or type(span.get("label")) is not str or type(attrs) not in _ATTRS:
            return False
        span_ids.add(sid)
    if len(span_ids) != len(spans):
        return False
    rel_ids: set[Any] = set()
    for r in rels:
        if type(r) is not dict:
            return False
        rel: dict[str, Any] = r
        rid, head, child = rel.get("id"), rel.get("head"), rel.get("child")
        if type(rid) is not str or type(rel.get("label")) is not str or type(rel.get("attrs")) not in _ATTRS:
            return False
        if type(head) is not str or type(child) is not str or head not in span_ids or child not in span_ids:
            return False
        rel_ids.add(rid)
    if len(rel_ids) != len(rels):
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
        if type(d.get("id")) is not str or not d["id"]:
            bad.append(f"merged record has no 'id' string (found {d.get('id')!r})")
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
