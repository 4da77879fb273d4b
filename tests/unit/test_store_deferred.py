"""A store opened deferred: locked at once, indexed later (on another thread), never used half-indexed.

The window opens a large annotator file this way (decision 0024): the batch's reading of the
file shows the first article, and the store indexes the file after the first paint. What must
hold: a second writer is refused at once, a call that needs the index waits for it (whichever
thread indexes), later lines and the journal win as in any open, and a file that cannot be read
makes every use fail without writing anything (its journal stays).
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import index_fails
from workbench.core.record import Record
from workbench.io.jsonl import dumps
from workbench.io.store import AnnotatorStore, StoreLocked


def _rec(i: int, status: str = "todo", rev: int = 1, text: str = "") -> dict[str, Any]:
    return Record.new(text or f"Story {i}: Alice met Bob.", id=f"a{i}", status=status, rev=rev).to_dict()


def _write(path: Path, records: list[dict[str, Any]]) -> None:
    path.write_text("".join(dumps(d) + "\n" for d in records), encoding="utf-8")


@pytest.fixture
def gate(store_gate: threading.Event) -> threading.Event:
    return store_gate


def test_a_deferred_store_is_locked_at_once_and_indexed_when_asked(
    tmp_path: Path, gate: threading.Event
) -> None:
    path = tmp_path / "batch.alice.jsonl"
    _write(path, [_rec(i) for i in range(5)] + [_rec(2, "done", rev=2)])
    st = AnnotatorStore(path, "alice", deferred=True)
    try:
        assert not st.ready
        with pytest.raises(StoreLocked):
            AnnotatorStore(path, "bob")  # the lock is taken before any reading
        gate.set()
        assert st.status("a2") == "done" and st.ready  # the first call that needs the index makes it
        assert st.ids() == ["a0", "a1", "a3", "a4", "a2"]
    finally:
        st.close()
    assert AnnotatorStore.holder(path) is None


def test_a_call_made_while_another_thread_indexes_waits_for_the_whole_index(
    tmp_path: Path, gate: threading.Event
) -> None:
    path = tmp_path / "batch.alice.jsonl"
    later = _rec(0, "done", rev=3, text="Story 0, corrected: Alice met Bob.")
    _write(path, [_rec(i) for i in range(50)] + [later])
    st = AnnotatorStore(path, "alice", deferred=True)
    indexer = threading.Thread(target=st.load)
    indexer.start()
    seen: list[Any] = []
    reader = threading.Thread(target=lambda: seen.append(st.raw("a0")))
    reader.start()
    reader.join(0.3)
    assert reader.is_alive() and not seen  # it cannot answer before the index is whole
    gate.set()
    indexer.join(10)
    reader.join(10)
    assert seen == [later]  # the later line, not the first one a partial reading would give
    rec = Record.from_dict(seen[0])
    rec.rev += 1
    rec.status = "in_progress"
    assert st.save_edit(rec)
    st.close()
    with AnnotatorStore(path, readonly=True) as again:
        assert again.raw("a0")["text"] == later["text"] and again.status("a0") == "in_progress"


def test_the_journal_of_a_crash_is_replayed_by_the_deferred_index(tmp_path: Path) -> None:
    path = tmp_path / "batch.alice.jsonl"
    _write(path, [_rec(i) for i in range(3)])
    st = AnnotatorStore(path, "alice")
    rec = st.get("a1")
    assert rec is not None
    rec.status, rec.rev = "done", rec.rev + 1
    assert st.save_edit(rec)  # an entry in the journal, not folded: what a kill leaves
    st._close_fd()
    st._reader.close()
    import os

    assert st._lock_fd is not None
    os.close(st._lock_fd)  # the process dies: the kernel lets the lock go
    again = AnnotatorStore(path, "alice", deferred=True)
    try:
        again.load()
        assert again.status("a1") == "done" and again.report.journal_entries == 1
    finally:
        again.close()


def test_a_file_that_cannot_be_read_fails_every_use_and_keeps_its_journal(tmp_path: Path) -> None:
    path = tmp_path / "batch.alice.jsonl"
    path.mkdir()  # unreadable as a file
    journal = tmp_path / "batch.alice.jsonl.journal"
    journal.write_text('{"id":"a1","base":1,"rev":2,"set":{"status":"done"}}\n', encoding="utf-8")
    st = AnnotatorStore(path, "alice", deferred=True)
    with pytest.raises(OSError):
        st.load()
    assert st.ready
    with pytest.raises(OSError):
        st.status("a1")
    with pytest.raises(OSError):
        st.save(_rec(1))
    st.close()
    assert journal.exists()  # nothing was read: nothing of it is dropped
    assert AnnotatorStore.holder(path) is None


def test_a_store_that_fails_to_open_leaves_the_journal_of_the_last_session(tmp_path: Path) -> None:
    path = tmp_path / "batch.alice.jsonl"
    path.mkdir()
    journal = tmp_path / "batch.alice.jsonl.journal"
    journal.write_text('{"id":"a1","base":1,"rev":2,"set":{"status":"done"}}\n', encoding="utf-8")
    with pytest.raises(OSError):
        AnnotatorStore(path, "alice")
    assert journal.exists()


def test_an_index_that_fails_by_any_error_fails_every_use_as_an_oserror(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "batch.alice.jsonl"
    _write(path, [_rec(i) for i in range(5)])
    index_fails(monkeypatch)  # emptied by another process while being indexed: mmap raises ValueError
    st = AnnotatorStore(path, "alice", deferred=True)
    assert st.unreadable is None
    with pytest.raises(OSError, match="empty file") as failed:
        st.load()  # one kind of failure for every caller: a file that cannot be read
    assert isinstance(failed.value.__cause__, ValueError) and str(path) in str(failed.value)
    assert st.ready and st.unreadable is failed.value
    with pytest.raises(OSError):
        st.status("a1")
    st.close()
    assert path.read_bytes() == b"" and AnnotatorStore.holder(path) is None


def test_statuses_left_for_later_are_read_when_asked_and_taken_only_where_the_line_stands(
    tmp_path: Path,
) -> None:
    """A window's store indexes its lines at open and reads their statuses after the first paint.

    Until then a status asked for is read from its line; what the worker read is put in only
    for lines still where it read them, so an edit saved meanwhile keeps its own status.
    """
    path = tmp_path / "batch.alice.jsonl"
    _write(path, [_rec(i, "done" if i < 3 else "todo") for i in range(6)])
    st = AnnotatorStore(path, "alice", statuses_later=True)
    try:
        assert st.indexed and st.statuses_unread
        assert st.status("a1") == "done"  # read from its line, before any worker ran
        found = st.tail_statuses()  # the worker's half: nothing changes in the store
        read = {rid: at[2] for rid, _, at in found}
        assert read["a2"] == "done" and read["a4"] == "todo" and "a1" not in read  # a1: read already
        edited = st.get("a4")
        assert edited is not None
        edited.status, edited.rev = "done", 2
        st.save(edited)  # saved between the worker's read and the GUI thread taking it
        st.take_statuses(found)
        assert not st.statuses_unread
        assert [st.status(f"a{i}") for i in range(6)] == ["done", "done", "done", "todo", "done", "todo"]
    finally:
        st.close()
    again = AnnotatorStore(path, "alice")
    try:
        assert again.status("a4") == "done"
    finally:
        again.close()


def test_statuses_read_later_come_from_the_file_the_index_read(tmp_path: Path) -> None:
    """Another process may replace the file (its compaction) before the worker reads the statuses."""
    path = tmp_path / "batch.alice.jsonl"
    _write(path, [_rec(i, "done" if i % 2 else "todo") for i in range(6)])
    st = AnnotatorStore(path, "alice", readonly=True, statuses_later=True)
    try:
        other = tmp_path / "other.jsonl"  # the same ids, other lengths and statuses, swapped in
        longer = "A longer story {} now: Alice met Bob in Paris."
        _write(other, [_rec(i, "skipped", text=longer.format(i)) for i in range(6)])
        other.replace(path)
        st.take_statuses(st.tail_statuses())
        assert [st.status(f"a{i}") for i in range(1, 6)] == ["done", "todo", "done", "todo", "done"]
    finally:
        st.close()
