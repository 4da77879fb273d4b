"""Files written through a temp file get ordinary permissions, not the temp file's 0600.

A corpus imported by the lead, or an annotator file after compaction, is read by
other people of a shared project folder.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from workbench.io.atomic import atomic_write
from workbench.io.store import AnnotatorStore


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_file_gets_the_mode_of_an_ordinary_new_file(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        with atomic_write(tmp_path / "corpus.jsonl") as fh:
            fh.write("{}\n")
    finally:
        os.umask(old)
    assert _mode(tmp_path / "corpus.jsonl") == 0o644


def test_replacing_a_file_keeps_its_mode(tmp_path: Path) -> None:
    path = tmp_path / "batch.alice.jsonl"
    with AnnotatorStore(path, "alice") as st:
        st.save({"id": "a", "text": "x"})
        os.chmod(path, 0o664)  # group-readable for the lead
        st.save({"id": "a", "text": "x", "status": "done"})
        st.compact()
    assert _mode(path) == 0o664
