"""Active time on an article: how long the annotator worked on it, idle gaps left out.

A lead wants to know how long an article takes (doccano #2251, Argilla #2134), and
wall-clock time between opening and closing is useless for that: people go to
lunch with the window open. So the clock is fed *activity* (a key, a click, a
scroll, an edit) and credits the time between two consecutive acts of the same
article only when the gap is at most ``idle_after`` seconds (two minutes by
default, a setting). The time from opening an article to the first act counts the
same way: reading before the first key is work.

This module knows no Qt and reads no clock of its own unless asked: the window
forwards events, the session calls :meth:`ActivityClock.touch`, tests feed fake
times. The tally travels in the record as ``meta["time_on_task"]``
(:data:`META_KEY`, documented in ``docs/format.md``).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from workbench.core.record import now_iso

META_KEY = "time_on_task"
IDLE_AFTER = 120.0  # seconds without any act after which the gap is not work


def _number(value: Any) -> float:
    """A count or a duration from someone's file: anything else (bools, text, NaN, negatives) is 0."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return 0.0
    return max(0.0, float(value))


def _stamp(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


@dataclass(frozen=True, slots=True)
class TimeOnTask:
    """One article's tally: active seconds, stretches of work (sessions), edits, first and last act."""

    active_seconds: float = 0.0
    sessions: int = 0
    edits: int = 0
    first_opened: str | None = None
    last_active: str | None = None

    @classmethod
    def from_meta(cls, meta: Any) -> TimeOnTask | None:
        """The tally a record's ``meta`` holds; None when it has none (old files, other tools).

        Lenient on purpose: the value is informative, a hand-edited or foreign one must
        not stop an article from opening, so what is not a number counts as zero.
        """
        d = meta.get(META_KEY) if isinstance(meta, dict) else None
        if not isinstance(d, dict):
            return None
        return cls(
            active_seconds=_number(d.get("active_seconds")),
            sessions=int(_number(d.get("sessions"))),
            edits=int(_number(d.get("edits"))),
            first_opened=_stamp(d.get("first_opened")),
            last_active=_stamp(d.get("last_active")),
        )

    def to_dict(self) -> dict[str, Any]:
        """A fresh dict each time: the store compares ``meta`` with what it saved, by value."""
        return {
            "active_seconds": round(self.active_seconds, 1),
            "sessions": self.sessions,
            "edits": self.edits,
            "first_opened": self.first_opened,
            "last_active": self.last_active,
        }


class ActivityClock:
    """The article in front of the annotator and its running tally.

    ``now`` gives seconds on a monotonic scale (``time.monotonic`` by default), ``wall``
    the ISO time written as ``first_opened``/``last_active``. Both are injectable, so
    a test can walk the clock through a day in microseconds.
    """

    def __init__(
        self,
        idle_after: float = IDLE_AFTER,
        now: Callable[[], float] = time.monotonic,
        wall: Callable[[], str] = now_iso,
    ):
        self.idle_after = idle_after
        self.now = now
        self.wall = wall
        self.current: str | None = None
        self.tally = TimeOnTask()
        self._last = 0.0  # time of the last act (or of the opening)
        self._working = False  # inside a stretch of work: no idle gap since the last act

    def open(self, record_id: str, prior: TimeOnTask | None) -> None:
        """Start counting ``record_id``, from what it already had (``prior``)."""
        base = prior or TimeOnTask()
        self.current = record_id
        self.tally = base if base.first_opened else replace(base, first_opened=self.wall())
        self._last = self.now()
        self._working = False

    def touch(self, edit: bool = False) -> bool:
        """One act on the open article; True when it credited time. ``edit``: it changed the record."""
        if self.current is None:
            return False
        t = self.now()
        gap = t - self._last
        credited = 0.0 <= gap <= self.idle_after
        sessions = self.tally.sessions
        if not (self._working and credited):
            sessions += 1  # the first act after opening, or after an idle gap, starts a stretch
        self.tally = replace(
            self.tally,
            active_seconds=self.tally.active_seconds + (gap if credited else 0.0),
            sessions=sessions,
            edits=self.tally.edits + (1 if edit else 0),
            last_active=self.wall(),
        )
        self._last = t
        self._working = True
        return credited and gap > 0

    def leave(self) -> TimeOnTask:
        """Stop counting the open article; its tally (leaving is an act, but not a new stretch)."""
        if self.current is not None and self._working:
            gap = self.now() - self._last
            if 0.0 <= gap <= self.idle_after:
                self.tally = replace(self.tally, active_seconds=self.tally.active_seconds + gap)
        self.current = None
        self._working = False
        return self.tally
