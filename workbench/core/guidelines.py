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


def example_problems(source: str, *, labels: set[str], values: set[str] | None, positive: bool) -> list[str]:
    """What is wrong with one example string: its markers, and tags that name nothing declared
    (``values`` None: the entry's value set is unknown, so only the markers are checked)."""
    try:
        ex = parse_example(source)
    except ExampleError as e:
        return [str(e)]
    problems = []
    if positive and not ex.marks:
        problems.append("a positive example marks nothing: put the words it illustrates in [[…]]")
    for tag in dict.fromkeys(m.tag for m in ex.marks if m.tag is not None):  # each unknown tag once
        if tag in labels or values is None or tag in values:
            continue
        known = "a declared span label" + (" or one of " + ", ".join(sorted(values)) if values else "")
        problems.append(f"[[…|{tag}]]: {tag!r} is not {known}")
    return problems


def guideline_problems(
    entry: dict[str, Any], path: str, labels: set[str], values: set[str] | None
) -> list[tuple[str, str]]:
    """Problems with one ``guideline`` object's examples, each with the example's JSON path."""
    problems: list[tuple[str, str]] = []
    for side in ("positive", "negative"):
        for i, source in enumerate(entry.get(side, [])):
            if not isinstance(source, str):
                continue  # the meta-schema reports it
            for msg in example_problems(source, labels=labels, values=values, positive=side == "positive"):
                problems.append((f"{path}.guideline.{side}[{i}]", msg))
    return problems
