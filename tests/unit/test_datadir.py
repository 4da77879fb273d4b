"""Annotations outside a corpus live in the user's data folder; the old config location is moved once."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.io import datadir
from workbench.io.store import AnnotatorStore


@pytest.fixture
def folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    monkeypatch.setenv("WORKBENCH_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("WORKBENCH_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setattr(datadir, "_moved", set())
    return tmp_path / "config" / "annotations", tmp_path / "data" / "annotations"


def test_the_default_is_the_platform_data_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    from platformdirs import user_config_dir, user_data_dir

    monkeypatch.delenv("WORKBENCH_CONFIG_DIR", raising=False)
    monkeypatch.delenv("WORKBENCH_DATA_DIR", raising=False)
    assert datadir.data_dir() == Path(user_data_dir("workbench", appauthor=False))
    assert datadir.data_dir() != Path(user_config_dir("workbench", appauthor=False))


def test_a_config_folder_alone_keeps_everything(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WORKBENCH_DATA_DIR", raising=False)
    monkeypatch.setenv("WORKBENCH_CONFIG_DIR", str(tmp_path / "portable"))
    assert datadir.annotations_dir() == tmp_path / "portable" / "annotations"


def test_old_annotator_files_move_once_with_their_content(folders: tuple[Path, Path]) -> None:
    old, new = folders
    old.mkdir(parents=True)
    (old / "demo.alice.jsonl").write_bytes(b'{"id":"a","text":"x"}\n')
    (old / "demo.alice.jsonl.torn-1").write_bytes(b'{"id":"b","te')
    (old / "demo.alice.jsonl.lock").write_text("{}")
    assert datadir.annotations_dir() == new
    assert (new / "demo.alice.jsonl").read_bytes() == b'{"id":"a","text":"x"}\n'
    assert (new / "demo.alice.jsonl.torn-1").read_bytes() == b'{"id":"b","te'
    assert not old.exists()  # emptied and removed
    assert sorted(p.name for p in new.iterdir()) == ["demo.alice.jsonl", "demo.alice.jsonl.torn-1"]


def test_a_file_already_at_the_new_place_is_never_overwritten(folders: tuple[Path, Path]) -> None:
    old, new = folders
    old.mkdir(parents=True)
    new.mkdir(parents=True)
    (old / "demo.bob.jsonl").write_text("old work\n")
    (new / "demo.bob.jsonl").write_text("new work\n")
    datadir.annotations_dir()
    assert (new / "demo.bob.jsonl").read_text() == "new work\n"
    assert (old / "demo.bob.jsonl").read_text() == "old work\n"  # kept where it was


def test_a_file_open_in_a_running_workbench_waits_for_a_later_start(folders: tuple[Path, Path]) -> None:
    old, new = folders
    old.mkdir(parents=True)
    path = old / "demo.carol.jsonl"
    with AnnotatorStore(path, "carol") as store:
        store.save({"id": "a", "text": "Some text."})
        assert datadir.annotations_dir() == new
        assert path.exists() and not (new / path.name).exists()
    datadir._moved.clear()  # the next start
    datadir.annotations_dir()
    assert not path.exists()
    back = AnnotatorStore(new / path.name, readonly=True)
    try:
        assert back.ids() == ["a"]
    finally:
        back.close()


def test_a_link_in_the_old_folder_is_neither_copied_nor_removed(folders: tuple[Path, Path]) -> None:
    old, new = folders
    old.mkdir(parents=True)
    secret = old.parent / "elsewhere.txt"
    secret.write_text("not annotations\n")
    (old / "demo.eve.jsonl").symlink_to(secret)
    datadir.annotations_dir()
    assert not (new / "demo.eve.jsonl").exists()
    assert (old / "demo.eve.jsonl").is_symlink() and secret.read_text() == "not annotations\n"
