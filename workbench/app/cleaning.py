"""Raw pages cleaned on the way in, counted and told alike by every command that reads them.

The cleaning is one path, :func:`workbench.io.articles.read_articles` with ``clean="raw"``
(decision 0015): the window, ``workbench add`` and ``workbench preannotate`` all read a
raw ``.txt``/``.html`` page through it, so a page shows and is stored the same wherever it
comes in. What each command tells the user about it is this module's one sentence, so the
commands cannot drift apart in what they say either.
"""

from __future__ import annotations

from typing import Any

from workbench.core.record import Record


def furniture(rec: Record) -> int:
    """Pieces of page furniture a cleaned record lost (its ``meta.cleaning``); 0 for one never cleaned."""
    cleaning: Any = rec.meta.get("cleaning")
    removed = cleaning.get("removed") if isinstance(cleaning, dict) else None
    return len(removed) if isinstance(removed, list) else 0


def cleaned_line(articles: int, pieces: int, as_is: str) -> str:
    """What a command says after cleaning ``articles`` pages; ``as_is`` ends the ``--no-clean`` hint
    in the command's own verb ("adds pages as they are")."""
    return (
        f"cleaned {articles} article(s) as the window does when it opens a page: "
        f"{pieces} piece(s) of page furniture out, the original text kept in meta.original_text "
        f"(--no-clean {as_is})"
    )
