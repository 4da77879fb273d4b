"""A store that cannot be opened must not keep its lock: the next try (same process or another) gets in."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.io.store import AnnotatorStore


def test_a_store_that_fails_to_load_releases_its_lock(tmp_path: Path) -> None:
    path = tmp_path / "batch.alice.jsonl"
    path.mkdir()  # unreadable as a file: loading fails with an OSError
    with pytest.raises(OSError):
        AnnotatorStore(path, "alice")
    assert AnnotatorStore.holder(path) is None
    path.rmdir()
    with AnnotatorStore(path, "alice") as st:  # not "open for writing by alice" (ourselves)
        assert st.save({"id": "a", "text": "x"})
