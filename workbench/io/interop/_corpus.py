"""Streaming helpers shared by the format modules: read foreign JSONL, write output lines."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from workbench.core.problems import Problem
from workbench.core.record import Record
from workbench.io.jsonl import LineError, read_jsonl
from workbench.io.safe_files import not_regular, walk_files


def files_in(path: Path, suffixes: tuple[str, ...], recursive: bool = False) -> Iterator[Path | Problem]:
    """The file itself, or the matching files of a folder in name order; a problem for each refused one.

    Links that leave the folder and anything but a regular file (a FIFO would block
    the read for ever) are skipped and reported (:mod:`workbench.io.safe_files`).
    """
    path = Path(path)
    if path.is_dir():
        yield from walk_files(path, lambda p: p.suffix.lower() in suffixes, recursive)
        return
    why = not_regular(path)
    yield Problem(str(path), None, why) if why else path


def read_objects(path: Path) -> Iterator[tuple[str, int, dict[str, Any]] | Problem]:
    """JSON objects of a JSONL file; a file that is one pretty-printed JSON object or array also works.

    doccano's own examples ship as pretty-printed JSON, so refusing them would be
    refusing the tool's documented output.
    """
    name = str(path)
    raw = Path(path).read_bytes()
    head = raw.lstrip()[:1]
    if head in (b"{", b"[") and b"\n" in raw.strip():
        first_line = raw.lstrip().split(b"\n", 1)[0].strip()
        if first_line in (b"{", b"["):
            try:
                data = json.loads(raw)
            except (json.JSONDecodeError, UnicodeDecodeError) as e:
                yield Problem(name, getattr(e, "lineno", 1), f"not valid JSON ({e})")
                return
            items = data if isinstance(data, list) else [data]
            for i, obj in enumerate(items):
                if isinstance(obj, dict):
                    yield name, 1 if len(items) == 1 else i + 1, obj
                else:
                    yield Problem(name, i + 1, f"expected a JSON object, found {type(obj).__name__}")
            return
    for item in read_jsonl(path):
        if isinstance(item, LineError):
            yield item
        else:
            yield name, item[0], item[1]


def origin_meta(fmt: str, file: str, line: int) -> dict[str, Any]:
    return {"imported_from": {"format": fmt, "file": file, "line": line}}


def import_objects(
    path: Path,
    convert: Callable[[dict[str, Any], str, int], Record],
    errors: tuple[type[Exception], ...] = (ValueError, TypeError),
) -> Iterator[Record | Problem]:
    """Every JSON object under ``path`` turned into a record; one that does not fit is a problem
    named by file and line, and the rest of the file still imports."""
    for f in files_in(Path(path), (".jsonl", ".json")):
        if isinstance(f, Problem):
            yield f
            continue
        for item in read_objects(f):
            if isinstance(item, Problem):
                yield item
                continue
            file, line, obj = item
            try:
                yield convert(obj, file, line)
            except errors as e:
                yield Problem(file, line, str(e))
