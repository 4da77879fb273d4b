"""Synthetic articles for the UI benchmarks: sized like the budgets, not like any sample file."""

from __future__ import annotations

import random

from workbench.core.record import Record, Span

WORDS = (
    "the minister said on tuesday that talks with officials in brussels would continue despite "
    "growing pressure from opposition parties and unions across the country while analysts warned "
    "markets could react sharply if negotiations stalled again before the summit next month"
).split()
NAMES = ["Angela Merkel", "Emmanuel Macron", "Kyiv", "European Union", "Bank of England", "Olaf Scholz"]
LABELS = ["PERSON", "PERSON", "GPE", "ORG", "ORG", "PERSON"]


def article(chars: int, spans: int, paragraph: int = 600, seed: int = 1) -> Record:
    """About ``chars`` characters, ``spans`` entity spans spread evenly; ``paragraph`` 0 = one paragraph."""
    rnd = random.Random(seed)
    parts: list[str] = []
    marks: list[tuple[int, int, str]] = []
    size = 0
    every = max(chars // max(spans, 1), 20)
    next_at = every // 2
    since_par = 0
    while size < chars:
        if size >= next_at and len(marks) < spans:
            i = rnd.randrange(len(NAMES))
            marks.append((size, size + len(NAMES[i]), LABELS[i]))
            w = NAMES[i]
            next_at += every
        else:
            w = rnd.choice(WORDS)
        sep = " "
        since_par += len(w) + 1
        if paragraph and since_par > paragraph:
            sep, since_par = "\n", 0
        parts.append(w + sep)
        size += len(w) + 1
    text = "".join(parts)
    rec = Record.new(text, {"title": f"Synthetic {chars} chars"})
    for k, (a, z, label) in enumerate(marks):
        rec.spans[f"s{k + 1}"] = Span(f"s{k + 1}", a, z, label)
    return rec
