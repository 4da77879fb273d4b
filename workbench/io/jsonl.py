"""Streaming JSON Lines: one walk over a file, one rule for a record line, one torn-line repair.

A malformed line never makes the rest of a file unusable: readers yield the
good lines and report the bad ones as :class:`LineError` (a
:class:`~workbench.core.problems.Problem` that keeps the line's bytes), so a lead
can fix them by hand. Every JSONL reader of the workbench walks files through
:func:`read_jsonl` (any JSON object per line: validators, importers) or
:func:`iter_records` (workbench records: the corpus index, annotator files, the
window's batch, the annotator store), so they agree on what a line is
(docs/decisions/0011-one-jsonl-rule.md).
"""

from __future__ import annotations

import contextlib
import json
import mmap
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import orjson

from workbench.core.problems import Problem
from workbench.core.record import article_id

_BOM = b"\xef\xbb\xbf"
TORN = "incomplete last line (the writer stopped mid-line)"
NOT_A_RECORD = "not a record (needs a 'text' string)"

# The longest line the window reads as one record: far past an article's 20 MB (``io/articles``),
# since a record the workbench writes holds its text escaped, its spans and perhaps the original
# text; a longer line is refused by line number and read through without being held.
MAX_RECORD_BYTES = 256 * 1024 * 1024
_CHUNK = 1024 * 1024

# (line number, byte offset, size in bytes with the line ending, record id, parsed object)
RecordLine = tuple[int, int, int, str, dict[str, Any]]
# the same, with None for a line whose id was read from its head without parsing it
SkimmedLine = tuple[int, int, int, str, dict[str, Any] | None]
# How the workbench writes a record line: the id first (dumps keeps a record's key order).
_ID_HEAD = re.compile(rb'\s*\{\s*"id"\s*:\s*"((?:[^"\\]|\\.)+)"')
# ... and its last keys, as ``Record.to_dict`` orders them (spaces allowed). Anchored at the
# line's end, the status it finds is the record's own: the closing brace is the object's,
# and a key inside a string would have its quotes escaped.
_STR = rb'"(?:[^"\\\n]|\\.)*"'
_STATUS_TAIL = re.compile(
    rb'"status"\s*:\s*("[a-z_]{1,20}"|null)\s*,\s*"annotator"\s*:\s*(?:' + _STR + rb"|null)"
    rb'\s*,\s*"schema"\s*:\s*(?:' + _STR + rb'|null)\s*,\s*"rev"\s*:\s*-?\d{1,18}'
    rb'\s*,\s*"updated"\s*:\s*(?:"[^"\\\n]*"|null)\s*\}\s*\Z'
)


@dataclass(frozen=True, slots=True)
class LineError(Problem):
    """A line that is not what the reader needs; the bytes go along so :func:`set_aside` can copy them.

    ``raw`` is the line without its line ending; ``torn`` marks an unterminated
    last line that does not parse (a writer died mid-line), which is the one kind
    :func:`set_aside` cuts from the file.
    """

    raw: bytes = b""
    torn: bool = False


def _line(raw: bytes) -> bytes:
    return raw.rstrip(b"\r\n") if raw.endswith(b"\n") else raw


def record_id(obj: dict[str, Any]) -> str:
    """The one rule of a record line, applied to its object: its id, or ValueError saying why not.

    A record has a string ``text``. Its id is its ``id`` string; one given
    without an id (absent, null or empty) is an article, and gets
    ``article_id(text)``, the id :class:`~workbench.core.record.Record` and the
    article importer give it, so the window, the store, the index and merge all
    name it alike.
    """
    text = obj.get("text")
    if type(text) is not str:
        raise ValueError(NOT_A_RECORD)
    rid = obj.get("id")
    if type(rid) is str and rid:
        return rid
    if rid is None or rid == "":
        return article_id(text)
    raise ValueError(f"record id must be a string, found {type(rid).__name__}")


def _standard(raw: bytes) -> Any:
    """What the standard parser makes of a line orjson refused: the object, or its error."""
    try:
        return json.loads(raw)
    except (ValueError, RecursionError) as e:
        return e


def _head_id(rid: bytes) -> str | None:
    """The id a line's head spells (JSON escapes undone); None if it spells none."""
    try:
        return json.loads(b'"' + rid + b'"') if b"\\" in rid else rid.decode("utf-8")
    except ValueError:
        return None


def _plain_head_id(mm: mmap.mmap, start: int, end: int) -> str | None:
    """The id of a line that starts exactly as ``dumps`` (or ``json.dumps``) writes it, without escapes.

    What ``_ID_HEAD`` would find on such a line, for a third of its cost: the usual line of a
    100k-article file is skimmed by two searches and a slice. None sends the line to the regex.
    """
    if mm[start : start + 7] == b'{"id":"':
        first = start + 7
    elif mm[start : start + 8] == b'{"id": "':
        first = start + 8
    else:
        return None
    close = mm.find(b'"', first, end)
    if close <= first:
        return None
    raw = mm[first:close]
    if b"\\" in raw:
        return None  # escapes: the regex and the JSON parser undo them
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return None


def tail_status(tail: bytes) -> str | None | bool:
    """The status of a record line from its last bytes, if the workbench wrote it; else ``False``.

    For an index that skimmed the line (:func:`skim_records`) and is asked for its status:
    the tail of a line ``Record.to_dict`` + :func:`dumps` wrote names it, so the line need
    not be read whole. ``False`` when the tail ends otherwise (then parse the line).
    """
    at = tail.rfind(b'"status"')
    m = _STATUS_TAIL.match(tail, at) if at >= 0 else None
    if m is None:
        return False
    status = m.group(1)
    return None if status == b"null" else status[1:-1].decode("ascii")


def _judge(name: str, n: int, raw: bytes, fast: bool, records: bool) -> Any:
    """A line by the rule: ``(id, object)`` (``(None, object)`` unless ``records``), a LineError or None."""
    try:
        obj = (orjson.loads if fast else json.loads)(raw)
    except (ValueError, RecursionError) as e:  # decode errors are ValueErrors
        if raw.isspace():
            return None  # blank lines are neither records nor problems
        obj = _standard(raw) if fast else e
        if isinstance(obj, BaseException):
            torn = not raw.endswith(b"\n")
            msg = TORN if torn else f"not valid JSON ({obj})"
            return LineError(name, n, msg, raw=_line(raw), torn=torn)
    if type(obj) is not dict:
        return LineError(name, n, f"expected a JSON object, found {type(obj).__name__}", raw=_line(raw))
    if not records:
        return None, obj
    try:
        return record_id(obj), obj
    except ValueError as e:
        return LineError(name, n, str(e), raw=_line(raw))


def _walk(
    path: str | Path, records: bool, fast: bool, fd: int | None = None, max_bytes: int | None = None
) -> Iterator[tuple[Any, ...] | LineError]:
    """The one loop over a JSONL file's lines; see :func:`iter_records` for the rule it applies.

    ``fast`` parses with orjson first (about twice as fast) and falls back to the
    standard parser for what orjson refuses (NaN, a lone surrogate, a BOM), so
    the same lines are accepted either way; only integers beyond 64 bits differ
    (orjson makes them floats), which is why readers that keep whole objects
    (the store, validation, importers) parse with the standard one.
    ``max_bytes``: a longer line is a problem (:func:`too_long`), read through without being held.
    """
    name = str(path)
    offset = 0
    with open(path, "rb") if fd is None else open(fd, "rb", closefd=False) as fh:
        lines = ((raw, len(raw)) for raw in fh) if max_bytes is None else bounded_lines(fh, max_bytes)
        for n, (raw, size) in enumerate(lines, 1):
            start = offset
            offset = start + size
            if raw is None:
                yield LineError(name, n, too_long(max_bytes or 0, "record"))
                continue
            got = _judge(name, n, raw, fast, records)
            if got is None or type(got) is LineError:
                if got is not None:
                    yield got
                continue
            rid, obj = got
            yield (n, start, size, rid, obj) if records else (n, start, size, obj)


def bounded_lines(fh: BinaryIO, max_bytes: int) -> Iterator[tuple[bytes | None, int]]:
    """``(line, size in bytes)`` per line, newline kept; ``None`` for a line over ``max_bytes``.

    A line is read in pieces of at most a megabyte and only kept while it is under the
    limit, so a line of gigabytes is never in memory; its size still counts for the offsets.
    """
    while True:
        piece = fh.readline(_CHUNK)
        if not piece:
            return
        size = len(piece)
        parts: list[bytes] = [piece]
        while not piece.endswith(b"\n"):
            piece = fh.readline(_CHUNK)
            if not piece:
                break
            size += len(piece)
            if size <= max_bytes:
                parts.append(piece)
            else:
                parts.clear()  # keep reading to the line's end, holding nothing
        yield (None if size > max_bytes else parts[0] if len(parts) == 1 else b"".join(parts)), size


def too_long(max_bytes: int, what: str) -> str:
    """The words for a line past its limit, the same from every reader that bounds lines."""
    return f"line is over the {max_bytes / (1024 * 1024):.1f} MB limit for one {what}"


def _skim(path: str | Path) -> Iterator[SkimmedLine | LineError]:
    """:func:`_walk` of records that leaves lines written the workbench's way unparsed.

    The file is mapped and searched in place (newlines, the id at the head, the status at
    the tail), so a skimmed line is never copied out: the index of a file of long records
    costs about what finding its line ends does. The first record and every line that is
    not written that way go through the same rule as :func:`_walk` (``_judge``).
    """
    name = str(path)
    with open(path, "rb") as fh:
        size = os.fstat(fh.fileno()).st_size
        if size == 0:
            return
        with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mm:
            with contextlib.suppress(AttributeError, OSError):
                mm.madvise(mmap.MADV_SEQUENTIAL)  # read ahead: the pages are touched once, in order
            find, head = mm.find, _ID_HEAD.match
            start = n = 0
            skimming = False
            while start < size:
                n += 1
                nl = find(b"\n", start)
                end = size if nl < 0 else nl + 1
                # a terminated line whose head gives the id is left unparsed
                if skimming and nl >= 0:
                    rid = _plain_head_id(mm, start, end)
                    if rid is None and (m := head(mm, start, end)) is not None:
                        rid = _head_id(m.group(1))
                    if rid is not None:
                        yield n, start, end - start, rid, None
                        start = end
                        continue
                got = _judge(name, n, mm[start:end], True, True)
                if got is not None and type(got) is not LineError:
                    yield n, start, end - start, got[0], got[1]
                    skimming = True
                elif got is not None:
                    yield got
                start = end


def iter_records(
    path: str | Path, *, fast: bool = False, fd: int | None = None, max_bytes: int | None = None
) -> Iterator[RecordLine | LineError]:
    """Every record line of ``path`` with its place and id: the one rule of what a record line is.

    A record line is a JSON object line (as :func:`read_jsonl`) that passes
    :func:`record_id`; any other line is a :class:`LineError`. Repeated ids are
    left to the caller (the later line wins everywhere in the workbench).
    ``fd``: an open descriptor of ``path`` (at its start) to read instead of opening the path,
    so the offsets found are that file's even if the path is replaced meanwhile; it stays open.
    ``max_bytes``: lines past it are problems, never held in memory (files from other people).
    """
    return _walk(path, True, fast, fd, max_bytes)  # type: ignore[return-value]


def skim_records(path: str | Path) -> Iterator[SkimmedLine | LineError]:
    """:func:`iter_records` for a reader that parses each record again when it uses it (merge).

    After the first record, a line that starts the way the workbench writes
    records (``{"id":"...",``) and ends with a newline is yielded with its id and
    ``None`` for the object, unparsed: an annotator file is indexed in well under
    half the time. The reader must then judge the line by the same rule when it
    parses it (:func:`record_id`); a line that fails it is reported there.
    """
    return _skim(path)


def read_jsonl(path: str | Path) -> Iterator[tuple[int, dict[str, Any]] | LineError]:
    """``(line_no, object)`` for each JSON object line, :class:`LineError` for the others.

    For readers that judge the objects themselves (validation, other formats).
    Blank lines are skipped. A line that does not parse is ``not valid JSON``,
    or, when it is the last one and has no newline, an ``incomplete last line``
    (``torn``); a last line without newline that parses is accepted.
    """
    for item in _walk(path, False, False):
        yield item if isinstance(item, LineError) else (item[0], item[3])


def parse_line(raw: bytes, *, exact: bool = True) -> Any:
    """One line an index found, parsed: the one parser of lines read back by offset.

    ``exact`` uses the standard parser (integers beyond 64 bits stay integers: readers
    that keep whole objects); otherwise orjson first, the standard parser for what it
    refuses (NaN, a lone surrogate), as the index's walk did. ValueError if no JSON.
    """
    if raw.startswith(_BOM):
        raw = raw[len(_BOM) :]  # the walk read line 1 past a byte order mark: so does this
    if not exact:
        try:
            return orjson.loads(raw)
        except ValueError:
            pass
    try:
        return json.loads(raw)
    except RecursionError as e:
        raise ValueError(f"not valid JSON ({e})") from e
    except ValueError as e:
        raise ValueError(f"not valid JSON ({e})") from e


def read_line(fd: int, offset: int, size: int, *, exact: bool = True) -> Any:
    """The parsed line of ``size`` bytes at ``offset`` of an open file: one pread, no buffer to refill."""
    return parse_line(os.pread(fd, size, offset), exact=exact)


def lines_at(fd: int, offsets: Iterable[int], block: int = 1 << 20) -> Iterator[bytes]:
    """The line that starts at each of ``offsets`` (ascending) of an open file, newline included.

    Read with ``pread`` in blocks of ``block`` bytes (more for a longer line): the descriptor's
    position is left alone, so another thread may walk the same descriptor meanwhile.
    """
    start, buf = 0, b""
    for offset in offsets:
        rel = offset - start
        end = buf.find(b"\n", rel) if 0 <= rel < len(buf) else -1
        size = block
        while end < 0:
            buf, start, rel = os.pread(fd, size, offset), offset, 0
            end = buf.find(b"\n")
            if len(buf) < size:  # the end of the file: a last line without a newline
                break
            size *= 4
        yield buf[rel : end + 1] if end >= 0 else buf[rel:]


def line_at(fd: int, offset: int) -> dict[str, Any]:
    """The object on the line at byte ``offset`` of an open file (as an index of that file found it)."""
    return parse_line(next(lines_at(fd, (offset,), block=1 << 14)))  # type: ignore[no-any-return]


def read_at(path: str | Path, offset: int) -> dict[str, Any]:
    """The object on the line that starts at byte ``offset`` (as an index found it)."""
    with open(path, "rb") as fh:
        fh.seek(offset)
        return parse_line(fh.readline())  # type: ignore[no-any-return]


def set_aside(path: str | Path, errors: list[LineError]) -> Path:
    """The one repair of a JSONL file someone writes to: bad lines are copied out, a torn tail is cut.

    Every bad line goes to ``<name>.bad-<UTC stamp>`` beside the file (each after a
    ``# file:line: message`` comment), so nothing is ever silently dropped. A torn
    last line (a writer killed mid-line) is then cut from the file so the next
    append starts on a line of its own. Bad lines in the middle stay in the file;
    a writer that owns it (the annotator store) compacts them away afterwards.
    """
    from datetime import UTC, datetime

    from workbench.io.atomic import fsync_dir

    path = Path(path)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    side = path.with_name(f"{path.name}.bad-{stamp}")
    with open(side, "ab") as fh:
        for e in errors:
            fh.write(f"# {e}\n".encode() + e.raw + b"\n")
        fh.flush()
        os.fsync(fh.fileno())
    torn = [e for e in errors if e.torn]
    if torn:
        size = path.stat().st_size
        with open(path, "r+b") as fh:
            fh.truncate(size - len(torn[-1].raw))
            fh.flush()
            os.fsync(fh.fileno())
    fsync_dir(path.parent)
    return side


def dumps(obj: Any) -> str:
    """The one serialisation used for every JSONL line the workbench writes.

    A lone surrogate (from a ``\\ud83d`` escape in some input) cannot be written
    as UTF-8: such a record is written with ASCII escapes instead, which read back
    identically, rather than making every later save of the file fail.
    """
    line = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    if not line.isascii():
        try:
            line.encode("utf-8")
        except UnicodeEncodeError:
            return json.dumps(obj, ensure_ascii=True, separators=(",", ":"))
    return line


def write_jsonl(path: str | Path, records: Iterable[dict[str, Any]]) -> int:
    """Write records atomically; returns how many were written."""
    from workbench.io.atomic import atomic_write

    n = 0
    with atomic_write(path) as fh:
        for rec in records:
            fh.write(dumps(rec) + "\n")
            n += 1
    return n
