"""The quote marks news text uses: one table for everything that reads them.

Both the brat/PolNeAR mapping (is this attribution's content a direct quote?)
and the character rules that find quotes (``workbench.nlp.marks``) must agree
on what a quote mark is, or a quote the rules find would be "indirect" in gold.
So the glyphs live here once, as data, with what the detection rules need to
know about each:

- the *family*: marks of one glyph style pair with each other, so a “quote”
  nested in a "quote" is not read as a new quote. The first letter says whether
  the family is a double (``d``) or single (``s``) mark; single marks double as
  apostrophes ("Russia’s") and the rules treat them more carefully. CJK corner
  brackets are ``d`` families: letters on both sides of them are normal.
- the *default role* (``open``, ``close`` or ``either`` for straight marks),
  which the rules then correct from the characters flanking each mark.

Pure data under ``core`` so that ``io`` and ``nlp`` can both import it.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

# mark -> (family, default role)
QUOTE_MARKS: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "“": ("dc", "open"),
        "„": ("dc", "open"),
        "«": ("dg", "open"),
        "”": ("dc", "close"),
        "»": ("dg", "close"),
        '"': ("ds", "either"),
        "‘": ("sc", "open"),
        "‚": ("sc", "open"),
        "‹": ("sg", "open"),
        "’": ("sc", "close"),
        "›": ("sg", "close"),
        "'": ("ss", "either"),
        "「": ("dk", "open"),
        "」": ("dk", "close"),
        "『": ("dw", "open"),
        "』": ("dw", "close"),
    }
)

# Every glyph that is a quote mark.
ALL_MARKS: frozenset[str] = frozenset(QUOTE_MARKS)
# Glyphs that can open a quote (openers and straight marks): what a direct quote starts with.
OPENING_MARKS: frozenset[str] = frozenset(m for m, (_, role) in QUOTE_MARKS.items() if role != "close")
# Glyphs that can close a quote (closers and straight marks).
CLOSING_MARKS: frozenset[str] = frozenset(m for m, (_, role) in QUOTE_MARKS.items() if role != "open")
