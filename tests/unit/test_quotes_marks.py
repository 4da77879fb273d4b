"""Quote marks → quoted stretches: every mark style, apostrophes, broken and continued quotes."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.nlp.marks import find_quotes, outermost


def quoted(text: str) -> list[str]:
    return [text[q.start : q.end] for q in outermost(find_quotes(text))]


def test_every_mark_style() -> None:
    assert quoted('He said "no way" today.') == ['"no way"']
    assert quoted("He said “no way” today.") == ["“no way”"]
    assert quoted("He said ‘no way’ today.") == ["‘no way’"]
    assert quoted("Il a dit « jamais » hier.") == ["« jamais »"]
    assert quoted("Er sagte „niemals“ gestern.") == ["„niemals“"]
    assert quoted("He said ''no way'' today.") == ["''no way''"]


def test_apostrophes_are_not_quotes() -> None:
    text = "‘Russia’s war isn’t over,’ he said of the leaders’ meeting in the ’90s style."
    assert quoted(text) == ["‘Russia’s war isn’t over,’"]
    assert quoted("It's Clinton's plan, and the Joneses' house.") == []


def test_plural_possessive_inside_a_quote() -> None:
    text = "‘The workers’ union will strike,’ she said."
    assert quoted(text) == ["‘The workers’ union will strike,’"]


def test_nested_quotes_stay_inside() -> None:
    text = "“He told me ‘never again’ twice,” she said."
    qs = find_quotes(text)
    assert [text[q.start : q.end] for q in outermost(qs)] == ["“He told me ‘never again’ twice,”"]
    assert any(q.depth == 1 and text[q.start : q.end] == "‘never again’" for q in qs)


def test_straight_quote_nested_in_other_glyph_style() -> None:
    text = '"I read the question: “Is it true?” Yes, it is."'
    assert quoted(text) == [text]


def test_quote_continued_in_next_paragraph() -> None:
    text = "He said: “First part of it.\n\n“Second part of it.”\n\nNot quoted."
    qs = outermost(find_quotes(text))
    assert [text[q.start : q.end] for q in qs] == ["“First part of it.", "“Second part of it.”"]
    assert qs[0].group == qs[1].group and not qs[0].closed


def test_unclosed_quote_ends_at_paragraph_end_without_continuation() -> None:
    text = "He said: “it never closes\n\nNext paragraph here."
    qs = outermost(find_quotes(text))
    assert [text[q.start : q.end] for q in qs] == ["“it never closes"]
    assert not qs[0].closed


def test_new_quote_opened_before_the_last_closed() -> None:
    text = "The President said: ‘I think that. North Korea, Russia . ‘I know that the Koreans agree.’ Then."
    assert quoted(text) == ["‘I think that. North Korea, Russia .", "‘I know that the Koreans agree.’"]


def test_wrong_opening_mark_and_stray_closer() -> None:
    # as scraped: ” used as an opening mark, and a closer with no opener later on
    text = "It claims, enabled ” Russia’s unjustified war” and carries direct responsibility” for it."
    assert quoted(text) == ["” Russia’s unjustified war”"]


def test_mismatched_styles_still_pair() -> None:
    assert quoted('He said “we will win" and left.') == ['“we will win"']


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("“”‘’«»„‚\"'‹› ab.\n,")), max_size=300))
def test_never_fails_and_spans_are_sane(text: str) -> None:
    qs = find_quotes(text)
    for q in qs:
        assert 0 <= q.start < q.end <= len(text)
    outer = outermost(qs)
    assert all(a.end <= b.start for a, b in zip(outer, outer[1:], strict=False))


def test_cjk_corner_brackets_are_marks_too() -> None:
    # The one table (core.quote_marks) has them, so the rules find what the brat mapping calls direct.
    assert quoted("彼は「東京へ行く」と言った。") == ["「東京へ行く」"]
    assert quoted("『本当だ』") == ["『本当だ』"]


def test_one_table_of_quote_marks() -> None:
    """The rules and the PolNeAR mapping read the same objects; no other module spells a table out."""
    import ast
    from pathlib import Path

    from workbench.core import quote_marks
    from workbench.io.brat import polnear
    from workbench.nlp import marks
    from workbench.nlp.marks import find_quotes as rules

    assert marks.QUOTE_MARKS is quote_marks.QUOTE_MARKS
    assert marks.OPENING_MARKS is quote_marks.OPENING_MARKS is polnear.OPENING_MARKS
    assert marks.ALL_MARKS is quote_marks.ALL_MARKS is polnear.ALL_MARKS
    assert rules is find_quotes
    # The two readers of marks spell no table of their own (ad-hoc character classes in io/clean.py's
    # sentence regexes and nlp/quotes.py's closer strip are not tables of quote marks).
    root = Path(quote_marks.__file__).parents[1]
    readers = [
        *sorted((root / "io" / "brat").glob("*.py")),
        root / "io" / "interop" / "brat.py",
        root / "nlp" / "marks.py",
    ]
    style_marks = set("“”„«»‘’‚‹›「」『』")
    tables = []
    for path in readers:
        tree = ast.parse(path.read_text("utf-8"))
        prose = {id(n.value) for n in ast.walk(tree) if isinstance(n, ast.Expr)}  # docstrings
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in prose:
                if len(style_marks & set(node.value)) >= 3:  # a table, not one mark in a docstring
                    tables.append(f"{path.relative_to(root)}:{node.lineno}")
    assert tables == []
