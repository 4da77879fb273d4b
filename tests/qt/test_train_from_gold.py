"""A lead trains a model from the project's finished articles, by keyboard, and switches the project to it.

The gold is made here: short articles where someone "opined" or "mused" that
something is so (cue verbs in none of the rules' lists), marked done in an
annotator's file. Training runs on the window's worker for two epochs.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QUrl

from workbench.core.record import Record, Relation, Span
from workbench.io.project import Project
from workbench.ui import train_dialog

WHO = ["Ines Moreau", "Karl Berg", "Ruth Okafor", "Jon Hale"]
SAID = ["opined", "mused"]
WHAT = ["the ferry should run all winter", "rents had doubled in a year", "the park needed more lights"]


def _done(i: int, rng: random.Random) -> str:
    who, cue, what = rng.choice(WHO), rng.choice(SAID), rng.choice(WHAT)
    text = f"Day {i} in town. {who} {cue} that {what}. Nothing else happened."
    w0 = text.index(who)
    c0 = w0 + len(who) + 1
    q0 = c0 + len(cue) + 1
    rec = Record(id=f"g{i:02d}", text=text, schema="news@1", status="done", annotator="alice")
    rec.spans = {
        "w": Span("w", w0, w0 + len(who), "PERSON"),
        "c": Span("c", c0, c0 + len(cue), "CUE"),
        "q": Span("q", q0, q0 + len("that ") + len(what), "QUOTE", {"quote_kind": "indirect"}),
    }
    rec.relations = {"r1": Relation("r1", "q", "w", "SPEAKER"), "r2": Relation("r2", "q", "c", "CUE")}
    return json.dumps(rec.to_dict()) + "\n"


def _project(tmp_path: Path, finished: int) -> Project:
    project = Project.init(tmp_path / "proj")
    project.add_records([Record.new("An article nobody has annotated yet. The mayor spoke.")])
    rng = random.Random(7)
    (project.root / "annotations" / "alice.jsonl").write_text("".join(_done(i, rng) for i in range(finished)))
    return project


def _ctrl_shift(qtbot: Any, widget: Any, key: Qt.Key) -> None:
    mods = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(widget, key, mods)


def _train_dialog(qtbot: Any, win: Any) -> Any:
    """Ctrl+Shift+T in the article: the dialog it opens."""
    _ctrl_shift(qtbot, win.view, Qt.Key.Key_T)
    dlg = win.project_actions.dialog
    qtbot.addWidget(dlg)
    return dlg


def test_train_from_gold_then_use_the_model_and_open_its_report(
    qtbot: Any, open_window: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = _project(tmp_path, 24)
    win = open_window([project.root])
    dlg = _train_dialog(qtbot, win)
    assert dlg.isVisible()
    assert "24 article(s): 0 adjudicated, 24 done by annotators" in dlg.summary.text()
    dlg.epochs.setFocus()
    qtbot.keyClick(dlg.epochs, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(dlg.epochs, "2")
    qtbot.keyClick(dlg.start_button, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: dlg.use_button.isVisible(), timeout=120_000)
    models = list((project.root / "models").glob("model-*/meta.json"))
    assert len(models) == 1
    assert "trained on" in dlg.log.toPlainText() and "2 epoch(s)" in dlg.log.toPlainText()
    qtbot.keyClick(dlg.use_button, Qt.Key.Key_Space)
    saved = json.loads((project.root / "project.json").read_text("utf-8"))
    assert saved["model"] == f"models/{models[0].parent.name}"
    assert Path(win.session.model) == models[0].parent  # the open batch pre-annotates with it from now on
    opened: list[QUrl] = []
    monkeypatch.setattr(train_dialog.QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    qtbot.keyClick(dlg.report_button, Qt.Key.Key_Space)
    dlg.close()
    win.actions_by_id["training_report"].trigger()
    assert [Path(u.toLocalFile()).name for u in opened] == ["training-report.html"] * 2
    assert Path(opened[1].toLocalFile()).parent == models[0].parent


def test_cancel_leaves_no_model_and_too_little_gold_cannot_start(
    qtbot: Any, open_window: Any, tmp_path: Path
) -> None:
    project = _project(tmp_path, 24)
    win = open_window([project.root])
    dlg = _train_dialog(qtbot, win)
    qtbot.keyClick(dlg.start_button, Qt.Key.Key_Space)
    qtbot.keyClick(dlg, Qt.Key.Key_Escape)  # Escape is the dialog's Cancel: it stops the run
    qtbot.waitUntil(lambda: "no model was written" in dlg.log.toPlainText(), timeout=120_000)
    assert not list((project.root / "models").glob("model-*"))
    assert json.loads((project.root / "project.json").read_text("utf-8"))["model"] is None
    dlg.close()
    (project.root / "annotations" / "alice.jsonl").write_text("")
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow)
    old, dlg = dlg, _train_dialog(qtbot, win)
    assert dlg is not old
    assert not dlg.start_button.isEnabled()
    assert "at least 10 finished articles" in dlg.summary.text()


def _preannotated_by_an_older_model(text: str, reviewed: bool) -> Record:
    """An article as ``assign --preannotate`` hands it out: spans from a model the project used before."""
    rec = Record.new(text)
    who = text.index("Nora Quist")
    rec.spans = {
        "s1": Span("s1", who, who + len("Nora Quist"), "ORG", origin="model:en_old@1.0", review="pending"),
    }
    if reviewed:
        rec.spans["s1"] = rec.spans["s1"].with_(review="accepted")
    rec.meta["preannotation"] = {"model": "en_old", "trained": True, "version": "1.0"}
    return rec


def test_after_use_articles_nobody_touched_are_preannotated_again_by_the_new_model(
    qtbot: Any, open_window: Any, tmp_path: Path
) -> None:
    project = _project(tmp_path, 12)
    untouched = _preannotated_by_an_older_model(
        "Nora Quist opined that the ferry was late. Rain fell.", False
    )
    reviewed = _preannotated_by_an_older_model("Nora Quist mused that rents had doubled. Rain fell.", True)
    project.add_records([untouched, reviewed])
    win = open_window([project.root])
    dlg = _train_dialog(qtbot, win)
    dlg.epochs.setFocus()
    qtbot.keyClick(dlg.epochs, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(dlg.epochs, "2")
    qtbot.keyClick(dlg.start_button, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: dlg.use_button.isVisible(), timeout=120_000)
    qtbot.keyClick(dlg.use_button, Qt.Key.Key_Space)
    dlg.close()
    win.activateWindow()  # the dialog had the keyboard; the article's keys go to the window again
    win.view.setFocus()
    qtbot.waitUntil(win.isActiveWindow)
    win.settings.preannotate_on_open = True
    worker = win.preannotator.worker

    def open_article(rid: str) -> Record:
        for _ in range(5):
            if win.session.document.record.id == rid:
                break
            qtbot.keyClick(win.view, Qt.Key.Key_PageDown, Qt.KeyboardModifier.AltModifier)
        qtbot.waitUntil(lambda: not worker.busy, timeout=120_000)
        return win.session.document.record

    rec = open_article(untouched.id)
    origins = {s.origin for s in rec.spans.values()}
    assert "model:en_old@1.0" not in origins  # the older model's untouched pass is gone
    assert any(o and o.startswith("model:en_attribution_model_") for o in origins), origins
    assert "Pre-annotated again" in win.statusBar().currentMessage()
    rec = open_article(reviewed.id)  # a person accepted a span here: the article is theirs
    assert [(s.origin, s.review) for s in rec.spans.values()] == [("model:en_old@1.0", "accepted")]
