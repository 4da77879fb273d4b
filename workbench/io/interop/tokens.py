"""Tokens for the token-based formats: a blank spaCy English tokenizer, so no model download is needed.

Records that came from a pre-tokenised format (CoNLL, Hugging Face) carry
``meta["tokenization"] = "whitespace"``; their tokens are exactly the
whitespace-separated pieces, so a round trip does not re-split ``all-rounder``.
Spans that do not start and end on token boundaries are reported by callers, never moved.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from functools import cache
from typing import Any

from workbench.core.record import Record

_WS_TOKEN = re.compile(r"\S+")
_WS_RUN = re.compile(r"\s+")


@cache
def blank_nlp() -> Any:
    """A blank English pipeline with a rule sentencizer (for CoNLL sentence breaks)."""
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    # Only the tokenizer and the sentencizer run here, with no parser or NER memory to bound:
    # spaCy's 1,000,000-character default would refuse a long (30 MB) article for nothing.
    nlp.max_length = 1 << 31
    return nlp


def is_pretokenised(rec: Record) -> bool:
    return rec.meta.get("tokenization") == "whitespace"


def whitespace_doc(vocab: Any, text: str) -> Any:
    """A Doc whose tokens are the whitespace-separated pieces and whose text is exactly ``text``."""
    from spacy.tokens import Doc

    words: list[str] = []
    spaces: list[bool] = []
    pos = 0
    for m in _WS_RUN.finditer(text):
        if m.start() > pos:
            words.append(text[pos : m.start()])
            spaces.append(False)
        ws = m.group()
        if words and not spaces[-1] and m.start() > 0 and ws[0] == " ":
            spaces[-1] = True
            ws = ws[1:]
        if ws:
            words.append(ws)
            spaces.append(False)
        pos = m.end()
    if pos < len(text):
        words.append(text[pos:])
        spaces.append(False)
    return Doc(vocab, words=words, spaces=spaces)


def make_doc(rec: Record, with_sents: bool = False) -> Any:
    nlp = blank_nlp()
    doc = whitespace_doc(nlp.vocab, rec.text) if is_pretokenised(rec) else nlp.make_doc(rec.text)
    if with_sents:
        doc = nlp.get_pipe("sentencizer")(doc)
    return doc


class TokenIndex:
    """Character offsets of the non-space tokens of a text, to map spans to token indices."""

    def __init__(self, offsets: list[tuple[int, int]]):
        self.offsets = offsets
        self.starts = [s for s, _ in offsets]
        self.ends = [e for _, e in offsets]

    @classmethod
    def of(cls, rec: Record, spaces: bool = False) -> TokenIndex:
        """``spaces=True`` keeps spaCy's whitespace tokens (runs of spaces, line breaks), as Prodigy does."""
        if is_pretokenised(rec):
            return cls([(m.start(), m.end()) for m in _WS_TOKEN.finditer(rec.text)])
        doc = blank_nlp().make_doc(rec.text)
        return cls([(t.idx, t.idx + len(t.text)) for t in doc if spaces or not t.is_space])

    def span(self, start: int, end: int) -> tuple[int, int] | None:
        """(first token, last token) inclusive, or None when the span does not sit on token edges."""
        i = bisect_left(self.starts, start)
        j = bisect_left(self.ends, end)
        if i >= len(self.starts) or self.starts[i] != start or j >= len(self.ends) or self.ends[j] != end:
            return None
        return (i, j) if j >= i else None

    def __len__(self) -> int:
        return len(self.offsets)


def sentence_starts(rec: Record) -> set[int]:
    """Indices (into the non-space tokens) that begin a sentence: line breaks, plus the sentencizer
    for running text. Pre-tokenised records break only at line breaks (they came one sentence a line).
    """
    doc = make_doc(rec, with_sents=not is_pretokenised(rec))
    starts: set[int] = set()
    i = 0
    newline = True
    for tok in doc:
        if tok.is_space:
            newline = newline or "\n" in tok.text
            continue
        if newline or (not is_pretokenised(rec) and tok.is_sent_start):
            starts.add(i)
        newline = "\n" in tok.whitespace_
        i += 1
    return starts


def entity_kind(schema: Any, label: str) -> bool:
    """Whether a label belongs in NER output: schema entity labels, and labels the schema does not know."""
    lab = schema.labels.get(label) if schema is not None else None
    return lab is None or lab.kind == "entity"


def iob_entities(rec: Record, index: TokenIndex, schema: Any, report: Any) -> list[tuple[int, int, str]]:
    """Non-overlapping entity spans as (first token, last token, label); the rest is counted as left out."""
    chosen: list[tuple[int, int, str]] = []
    taken: set[int] = set()
    for s in sorted(rec.spans.values(), key=lambda s: (-(s.end - s.start), s.start, s.label, s.id)):
        if not entity_kind(schema, s.label):
            report.leave_out(f"{s.label} spans (not entities; IOB tags carry entities only)")
            continue
        toks = index.span(s.start, s.end)
        if toks is None:
            report.leave_out("entity spans not aligned to token boundaries")
            continue
        if taken.intersection(range(toks[0], toks[1] + 1)):
            report.leave_out("overlapping or nested entity spans (IOB cannot nest)")
            continue
        taken.update(range(toks[0], toks[1] + 1))
        chosen.append((toks[0], toks[1], s.label))
    return sorted(chosen)


def iob2_tags(n_tokens: int, ents: list[tuple[int, int, str]]) -> list[str]:
    tags = ["O"] * n_tokens
    for first, last, label in ents:
        tags[first] = f"B-{label}"
        for k in range(first + 1, last + 1):
            tags[k] = f"I-{label}"
    return tags


def decode_tags(tags: list[str]) -> list[tuple[int, int, str]]:
    """Chunks from IOB1, IOB2 or IOBES tags as (first, last, label). Tags must already be valid."""
    out: list[tuple[int, int, str]] = []
    cur: list[Any] | None = None
    for i, tag in enumerate(tags):
        prefix, _, label = tag.partition("-")
        if tag == "O":
            cur = None
            continue
        starts = prefix in ("B", "S", "U") or cur is None or cur[2] != label
        if starts:
            cur = [i, i, label]
            out.append(cur)  # type: ignore[arg-type]
        else:
            assert cur is not None
            cur[1] = i
        if prefix in ("E", "L", "S", "U"):
            cur = None
    return [tuple(c) for c in out]  # type: ignore[misc]


def tag_problem(tag: str) -> str | None:
    if tag == "O":
        return None
    prefix, sep, label = tag.partition("-")
    if sep and prefix in ("B", "I", "E", "S", "L", "U") and label:
        return None
    return f"{tag!r} is not an IOB tag (O, B-X, I-X, E-X, S-X)"
