"""A project made with ``workbench init/add/assign``, annotated through real Sessions on a simulated clock.

Three annotators work two hand-out batches a week apart. Each article is pre-annotated
(spans with an ``origin``, as a model's pass leaves them) and then reviewed: the
annotators accept, edit and reject differently, and work at different speeds, so the
throughput, the agreement per batch and per week, and the disputes all have something
to show. Carol calls the town a LOC in the first batch and a GPE in the second, as
after a training session. Times are fed to the Qt-free clock
(:class:`workbench.core.time_on_task.ActivityClock`), never slept.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from workbench.app.session import Session
from workbench.cli.main import main
from workbench.core.edits import AcceptSpan, AddSpan, EditGroup, RejectSpan, SetSpanLabel, SetStatus
from workbench.core.record import Span
from workbench.io.project import Project

ANNOTATORS = ("alice", "bob", "carol")
SECONDS_PER_ACT = {"alice": 15.0, "bob": 30.0, "carol": 20.0}  # one act every so often while working
WEEK_START = (
    datetime(2026, 11, 23, 9, tzinfo=UTC),
    datetime(2026, 11, 30, 9, tzinfo=UTC),
)  # ISO weeks 48, 49


class SimClock:
    """Monotonic seconds and the wall time that goes with them, moved by hand."""

    def __init__(self, start: datetime):
        self.t = 0.0
        self.start = start

    def __call__(self) -> float:
        return self.t

    def wall(self) -> str:
        return (self.start + timedelta(seconds=self.t)).strftime("%Y-%m-%dT%H:%M:%SZ")


def _articles(folder: Path, n: int) -> Path:
    folder.mkdir(parents=True)
    for i in range(n):
        body = (
            f"Mayor Anna Berg{i} of Halden said on day {i} that the harbour will reopen. "
            f"The council of Halden confirmed it, and Oslo Port Authority welcomed the plan {i}."
        )
        (folder / f"story{i:02d}.txt").write_text(f"Harbour story {i}\n\n{body}\n", encoding="utf-8")
    return folder


def _span(text: str, word: str, label: str, sid: str, model: bool) -> Span:
    start = text.index(word)
    origin = {"origin": "model:sim@1", "review": "pending"} if model else {}
    return Span(sid, start, start + len(word), label, **origin)  # type: ignore[arg-type]


def _annotate(session: Session, clock: SimClock, name: str, batch: int, article: str) -> None:
    doc = session.open(article)
    text = doc.record.text
    pre = [
        _span(text, "Anna Berg", "PERSON", "s1", True),
        _span(text, "Halden", "GPE", "s2", True),
        _span(text, "council", "ORG", "s3", True),
    ]
    # a model's pass, as the window applies one: one group, not the annotator's work
    doc.apply(
        EditGroup(tuple(AddSpan(s) for s in pre), "Pre-annotate"), "Pre-annotate (3)", starts_work=False
    )
    step = SECONDS_PER_ACT[name]
    acts = 0

    def act() -> None:
        nonlocal acts
        clock.t += step
        acts += 1
        session.activity()

    act()
    doc.apply(AcceptSpan("s1"))
    act()
    if name == "carol" and batch == 0:
        doc.apply(SetSpanLabel("s2", "LOC"))  # edited: she calls the town a place, until trained
    else:
        doc.apply(AcceptSpan("s2"))
    act()
    if name == "bob":
        doc.apply(RejectSpan("s3"))  # bob does not mark "council"
    else:
        doc.apply(AcceptSpan("s3"))
    for _ in range(4 if name == "bob" else 2):  # reading
        act()
    start = text.index("Oslo Port Authority")
    label = "GPE" if name == "bob" else "ORG"  # bob reads the authority as the place
    end = start + (4 if name == "bob" else len("Oslo Port Authority"))
    doc.apply(AddSpan(Span("s4", start, end, label)))
    act()
    doc.apply(SetStatus("done"))
    clock.t += 600  # a break before the next article: not work


def build(root: Path, per_batch: int = 2) -> Project:
    """Init, add, assign twice (two batches, full overlap in pairs), annotate each batch in its week."""
    arts = _articles(root.parent / f"{root.name}-articles", per_batch * len(ANNOTATORS) * 2)
    assert main(["init", str(root)]) == 0
    assert main(["add", str(root), str(arts)]) == 0
    done: dict[str, set[str]] = {n: set() for n in ANNOTATORS}
    for batch, week in enumerate(WEEK_START):
        size = str(per_batch * 2)
        argv = ["assign", str(root), "--annotators", ",".join(ANNOTATORS), "--size", size]
        assert main([*argv, "--overlap", "1.0", "--seed", str(batch)]) == 0
        project = Project.open(root)
        assignments = project.assignments()
        for entry in assignments["annotators"].values():  # handed out on the Monday of its week
            entry["batches"][-1]["assigned"] = week.strftime("%Y-%m-%dT%H:%M:%SZ")
        project.save_assignments(assignments)
        for name in ANNOTATORS:
            clock = SimClock(week)
            session = Session([root], name, project.schema())
            session.clock.now, session.clock.wall = clock, clock.wall
            ids = [i for b in assignments["annotators"][name]["batches"] for i in b["ids"]]
            for article in ids:
                if article not in done[name]:
                    _annotate(session, clock, name, batch, article)
                    done[name].add(article)
            session.close()
    return Project.open(root)
