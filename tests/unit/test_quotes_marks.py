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
