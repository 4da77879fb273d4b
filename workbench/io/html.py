"""Main text and metadata of a news web page, with trafilatura.

Annotators must see the article, not the menus, so extraction favours a clean
body; paragraphs are kept apart by blank lines because quotes that run across
paragraphs can only be attributed when the paragraph breaks survive.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_BLANKS = re.compile(r"[ \t\u00a0]+")


@dataclass(slots=True)
class HtmlArticle:
    text: str
    meta: dict[str, Any] = field(default_factory=dict)


def declared_charset(head: bytes) -> str | None:
    """The charset a page declares in a ``<meta>`` tag, if any (looked for in the first 8 KB)."""
    m = _CHARSET.search(head[:8192])
    return m.group(1).decode("ascii", "replace").lower() if m else None


def extract_html(html: str, *, url: str | None = None, favor_precision: bool = False) -> HtmlArticle | None:
    """The page's article body with title, date, author, site and URL, or ``None`` when there is none.

    trafilatura's balanced default is used: its precision mode drops a little
    more boilerplate but also whole article paragraphs, and a sentence missing
    from the text cannot be annotated at all (bench/bench_html_f1.py measures both).
    """
    import trafilatura  # imported late: it pulls in lxml and friends, not needed for plain text

    doc = trafilatura.bare_extraction(
        html,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        favor_precision=favor_precision,
    )
    if doc is None:
        return None
    body = getattr(doc, "text", None) or ""
    paragraphs = [_BLANKS.sub(" ", line).strip() for line in body.split("\n")]
    text = "\n\n".join(p for p in paragraphs if p)
    if not text:
        return None
    meta: dict[str, Any] = {}
    for key, attr in (
        ("title", "title"),
        ("published", "date"),
        ("author", "author"),
        ("source", "sitename"),
        ("site", "hostname"),
        ("url", "url"),
        ("description", "description"),
        ("language", "language"),
    ):
        value = getattr(doc, attr, None)
        if value:
            meta[key] = value
    if "url" not in meta and url:
        meta["url"] = url
    if "source" not in meta and "site" in meta:
        meta["source"] = meta["site"]
    return HtmlArticle(text=text, meta=meta)


def visible_text(html: str | bytes) -> str:
    """Every piece of text a browser would show: the naive baseline extraction is measured against."""
    import lxml.html

    root = lxml.html.fromstring(html)
    for bad in root.xpath("//script|//style|//noscript|//template|//head"):
        bad.drop_tree()
    return " ".join(root.text_content().split())
