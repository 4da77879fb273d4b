"""Closing a session closes the descriptors its batch keeps on the JSONL files it indexed (decision 0024).

Before, only the garbage collector closed them: a session let go but still referenced (or
in a reference cycle) kept every JSONL file of its batch open, and a replaced annotator file's
space stayed taken.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from workbench.app.batch import BatchClosed
from workbench.app.opening import build_batch
from workbench.app.session import Session
from workbench.core.record import Record
from workbench.core.schema import default_schema


def _open_fds() -> dict[int, str]:
    out = {}
    for name in os.listdir("/proc/self/fd"):
        try:
            out[int(name)] = os.readlink(f"/proc/self/fd/{name}")
        except OSError:  # the listing's own descriptor, gone by now
            pass
    return out


def _jsonl(path: Path, n: int) -> Path:
    lines = [
        json.dumps(Record.new(f"Halden news {i}\nStory {path.stem} {i}: the mayor spoke.").to_dict())
        for i in range(n)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


pytestmark = pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc/self/fd")


def test_closing_a_session_closes_its_batch_files(tmp_path: Path) -> None:
    files = [_jsonl(tmp_path / f"part{i}.jsonl", 30) for i in range(3)]
    before = _open_fds()
    s = Session(files, "ann", default_schema())
    during = set(_open_fds().values())
    assert all(str(f) in during for f in files)  # the batch reads through them
    s.open(s.batch.items[-1].id)
    s.close()
    assert _open_fds() == before  # while the session object is still referenced
    with pytest.raises(BatchClosed, match="part2.jsonl: the batch is closed"):
        s.batch.raw(s.batch.items[-1].id)


def test_a_read_under_way_finishes_before_the_files_close(tmp_path: Path) -> None:
    """A worker reading the rest of the list, or searching, is never left on a closed descriptor."""
    files = [_jsonl(tmp_path / f"part{i}.jsonl", 200) for i in range(2)]
    before = _open_fds()
    batch = build_batch(files, budget=0.0)
    assert batch.pending is not None and len(batch.search("the mayor spoke")) == len(batch.items)
    with batch._reading() as ok:  # noqa: SLF001 - what a worker's chunk or search holds
        assert ok
        batch.close()
        assert str(files[0]) in _open_fds().values()  # not closed under the reader
    assert _open_fds() == before  # the reader's end closed them
    assert next(batch.pending, None) is None  # the rest of the list: nothing more read
    assert batch.search("the mayor spoke") == set()  # the texts are not read any more
    assert batch.search(batch.items[0].title) == {batch.items[0].id}  # the titles still answer
    batch.close()  # twice: nothing closed twice
    assert _open_fds() == before


def test_a_failed_open_keeps_no_descriptor(tmp_path: Path) -> None:
    good = _jsonl(tmp_path / "good.jsonl", 3)
    empty = tmp_path / "empty.jsonl"
    empty.write_text("not json\n", encoding="utf-8")
    before = _open_fds()
    with pytest.raises(ValueError, match="no articles found"):
        build_batch([empty])
    store = tmp_path / "good.ann.jsonl"
    store.mkdir()  # the annotator file cannot be opened
    with pytest.raises(OSError):
        Session([good], "ann", default_schema())
    assert _open_fds() == before
