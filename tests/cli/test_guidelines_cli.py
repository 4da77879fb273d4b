"""``workbench guidelines SCHEMA [--html OUT]``: the whole document, as text and as one safe HTML file."""

from __future__ import annotations

import copy
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import news_without_guidelines, news_without_label
from workbench.cli.main import main
from workbench.core.paths import schemas_dir
from workbench.io.guidelines_html import NEUTRAL, paper_fill

NEWS = json.loads((schemas_dir() / "news.json").read_text("utf-8"))


class Elements(HTMLParser):
    """Every element and its attributes, as a browser would see them."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.seen.append((tag, attrs))


def schema_file(tmp_path: Path, data: dict[str, Any], name: str = "s.json") -> Path:
    p = tmp_path / name
    p.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    return p


def test_text_to_stdout_has_the_project_text_and_every_entry(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["guidelines", "news"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Annotation guidelines — ") and "(news@1)" in out
    assert "## Working order" in out  # the project Markdown, as written
    for heading in ("== Span labels ==", "== Relation types ==", "== Attributes ==", "== Document fields =="):
        assert heading in out
    # the label CUE and the relation CUE are separate entries; marks are kept, in single brackets
    assert "CUE — span label (cue), key c" in out and "CUE — relation QUOTE → CUE" in out
    assert "+ “The vote is a sham,” the spokesman [said]." in out
    assert "+ [“We are ready,”|QUOTE] said [Angela Merkel|PERSON]." in out
    assert "[[" not in out and "Without a guideline: " in out  # AFFILIATION etc. have none yet


def test_html_file_marks_examples_in_the_schema_colours(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "deep" / "guidelines.html"
    assert main(["guidelines", str(schemas_dir() / "news.json"), "--html", str(out)]) == 0
    assert f"HTML guidelines: {out}" in capsys.readouterr().out
    html = out.read_text("utf-8")
    assert html.startswith("<!DOCTYPE html>") and "<script" not in html
    assert "default-src 'none'" in html  # nothing fetched, nothing run
    # the CUE example's marked word in the CUE colour, the speaker in PERSON's
    cue_bg, _ = paper_fill(NEWS["span_labels"][8]["color"], "cue")
    person_bg, _ = paper_fill(NEWS["span_labels"][0]["color"], "entity")
    assert re.search(rf'background-color:{cue_bg};[^"]*">has repeatedly denied</span>', html)
    assert re.search(rf'background-color:{person_bg};[^"]*" title="PERSON">Angela Merkel <small', html)
    assert 'id="label-QUOTE"' in html and 'id="relation-CUE"' in html and 'href="#label-CUE"' in html
    assert "<h2>Working order</h2>" in html  # Markdown rendered
    assert [p.name for p in out.parent.iterdir()] == ["guidelines.html"]  # no temporary file left


def test_hostile_schema_text_comes_out_inert(tmp_path: Path) -> None:
    d = copy.deepcopy(NEWS)
    d["title"] = "</title><script>alert('title')</script>"
    d["guidelines"] = "Hi <script>alert(1)</script> [x](javascript:alert(2)) ![i](http://evil.invalid/x.png)"
    d["span_labels"][7]["guideline"] = {
        "definition": "<img src=x onerror=alert(3)> <b onclick='x'>bold</b>",
        "positive": ["a [[<script>alert(4)</script>]] b", '[[“q”|QUOTE]] " onmouseover="alert(5)'],
    }
    d["attributes"]["<svg onload=alert(6)>"] = {
        "values": ["x"],
        "guideline": {"definition": "odd name", "positive": ["[[w|x]]"]},
    }
    out = tmp_path / "g.html"
    assert main(["guidelines", str(schema_file(tmp_path, d)), "--html", str(out)]) == 0
    html = out.read_text("utf-8")
    tags = Elements()
    tags.feed(html)
    assert not {"script", "img", "svg", "iframe", "object"} & {t for t, _ in tags.seen}
    attrs = [(k, v or "") for _, a in tags.seen for k, v in a]
    assert not [k for k, _ in attrs if k.startswith("on")]
    links = [v for k, v in attrs if k in ("href", "src")]
    assert "http://evil.invalid/x.png" in links  # an image became a plain link: nothing is fetched
    assert not [v for v in links if not v.startswith(("#", "http://", "https://"))]  # no javascript:
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "&lt;script&gt;alert(4)" in html
    assert "&lt;svg onload=alert(6)&gt;" in html


def test_an_output_that_is_a_folder_is_refused_and_nothing_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    assert main(["guidelines", "news", "--html", str(folder)]) != 0
    assert "is a folder" in capsys.readouterr().err
    assert list(folder.iterdir()) == []


def test_a_schema_without_guidelines_says_so_and_still_succeeds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    p = schema_file(tmp_path, news_without_guidelines())
    assert main(["guidelines", str(p)]) == 0
    io = capsys.readouterr()
    assert "no guidelines yet" in io.err and "no guidelines yet" in io.out
    out = tmp_path / "none.html"
    assert main(["guidelines", str(p), "--html", str(out)]) == 0
    html = out.read_text("utf-8")
    assert "has no guidelines yet" in html and len(html) < 4000


def test_a_bad_example_mark_is_reported_with_its_path(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    d = copy.deepcopy(NEWS)
    d["span_labels"][8]["guideline"]["positive"][1] = "The White House [[has repeatedly denied"
    assert main(["guidelines", str(schema_file(tmp_path, d))]) != 0
    err = capsys.readouterr().err
    assert "$.span_labels[8].guideline.positive[1]" in err and "never closed" in err


def test_a_project_folder_uses_its_own_schema(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    d = copy.deepcopy(NEWS)
    d["guidelines"] = "Project Millbrook: ask Hannah before marking council minutes."
    project = tmp_path / "proj"
    assert main(["init", str(project), "--schema", str(schema_file(tmp_path, d))]) == 0
    capsys.readouterr()
    assert main(["guidelines", str(project)]) == 0
    assert "ask Hannah" in capsys.readouterr().out


def test_examples_marking_a_removed_label_are_noted_and_drawn_grey(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    d = news_without_label("ORG")
    out = tmp_path / "g.html"
    assert main(["guidelines", str(schema_file(tmp_path, d)), "--html", str(out)]) == 0
    err = capsys.readouterr().err
    assert "note: " in err and "$.relation_types[0].guideline.positive[2]: [[…|ORG]]" in err
    grey, _ = paper_fill(NEUTRAL, "other")
    assert f'background-color:{grey};color:#111111" title="ORG">The ministry' in out.read_text("utf-8")
