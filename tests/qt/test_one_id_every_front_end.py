"""The window and the commands read one JSONL line as one article, with one id (decision 0029).

A newsroom export line ``{"id": "abc", "text": ...}`` was "abc" in the window and the text's
id in ``import``, ``add`` and ``preannotate``, so an annotator's window file and a lead's
pre-annotated file of the same export did not align in ``merge`` or ``eval``. Here the same
file goes through the real commands and a real window, and the annotator's edit, made with the
mouse and a key, lands under the id every command gives the line.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from tests.qt.conftest import drag_select, on_disk, screenshot
from workbench.cli.main import main
from workbench.core.record import article_id
from workbench.io.jsonl import MAX_ARTICLE_BYTES, REPEATED_KEY_MESSAGE, too_long

# Ids as other people's files have them: a string, a number, a path with a terminal escape, and
# one string given to two different stories.
LINES: list[tuple[Any, str]] = [
    ("abc", "Alice Smith said the council will meet on Monday in Leeds."),
    (7, "Bob Jones told Reuters the bridge will open in May."),
    ("../../etc/x\x1b[31m", "Carol White visited Paris on Friday."),
    ("abc", "A different story with the same newsroom id, about Berlin."),
]
IDS = [article_id(text) for _, text in LINES]


def _export(path: Path) -> Path:
    path.write_text("".join(json.dumps({"id": own, "text": text}) + "\n" for own, text in LINES), "utf-8")
    return path


def _ids(path: Path) -> list[str]:
    return [json.loads(line)["id"] for line in path.read_text("utf-8").splitlines() if line.strip()]


def test_the_window_and_the_commands_give_one_line_one_id(
    qtbot: Any, open_window: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = _export(tmp_path / "export.jsonl")
    assert main(["import", str(src), "-o", str(tmp_path / "imported.jsonl")]) == 0
    assert main(["init", str(tmp_path / "proj")]) == 0
    assert main(["add", str(tmp_path / "proj"), str(src)]) == 0
    assert main(["preannotate", str(src), "-o", str(tmp_path / "pre.jsonl")]) == 0
    assert _ids(tmp_path / "imported.jsonl") == _ids(tmp_path / "proj" / "corpus.jsonl") == IDS
    assert _ids(tmp_path / "pre.jsonl") == IDS

    win = open_window([src])
    s = win.session
    assert [it.id for it in s.batch.items] == IDS  # the two stories numbered "abc" are two articles
    assert s.document.record.id == IDS[0] and s.document.record.meta["source_id"] == "abc"
    drag_select(qtbot, win, 0, len("Alice Smith"))
    qtbot.keyClick(win.view, "p")
    saved = on_disk(win)
    assert saved["id"] == IDS[0] and saved["meta"]["source_id"] == "abc"
    assert [(sp["start"], sp["end"], sp["label"]) for sp in saved["spans"]] == [(0, 11, "PERSON")]
    # The newsroom's id finds the article in the window's search, whatever its record id is.
    assert s.batch.search("etc/x") == {IDS[2]} and s.batch.search("abc") == {IDS[0], IDS[3]}
    win.close_session()
    # the same lines as .ndjson: read the same way (they went through the article readers before)
    ndjson = tmp_path / "copy.ndjson"
    ndjson.write_bytes(src.read_bytes())
    assert [it.id for it in open_window([ndjson]).session.batch.items] == IDS

    # The lead's pre-annotated file and the annotator's window file align: eval matches every article.
    capsys.readouterr()
    assert main(["eval", str(s.store_path), str(tmp_path / "pre.jsonl"), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["docs"] == 1 and report["unmatched_docs"] == []  # the one article annotated


def test_an_annotator_file_made_before_keeps_its_work_in_front_of_the_annotator(
    qtbot: Any, open_window: Any, tmp_path: Path
) -> None:
    """An older window saved the work under the export's id: it is shown, and saved under the new id."""
    src = tmp_path / "export.jsonl"
    texts = [LINES[0][1], LINES[1][1]]
    src.write_text(
        "".join(json.dumps({"id": f"n{i}", "text": t}) + "\n" for i, t in enumerate(texts)), "utf-8"
    )
    old = {
        "id": "n1",
        "text": texts[1],
        "meta": {},
        "spans": [{"id": "s1", "start": 0, "end": 9, "label": "PERSON"}],
    }
    old |= {"relations": [], "doc": {}, "status": "done", "annotator": "tester", "schema": "news@1"}
    (tmp_path / "export.tester.jsonl").write_text(
        json.dumps({**old, "rev": 1, "updated": None}) + "\n", "utf-8"
    )
    win = open_window([src])
    s = win.session
    assert [it.id for it in s.batch.items] == IDS[:2] and s.status(IDS[1]) == "done"
    qtbot.keyClick(win.view, Qt.Key.Key_PageDown, Qt.KeyboardModifier.AltModifier)
    assert s.document.record.id == IDS[1]
    assert [(sp.start, sp.end) for sp in s.document.record.spans.values()] == [(0, 9)]
    drag_select(qtbot, win, len("Bob Jones told "), len("Bob Jones told Reuters"))
    qtbot.keyClick(win.view, "o")
    saved = on_disk(win)
    assert saved["id"] == IDS[1] and saved["meta"]["source_id"] == "n1"
    assert sorted((sp["start"], sp["label"]) for sp in saved["spans"]) == [(0, "PERSON"), (15, "ORG")]


def test_a_huge_line_and_a_repeated_id_are_refused_by_file_and_line_and_the_rest_opens(
    qtbot: Any, open_window: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The window bounds a line as ``import`` does and refuses ``{"id":"a",...,"id":"b"}`` as they all do."""
    src = tmp_path / "export.jsonl"
    with open(src, "w", encoding="utf-8") as fh:
        fh.write(json.dumps({"id": "n1", "text": LINES[0][1]}) + "\n")
        fh.write('{"id": "n2", "text": "' + "Long story. " * (MAX_ARTICLE_BYTES // 12 + 1) + '"}\n')
        fh.write('{"id":"a","id":"b","text":"Which id is this story?","status":"todo"}\n')
        fh.write(json.dumps({"id": "n4", "text": LINES[1][1]}) + "\n")
    win = open_window([src])
    s = win.session
    assert [it.id for it in s.batch.items] == [IDS[0], IDS[1]]
    assert [str(p) for p in s.batch.errors] == [
        f"{src}:2: {too_long(MAX_ARTICLE_BYTES)}",
        f"{src}:3: {REPEATED_KEY_MESSAGE}",
    ]
    assert screenshot(win, "one-id-problem-file").is_file()
    message = win.statusBar().currentMessage()
    assert f"2 problem(s) reading articles, first: {src}:2: line is over the 20.0 MB limit" in message
    # the status bar forgets; the list's footer keeps the count, and names the lines on hover
    footer = win.doc_list.progress
    qtbot.waitUntil(lambda: footer.text().endswith("2 not read"), timeout=5000)
    assert footer.text() == "0 / 2 done · 2 not read"
    tip = footer.toolTip()
    assert f"{src}:2: line is over" in tip and f"{src}:3: {REPEATED_KEY_MESSAGE}" in tip
    # the command line says the same words about the same lines, and leaves what it wrote before whole
    earlier = tmp_path / "earlier.jsonl"
    earlier.write_text("".join(json.dumps({"id": own, "text": t}) + "\n" for own, t in LINES[2:]), "utf-8")
    out = tmp_path / "imported.jsonl"
    assert main(["import", str(earlier), "-o", str(out)]) == 0
    before = out.read_bytes()
    capsys.readouterr()
    assert main(["import", str(src), "-o", str(out), "--append"]) == 0
    err = capsys.readouterr().err
    assert f"{src}:2: {too_long(MAX_ARTICLE_BYTES)}" in err and f"{src}:3: {REPEATED_KEY_MESSAGE}" in err
    assert out.read_bytes().startswith(before) and _ids(out) == [*IDS[2:], IDS[0], IDS[1]]
    # and the rest is annotated as usual, by keys
    qtbot.keyClick(win.view, Qt.Key.Key_PageDown, Qt.KeyboardModifier.AltModifier)
    drag_select(qtbot, win, 0, len("Bob Jones"))
    qtbot.keyClick(win.view, "p")
    assert on_disk(win)["id"] == IDS[1]
