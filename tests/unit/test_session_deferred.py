"""Opening the annotator's own file: the batch's first reading shows an article before the store is indexed.

No edit may be saved against what that reading showed when the file holds a later version
of the article (a later line than the batch had read, or the journal a crash left): the
edit waits for the store's index, and a stale view is refused and replaced by the later
version, with nothing written (decision 0024). Qt-free: the window's part has its own test.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import index_fails
from tests.unit.test_open_cleaning import PAGE
from workbench.app.session import Session
from workbench.core.document import EditRefused
from workbench.core.edits import AddSpan
from workbench.core.record import Record, Span
from workbench.core.schema import load_schema
from workbench.io.jsonl import dumps
from workbench.io.store import AnnotatorStore

N = 300  # with no indexing budget the batch reads its first 64 lines before it opens
TEXT = "Angela Merkel met Olaf Scholz in Berlin, story {i}."


def _rec(i: int, **changes: Any) -> dict[str, Any]:
    d = Record.new(TEXT.format(i=i), id=f"a{i:03d}", annotator="alice").to_dict()
    d.update(changes)
    return d


def _own_file(tmp_path: Path, later: dict[str, Any] | None = None) -> Path:
    path = tmp_path / "batch.alice.jsonl"
    lines = [_rec(i) for i in range(N)] + ([later] if later else [])
    path.write_text("".join(dumps(d) + "\n" for d in lines), encoding="utf-8")
    return path


def _session(path: Path) -> Session:
    s = Session([path], "alice", load_schema(None), index_budget=0.0)
    assert not s.store.ready and s.batch.pending is not None  # deferred, and the list still to read
    return s


def _on_disk(path: Path, rid: str) -> dict[str, Any]:
    with AnnotatorStore(path, readonly=True) as st:
        d = st.raw(rid)
    assert d is not None
    return d


def _person(rec: Record, span_id: str = "s90") -> AddSpan:
    return AddSpan(Span(span_id, 0, len("Angela Merkel"), "PERSON"))


def test_an_edit_before_the_index_waits_for_it_and_is_saved(tmp_path: Path) -> None:
    path = _own_file(tmp_path)
    s = _session(path)
    doc = s.open("a000")
    assert s.status("a005") == "todo" and not s.store.ready  # statuses from the batch meanwhile
    doc.apply(_person(doc.record))
    assert s.store.ready and s.document is doc
    assert [sp["label"] for sp in _on_disk(path, "a000")["spans"]] == ["PERSON"]
    s.close()
    assert [sp["label"] for sp in _on_disk(path, "a000")["spans"]] == ["PERSON"]


def test_an_edit_of_a_stale_view_is_refused_and_the_later_version_shown(tmp_path: Path) -> None:
    later = _rec(0, status="done", rev=4, spans=[{"id": "s1", "start": 18, "end": 29, "label": "PERSON"}])
    path = _own_file(tmp_path, later)
    s = _session(path)
    replaced: list[str] = []
    s.replaced_listeners.append(replaced.append)
    doc = s.open("a000")
    assert doc.record.status == "todo" and not doc.record.spans  # the first line: all the batch has read
    with pytest.raises(EditRefused, match="later version"):
        doc.apply(_person(doc.record))
    assert replaced == ["a000"] and s.document is None
    assert _on_disk(path, "a000") == later  # nothing written over the later version
    with pytest.raises(EditRefused):
        doc.apply(_person(doc.record, "s91"))  # the stale view stays refused
    fresh = s.open("a000")
    assert fresh is not doc and fresh.record.status == "done" and list(fresh.record.spans) == ["s1"]
    fresh.apply(_person(fresh.record))
    s.close()
    saved = _on_disk(path, "a000")
    assert {sp["id"] for sp in saved["spans"]} == {"s1", "s90"} and saved["status"] == "done"


def test_after_a_crash_the_store_is_read_before_anything_is_shown(tmp_path: Path) -> None:
    path = _own_file(tmp_path)
    st = AnnotatorStore(path, "alice")
    rec = st.get("a000")
    assert rec is not None
    rec.status, rec.rev = "skipped", rec.rev + 1
    assert st.save_edit(rec)  # in the journal only
    st._close_fd()
    st._reader.close()
    assert st._lock_fd is not None
    os.close(st._lock_fd)  # killed: the lock goes with the process, the journal stays
    s = Session([path], "alice", load_schema(None), index_budget=0.0)
    assert s.store.ready  # the journal's edits are in no line the batch reads: no stand-in view
    doc = s.open("a000")
    assert doc.record.status == "skipped" and doc.guard is None
    doc.apply(_person(doc.record))
    s.close()
    assert _on_disk(path, "a000")["status"] == "skipped" and _on_disk(path, "a000")["spans"]


def test_a_journal_that_appears_meanwhile_is_still_caught_by_the_check(tmp_path: Path) -> None:
    """Another writer's journal cannot appear (the lock), but the check does not rely on it."""
    path = _own_file(tmp_path)
    s = _session(path)
    doc = s.open("a000")
    entry = {"id": "a000", "base": 0, "rev": 1, "set": {"status": "done"}, "spans": {}, "relations": {}}
    path.with_name(path.name + ".journal").write_text(dumps(entry) + "\n", encoding="utf-8")
    with pytest.raises(EditRefused):
        doc.apply(_person(doc.record))
    assert s.open("a000").record.status == "done"
    s.close()


def test_leaving_an_article_before_the_index_neither_waits_nor_writes(tmp_path: Path) -> None:
    later = _rec(1, status="done", rev=3)
    path = _own_file(tmp_path, later)
    s = _session(path)
    s.open("a000")
    s.open("a001")  # no fold, no time written: nothing of this session is in the store yet
    assert not s.store.ready
    s.settle()
    assert s.document is None  # a001 was a stale view of the later line: dropped unedited
    assert s.open("a001").record.status == "done"
    s.close()
    assert _on_disk(path, "a001") == later


def test_an_article_acted_on_and_left_before_the_index_writes_no_time_over_a_later_version(
    tmp_path: Path,
) -> None:
    later = _rec(0, status="done", rev=4)
    path = _own_file(tmp_path, later)
    s = _session(path)
    s.open("a000")
    s.activity()  # a key, a scroll: acted on, so leaving it would write its time
    s.open("a001")  # leaving waits for the index: the stale view's time is not written over the later line
    assert _on_disk(path, "a000") == later
    s.close()
    assert _on_disk(path, "a000") == later


def test_after_a_failed_index_the_batch_answers_for_statuses_and_no_edit_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _own_file(tmp_path)
    s = _session(path)
    doc = s.open("a000")
    index_fails(monkeypatch)  # another process empties the file under the index: a ValueError
    with pytest.raises(EditRefused, match="cannot be read"):
        doc.apply(_person(doc.record))
    assert s.store.ready and s.store.unreadable is not None and not doc.record.spans
    # what the list and "next undone" ask until the window closes the session: never an error
    assert s.status("a000") == "todo" and s.counts() == {"todo": len(s.batch)}
    assert s.open("a000") is doc
    s.close()
    assert path.read_bytes() == b"" and not path.with_name(path.name + ".journal").exists()
    assert AnnotatorStore.holder(path) is None


def test_a_session_that_fails_to_open_lets_go_of_the_annotator_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _own_file(tmp_path)

    def fails(_self: Session) -> None:
        raise OSError(5, "Input/output error")

    with monkeypatch.context() as m:
        m.setattr(Session, "_keep_annotated_originals", fails)  # fails after the store is opened
        with pytest.raises(OSError):
            Session([path], "alice", load_schema(None), index_budget=0.0)
    assert AnnotatorStore.holder(path) is None  # else the next open is refused as locked by ourselves
    # Raw pages beside the annotator's file: the store is indexed in the open (work done on a page
    # before it was cleaned is looked up there), and a failure to read it lets go of the file too.
    # (A budget the whole batch is read in: the pages are read before the store opens.)
    page = tmp_path / "page.txt"
    page.write_text(PAGE, encoding="utf-8")
    s = Session([path, page], "alice", load_schema(None), index_budget=10.0)
    assert s.store.ready
    s.close()
    index_fails(monkeypatch, OSError(5, "Input/output error"))
    with pytest.raises(OSError):
        Session([path, page], "alice", load_schema(None), index_budget=10.0)
    assert AnnotatorStore.holder(path) is None
