"""The seams of the window: one action table and its dispatch, panels that follow the document,
the worker's Progress, one way in from the command line (import circles: tests/unit/test_architecture.py)."""

from __future__ import annotations

import ast
import json
import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from tests.qt.conftest import ANNOTATOR, REPO
from workbench.app.adjudication import prepare_adjudication
from workbench.app.errors import AppError
from workbench.core.edits import AddRelation, AddSpan, SetStatus
from workbench.core.record import Relation, Span
from workbench.core.schema import default_schema
from workbench.io.settings import load_settings
from workbench.io.store import AnnotatorStore
from workbench.ui.actions import ACTIONS, ActionSpec
from workbench.ui.dispatch import Dispatcher, MissingHandler, resolve
from workbench.ui.main_window import MainWindow
from workbench.ui.worker import Worker, WorkerProgress

TEXTS = ["Angela Merkel met Emmanuel Macron in Paris.", "Rome is far from Berlin."]


def corpus(tmp_path: Path) -> Path:
    path = tmp_path / "batch.jsonl"
    path.write_text("".join(json.dumps({"id": f"d{i}", "text": t}) + "\n" for i, t in enumerate(TEXTS)))
    return path


def test_an_action_without_a_handler_stops_the_window_at_construction(qtbot: Any) -> None:
    extra = ActionSpec("frobnicate", "Frobnicate", ("Ctrl+Alt+F",), "Edit", handler="window.act_frobnicate")
    with pytest.raises(MissingHandler, match=r"'frobnicate' \(window\.act_frobnicate\)"):
        MainWindow(default_schema(), load_settings(), ANNOTATOR, actions=(*ACTIONS, extra))
    lost = ActionSpec("lost", "Lost", ("Ctrl+Alt+L",), "Edit", handler="nobody.act_lost")
    with pytest.raises(MissingHandler, match=r"'lost' \(nobody\.act_lost\)"):
        MainWindow(default_schema(), load_settings(), ANNOTATOR, actions=(*ACTIONS, lost))


def test_the_dispatch_runs_the_named_handler_and_passes_keys_it_declines() -> None:
    class Owner:
        def __init__(self) -> None:
            self.ran: list[str] = []

        def act_go(self) -> None:
            self.ran.append("go")

        def act_maybe(self) -> bool:
            return False

    owner = Owner()
    table = (
        ActionSpec("go", "Go", ("g",), "Span", handler="o.act_go"),
        ActionSpec("maybe", "Maybe", ("m",), "Span", handler="o.act_maybe"),
    )
    dispatcher = Dispatcher(table, {"o": owner})
    assert dispatcher.run("go") and owner.ran == ["go"]
    assert not dispatcher.run("maybe")  # the key goes on to the view
    with pytest.raises(MissingHandler, match="'go'.*'maybe'"):
        resolve(table, {})


def test_every_action_of_the_table_names_a_handler_the_window_has(open_window: Any, tmp_path: Path) -> None:
    win = open_window([corpus(tmp_path)])
    assert set(win.dispatcher.handlers) == {a.id for a in ACTIONS}
    assert all(a.handler.split(".")[0] in ("window", "controller", "project") for a in ACTIONS)


def test_panels_follow_an_edit_made_anywhere(open_window: Any, tmp_path: Path) -> None:
    """An edit applied straight to the Document (not through a key) still reaches every panel."""
    win = open_window([corpus(tmp_path)])
    doc = win.session.document
    assert "0 spans" in win.header.meta.text() and win.actions_by_id["undo"].text() == "&Undo"
    doc.apply(AddSpan(Span("s1", 0, 13, "PERSON")), "Add PERSON “Angela Merkel”")
    assert "1 spans" in win.header.meta.text() and "in progress" in win.header.meta.text()
    assert win.actions_by_id["undo"].text() == "&Undo Add PERSON “Angela Merkel”"
    assert win.doc_list.model.data(win.doc_list.model.index(0, 0)) == "◐ in progress"
    win.controller.set_current("s1")
    assert win.inspector.span_label.currentData() == "PERSON" and win.inspector.span_box.isEnabled()
    assert "No relations" in win.relations.hint.text()
    doc.apply(SetStatus("done"), "Mark done")
    assert win.doc_list.progress.text().startswith("1 / 2")
    doc.undo()
    assert "Undid: Mark done" in win.statusBar().currentMessage()
    win.open_document("d1")
    assert win.header.title.text().startswith("Rome") and win.inspector.span_id is None
    assert win.actions_by_id["undo"].text() == "&Undo" and "batch.tester.jsonl — saved" in win.windowTitle()


def test_worker_progress_is_the_app_progress_with_signals_and_the_cancel_flag(qtbot: Any) -> None:
    worker = Worker()
    seen: list[tuple[int, int]] = []
    notes: list[str] = []
    worker.progress.connect(lambda i, n: seen.append((i, n)))
    worker.note.connect(notes.append)
    go_on = threading.Event()

    def job(progress: WorkerProgress, deliver: Any) -> int:
        progress.start(3)
        progress.note("model loaded")
        done = 0
        for _ in range(3):
            if progress.cancelled():
                break
            progress.step()
            done += 1
            go_on.wait(5)
        return done

    with qtbot.waitSignal(worker.finished, timeout=10_000) as blocker:
        worker.start(job)
        qtbot.waitUntil(lambda: (1, 3) in seen)
        worker.cancel()
        go_on.set()
    result, cancelled = blocker.args
    assert cancelled and result == 1 and seen[:2] == [(0, 3), (1, 3)] and notes == ["model loaded"]


def test_the_command_line_starts_windows_only_through_launch() -> None:
    for name in ("gui", "open", "adjudicate"):
        tree = ast.parse((REPO / "workbench" / "cli" / "commands" / f"{name}.py").read_text("utf-8"))
        ui = {
            n.module
            for n in ast.walk(tree)
            if isinstance(n, ast.ImportFrom) and n.module and n.module.startswith("workbench.ui")
        }
        assert ui <= {"workbench.ui.launch"}, (name, ui)


def test_a_locked_gold_file_is_an_app_error_before_any_window(tmp_path: Path) -> None:
    from workbench.cli.main import main as cli
    from workbench.ui.launch import adjudication_window

    annotated = REPO / "corpora" / "annotated"
    merged = tmp_path / "demo.merged.jsonl"
    assert (
        cli(
            [
                "merge",
                str(annotated / "demo.alice.jsonl"),
                str(annotated / "demo.bob.jsonl"),
                "-o",
                str(merged),
            ]
        )
        == 0
    )
    setup = prepare_adjudication(merged, adjudicator="lead")
    with AnnotatorStore(setup.gold, "someone-else"), pytest.raises(AppError, match="someone-else"):
        adjudication_window(setup)


def test_a_direct_quote_is_shown_with_its_own_marks_once(
    open_window: Any, tmp_path: Path, qtbot: Any
) -> None:
    text = "“We are ready,” said Angela Merkel."
    path = tmp_path / "one.jsonl"
    path.write_text(json.dumps({"id": "q", "text": text}) + "\n")
    win = open_window([path])
    doc = win.session.document
    doc.apply(AddSpan(Span("s1", 0, 15, "QUOTE")), "quote")
    doc.apply(AddSpan(Span("s2", 21, 34, "PERSON")), "person")
    doc.apply(AddRelation(Relation("r1", "s1", "s2", "SPEAKER")), "speaker")
    qtbot.keyClick(win.view, Qt.Key.Key_Tab)
    assert win.inspector.span_text.text() == "“We are ready,”"  # not ““We are ready,””
    qtbot.keyClick(win.view, Qt.Key.Key_Tab)
    assert win.inspector.span_text.text() == "“Angela Merkel”"
    assert "SPEAKER ← QUOTE “We are ready,”" in win.relations.list.item(0).text()
