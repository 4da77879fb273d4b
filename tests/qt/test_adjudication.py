"""The adjudication window driven by real key events: decide, undo, reopen."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from tests.conftest import shared_path
from workbench.core.merge import Policy, merge_versions
from workbench.core.schema import default_schema
from workbench.ui.adjudication import AdjudicationWindow, open_adjudication

from .conftest import store_records

TEXT = "Putin said Russia would win. Biden disagreed with him."


def version(ann: str, spans: list[tuple], rels: list[tuple] = (), doc: dict | None = None) -> dict[str, Any]:
    out = []
    for i, (s, e, lab, *attrs) in enumerate(spans):
        d = {"id": f"s{i + 1}", "start": s, "end": e, "label": lab, "text": TEXT[s:e]}
        if attrs:
            d["attrs"] = attrs[0]
        out.append(d)
    return {
        "id": "art1",
        "text": TEXT,
        "meta": {"title": "Putin and Biden"},
        "spans": out,
        "relations": [
            {"id": f"r{i + 1}", "head": f"s{h + 1}", "child": f"s{c + 1}", "label": lab}
            for i, (h, c, lab) in enumerate(rels)
        ],
        "doc": doc or {},
        "annotator": ann,
        "schema": "news@1",
        "status": "done",
    }


@pytest.fixture
def merged_file(tmp_path: Path) -> Path:
    versions = {
        # all three: PERSON Putin (agreed). GPE/ORG Russia: conflict. Biden: only alice and bob (agreed).
        "alice": version(
            "alice",
            [(0, 5, "PERSON"), (11, 17, "GPE"), (29, 34, "PERSON", {"sentiment": "negative"})],
            doc={"sentiment": "negative"},
        ),
        "bob": version(
            "bob",
            [(0, 5, "PERSON"), (11, 17, "ORG"), (29, 34, "PERSON", {"sentiment": "neutral"})],
            doc={"sentiment": "neutral"},
        ),
        "carol": version("carol", [(0, 5, "PERSON"), (11, 17, "NORP")], doc={"sentiment": "positive"}),
    }
    m = merge_versions("art1", versions, ["alice", "bob", "carol"], Policy("majority"))
    path = tmp_path / "merged.jsonl"
    path.write_text(json.dumps(m, ensure_ascii=False) + "\n", "utf-8")
    return path


def show(qtbot: Any, win: AdjudicationWindow) -> AdjudicationWindow:
    qtbot.addWidget(win)
    win.resize(1300, 850)
    win.show()
    qtbot.waitExposed(win)
    win.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win)
    win.gold_view.setFocus()
    return win


def gold_spans(win: AdjudicationWindow) -> set[tuple[int, int, str]]:
    assert win.doc is not None
    return {(s.start, s.end, s.label) for s in win.doc.record.spans.values()}


def press(
    qtbot: Any,
    win: AdjudicationWindow,
    key: Qt.Key,
    mods: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier,
) -> None:
    qtbot.keyClick(win.gold_view, key, mods)


def test_agreed_items_start_accepted_and_keys_settle_conflicts(qtbot, merged_file, tmp_path) -> None:
    gold_path = tmp_path / "gold.jsonl"
    win, problems = open_adjudication(merged_file, gold_path, "lead", default_schema())
    show(qtbot, win)
    assert problems == []
    assert gold_spans(win) == {(0, 5, "PERSON"), (29, 34, "PERSON")}  # agreed, pre-accepted
    kinds = [c.kind for c in win.conflicts]
    assert kinds == ["span", "attr", "doc"]
    assert win.current() is win.conflicts[0]
    assert [v.by for v in win.conflicts[0].variants] == [("alice",), ("carol",), ("bob",)] or len(
        win.conflicts[0].variants
    ) == 3
    # 2: accept the second version alone (one annotator's version); the window moves on.
    second = win.conflicts[0].variants[1]
    press(qtbot, win, Qt.Key.Key_2)
    label = second.key.split("|")[2]
    assert (11, 17, label) in gold_spans(win), win.message.text()
    assert win.current() is win.conflicts[1]
    on_disk = store_records(gold_path)["art1"]
    assert any(s["start"] == 11 and s["label"] == label for s in on_disk["spans"])
    decision = on_disk["meta"]["adjudication"]["decisions"][win.conflicts[0].id]
    assert decision["by"] == "lead" and decision["how"] == "accepted" and decision["at"].endswith("Z")
    # Undo and redo through the keyboard, the file follows.
    press(qtbot, win, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert (11, 17, label) not in gold_spans(win)
    assert win.conflicts[0].id not in store_records(gold_path)["art1"]["meta"]["adjudication"]["decisions"]
    press(qtbot, win, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert (11, 17, label) in gold_spans(win)
    # Ctrl+1 adds a second version: several accepted (the schema allows nested same-offset entities).
    win.conflict_list.setCurrentRow(0)
    press(qtbot, win, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    firsts = {(11, 17, v.key.split("|")[2]) for v in win.conflicts[0].variants[:2]}
    assert firsts <= gold_spans(win)
    # X rejects every version.
    press(qtbot, win, Qt.Key.Key_X)
    assert not any(s[0] == 11 for s in gold_spans(win))
    assert (
        store_records(gold_path)["art1"]["meta"]["adjudication"]["decisions"][win.conflicts[0].id]["how"]
        == "rejected"
    )
    # The attribute conflict of Biden: pick "neutral" by its number.
    assert win.current() is win.conflicts[1]
    values = [v.value for v in win.conflicts[1].variants]
    press(qtbot, win, getattr(Qt.Key, f"Key_{values.index('neutral') + 1}"))
    biden = next(s for s in win.doc.record.spans.values() if s.start == 29)
    assert biden.attrs == {"sentiment": "neutral"}
    # Last conflict (document sentiment): accepting it finishes the article.
    assert win.current() is win.conflicts[2]
    press(qtbot, win, Qt.Key.Key_1)
    assert win.doc.record.status == "done"
    assert "0 open" in win.status.text()
    win.close()


def test_edit_uses_the_selected_text_and_a_reopened_gold_continues(qtbot, merged_file, tmp_path) -> None:
    gold_path = tmp_path / "gold.jsonl"
    win, _ = open_adjudication(merged_file, gold_path, "lead", default_schema())
    show(qtbot, win)
    win.gold_view.select_range(11, 16)  # "Russi": the adjudicator's own boundaries
    press(qtbot, win, Qt.Key.Key_E)
    label = win.conflicts[0].variants[0].key.split("|")[2]
    assert (11, 16, label) in gold_spans(win)
    assert not any(s[:2] == (11, 17) for s in gold_spans(win))
    win.close()
    # Reopen: the decision and the edited span are still there, the first open conflict is the next one.
    again, _ = open_adjudication(merged_file, gold_path, "someone-else", default_schema())
    show(qtbot, again)
    assert (11, 16, label) in gold_spans(again)
    assert again.current() is again.conflicts[1]
    assert again.conflict_list.item(0).text().startswith("✎")
    again.close()


def test_a_decision_the_gold_cannot_take_yet_is_explained(qtbot, tmp_path) -> None:
    versions = {
        "a": version("a", [(0, 5, "PERSON", {"sentiment": "negative"})]),
        "b": version("b", [(0, 5, "PERSON", {"sentiment": "positive"})]),
        "c": version("c", []),
    }
    m = merge_versions("art1", versions, ["a", "b", "c"], Policy("unanimous"))
    path = tmp_path / "m.jsonl"
    path.write_text(json.dumps(m) + "\n")
    win, _ = open_adjudication(path, tmp_path / "g.jsonl", "lead", default_schema())
    show(qtbot, win)
    attr = next(i for i, c in enumerate(win.conflicts) if c.kind == "attr")
    win.conflict_list.setCurrentRow(attr)
    press(qtbot, win, Qt.Key.Key_1)
    assert "accept it first" in win.message.text()
    win.conflict_list.setCurrentRow(0)
    press(qtbot, win, Qt.Key.Key_1)  # accept the PERSON span
    win.conflict_list.setCurrentRow(attr)
    press(qtbot, win, Qt.Key.Key_1)
    assert next(iter(win.doc.record.spans.values())).attrs.get("sentiment") in {"negative", "positive"}
    win.close()


def test_polnear_merged_articles_open_with_every_version(qtbot, tmp_path) -> None:
    from workbench.cli.main import main

    folder = shared_path("data", "polnear", "multi-annotator")
    merged = tmp_path / "merged.jsonl"
    assert main(["merge", str(folder), "-o", str(merged), "--imported", str(tmp_path / "ann")]) == 0
    win, problems = open_adjudication(merged, tmp_path / "gold.jsonl", "lead", default_schema())
    show(qtbot, win)
    assert problems == [] and len(win.views) == 6 and win.articles.count() == 4
    assert all(view.styles for view in win.views.values())
    open_before = sum(1 for c in win.conflicts)
    assert open_before > 0
    for _ in range(5):
        press(qtbot, win, Qt.Key.Key_J)
    press(qtbot, win, Qt.Key.Key_X)
    on_disk = store_records(tmp_path / "gold.jsonl")
    assert len(on_disk) == 1 and len(next(iter(on_disk.values()))["meta"]["adjudication"]["decisions"]) == 1
    press(qtbot, win, Qt.Key.Key_BracketRight)
    assert win.articles.currentIndex() == 1 and len(store_records(tmp_path / "gold.jsonl")) == 2
    win.close()
