"""Lists on the terminal: names given on the command line, and long lists cut short."""

from __future__ import annotations


def split_names(value: str | None) -> list[str] | None:
    """``a, b,c`` -> ``["a", "b", "c"]``; nothing given -> ``None`` (the default applies)."""
    return [n.strip() for n in value.split(",")] if value else None


def shorten(items: list[str], limit: int = 10) -> list[str]:
    """At most ``limit`` lines, then how many more there were: a summary stays readable."""
    return items if len(items) <= limit else items[:limit] + [f"... and {len(items) - limit} more"]
