"""Scrape cleaning: boilerplate goes into metadata or away, article sentences never do."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import REPO, shared_path
from workbench.core.record import Record
from workbench.io.clean import clean_record, clean_text, date_of


def norm(text: str) -> str:
    """Word tokens only: spacing and quote-mark differences do not hide a sentence."""
    return " " + " ".join(re.findall(r"[^\W_]+", text.lower())) + " "


# Every sentence of the seed article's body, as a reader would pick them out.
SEED_SENTENCES = [
    "Belarus has suggested a terrifying axis with Russia and North Korea, as Alexander Lukashenko touted "
    "scary a new partnership.",
    "The President said flanked by Vladimir Putin: ‘I think that we can think about three-way cooperation.",
    "North Korea, Russia.",
    "‘I know that the Koreans have great interest in you.",
    "I think that a piece of work can be found there for Belarus as well.",
    "Given the problems that exist.’",
    "His comments came as he met with Putin in Sochi, on the Black Sea, where the Russian leader briefed "
    "Lukashenko on his talks with Kim Jong-un.",
    "After the North Korean despot came to Russia, Putin stressed that Moscow did not agree to give Kim any "
    "arms deal.",
    "‘Korea is our neighbour, and we must build good neighbourly relations with our neighbours one way or "
    "another,’ Putin said during a press conference after his talks with Lukashenko.",
    "‘Yes, there are certain specifics associated with the Korean peninsula.",
    "We discuss this openly; we never violate anything; and in this case we are not going to violate "
    "anything.",
    "‘But, of course, we will look for opportunities to develop Russian-North Korean relations.’",
    "Dmitry Peskov, Putin’s spokesperson, said that no agreements or arms deals had been signed by the two "
    "leaders during the visit.",
    "It comes after the European Parliament accused Lukashenko of being complicit Putin’s war crimes in "
    "Ukraine.",
    "In a resolution adopted by lawmakers in Strasbourg on Wednesday, the International Criminal Court is "
    "being urged to issue a warrant for Lukashenko’s arrest.",
    "The Belarusian President, it claims, enabled ” Russia’s unjustified war of aggression” and therefore "
    "carries direct responsibility” for the destruction and damage caused to Ukraine.",
    "In a separate charge, it also accuses Belarus of playing a role in the forcible deportation of "
    "Ukrainian children from territories temporarily occupied by Russian troops.",
    "Meanwhile, Ukraine attacked Putin with a 10-missile and unmanned boats strike this week.",
    "Kyiv’s defence forces confirmed they carried out an overnight airstrike on Russian boats docked in the "
    "Crimean port of Sevastopol, damaging a landing ship and a submarine as well as a repair facility.",
    "Russia claimed its troops intercepted seven of the ten missiles launched at the port but conceded in a "
    "Telegram post they had suffered damages in the attack.",
    "According to the Institute for the Study of War (ISW), the strike could ultimately have “reverberating "
    "impacts” on Moscow and leave the dry dock “inoperable” until fully cleared.",
]


def _seed() -> str:
    return shared_path("seed", "000_bab8e4e99eda0806.txt").read_text(encoding="utf-8")


def test_seed_sentences_are_all_in_the_original() -> None:
    """Guards the list above: each sentence really is in the scrape."""
    original = norm(_seed())
    for s in SEED_SENTENCES:
        assert norm(s) in original, s


def test_seed_cleaned_keeps_every_sentence_in_order_and_drops_the_furniture() -> None:
    original = _seed()
    res = clean_text(original)
    text = norm(res.text)
    pos = 0
    for s in SEED_SENTENCES:
        found = text.find(norm(s), pos)
        assert found >= 0, f"lost or out of order: {s}"
        pos = found
    for junk in (
        "(Image:",
        "GETTY",
        "RELATED ARTICLES",
        "Most Popular",
        "Recent Comments",
        "Follow our social media",
        "@ExpressUSNews",
        "No menu items",
        "HomeSources",
        "30 August",
    ):
        assert junk not in res.text, junk
    # Captions that repeat a body sentence leave that sentence once; a caption of its own leaves nothing.
    assert text.count(norm("Belarus has suggested a terrifying axis with Russia and North Korea")) == 1
    assert text.count(norm("think about three-way cooperation")) == 1
    assert norm("Kim Jong-un and Vladimir Putin met in Russia for key talks") not in text
    assert not res.text.startswith("Belarus floats")
    assert res.found["title"] == "Belarus floats terrifying axis with Russia and North Korea"
    assert res.found["source"] == "express.co.uk"
    assert res.found["page_date"] == "2024-08-30"
    assert len(res.found["captions"]) == 4


def test_clean_record_keeps_the_original_and_explains_itself() -> None:
    original = _seed()
    rec = Record.new(original, {"file": "seed.txt"})
    cleaned = clean_record(rec)
    assert cleaned.meta["original_text"] == original
    assert cleaned.meta["file"] == "seed.txt" and cleaned.meta["title"].startswith("Belarus floats")
    assert cleaned.id != rec.id and cleaned.id == clean_record(Record.new(original)).id
    rules = Counter(r["rule"] for r in cleaned.meta["cleaning"]["removed"])
    assert rules["caption"] == 4 and rules["social_footer"] == 1 and rules["related_tail"] == 3
    # Cleaning only removes: no word appears more often than in the original.
    assert not Counter(norm(cleaned.text).split()) - Counter(norm(original).split())


BBC_LIKE = """Skip to content
Home > News > Politics
Minister quits over expenses row
By Jane Doe, Political reporter
Published 5 September 2023
Share
Image source, Getty Images
Image caption, The minister at Westminster on Monday

The transport minister resigned on Tuesday after a week of questions about his expenses claims.

In a letter to the prime minister, he said he had "made mistakes" but had never broken the rules.

Read more: What the expenses rules say

Opposition parties said the resignation was overdue. "This should have happened days ago," said one MP.
Advertisement
Sign up to our newsletter on Facebook and Twitter.

More on this story
Expenses row: what we know
Who is the new minister?
"""


def test_synthetic_scrape_with_byline_captions_teasers_and_tail() -> None:
    res = clean_text(BBC_LIKE)
    assert res.text == (
        "The transport minister resigned on Tuesday after a week of questions about his expenses claims.\n\n"
        'In a letter to the prime minister, he said he had "made mistakes" but had never broken the '
        "rules.\n\n"
        'Opposition parties said the resignation was overdue. "This should have happened days ago," '
        "said one MP."
    )
    assert res.found["title"] == "Minister quits over expenses row"
    assert res.found["author"] == "Jane Doe"
    assert res.found["published"] == "2023-09-05"


def test_rules_never_take_sentences_that_only_look_like_boilerplate() -> None:
    scrape = (
        "Storm closes ferry routes\n"
        "Ferries between the islands were cancelled on Friday.\n\n"
        "Harbour staff said the waves reached six metres overnight. The last boat left at noon. "
        "(Photo: Reuters)\n\n"
        "RELATED\n"
        "The council will meet again on Monday to review the damage, and officials said that repairs could "
        "take several weeks to complete.\n\n"
        "Follow the money, the auditor told the committee, and you will find the missing funds.\n"
    )
    res = clean_text(scrape)
    # A standfirst sentence, a sentence before a bare photo credit, prose after a "RELATED" heading
    # and a sentence starting "Follow" with no social-media target all stay.
    for kept in (
        "Ferries between the islands were cancelled on Friday.",
        "The last boat left at noon.",
        "The council will meet again on Monday",
        "Follow the money, the auditor told the committee",
    ):
        assert kept in res.text, kept
    assert "(Photo: Reuters)" not in res.text
    assert res.found["title"] == "Storm closes ferry routes"


def test_clean_articles_are_left_exactly_as_they_are() -> None:
    for line in (REPO / "corpora" / "demo.jsonl").read_text(encoding="utf-8").splitlines():
        text = json.loads(line)["text"]
        res = clean_text(text)
        assert res.text == text and not res.removed
        rec = Record.new(text)
        assert clean_record(rec) is rec


def test_date_lines() -> None:
    assert date_of("30 August, Friday, 2024") == "2024-08-30"
    assert date_of("Updated 5 Sept 2023 10:35 BST") == "2023-09-05"
    assert date_of("Published: 2021-02-03") == "2021-02-03"
    assert date_of("The talks ended on 5 May 2023") is None
    assert date_of("2024") is None


SENTENCES = [
    "The mayor opened the new bridge on Saturday morning in front of a large crowd.",
    "Engineers said the structure would carry twelve thousand cars a day.",
    "“We waited thirty years for this,” said one resident who lives beside the river.",
    "Critics argued that the money should have been spent on the hospital instead.",
    "According to the council, the project came in two million pounds under budget.",
    "The old ferry will stop running at the end of the month.",
    "Police closed two roads for the ceremony, which passed without incident.",
    "She said that the town would hold a street party next week.",
]
HEADER = [
    "No menu items!",
    "Skip to content",
    "12 March, Tuesday, 2024",
    "Home > News > Local",
    "Bridge opens after thirty years",
    "By Sam Lee",
    "Share",
    "Advertisement",
]
TAIL = ["RELATED ARTICLES", "Most Popular", "Recent Comments", "Bridge timeline in pictures", "Comments"]


@st.composite
def scrapes(draw: st.DrawFn) -> tuple[str, list[str]]:
    header = draw(st.lists(st.sampled_from(HEADER), max_size=6))
    order = draw(st.permutations(SENTENCES))
    used = order[: draw(st.integers(1, len(order)))]
    paragraphs: list[str] = []
    i = 0
    while i < len(used):
        n = draw(st.integers(1, 3))
        parts: list[str] = []
        for s in used[i : i + n]:
            parts.append(s)
            if draw(st.booleans()):
                parts.append("Crowds on the new bridge (Image: GETTY)")
        if draw(st.booleans()):
            parts.append("Follow us on Facebook and @TownNews")
        paragraphs.append(" ".join(parts))
        i += n
    tail = draw(st.lists(st.sampled_from(TAIL), max_size=4))
    sep = draw(st.sampled_from(["\n", "\n\n"]))
    return sep.join([*header, *paragraphs, *tail]) + "\n", list(used)


@settings(max_examples=150, deadline=None)
@given(scrapes())
def test_generated_scrapes_lose_no_sentence_and_gain_no_word(case: tuple[str, list[str]]) -> None:
    scrape, sentences = case
    res = clean_text(scrape)
    text = norm(res.text)
    for s in sentences:
        assert norm(s) in text, s
    assert "(Image:" not in res.text and "@TownNews" not in res.text
    assert not Counter(text.split()) - Counter(norm(scrape).split())


def test_cleaning_is_idempotent_on_the_seed() -> None:
    once = clean_text(_seed()).text
    assert clean_text(once).text == once


def test_cleaned_html_keeps_known_title_rule(tmp_path: Path) -> None:
    """With a title from metadata, only that exact line is taken as the headline."""
    text = (
        "Deals of the day\n\nPS4 controller for $39.99\n\nThe price has dropped to Black Friday levels today."
    )
    res = clean_text(text, title="Deals of the day")
    assert res.text.startswith("PS4 controller for $39.99")


def test_guardian_and_mail_style_furniture() -> None:
    scrape = (
        "Scroll down for video\n\n"
        "The bridge reopened to traffic on Monday after three weeks of repairs, the council said.\n\n"
        "Workers on the bridge at dawn on Sunday. Photograph: Jane Doe/PA\n\n"
        "Drivers had faced a forty-minute detour while the old deck was replaced.\n\n"
        "Share or comment on this article:\n"
    )
    res = clean_text(scrape)
    assert res.text == (
        "The bridge reopened to traffic on Monday after three weeks of repairs, the council said.\n\n"
        "Drivers had faced a forty-minute detour while the old deck was replaced."
    )
    assert date_of("Updated: 10:35 BST, 5 September 2023") == "2023-09-05"


def test_real_clean_news_texts_lose_nothing_but_a_headline() -> None:
    """PolNeAR's 84 articles are clean news text: the cleaner must find nothing in them to remove."""
    folder = shared_path("data", "polnear", "dev", "text")
    files = sorted(folder.glob("*.txt"))
    assert len(files) > 50
    for path in files:
        original = path.read_text(encoding="utf-8")
        res = clean_text(original)
        assert {r["rule"] for r in res.removed} <= {"title"}, (path.name, res.removed)
        for r in res.removed:
            assert original.startswith(r["text"]) and "\n" not in r["text"]


def test_a_tail_heading_before_a_last_short_sentence_cuts_nothing() -> None:
    scrape = (
        "The inquiry will report in the spring, officials confirmed on Thursday after a long meeting.\n\n"
        "Related\n\n"
        "He declined to comment.\n"
    )
    assert "He declined to comment." in clean_text(scrape).text
