"""The annotator store: durable appends, later-wins, recovery, compaction, locking, failed saves."""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

import workbench.io.store as store_mod
from workbench.core.document import Document
from workbench.core.edits import AddSpan, SetDocField, SetSpanLabel
from workbench.core.record import Record, Span
from workbench.core.schema import default_schema
from workbench.io.jsonl import dumps
from workbench.io.store import AnnotatorStore, StoreLocked

REPO = Path(__file__).resolve().parents[2]


def rec(n: int, status: str = "todo", label: str = "PERSON") -> Record:
    text = f"Article number {n}: Alice Walker met the mayor of Minsk."
    r = Record.new(text, status=status)
    r.spans["s1"] = Span("s1", text.index("Alice"), text.index("Alice") + 12, label)
    return r


def lines_of(path: Path) -> list[dict[str, Any]]:
    raw = path.read_bytes()
    assert raw == b"" or raw.endswith(b"\n"), "the file must hold whole lines only"
    return [json.loads(line) for line in raw.splitlines() if line.strip()]


# --- appending --------------------------------------------------------------------------------


def test_every_save_appends_one_line_and_fsyncs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "alice.jsonl"
    synced: list[int] = []
    real_fsync = os.fsync
    monkeypatch.setattr(store_mod.os, "fsync", lambda fd: (synced.append(fd), real_fsync(fd))[1])
    with AnnotatorStore(path, "alice") as st:
        for i in range(3):
            assert st.save(rec(i)) is True
            assert len(lines_of(path)) == i + 1
            assert len(synced) >= i + 1  # durable before save returns
        assert not st.has_unsaved
    assert [d["text"] for d in lines_of(path)] == [rec(i).text for i in range(3)]


def test_later_line_wins_and_the_file_keeps_the_history(tmp_path: Path) -> None:
    path = tmp_path / "alice.jsonl"
    r = rec(1)
    with AnnotatorStore(path, "alice") as st:
        st.save(r)
        st.save(rec(2))
        r.status = "done"
        r.rev = 5
        st.save(r)
        assert st.get(r.id).status == "done"
        assert st.ids() == [rec(2).id, r.id]  # the resaved record moves to the end
        assert len(lines_of(path)) == 3  # the file keeps the history while the writer works
        with AnnotatorStore(path, "alice", readonly=True) as ro:
            assert len(ro) == 2 and ro.report.ok and ro.report.lines == 3
            assert ro.get(r.id).status == "done" and ro.get(r.id).rev == 5
            assert ro.get(r.id) == r
            assert [x.id for x in ro.records()] == [rec(2).id, r.id]
    # a clean close leaves the file at rest: one line per record, later wins kept, no lock file
    assert [d["id"] for d in lines_of(path)] == [rec(2).id, r.id]
    assert not path.with_name(path.name + ".lock").exists()


def test_document_edits_saved_through_a_listener_reload_identically(tmp_path: Path) -> None:
    path = tmp_path / "alice.jsonl"
    with AnnotatorStore(path, "alice") as st:
        doc = Document(rec(1), default_schema(), annotator="alice")
        doc.subscribe(lambda change: st.save_edit(doc.record, change.span_ids, change.relation_ids))
        doc.apply(SetSpanLabel("s1", "ORG"))
        doc.apply(AddSpan(Span("s2", 0, 7, "EVENT")))
        doc.apply(SetDocField("sentiment", "neutral"))
        doc.undo()
        final = doc.record.to_dict()
        # the first save writes the record whole, the edits after it go to the journal as small
        # entries (folded into the file whenever the journal outgrows the record)
        assert lines_of(path)[0]["rev"] == 1
        assert all(len(dumps(e)) < len(dumps(final)) for e in lines_of(st.journal_path))
        with AnnotatorStore(path, readonly=True) as ro:
            assert ro.raw(final["id"]) == final
    assert lines_of(path) == [final]  # folded and compacted on a clean close
    assert not st.journal_path.exists()
    with AnnotatorStore(path, "alice") as st:
        assert st.raw(final["id"]) == final
        assert st.get(final["id"]).to_dict() == final


def test_a_complete_last_line_without_newline_is_kept_and_the_next_append_starts_clean(
    tmp_path: Path,
) -> None:
    path = tmp_path / "alice.jsonl"
    path.write_text(dumps(rec(1).to_dict()), "utf-8")  # e.g. written by hand, no final newline
    with AnnotatorStore(path, "alice") as st:
        assert st.report.ok and len(st) == 1
        st.save(rec(2))
    with AnnotatorStore(path, "alice") as st:
        assert st.report.ok, st.report.errors
        assert len(st) == 2
    assert len(lines_of(path)) == 2


# --- recovery ---------------------------------------------------------------------------------


def test_torn_last_line_is_set_aside_reported_and_cut(tmp_path: Path) -> None:
    path = tmp_path / "alice.jsonl"
    good = [dumps(rec(i).to_dict()) for i in range(3)]
    torn = dumps(rec(9).to_dict())[:57]
    path.write_bytes(("\n".join(good) + "\n" + torn).encode("utf-8"))
    with AnnotatorStore(path, "alice") as st:
        rep = st.report
        assert len(st) == 3 and rep.records == 3
        assert len(rep.errors) == 1 and rep.errors[0].torn
        assert str(rep.errors[0]) == f"{path}:4: incomplete last line (the writer stopped mid-line)"
        assert rep.set_aside is not None and rep.set_aside.exists()
        assert torn.encode() in rep.set_aside.read_bytes()  # set aside, never silently dropped
        assert "1 bad line(s)" in rep.summary() and str(rep.set_aside) in rep.summary()
        assert path.read_bytes().endswith(b"\n")  # the tail was cut back to whole lines
        assert st.save(rec(4))
    with AnnotatorStore(path, "alice") as st:
        assert st.report.ok and len(st) == 4


def test_malformed_middle_line_is_named_and_the_rest_is_usable(tmp_path: Path) -> None:
    path = tmp_path / "alice.jsonl"
    good = [dumps(rec(i).to_dict()) for i in range(4)]
    body = [good[0], good[1], '{"id": "broken", "text": ', good[2], "[1, 2, 3]", '{"no": "id"}', good[3]]
    path.write_text("\n".join(body) + "\n", "utf-8")
    with AnnotatorStore(path, "alice") as st:
        errs = {e.line: str(e) for e in st.report.errors}
        assert set(errs) == {3, 5, 6}
        assert errs[3].startswith(f"{path}:3: not valid JSON")
        assert "expected a JSON object, found list" in errs[5]
        assert "not a record (needs a 'text' string)" in errs[6]
        assert all(not e.torn for e in st.report.errors)
        assert len(st) == 4 and st.get(rec(3).id) == rec(3)
        side = st.report.set_aside.read_text("utf-8")
        assert '{"id": "broken", "text": ' in side and "[1, 2, 3]" in side
        # once copied to the side file, the bad lines leave the store file (compacted at open)
        assert path.read_text("utf-8").count("\n") == 4
    assert [d["id"] for d in lines_of(path)] == [rec(i).id for i in range(4)]


def test_empty_and_binary_files(tmp_path: Path) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_bytes(b"")
    with AnnotatorStore(empty, "alice") as st:
        assert len(st) == 0 and st.report.ok
    binary = tmp_path / "binary.jsonl"
    binary.write_bytes(bytes(range(256)) * 4 + b"\n" + dumps(rec(1).to_dict()).encode() + b"\n")
    with AnnotatorStore(binary, "alice") as st:
        assert len(st) == 1 and len(st.report.errors) >= 1


def test_readonly_store_neither_sets_aside_nor_cuts_nor_writes(tmp_path: Path) -> None:
    path = tmp_path / "alice.jsonl"
    content = (dumps(rec(1).to_dict()) + "\n" + '{"torn').encode()
    path.write_bytes(content)
    with AnnotatorStore(path, "lead", readonly=True) as st:
        assert len(st) == 1 and len(st.report.errors) == 1 and st.report.set_aside is None
        with pytest.raises(PermissionError):
            st.save(rec(2))
        with pytest.raises(PermissionError):
            st.compact()
    assert path.read_bytes() == content
    assert list(tmp_path.iterdir()) == [path]


# --- compaction -------------------------------------------------------------------------------


def test_compaction_keeps_one_line_per_id_and_is_idempotent(tmp_path: Path) -> None:
    path = tmp_path / "alice.jsonl"
    with AnnotatorStore(path, "alice") as st:
        for rev in range(5):
            for i in range(3):
                r = rec(i)
                r.rev = rev
                st.save(r)
        before = {rid: st.raw(rid) for rid in st.ids()}
        st.compact()
        once = path.read_bytes()
        assert [d["rev"] for d in lines_of(path)] == [4, 4, 4]
        st.compact()
        assert path.read_bytes() == once
        assert st.save(rec(7))  # appending after compaction goes to the new file
    with AnnotatorStore(path, "alice") as st:
        assert {rid: st.raw(rid) for rid in st.ids() if rid in before} == before
        assert len(st) == 4
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_compaction_that_fails_leaves_the_old_file_untouched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "alice.jsonl"
    with AnnotatorStore(path, "alice") as st:
        st.save(rec(1))
        st.save(rec(1, status="done"))
        before = path.read_bytes()

        def fail(*a: Any) -> None:
            raise OSError(errno.ENOSPC, "No space left on device")

        monkeypatch.setattr(os, "replace", fail)
        with pytest.raises(OSError):
            st.compact()
        monkeypatch.undo()
        assert path.read_bytes() == before
        assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
        assert st.save(rec(2))  # still usable
        assert len(lines_of(path)) == 3


# --- locking ----------------------------------------------------------------------------------


def test_second_writer_is_refused_with_the_holders_name(tmp_path: Path) -> None:
    path = tmp_path / "alice.jsonl"
    with AnnotatorStore(path, "alice"):
        with pytest.raises(StoreLocked) as exc:
            AnnotatorStore(path, "bob")
        msg = str(exc.value)
        assert "alice" in msg and f"pid {os.getpid()}" in msg and os.uname().nodename in msg
        assert exc.value.holder["annotator"] == "alice"
        assert AnnotatorStore.holder(path)["pid"] == os.getpid()
        with AnnotatorStore(path, "lead", readonly=True) as ro:  # reading is always allowed
            assert len(ro) == 0
    assert AnnotatorStore.holder(path) is None
    with AnnotatorStore(path, "bob") as st:  # released on close
        assert st.save(rec(1))


HOLD = textwrap.dedent(
    """
    import sys, time
    from workbench.io.store import AnnotatorStore
    st = AnnotatorStore(sys.argv[1], "carol")
    print("locked", flush=True)
    time.sleep(60)
    """
)


def test_lock_held_by_another_process_then_stale_after_kill_is_taken_over(tmp_path: Path) -> None:
    path = tmp_path / "carol.jsonl"
    child = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(path)], stdout=subprocess.PIPE, text=True, cwd=REPO
    )
    try:
        assert child.stdout.readline().strip() == "locked"
        with pytest.raises(StoreLocked) as exc:
            AnnotatorStore(path, "dave")
        assert "carol" in str(exc.value) and f"pid {child.pid}" in str(exc.value)
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    assert path.with_name(path.name + ".lock").exists()  # the lock file stays behind, stale
    with AnnotatorStore(path, "dave") as st:
        assert AnnotatorStore.holder(path)["annotator"] == "dave"
        assert st.save(rec(1))


# --- failed saves -----------------------------------------------------------------------------


def _fail_writes(monkeypatch: pytest.MonkeyPatch, *, times: int, partial: bool) -> list[int]:
    """os.write fails ``times`` times with ENOSPC; with ``partial`` it first writes half the data."""
    real_write = os.write
    calls: list[int] = []

    def write(fd: int, data: Any) -> int:
        if len(calls) < times:
            calls.append(fd)
            if partial and len(data) > 2:
                real_write(fd, bytes(data[: len(data) // 2]))
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, data)

    monkeypatch.setattr(store_mod.os, "write", write)
    return calls


@pytest.mark.parametrize("partial", [False, True])
def test_failed_save_is_kept_pending_and_lands_on_retry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, partial: bool
) -> None:
    path = tmp_path / "alice.jsonl"
    with AnnotatorStore(path, "alice") as st:
        assert st.save(rec(1))
        good = path.read_bytes()
        calls = _fail_writes(monkeypatch, times=1, partial=partial)
        edited = rec(1, status="done")
        assert st.save(edited) is False
        assert calls and st.has_unsaved
        assert isinstance(st.last_error, OSError) and st.last_error.errno == errno.ENOSPC
        assert path.read_bytes() == good  # only whole lines, the previous good file untouched
        assert st.get(edited.id).status == "done"  # the edit lives on in memory
        assert st.save(rec(2)) is True  # the next save writes the pending edit first
        assert not st.has_unsaved and st.last_error is None
        rows = lines_of(path)
        assert [(d["id"], d["status"]) for d in rows] == [
            (rec(1).id, "todo"),
            (rec(1).id, "done"),
            (rec(2).id, "todo"),
        ]


def test_fsync_failure_is_a_failed_save_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "alice.jsonl"
    with AnnotatorStore(path, "alice") as st:
        st.save(rec(1))
        good = path.read_bytes()
        real = os.fsync
        state = {"left": 1}

        def fsync(fd: int) -> None:
            if state["left"]:
                state["left"] -= 1
                raise OSError(errno.EIO, "Input/output error")
            real(fd)

        monkeypatch.setattr(store_mod.os, "fsync", fsync)
        assert st.save(rec(2)) is False
        assert path.read_bytes() == good  # the unsynced append was cut back
        assert st.flush() is True
    assert [d["id"] for d in lines_of(path)] == [rec(1).id, rec(2).id]


def test_unopenable_file_keeps_edits_pending_until_it_can_be_opened(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "alice.jsonl"
    with AnnotatorStore(path, "alice") as st:
        real_open = os.open

        def deny(p: Any, *a: Any, **k: Any) -> int:
            if Path(p) == path:
                raise PermissionError(errno.EACCES, "Permission denied", str(p))
            return real_open(p, *a, **k)

        monkeypatch.setattr(store_mod.os, "open", deny)
        assert st.save(rec(1)) is False and st.save(rec(2)) is False
        assert not path.exists()
        monkeypatch.undo()
        assert st.flush() is True
    assert [d["id"] for d in lines_of(path)] == [rec(1).id, rec(2).id]


def test_close_flushes_pending_edits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "alice.jsonl"
    st = AnnotatorStore(path, "alice")
    _fail_writes(monkeypatch, times=1, partial=False)
    assert st.save(rec(1)) is False
    st.close()
    assert [d["id"] for d in lines_of(path)] == [rec(1).id]


def test_a_text_with_a_lone_surrogate_saves_and_compacts_without_blocking_later_saves(tmp_path: Path) -> None:
    """A ``\\ud83d`` escape in some input gives a lone surrogate; it must not poison the store."""
    path = tmp_path / "alice.jsonl"
    odd = Record.from_dict(json.loads('{"id": "odd", "text": "broken \\ud83d emoji, Alice Walker"}'))
    with AnnotatorStore(path, "alice") as st:
        assert st.save(odd) is True
        assert st.save(rec(1)) is True
        st.compact()
        assert st.save(rec(2)) is True
    with AnnotatorStore(path, "alice") as st:
        assert st.report.ok and len(st) == 3
        assert st.get("odd").text == "broken \ud83d emoji, Alice Walker"


def test_a_bad_middle_line_is_set_aside_once_not_at_every_open(tmp_path: Path) -> None:
    path = tmp_path / "alice.jsonl"
    good = Record.new("First article text.")
    other = Record.new("Second article text.")
    path.write_text(
        json.dumps(good.to_dict()) + "\n{broken by hand\n" + json.dumps(other.to_dict()) + "\n", "utf-8"
    )
    with AnnotatorStore(path, "alice") as store:
        assert len(store.report.errors) == 1 and store.report.errors[0].line == 2
        side = store.report.set_aside
        assert side is not None and "{broken by hand" in side.read_text("utf-8")
        assert set(store.ids()) == {good.id, other.id}
    with AnnotatorStore(path, "alice") as again:
        assert again.report.ok and set(again.ids()) == {good.id, other.id}
    assert len(list(tmp_path.glob("alice.jsonl.bad-*"))) == 1
