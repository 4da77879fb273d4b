"""Lists on the terminal: names given on the command line, and long lists cut short."""

from __future__ import annotations


def split_names(value: str | None) -> list[str] | None:
    """``a, b,c`` -> ``["a", "b", "c"]``; nothing given -> ``None`` (the default applies)."""
    return [n.strip() for n in value.split(",")] if value else None


def shorten(items: list[str], limit: int = 10) -> list[str]:
    """At most ``limit`` lines, then how many more there were: a summary stays readable."""
    return items if len(items) <= limit else items[:limit] + [f"... and {len(items) - limit} more"]


def figure(x: float | None, digits: int = 3) -> str:
    """A figure for a table: fixed digits, a dash when there is none."""
    return "—" if x is None else f"{x:.{digits}f}"


def text_table(header: list[str], rows: list[list[str]]) -> list[str]:
    """Aligned columns for the terminal: the first left, the others right, a rule under the header."""
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    fmt = "  ".join(f"{{:<{w}}}" if i == 0 else f"{{:>{w}}}" for i, w in enumerate(widths))
    return [fmt.format(*header), fmt.format(*["-" * w for w in widths])] + [fmt.format(*r) for r in rows]
