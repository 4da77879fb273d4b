"""Articles in a folder the annotator cannot write (a read-only share) open; annotations go elsewhere."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from workbench.app import opening as session


def test_articles_in_a_read_only_folder_are_annotated_into_the_data_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WORKBENCH_DATA_DIR", str(tmp_path / "data"))
    share = tmp_path / "share"
    share.mkdir()
    article = share / "story.txt"
    article.write_text("Angela Merkel visited Paris on Monday.\n", "utf-8")
    assert session.annotator_path([article], "alice") == share / "story.alice.jsonl"
    real = os.access
    # tests may run as root, for whom every folder is writable: say how a normal user sees the share
    monkeypatch.setattr(session.os, "access", lambda p, m: False if Path(p) == share else real(p, m))
    target = session.annotator_path([article], "alice")
    assert target == tmp_path / "data" / "annotations" / "story.alice.jsonl"
