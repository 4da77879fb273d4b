"""Pre-annotation from the window: background worker, one undo step, people's spans kept."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt

from tests.conftest import shared_path
from tests.qt.conftest import on_disk, screenshot


def test_preannotate_in_background_as_one_undoable_step(qtbot: Any, open_window: Any, tmp_path: Path) -> None:
    article = tmp_path / "seed.txt"
    shutil.copy(shared_path("seed", "000_bab8e4e99eda0806.txt"), article)
    win = open_window([article])
    view, doc = win.view, win.session.document
    text = doc.record.text
    # the annotator draws a span first, deliberately not what a model would say
    a = text.index("Vladimir Putin")
    view.select_range(a, a + len("Vladimir Putin"))
    qtbot.keyClick(view, "o")
    mine = dict(doc.record.spans)
    assert len(mine) == 1
    with qtbot.waitSignal(win.preannotator.worker.finished, timeout=120_000):
        qtbot.keyClick(view, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
        assert win.work_bar.isVisible() and win.work_cancel.isVisible()  # the window did not block
    rec = doc.record
    assert len(rec.spans) > 20
    assert {s.label for s in rec.spans.values()} >= {"PERSON", "GPE", "QUOTE"}
    assert any(r.label == "SPEAKER" for r in rec.relations.values())
    # the person's span is untouched, and nothing crossing it was added
    for sid, span in mine.items():
        assert rec.spans[sid] == span
    assert not any(
        s.id not in mine and s.label in ("PERSON", "ORG") and s.start < a + 14 and a < s.end
        for s in rec.spans.values()
    )
    pending = [s for s in rec.spans.values() if s.review == "pending"]
    assert pending and all(s.origin for s in pending)
    d = on_disk(win)
    assert len(d["spans"]) == len(rec.spans)
    assert win.actions_by_id["undo"].text().startswith("&Undo Pre-annotate")
    # accept one by key, reject one by key, then accept the rest
    qtbot.keyClick(view, Qt.Key.Key_Escape)
    first = min(pending, key=lambda s: s.start)
    view.select_range(0, 0)
    qtbot.keyClick(view, Qt.Key.Key_Tab)
    while win.controller.current != first.id:
        qtbot.keyClick(view, Qt.Key.Key_Tab)
    qtbot.keyClick(view, "y")
    assert rec.spans[first.id].review == "accepted"
    nxt = win.controller.current
    assert nxt is not None and rec.spans[nxt].review == "pending"
    qtbot.keyClick(view, "x")
    assert nxt not in rec.spans and rec.rejected[-1]["id"] == nxt
    screenshot(win, "preannotated")
    qtbot.keyClick(view, "Y")
    assert not [s for s in rec.spans.values() if s.review == "pending"]
    assert all(s["review"] != "pending" for s in on_disk(win)["spans"] if "review" in s)
    # undo: accept-all, reject, accept, then the whole pass in one step
    for _ in range(4):
        qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert dict(rec.spans) == mine
    assert on_disk(win)["spans"] == [{**mine[k].to_dict(text)} for k in mine]


def test_batch_preannotation_saves_every_document_and_cancel_stops_it(
    qtbot: Any, open_window: Any, tmp_path: Path
) -> None:
    import json

    from tests.qt.conftest import store_records

    texts = [
        f"Story {i}. Angela Merkel met Emmanuel Macron in Paris. “We agree,” Merkel said on day {i}."
        for i in range(40)
    ]
    path = tmp_path / "batch.jsonl"
    path.write_text("".join(json.dumps({"id": f"b{i}", "text": t}) + "\n" for i, t in enumerate(texts)))
    win = open_window([path])
    # a small batch first: every document gets pending pre-annotations, on disk
    with qtbot.waitSignal(win.preannotator.worker.finished, timeout=120_000) as blocker:
        win.preannotator._start(["b0", "b1", "b2"])
    assert blocker.args[1] is False  # not cancelled
    on_file = store_records(win.session.store_path)
    for rid in ("b0", "b1", "b2"):
        labels = {s["label"] for s in on_file[rid]["spans"]}
        assert {"PERSON", "GPE"} <= labels and all(s["review"] == "pending" for s in on_file[rid]["spans"])
    assert {s.label for s in win.session.document.record.spans.values()} >= {"PERSON", "QUOTE"}
    # the whole batch, cancelled at once from the status bar: stops between articles
    with qtbot.waitSignal(win.preannotator.worker.finished, timeout=120_000) as blocker:
        qtbot.keyClick(
            win.view, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
        )
        # the window keeps working while the model runs: an edit goes through and is saved at once
        assert win.preannotator.worker.busy
        win.view.select_range(0, len("Story"))
        qtbot.keyClick(win.view, "e")
        assert any(s["label"] == "EVENT" for s in store_records(win.session.store_path)["b0"]["spans"])
        assert win.preannotator.worker.busy
        qtbot.mouseClick(win.work_cancel, Qt.MouseButton.LeftButton)
    assert blocker.args[1] is True
    assert any(s.label == "EVENT" and s.origin is None for s in win.session.document.record.spans.values())
    done = sum(1 for d in store_records(win.session.store_path).values() if d["spans"])
    assert 3 <= done < 40
    assert "cancelled" in win.statusBar().currentMessage()
    assert not win.work_bar.isVisible()
    # the whole batch again, and another batch opened meanwhile: the pass stops at the closed batch
    other = tmp_path / "other.jsonl"
    other.write_text(json.dumps({"id": "o1", "text": "Another story."}) + "\n")
    with qtbot.waitSignal(win.preannotator.worker.finished, timeout=120_000) as blocker:
        qtbot.keyClick(
            win.view, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
        )
        assert win.preannotator.worker.busy
        assert win.open_paths([other])
    assert blocker.args[0]["errors"] == [] and blocker.args[0]["done"] < 40 - done
    assert "cannot read" not in win.statusBar().currentMessage()


def test_an_untouched_article_is_preannotated_as_it_opens(
    qtbot: Any, open_window: Any, tmp_path: Path
) -> None:
    """The default: the model runs when a 'to do' article opens; a model's pass does not start the article."""
    import json

    from tests.qt.conftest import store_records
    from workbench.io.settings import Settings, save_settings

    save_settings(Settings(preannotate_on_open=True), durable=False)
    texts = [
        f"Angela Merkel met Emmanuel Macron in Paris. “We agree,” Merkel said on day {i}." for i in range(3)
    ]
    path = tmp_path / "batch.jsonl"
    path.write_text("".join(json.dumps({"id": f"b{i}", "text": t}) + "\n" for i, t in enumerate(texts)))
    win = open_window([path])
    worker = win.preannotator.worker
    if worker.busy:
        with qtbot.waitSignal(worker.finished, timeout=120_000):
            pass
    rec = win.session.document.record
    assert rec.id == "b0" and {s.label for s in rec.spans.values()} >= {"PERSON", "GPE", "QUOTE"}
    assert rec.status == "todo" and all(s.review == "pending" for s in rec.spans.values())
    on_file = store_records(win.session.store_path)["b0"]
    assert on_file["status"] == "todo" and len(on_file["spans"]) == len(rec.spans)
    assert "Pre-annotated with" in win.statusBar().currentMessage()
    # one undo takes the whole pass away, and leaving and coming back does not run it again
    qtbot.keyClick(win.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert not rec.spans and rec.status == "todo"
    with qtbot.waitSignal(worker.finished, timeout=120_000):
        qtbot.keyClick(win.view, Qt.Key.Key_PageDown, Qt.KeyboardModifier.AltModifier)
    assert win.session.document.record.id == "b1" and win.session.document.record.spans
    qtbot.keyClick(win.view, Qt.Key.Key_PageUp, Qt.KeyboardModifier.AltModifier)
    assert (
        win.session.document.record.id == "b0" and not worker.busy and not win.session.document.record.spans
    )
    # an article the annotator has started is left alone, and so is every article with the setting off
    qtbot.keyClick(win.view, Qt.Key.Key_PageDown, Qt.KeyboardModifier.AltModifier)
    qtbot.keyClick(win.view, Qt.Key.Key_PageDown, Qt.KeyboardModifier.AltModifier)
    assert win.session.document.record.id == "b2" and worker.busy
    with qtbot.waitSignal(worker.finished, timeout=120_000):
        pass
    win.settings.preannotate_on_open = False
    win.view.select_range(0, len("Angela Merkel"))
    qtbot.keyClick(win.view, "p")
    assert win.session.document.record.status == "in_progress"  # the annotator's own edit starts it


def test_a_project_can_keep_articles_blank_on_open(qtbot: Any, open_window: Any, tmp_path: Path) -> None:
    """An agreement study: the lead's project setting wins over the annotator's preference."""
    import json

    from tests.qt.conftest import ANNOTATOR
    from workbench.io.project import Project
    from workbench.io.settings import Settings, save_settings

    save_settings(Settings(preannotate_on_open=True), durable=False)
    project = Project.init(tmp_path / "study")
    data = json.loads((project.root / "project.json").read_text())
    assert data["settings"]["preannotate_on_open"] is True  # a new project pre-annotates
    data["settings"]["preannotate_on_open"] = False
    (project.root / "project.json").write_text(json.dumps(data))
    from workbench.core.record import Record

    text = "Angela Merkel met Emmanuel Macron in Paris. “We agree,” Merkel said."
    Project.open(project.root).add_records([Record.new(text, {"title": "Summit"})])
    win = open_window([project.root])
    assert win.session.project is not None and win.session.store_path.name == f"{ANNOTATOR}.jsonl"
    assert not win.preannotator.worker.busy and not win.session.document.record.spans
