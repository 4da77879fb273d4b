"""Time on task: the Qt-free clock fed with simulated times, and the session writing it into the record."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.app.session import TIME_SAVE_EVERY, Session
from workbench.core.edits import AddSpan
from workbench.core.record import Record, Span
from workbench.core.schema import default_schema
from workbench.core.time_on_task import META_KEY, ActivityClock, TimeOnTask
from workbench.io.store import AnnotatorStore
from workbench.io.validate import record_dict_problems

STAMP = "2026-11-01T00:00:00Z"


class FakeTime:
    def __init__(self) -> None:
        self.t = 1000.0
        self.n = 0

    def __call__(self) -> float:
        return self.t

    def wall(self) -> str:
        self.n += 1
        return f"2026-12-02T10:{self.n // 60:02d}:{self.n % 60:02d}Z"


def test_acts_closer_than_the_threshold_count_and_idle_gaps_do_not() -> None:
    ft = FakeTime()
    clock = ActivityClock(idle_after=120, now=ft, wall=ft.wall)
    clock.open("a", None)
    for step in (10, 30, 60):  # reading 10 s, then two acts
        ft.t += step
        clock.touch()
    ft.t += 600  # lunch: ten minutes without a key
    clock.touch(edit=True)
    ft.t += 20
    clock.touch(edit=True)
    ft.t += 5
    tally = clock.leave()
    assert tally.active_seconds == pytest.approx(10 + 30 + 60 + 20 + 5)
    assert tally.sessions == 2  # broken by the idle gap
    assert tally.edits == 2
    assert tally.first_opened is not None and tally.last_active is not None


def test_a_tally_continues_across_openings_and_survives_odd_values() -> None:
    ft = FakeTime()
    clock = ActivityClock(now=ft, wall=ft.wall)
    prior = TimeOnTask.from_meta(
        {
            META_KEY: {
                "active_seconds": 50,
                "sessions": 1,
                "edits": "x",
                "first_opened": "2026-11-01T00:00:00Z",
            }
        }
    )
    assert prior == TimeOnTask(50.0, 1, 0, STAMP, None)
    clock.open("a", prior)
    ft.t += 30
    clock.touch()
    assert clock.leave() == TimeOnTask(80.0, 2, 0, STAMP, clock.tally.last_active)
    for junk in (None, {}, {META_KEY: 3}, {META_KEY: []}, "meta"):
        assert TimeOnTask.from_meta(junk) is None
    bad = TimeOnTask.from_meta({META_KEY: {"active_seconds": float("nan"), "sessions": True, "edits": -4}})
    assert bad == TimeOnTask()


def _session(tmp_path: Path, ft: FakeTime) -> tuple[Session, list[str]]:
    corpus = tmp_path / "corpus.jsonl"
    recs = [Record.new(f"Article {i}: the mayor said the port reopens on day {i}.") for i in range(3)]
    corpus.write_text("".join(__import__("json").dumps(r.to_dict()) + "\n" for r in recs), "utf-8")
    s = Session([corpus], "alice", default_schema())
    s.clock.now, s.clock.wall = ft, ft.wall
    return s, [r.id for r in recs]


def _on_disk(s: Session) -> dict[str, dict]:
    with AnnotatorStore(s.store_path, readonly=True) as st:
        return {i: st.raw(i) for i in st.ids()}  # type: ignore[misc]


def test_the_session_writes_active_time_through_the_journal_and_on_leaving(tmp_path: Path) -> None:
    ft = FakeTime()
    s, ids = _session(tmp_path, ft)
    doc = s.open(ids[0])
    ft.t += 40
    s.activity()
    doc.apply(AddSpan(Span("s1", 0, 7, "EVENT")))  # the first edit saves the article, time included
    saved = _on_disk(s)[ids[0]]["meta"][META_KEY]
    assert saved["active_seconds"] == 40 and saved["edits"] == 1
    for _ in range(4):  # keys every 10 s: due after TIME_SAVE_EVERY, without any edit
        ft.t += 10
        s.activity()
    assert _on_disk(s)[ids[0]]["meta"][META_KEY]["active_seconds"] >= TIME_SAVE_EVERY + 40 - 0.1
    ft.t += 15
    s.activity()
    ft.t += 3600  # idle, then the annotator comes back and moves on
    s.activity()
    s.open(ids[1])  # leaving folds the article with its tally
    first = _on_disk(s)[ids[0]]
    assert first["meta"][META_KEY]["active_seconds"] == 40 + 40 + 15
    assert first["meta"][META_KEY]["sessions"] == 2
    # an article only looked at is not written for its time ...
    ft.t += 20
    s.activity()
    s.open(ids[0])
    assert ids[1] not in _on_disk(s)
    # ... and coming back to the first one continues its tally
    ft.t += 10
    s.activity()
    s.close()
    again = _on_disk(s)[ids[0]]
    assert again["meta"][META_KEY]["active_seconds"] == 40 + 40 + 15 + 10
    assert record_dict_problems(again) == []  # the record format allows it


def test_a_models_pass_is_not_an_edit_of_the_annotator(tmp_path: Path) -> None:
    ft = FakeTime()
    s, ids = _session(tmp_path, ft)
    doc = s.open(ids[0])
    doc.apply(
        AddSpan(Span("s1", 0, 7, "EVENT", origin="model:x@1", review="pending")),
        "Pre-annotate (1 changes)",
        starts_work=False,
    )
    ft.t += 5
    doc.apply(AddSpan(Span("s2", 9, 11, "EVENT")))
    s.close()
    assert _on_disk(s)[ids[0]]["meta"][META_KEY]["edits"] == 1
