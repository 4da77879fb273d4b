"""Throughput per annotator: articles per hour, minutes per article, edits, and the fate of pre-annotations.

Read from the records themselves: ``meta.time_on_task`` (written by the window,
:mod:`workbench.core.time_on_task`) for time and edits, and each pre-annotation's
``origin``/``review`` plus the record's ``rejected`` list for how much of the
model's proposal the annotator accepted as is, edited or rejected (docs/format.md).
``workbench status`` and ``agreement --html`` show the same figures from here.

Rates use *done* articles that carry a time: an article still in progress has only
part of its time, and counting it would make everyone look fast.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from workbench.core.time_on_task import TimeOnTask


@dataclass
class Throughput:
    annotator: str
    articles: int = 0  # started: in progress, done or skipped
    done: int = 0
    timed: int = 0  # done articles with a recorded time
    active_seconds: float = 0.0  # over every article with a time, done or not
    timed_seconds: float = 0.0  # over the timed done ones
    minutes: list[float] = field(default_factory=list)  # per timed done article
    edits: int = 0  # over the timed done articles
    accepted: int = 0
    edited: int = 0
    rejected: int = 0
    pending: int = 0  # pre-annotations not looked at yet (of started articles)

    def add(self, record: dict[str, Any]) -> None:
        status = record.get("status")
        if status not in ("in_progress", "done", "skipped"):
            return
        self.articles += 1
        tally = TimeOnTask.from_meta(record.get("meta"))
        if tally is not None:
            self.active_seconds += tally.active_seconds
        if status == "done":
            self.done += 1
            if tally is not None and tally.active_seconds > 0:
                self.timed += 1
                self.timed_seconds += tally.active_seconds
                self.minutes.append(tally.active_seconds / 60)
                self.edits += tally.edits
        for kind in ("spans", "relations"):
            items = record.get(kind)
            for item in items if type(items) is list else ():  # a hand-edited line may hold anything
                if isinstance(item, dict) and item.get("origin"):
                    review = item.get("review")
                    if review == "accepted":
                        self.accepted += 1
                    elif review == "edited":
                        self.edited += 1
                    else:
                        self.pending += 1
        rejected = record.get("rejected")
        self.rejected += sum(isinstance(item, dict) for item in rejected) if type(rejected) is list else 0

    @property
    def per_hour(self) -> float | None:
        return self.timed / (self.timed_seconds / 3600) if self.timed_seconds > 0 else None

    @property
    def median_minutes(self) -> float | None:
        return statistics.median(self.minutes) if self.minutes else None

    @property
    def edits_per_article(self) -> float | None:
        return self.edits / self.timed if self.timed else None

    def to_dict(self) -> dict[str, Any]:
        def r(x: float | None, n: int = 2) -> float | None:
            return None if x is None else round(x, n)

        return {
            "annotator": self.annotator,
            "articles": self.articles,
            "done": self.done,
            "timed": self.timed,
            "active_minutes": round(self.active_seconds / 60, 1),
            "articles_per_hour": r(self.per_hour),
            "median_minutes": r(self.median_minutes),
            "edits_per_article": r(self.edits_per_article, 1),
            "preannotation": {
                "accepted": self.accepted,
                "edited": self.edited,
                "rejected": self.rejected,
                "pending": self.pending,
            },
        }


def throughput_of(annotator: str, records: Iterable[dict[str, Any]]) -> Throughput:
    t = Throughput(annotator)
    for rec in records:
        t.add(rec)
    return t


THROUGHPUT_HEADER = (
    "annotator",
    "done",
    "timed",
    "active min",
    "articles/h",
    "median min",
    "edits/article",
    "accepted",
    "edited",
    "rejected",
    "pending",
)


def throughput_cells(d: dict[str, Any]) -> list[str]:
    """One annotator's row as text, from :meth:`Throughput.to_dict` (what reports carry)."""

    def f(x: float | None) -> str:
        return "—" if x is None else f"{x:.1f}"

    pre = d["preannotation"]
    return [
        str(d["annotator"]),
        str(d["done"]),
        str(d["timed"]),
        f(d["active_minutes"]),
        f(d["articles_per_hour"]),
        f(d["median_minutes"]),
        f(d["edits_per_article"]),
        *(str(pre[k]) for k in ("accepted", "edited", "rejected", "pending")),
    ]


def table_rows(rows: list[Throughput]) -> tuple[list[str], list[list[str]]]:
    """Header and rows, as text, for the terminal table and the window's alike."""
    return list(THROUGHPUT_HEADER), [throughput_cells(t.to_dict()) for t in rows]
