"""Annotation guidelines carried by the schema: a definition and examples per label, relation,
attribute and document field, plus the project's own Markdown text.

Why in the schema: the guideline an annotator reads and the labels the window offers must not
drift apart (Label Studio and INCEpTION users keep them in a wiki that goes stale), and a lead
reviewing a dispute wants the entry next to the label. Examples are plain strings with the
illustrated words marked, so they read well in the JSON file:

- ``[[words]]``: a span of the entry's own label (for a label entry), or the span the entry is
  about (relation, attribute, field);
- ``[[words|LABEL]]``: a span of another declared label, e.g. the speaker in a quote example;
- ``[[words|value]]``: in an attribute or field entry, the words carrying that value.

Marks may nest (``[[“We will [[Hungary|GPE]] win,”|QUOTE]]``). ``[[`` and ``]]`` are reserved in
examples; ``|`` is an ordinary character except right before a tag and ``]]``.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any, Literal

GuidelineKind = Literal["label", "relation", "attribute", "field"]
KINDS: tuple[GuidelineKind, ...] = ("label", "relation", "attribute", "field")

# ``|TAG]]`` closes a mark with a tag; ``[[`` opens one; ``]]`` closes one without a tag
_TOKEN = re.compile(r"\[\[|\|([A-Za-z][A-Za-z0-9_-]*)\]\]|\]\]")


@dataclass(frozen=True, slots=True)
class Guideline:
    """One entry: a Markdown definition and example strings that illustrate it (marks kept)."""

    definition: str
    positive: tuple[str, ...] = ()
    negative: tuple[str, ...] = ()

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Guideline:
        return cls(
            definition=str(d.get("definition", "")),
            positive=tuple(d.get("positive", ())),
            negative=tuple(d.get("negative", ())),
        )

    @property
    def summary(self) -> str:
        """The definition's first paragraph: what fits in a panel next to the form."""
        return self.definition.strip().split("\n\n", 1)[0].strip()


@dataclass(frozen=True, slots=True)
class Mark:
    """A marked range of an example's text (code points, end exclusive); ``tag`` is the label or
    value after ``|``, None for the entry's own span."""

    start: int
    end: int
    tag: str | None = None


@dataclass(frozen=True, slots=True)
class Example:
    text: str
    marks: tuple[Mark, ...]


class ExampleError(ValueError):
    """A marker that does not pair up; ``offset`` is where in the source string it is."""

    def __init__(self, message: str, offset: int):
        super().__init__(f"{message} (at character {offset})")
        self.offset = offset


def parse_example(source: str) -> Example:
    """The example's text without markers and its marks, outermost first where they start together."""
    out: list[str] = []
    length = 0
    stack: list[tuple[int, int]] = []  # (start in text, offset in source)
    marks: list[Mark] = []
    pos = 0
    for m in _TOKEN.finditer(source):
        out.append(source[pos : m.start()])
        length += m.start() - pos
        pos = m.end()
        if m.group(0) == "[[":
            stack.append((length, m.start()))
            continue
        if not stack:
            raise ExampleError("']]' without an opening '[['", m.start())
        start, at = stack.pop()
        if length == start:
            raise ExampleError("an empty mark '[[]]'", at)
        marks.append(Mark(start, length, m.group(1)))
    out.append(source[pos:])
    if stack:
        raise ExampleError("'[[' is never closed with ']]'", stack[-1][1])
    marks.sort(key=lambda k: (k.start, -k.end))
    return Example("".join(out), tuple(marks))


def example_problems(source: str, *, positive: bool) -> list[str]:
    """What makes one example string unusable: markers that do not pair up, or a positive example
    that marks nothing. (Tags naming nothing declared are only notes: :func:`unknown_tags`.)"""
    try:
        ex = parse_example(source)
    except ExampleError as e:
        return [str(e)]
    if positive and not ex.marks:
        return ["a positive example marks nothing: put the words it illustrates in [[…]]"]
    return []


def unknown_tags(source: str, labels: Collection[str], values: Collection[str]) -> list[str]:
    """Tags of an example that name neither a declared span label nor one of ``values``, each once.

    Not a schema problem: removing a label or a value mid-project must not be blocked by the prose
    that mentions it; ``workbench guidelines`` lists them so the lead rewrites those examples."""
    try:
        ex = parse_example(source)
    except ExampleError:
        return []
    tags = dict.fromkeys(m.tag for m in ex.marks if m.tag is not None)
    return [t for t in tags if t not in labels and t not in values]


def guideline_problems(entry: dict[str, Any], path: str) -> list[tuple[str, str]]:
    """Problems with one ``guideline`` object's examples, each with the example's JSON path."""
    problems: list[tuple[str, str]] = []
    for side in ("positive", "negative"):
        examples = entry.get(side, [])
        for i, source in enumerate(examples if isinstance(examples, list) else []):
            if not isinstance(source, str):
                continue  # the meta-schema reports it
            for msg in example_problems(source, positive=side == "positive"):
                problems.append((f"{path}.guideline.{side}[{i}]", msg))
    return problems
