"""The edit journal: saves cost the edit, replays give the same record, sizes stay bounded.

Real files and real Documents; failures injected at the os level as in test_store.py.
"""

from __future__ import annotations

import errno
import json
import os
import random
from pathlib import Path
from typing import Any

import pytest

from workbench.app.session import Session
from workbench.core.document import Document
from workbench.core.edits import (
    AcceptSpan,
    AddRelation,
    AddSpan,
    RejectSpan,
    RemoveSpan,
    SetDocField,
    SetSpanAttr,
    SetSpanLabel,
    SetStatus,
)
from workbench.core.record import Record, Relation, Span
from workbench.core.schema import default_schema
from workbench.io.jsonl import dumps
from workbench.io.store import AnnotatorStore

SENTENCE = 'Alice Walker told Reuters in Minsk that "the talks will go on". '


def article(n: int, sentences: int = 20) -> Record:
    text = f"Story {n}. " + SENTENCE * sentences
    rec = Record.new(text, meta={"title": f"Story {n}"})
    for k in range(sentences):
        at = text.index("Alice") + k * len(SENTENCE)
        rec.spans[f"p{k}"] = Span(f"p{k}", at, at + 12, "PERSON", origin="model:m@1", review="pending")
    return rec


def lines(path: Path) -> list[dict[str, Any]]:
    raw = path.read_bytes() if path.exists() else b""
    assert raw == b"" or raw.endswith(b"\n"), "whole lines only"
    return [json.loads(x) for x in raw.splitlines() if x.strip()]


def journaled(doc: Document, store: AnnotatorStore) -> list[bool]:
    """Save every change as the session does; the results, in order."""
    results: list[bool] = []
    doc.subscribe(lambda ch: results.append(store.save_edit(doc.record, ch.span_ids, ch.relation_ids)))
    return results


def disk_full(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Every write fails with ENOSPC until the returned function is called."""
    real_write = os.write

    def full(fd: int, data: Any) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "write", full)
    return lambda: monkeypatch.setattr(os, "write", real_write)


def edited(path: Path, rec: Record, *span_ids: str) -> tuple[AnnotatorStore, Document, list[bool]]:
    """A store on ``path`` and a Document of ``rec`` saved as the session saves, the spans relabelled."""
    st = AnnotatorStore(path, "alice")
    doc = Document(rec, default_schema(), annotator="alice")
    results = journaled(doc, st)
    for sid in span_ids:
        doc.apply(SetSpanLabel(sid, "ORG"))
    return st, doc, results


def random_edits(doc: Document, rng: random.Random, n: int) -> None:
    """Every kind of edit, including relations, rejections and undo/redo."""
    rec = doc.record
    quotes = 0
    for _ in range(n):
        spans = sorted(rec.spans)
        choice = rng.random()
        try:
            if choice < 0.15 and spans:
                sid = rng.choice(spans)
                doc.apply(SetSpanLabel(sid, "ORG" if rec.spans[sid].label == "PERSON" else "PERSON"))
            elif choice < 0.25 and spans:
                sid = rng.choice(spans)
                if rec.spans[sid].label == "PERSON":
                    doc.apply(SetSpanAttr(sid, "sentiment", rng.choice(["negative", "positive"])))
            elif choice < 0.35 and spans:
                doc.apply(RejectSpan(rng.choice(spans)))
            elif choice < 0.45 and spans:
                doc.apply(AcceptSpan(rng.choice(spans)))
            elif choice < 0.55:
                k = rng.randrange(20)
                at = rec.text.index("the talks") + k * len(SENTENCE)
                sid = f"q{quotes}"
                quotes += 1
                doc.apply(AddSpan(Span(sid, at, at + 21, "QUOTE", attrs={"quote_kind": "direct"})))
                who = f"p{k}"
                if who in rec.spans and rec.spans[who].label == "PERSON":
                    doc.apply(AddRelation(Relation(rec.next_relation_id(), sid, who, "SPEAKER")))
            elif choice < 0.62 and spans:
                doc.apply(RemoveSpan(rng.choice(spans)))
            elif choice < 0.72:
                doc.apply(SetDocField("sentiment", rng.choice(["negative", "neutral", "positive"])))
            elif choice < 0.76:
                doc.apply(SetStatus(rng.choice(["in_progress", "done"])))
            elif choice < 0.9:
                doc.undo()
            else:
                doc.redo()
        except ValueError:
            continue  # refused by the schema: nothing changed, nothing saved


@pytest.mark.parametrize("seed", range(6))
def test_file_plus_journal_always_reads_back_as_the_live_record(tmp_path: Path, seed: int) -> None:
    path = tmp_path / "alice.jsonl"
    rng = random.Random(seed)
    rec = article(seed)
    with AnnotatorStore(path, "alice") as st:
        doc = Document(rec, default_schema(), annotator="alice")
        results = journaled(doc, st)
        for _ in range(8):
            random_edits(doc, rng, 15)
            assert all(results)
            with AnnotatorStore(path, readonly=True) as ro:  # a crash now: what the next open sees
                assert ro.raw(rec.id) == rec.to_dict()
            assert st.raw(rec.id) == rec.to_dict()  # the live store agrees
            if rng.random() < 0.3:
                assert st.fold()
                assert lines(path)[-1] == rec.to_dict()  # readers without the journal see it all
    assert lines(path) == [rec.to_dict()] and not st.journal_path.exists()


def test_an_edit_costs_a_small_entry_not_the_record(tmp_path: Path) -> None:
    path = tmp_path / "alice.jsonl"
    rec = article(1, sentences=400)  # a 25 KB article with 400 spans
    with AnnotatorStore(path, "alice") as st:
        doc = Document(rec, default_schema(), annotator="alice")
        journaled(doc, st)
        doc.apply(SetSpanLabel("p3", "ORG"))  # first save: the record is not in the file yet, so whole
        size = path.stat().st_size
        assert size > 25_000
        for k in range(10):
            doc.apply(SetSpanLabel(f"p{k}", "ORG"))
        assert path.stat().st_size == size  # nothing appended to the file
        entries = lines(st.journal_path)
        assert len(entries) == 10 and all(len(dumps(e)) < 600 for e in entries)
        assert entries[-1]["spans"] == {"p9": rec.spans["p9"].to_dict(rec.text)}
        assert [e["rev"] for e in entries] == list(range(entries[0]["base"] + 1, entries[-1]["rev"] + 1))


def test_leaving_an_article_folds_it_into_the_file_for_every_reader(tmp_path: Path) -> None:
    corpus = tmp_path / "batch.jsonl"
    corpus.write_text("".join(dumps(article(i).to_dict()) + "\n" for i in range(2)), "utf-8")
    s = Session([corpus], "alice", default_schema())
    first, second = (it.id for it in s.batch.items)
    doc = s.open(first)
    doc.apply(SetSpanLabel("p1", "ORG"))
    doc.apply(SetSpanLabel("p2", "ORG"))
    assert s.saved and s.store.journal_path.stat().st_size > 0
    s.open(second)  # the annotator moves on
    assert s.store.journal_path.stat().st_size == 0
    plain = {d["id"]: d for d in lines(s.store_path)}  # later line wins, no journal knowledge
    assert plain[first] == doc.record.to_dict()
    s.close()
    assert [d["id"] for d in lines(s.store_path)] == [first]  # at rest: one line per article
    assert not s.store.journal_path.exists()
    assert not s.store.lock_path.exists()


def test_journal_write_failure_keeps_the_edit_says_so_and_retries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "alice.jsonl"
    rec = article(2)
    st, doc, results = edited(path, rec, "p0", "p1")
    with st:
        journal_before = st.journal_path.read_bytes()
        restore = disk_full(monkeypatch)
        doc.apply(SetSpanLabel("p2", "ORG"))
        doc.apply(SetSpanAttr("p3", "sentiment", "negative"))
        assert results[-2:] == [False, False] and st.has_unsaved
        assert st.last_error is not None and st.last_error.errno == errno.ENOSPC
        assert st.journal_path.read_bytes() == journal_before  # whole entries only
        with AnnotatorStore(path, readonly=True) as ro:
            assert ro.raw(rec.id)["spans"][2]["label"] == "PERSON"  # p2's edit is not on disk yet
        restore()
        assert st.flush() and not st.has_unsaved  # the retry writes both edits as one entry
        with AnnotatorStore(path, readonly=True) as ro:
            assert ro.raw(rec.id) == rec.to_dict()


def test_an_entry_that_does_not_fit_is_reported_and_set_aside_not_applied(tmp_path: Path) -> None:
    path = tmp_path / "alice.jsonl"
    rec = article(3)
    st, doc, _ = edited(path, rec, "p0", "p1")
    with st:
        saved = rec.to_dict()
        st._close_fd()  # a crash: the journal stays
        os.close(st._lock_fd)  # type: ignore[arg-type]
        st._lock_fd = None
        st.readonly = True  # nothing more from this one
    with open(st.journal_path, "ab") as fh:
        stray = {"id": rec.id, "base": 99, "rev": 100, "set": {"status": "done"}, "spans": {}}
        fh.write((json.dumps(stray) + "\n").encode())
        fh.write(b'{"id": "x", "base": 1, "rev": 2, "se')  # and a torn tail
    with AnnotatorStore(path, "alice") as st:
        assert st.raw(rec.id) == saved  # the good entries applied, the stray one not
        errors = st.report.journal_errors
        assert [e.torn for e in errors] == [False, True]
        assert "revision 99" in errors[0].message
        assert "2 journal line(s) not applied" in st.report.summary()
        side = st.report.journal_set_aside
        assert side is not None and b'"base":99' in side.read_bytes()
        assert st.journal_path.stat().st_size == 0  # folded into the file
        assert lines(path)[-1] == saved


def test_superseded_lines_never_outweigh_live_ones_for_long(tmp_path: Path) -> None:
    path = tmp_path / "alice.jsonl"
    records = [article(i) for i in range(5)]
    largest = 0
    with AnnotatorStore(path, "alice") as st:
        docs = [Document(r, default_schema(), annotator="alice") for r in records]
        for d in docs:
            journaled(d, st)
        for i in range(400):
            if i % 5 == 0:
                st.fold()
            d = docs[(i // 5) % 5]
            d.apply(SetDocField("sentiment", ["negative", "neutral", "positive"][i % 3]))
            live = sum(len(dumps(st.raw(r.id))) + 1 for r in records if r.id in st)
            on_disk = path.stat().st_size + (
                st.journal_path.stat().st_size if st.journal_path.exists() else 0
            )
            largest = max(largest, on_disk / live)
    once = sum(len(dumps(r.to_dict())) + 1 for r in records)
    assert path.stat().st_size == once  # at rest: exactly the records written once
    assert largest <= 2.5


def test_a_clean_close_removes_the_lock_file_a_crash_does_not_block(tmp_path: Path) -> None:
    path = tmp_path / "alice.jsonl"
    st = AnnotatorStore(path, "alice")
    assert st.lock_path.exists()
    st.save(article(1))
    st.close()
    assert not st.lock_path.exists()
    with AnnotatorStore(path, "bob") as again:  # and the next writer takes it as usual
        assert len(again) == 1 and again.lock_path.exists()


def test_an_unsaved_edit_is_what_the_store_shows_so_a_reopened_document_keeps_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The window reopening its own batch builds new Documents from the store while a save waits."""
    path = tmp_path / "alice.jsonl"
    rec = article(4)
    st, old, _ = edited(path, rec, "p0")
    with st:
        restore = disk_full(monkeypatch)
        old.apply(SetSpanLabel("p1", "ORG"))  # cannot be saved yet
        assert st.has_unsaved
        new = Document(st.get(rec.id), default_schema(), annotator="alice")  # the reopened window's
        assert new.record.spans["p1"].label == "ORG"
        restore()
        assert st.flush()
        journaled(new, st)
        new.apply(SetSpanLabel("p2", "ORG"))
        expected = new.record.to_dict()
    with AnnotatorStore(path, readonly=True) as ro:
        assert ro.raw(rec.id) == expected
        assert [s["label"] for s in expected["spans"][:3]] == ["ORG", "ORG", "ORG"]


def test_a_journal_planted_as_a_link_is_never_written_through(tmp_path: Path) -> None:
    """In a shared annotations folder someone may plant ``alice.jsonl.journal -> ~/notes``."""
    from workbench.io.appending import open_for_append
    from workbench.io.locks import LinkRefused

    victim = tmp_path / "notes.txt"
    victim.write_text("mine\n")
    journal = tmp_path / "alice.jsonl.journal"
    journal.symlink_to(victim)
    with pytest.raises(LinkRefused):
        open_for_append(journal)
    assert victim.read_text() == "mine\n"
