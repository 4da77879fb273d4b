"""Streaming JSON Lines: one record at a time, every bad line named by file and line.

A malformed line never makes the rest of a file unusable: readers yield the
good records and report the bad lines, so a lead can fix them by hand.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO


@dataclass(frozen=True, slots=True)
class LineError:
    """A line that is not a JSON object; ``torn`` marks an unterminated last line."""

    file: str
    line: int
    message: str
    raw: bytes = b""
    torn: bool = False

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


def iter_lines(fh: BinaryIO) -> Iterator[tuple[int, bytes, bool]]:
    """(line number, bytes without newline, whether it ended with a newline)."""
    for n, raw in enumerate(fh, 1):
        terminated = raw.endswith(b"\n")
        yield n, raw.rstrip(b"\r\n") if terminated else raw, terminated


def read_jsonl(path: str | Path) -> Iterator[tuple[int, dict[str, Any]] | LineError]:
    """Yield ``(line_no, object)`` for good lines and :class:`LineError` for bad ones.

    Blank lines are skipped. A last line with no newline that does not parse is
    reported as torn (a writer died mid-line); one that parses is accepted.
    """
    name = str(path)
    with open(path, "rb") as fh:
        for n, raw, terminated in iter_lines(fh):
            if not raw.strip():
                continue
            try:
                obj = json.loads(raw)
            except (json.JSONDecodeError, UnicodeDecodeError) as e:
                torn = not terminated
                msg = (
                    "incomplete last line (the writer stopped mid-line)" if torn else f"not valid JSON ({e})"
                )
                yield LineError(name, n, msg, raw, torn)
                continue
            if not isinstance(obj, dict):
                yield LineError(name, n, f"expected a JSON object, found {type(obj).__name__}", raw)
                continue
            yield n, obj


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
