"""``workbench open FILE --at ID:START``: the real window opens on the span, or says what is wrong."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from tests.qt.conftest import ANNOTATOR
from workbench.cli.main import main
from workbench.core.record import Record, Span
from workbench.ui.go_to import go_to


def _file(tmp_path: Path) -> tuple[Path, list[Record]]:
    recs = [
        Record.new(f"Story {i}: Mayor Anna Berg of Halden said the harbour reopens 🙂 on day {i}.")
        for i in range(3)
    ]
    for r in recs:
        start = r.text.index("Halden")
        r.spans = {"s1": Span("s1", start, start + 6, "GPE"), "s2": Span("s2", 15, 24, "PERSON")}
        r.annotator = ANNOTATOR
    path = tmp_path / f"corpus.{ANNOTATOR}.jsonl"
    path.write_text("".join(json.dumps(r.to_dict(), ensure_ascii=False) + "\n" for r in recs), "utf-8")
    return path, recs


def test_the_command_opens_the_article_with_the_span_current(qtbot: Any, tmp_path: Path) -> None:
    path, recs = _file(tmp_path)
    target = recs[2]
    start = target.spans["s1"].start
    seen: dict[str, Any] = {}

    def look() -> None:
        win = next(w for w in QApplication.topLevelWidgets() if hasattr(w, "session") and w.isVisible())
        seen["id"] = win.session.document.record.id
        seen["current"] = win.controller.current
        seen["cursor"] = win.view.map.from_qt(win.view.textCursor().position())
        win.close()

    QTimer.singleShot(300, look)
    assert main(["open", str(path), "--at", f"{target.id}:{start}"]) == 0
    assert seen == {"id": target.id, "current": "s1", "cursor": start}


def test_an_offset_inside_a_span_makes_it_current_and_one_past_the_emoji_counts_code_points(
    qtbot: Any, open_window: Any, tmp_path: Path
) -> None:
    path, recs = _file(tmp_path)
    win = open_window([path])
    rec = recs[1]
    assert go_to(win, rec.id, rec.spans["s2"].start + 3) == "s2"
    after_emoji = rec.text.index("🙂") + 1
    assert go_to(win, rec.id, after_emoji) is None  # no span there: the cursor only
    assert win.view.map.from_qt(win.view.textCursor().position()) == after_emoji
    assert win.session.document.record.id == rec.id


@pytest.mark.parametrize(
    ("at", "message"),
    [
        ("nosuchid:3", "no article with id 'nosuchid' (it has 3 article(s))"),
        ("{id}:9999", "offset 9999 is outside it"),
        ("{id}", "give ID:START"),
        ("{id}:-1", "give ID:START"),
    ],
)
def test_a_bad_id_or_offset_is_refused_with_a_clear_message(
    qtbot: Any, tmp_path: Path, capsys: Any, at: str, message: str
) -> None:
    path, recs = _file(tmp_path)
    assert main(["open", str(path), "--at", at.format(id=recs[0].id)]) != 0
    err = capsys.readouterr().err
    assert message in err and "workbench open" in err
    assert not [w for w in QApplication.topLevelWidgets() if w.isVisible() and hasattr(w, "session")]


def test_a_dispute_link_opens_the_project_as_the_annotator_who_marked_the_span(
    qtbot: Any, tmp_path: Path, capsys: Any, monkeypatch: Any
) -> None:
    from tests.simulated_project import build

    project = build(tmp_path / "proj").root
    monkeypatch.setenv("WORKBENCH_ANNOTATOR", ANNOTATOR)  # restored after the command sets it
    assert main(["agreement", str(project), "--json"]) == 0
    disputes = json.loads(capsys.readouterr().out)["disputes"]
    example = next(x for lab in disputes["labels"] for x in lab["examples"] if lab["label"] == "LOC")
    argv = example["open"].split()
    assert argv[:3] == ["workbench", "open", str(project)] and argv[3:5] == ["--annotator", "carol"]
    seen: dict[str, Any] = {}

    def look() -> None:
        win = next(w for w in QApplication.topLevelWidgets() if hasattr(w, "session") and w.isVisible())
        doc = win.session.document
        seen.update(
            who=win.session.annotator, id=doc.record.id, label=doc.record.spans[win.controller.current].label
        )
        seen["store"] = win.session.store_path
        win.close()

    QTimer.singleShot(300, look)
    assert main(argv[1:]) == 0
    assert seen == {
        "who": "carol",
        "id": example["id"],
        "label": "LOC",
        "store": project / "annotations" / "carol.jsonl",
    }
