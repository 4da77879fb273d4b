"""Opening articles: plain text, HTML, JSON and JSON Lines files, and folders of them.

Readers yield records for what they could read and a
:class:`~workbench.core.problems.Problem` for what they could not, never raising
on bad input: a folder of mixed good and bad files loads the good ones and lists
the bad ones by file and line. The text a record gets is exactly what the
annotator will see, so decoding is careful
(strict UTF-8 first, the charset guesser only after that fails) and the only
silent change is CRLF/CR -> LF.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, Literal

from workbench.core.problems import Problem
from workbench.core.record import Record, RecordError, text_sha256
from workbench.io.html import declared_charset, extract_html
from workbench.io.jsonl import bounded_lines, too_long
from workbench.io.safe_files import not_regular, split_found, walk_files

MAX_ARTICLE_BYTES = 20 * 1024 * 1024

KINDS = {
    ".txt": "text",
    ".text": "text",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
}
# Keys that mark a JSON object as a workbench record (annotations to keep) rather than a bare article.
RECORD_KEYS = frozenset({"spans", "relations", "status", "annotator", "schema", "rev", "doc"})
TEXT_KEYS = ("text", "articleBody", "body", "content")
META_ALIASES = {
    "headline": "title",
    "date": "published",
    "datePublished": "published",
    "publish_date": "published",
    "published_at": "published",
    "site": "source",
    "sitename": "source",
    "publisher": "source",
    "link": "url",
    "authors": "author",
    "byline": "author",
}
_FRONT_KEY = re.compile(r"^([A-Za-z][A-Za-z0-9_ -]{0,40}):\s*(.*)$")
_UTF8_MULTI = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
_HIGH_BYTES = bytes(range(0x80, 0x100))
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


class Refused(Exception):
    """Raised inside a reader for a file it will not open; turned into a Problem."""

    def __init__(self, reason: str, line: int | None = None):
        super().__init__(reason)
        self.reason = reason
        self.line = line


# ---------------------------------------------------------------- text decoding


def normalise_newlines(text: str) -> str:
    """CRLF and lone CR become LF: the one change made to an article's text without asking."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB"


def decode_bytes(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """(text, encoding name) for an article's bytes, or :class:`Refused` saying why not.

    Order matters: a BOM is certain, strict UTF-8 almost so (legacy encodings
    rarely form valid UTF-8 by chance), a page's declared charset next, and only
    then a guess. Guessers misread short Western text as Central European code
    pages, so Windows-1252 (the usual legacy news encoding) is preferred when it
    decodes and looks like Latin-script text.
    """
    if not data.strip():
        raise Refused("empty file")
    for bom, codec in (
        (b"\xef\xbb\xbf", "utf-8"),
        (b"\xff\xfe\x00\x00", "utf-32-le"),
        (b"\x00\x00\xfe\xff", "utf-32-be"),
        (b"\xff\xfe", "utf-16-le"),
        (b"\xfe\xff", "utf-16-be"),
    ):
        if data.startswith(bom):
            try:
                text = data[len(bom) :].decode(codec)
            except UnicodeDecodeError as e:
                raise Refused(
                    f"starts with a {codec} byte-order mark but is not valid {codec} ({e.reason})"
                ) from e
            return _checked(text, codec + ("-sig" if codec == "utf-8" else ""))
    if b"\x00" in data:
        raise Refused("binary file (contains NUL bytes; UTF-16 text needs a byte-order mark)")
    try:
        return _checked(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError as e:
        bad_at = e.start
    high = len(data) - len(data.translate(None, _HIGH_BYTES))
    if high and sum(len(m) for m in _UTF8_MULTI.findall(data)) >= 0.9 * high:
        # Mostly UTF-8 with a damaged byte: any other reading would garble every accent and quote mark.
        line = data.count(b"\n", 0, bad_at) + 1
        raise Refused(
            f"not valid UTF-8 at byte {bad_at} (0x{data[bad_at]:02x}) though the rest of the file is UTF-8; "
            "fix or remove that byte",
            line,
        )
    if declared and declared not in ("utf-8", "utf8"):
        try:
            return _checked(data.decode(declared), declared)
        except (LookupError, UnicodeDecodeError):
            pass
    try:
        latin = data.decode("cp1252")
    except UnicodeDecodeError:
        latin = None
    if latin is not None and _looks_western(latin):
        return _checked(latin, "cp1252")
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise Refused("cannot tell the text encoding (not UTF-8, UTF-16 with BOM or Windows-1252)")
    return _checked(str(best), best.encoding)


def _looks_western(text: str) -> bool:
    """Western text has mostly ASCII letters; Cyrillic or Greek bytes read as cp1252 do not."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return True
    non_ascii = sum(1 for c in letters if ord(c) > 127)
    return non_ascii / len(letters) < 0.25


def _checked(text: str, encoding: str) -> tuple[str, str]:
    controls = len(_CONTROL.findall(text))
    if controls and controls > max(2, len(text) // 200):
        raise Refused(f"binary file ({controls} control characters after decoding as {encoding})")
    if not text.strip():
        raise Refused("empty file (only whitespace)")
    return text, encoding


def read_limited(path: Path, max_bytes: int) -> bytes:
    """The whole file, refusing by its size first so a huge file is never read into memory."""
    size = path.stat().st_size
    if size > max_bytes:
        raise Refused(f"file is {_mb(size)}, over the {_mb(max_bytes)} limit for one article")
    with open(path, "rb") as fh:
        data = fh.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise Refused(f"file grew past the {_mb(max_bytes)} limit while being read")
    return data


# ---------------------------------------------------------------- building records


def _base_meta(file: str, text: str, encoding: str | None) -> dict[str, Any]:
    meta: dict[str, Any] = {"file": file, "sha256": text_sha256(text)}
    if encoding and encoding not in ("utf-8", "ascii"):
        meta["encoding"] = encoding
    return meta


def split_front_matter(text: str) -> tuple[dict[str, str], str]:
    """``---`` / ``key: value`` lines / ``---`` at the top of a text file become metadata.

    The convention of static site generators, so articles written by hand can
    carry a title, source and date (corpora/demo/README.md). Anything that does
    not fit the pattern exactly is left in the text.
    """
    if not text.startswith("---\n"):
        return {}, text
    lines = text.split("\n")
    meta: dict[str, str] = {}
    for i, line in enumerate(lines[1:60], 1):
        if line.strip() == "---":
            return meta, "\n".join(lines[i + 1 :]).lstrip("\n")
        m = _FRONT_KEY.match(line)
        if not m:
            return {}, text
        meta[m.group(1).strip().lower().replace(" ", "_")] = m.group(2).strip()
    return {}, text


def article_from_object(obj: Any, file: str, line: int | None) -> Record | Problem:
    """A JSON object as a record: a workbench record keeps its annotations, a bare article gets meta."""
    if not isinstance(obj, dict):
        return Problem(file, line, f"expected a JSON object, found {type(obj).__name__}")
    if "text" in obj and RECORD_KEYS & obj.keys():
        try:
            rec = Record.from_dict(obj)
        except (RecordError, KeyError, TypeError, ValueError, AttributeError, OverflowError) as e:
            hint = " (files from Prodigy, doccano etc. need --format)" if "spans" in obj else ""
            return Problem(file, line, f"not a usable workbench record: {e}{hint}")
        rec.meta.setdefault("file", file)
        rec.meta.setdefault("sha256", text_sha256(rec.text))
        return rec
    key = next((k for k in TEXT_KEYS if k in obj), None)
    if key is None:
        return Problem(file, line, f"no article text: the object needs a 'text' field (has {_keys(obj)})")
    text = obj[key]
    if not isinstance(text, str):
        return Problem(file, line, f"'{key}' is {type(text).__name__}, not a string")
    text = normalise_newlines(text)
    if not text.strip():
        return Problem(file, line, f"'{key}' is empty")
    meta: dict[str, Any] = {}
    if isinstance(obj.get("meta"), dict):
        meta.update(obj["meta"])
    for k, v in obj.items():
        if k in (key, "meta") or v is None:
            continue
        if k == "id":
            meta.setdefault("source_id", v)
            continue
        meta.setdefault(META_ALIASES.get(k, k), v)
    meta.update(_base_meta(file, text, None))
    if line is not None:
        meta["line"] = line
    return Record.new(text, meta)


def _keys(obj: dict[str, Any]) -> str:
    keys = list(obj)[:6]
    return ", ".join(repr(k) for k in keys) + (", ..." if len(obj) > 6 else "") if keys else "no fields"


# ---------------------------------------------------------------- readers by kind


def _read_text(path: Path, file: str, max_bytes: int) -> Iterator[Record | Problem]:
    text, encoding = decode_bytes(read_limited(path, max_bytes))
    front, body = split_front_matter(normalise_newlines(text))
    if not body.strip():
        raise Refused("no article text after the front matter")
    meta: dict[str, Any] = {META_ALIASES.get(k, k): v for k, v in front.items()}
    meta.update(_base_meta(file, body, encoding))
    yield Record.new(body, meta)


def _read_html(path: Path, file: str, max_bytes: int) -> Iterator[Record | Problem]:
    data = read_limited(path, max_bytes)
    html, encoding = decode_bytes(data, declared_charset(data))
    try:
        art = extract_html(html)
    except Exception as e:  # noqa: BLE001 - a parser crash on one page must not stop a folder import
        raise Refused(f"HTML could not be parsed ({type(e).__name__}: {e})") from e
    if art is None:
        raise Refused("no article text found in the page")
    meta = dict(art.meta)
    meta.update(_base_meta(file, art.text, encoding))
    yield Record.new(art.text, meta)


def _read_json(path: Path, file: str, max_bytes: int) -> Iterator[Record | Problem]:
    text, _ = decode_bytes(read_limited(path, max_bytes))
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as e:
        raise Refused(f"not valid JSON ({e.msg}, column {e.colno})", e.lineno) from e
    except (ValueError, RecursionError) as e:  # a 5,000-digit number, a 100,000-deep value
        raise Refused(f"not usable JSON ({e})") from None
    if isinstance(obj, list):
        if not obj:
            raise Refused("empty JSON list: no articles")
        for i, item in enumerate(obj):
            got = article_from_object(item, file, None)
            if isinstance(got, Problem):
                got = Problem(file, None, f"item {i}: {got.message}")
            yield got
    else:
        yield article_from_object(obj, file, None)


def _read_jsonl(path: Path, file: str, max_bytes: int) -> Iterator[Record | Problem]:
    if path.stat().st_size == 0:
        raise Refused("empty file")
    found = False
    with open(path, "rb") as fh:
        for n, (raw, _size) in enumerate(bounded_lines(fh, max_bytes), 1):
            if raw is None:
                found = True
                yield Problem(file, n, too_long(max_bytes, "article"))
                continue
            if n == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            if not raw.strip():
                continue
            found = True
            if b"\x00" in raw:
                yield Problem(file, n, "binary data (NUL bytes) in a JSON line")
                continue
            try:
                obj = json.loads(raw)
            except UnicodeDecodeError:
                yield Problem(file, n, "not UTF-8 (JSON Lines files must be UTF-8)")
                continue
            except json.JSONDecodeError as e:
                yield Problem(file, n, f"not valid JSON ({e.msg}, column {e.colno})")
                continue
            except (ValueError, RecursionError) as e:  # a 5,000-digit number, a 100,000-deep value
                yield Problem(file, n, f"not usable JSON ({e})")
                continue
            yield article_from_object(obj, file, n)
    if not found:
        raise Refused("empty file (no JSON lines)")


_READERS = {"text": _read_text, "html": _read_html, "json": _read_json, "jsonl": _read_jsonl}


# ---------------------------------------------------------------- files and folders


def read_file(
    path: str | Path, *, max_bytes: int = MAX_ARTICLE_BYTES, kind: str | None = None
) -> Iterator[Record | Problem]:
    """Records and problems from one file; its kind comes from the suffix (plain text if unknown)."""
    path = Path(path)
    file = str(path)
    reader = _READERS[kind or KINDS.get(path.suffix.lower(), "text")]
    why = not_regular(path)  # a FIFO would block the read for ever
    if why:
        yield Problem(file, None, why)
        return
    try:
        yield from reader(path, file, max_bytes)
    except Refused as e:
        yield Problem(file, e.line, e.reason)
    except OSError as e:
        yield Problem(file, None, f"cannot read: {e.strerror or e}")


def walk_folder(folder: Path) -> Iterator[Path]:
    """Files under a folder, recursively, in a stable sorted order, hidden files and folders skipped.

    Only regular files that stay inside the folder (:mod:`workbench.io.safe_files`);
    :func:`read_articles` reports the rest.
    """
    for item in walk_files(folder):
        if not isinstance(item, Problem):
            yield item


# Which articles are cleaned on the way in (:func:`read_articles`): "raw" cleans the pages the
# text and HTML readers read (a scraped page: what the window does when it opens one, decision
# 0015); True also cleans bare JSON articles (``import --clean``); False cleans nothing.
Clean = bool | Literal["raw"]
# Told each article that was cleaned: the record as its file has it, then the cleaned one.
Cleaned = Callable[[Record, Record], None]


def read_articles(
    paths: Iterable[str | Path],
    *,
    clean: Clean = False,
    max_bytes: int = MAX_ARTICLE_BYTES,
    cleaned: Cleaned | None = None,
) -> Iterator[Record | Problem]:
    """Every article under the given files and folders, with a problem for each that failed.

    With ``clean``, records that carry no annotations yet go through
    :func:`workbench.io.clean.clean_record` (boilerplate out, original kept in meta): those of
    raw pages only with ``clean="raw"``, every one with ``True``. Records with spans or
    relations never are (their offsets are into the text as it is). ``cleaned`` hears each
    article that changed.
    """
    for given in paths:
        path = Path(given)
        if path.is_dir():
            files, refused = split_found(walk_files(path))
            yield from refused
            if not files and not refused:
                yield Problem(str(path), None, "folder has no files")
            for f in files:
                if f.suffix.lower() not in KINDS:
                    yield Problem(
                        str(f), None, f"skipped: not an article file (supported: {', '.join(sorted(KINDS))})"
                    )
                    continue
                yield from _maybe_clean(read_file(f, max_bytes=max_bytes), _cleans(clean, f), cleaned)
        elif path.exists():
            yield from _maybe_clean(read_file(path, max_bytes=max_bytes), _cleans(clean, path), cleaned)
        else:
            yield Problem(str(path), None, "no such file or folder")


def is_raw_page(path: Path) -> bool:
    """A file the text or HTML reader reads: a page as someone saved it, not prepared JSON."""
    return KINDS.get(path.suffix.lower(), "text") in ("text", "html")


def _cleans(clean: Clean, path: Path) -> bool:
    return clean is True or (clean == "raw" and is_raw_page(path))


def _maybe_clean(
    items: Iterator[Record | Problem], clean: bool, cleaned: Cleaned | None
) -> Iterator[Record | Problem]:
    if not clean:
        yield from items
        return
    from workbench.io.clean import clean_record

    for item in items:
        if isinstance(item, Record) and not item.spans and not item.relations:
            out = clean_record(item)
            if out is not item and cleaned is not None:
                cleaned(item, out)
            item = out
        yield item
