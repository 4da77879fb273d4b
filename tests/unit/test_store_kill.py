"""Fault injection: kill -9 a writing process at random moments; no acknowledged edit is ever lost.

A child process edits documents through Document + AnnotatorStore exactly as
the app does, and prints an acknowledgement after each ``save`` returned True
(the moment the app would tell the annotator "saved"). The parent kills it with
SIGKILL at a random moment, many times over the same file, and after each kill
reopens the store: the file must load (a torn last line is allowed, reported
and set aside, never fatal), and every acknowledged revision must be there.
Records of very different sizes (up to ~250 KB a line) make kills land mid-write
as well as between writes; periodic compactions make some land mid-compaction.
"""

from __future__ import annotations

import hashlib
import json
import random
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

from workbench.io.jsonl import dumps
from workbench.io.store import AnnotatorStore

REPO = Path(__file__).resolve().parents[2]
ROUNDS = 30

CHILD = textwrap.dedent(
    """
    import hashlib, random, sys
    from workbench.core.document import Document
    from workbench.core.edits import AddSpan, SetDocField, SetSpanLabel
    from workbench.core.record import Record, Span
    from workbench.core.schema import default_schema
    from workbench.io.jsonl import dumps
    from workbench.io.store import AnnotatorStore

    path, seed = sys.argv[1], int(sys.argv[2])
    rng = random.Random(seed)
    schema = default_schema()
    store = AnnotatorStore(path, "kill-test")
    print("open", len(store), len(store.report.errors), flush=True)

    docs = []
    for i in range(3):
        repeat = rng.choice([1, 40, 2000, 10000])
        text = f"Round {seed}, story {i}. " + "Alice met Bob in Minsk. " * repeat
        docs.append(Document(Record.new(text), schema, annotator="kill-test"))
    for rid in rng.sample(store.ids(), min(2, len(store))):  # resume earlier work too
        docs.append(Document(store.get(rid), schema, annotator="kill-test"))

    saves = 0
    while True:
        doc = rng.choice(docs)
        rec = doc.record
        free = [k for k in range(rec.text.count("Alice")) if f"a{k}" not in rec.spans][:50]
        choice = rng.random()
        if choice < 0.5 and free:
            k = rng.choice(free)
            start = -1
            for _ in range(k + 1):
                start = rec.text.index("Alice", start + 1)
            doc.apply(AddSpan(Span(f"a{k}", start, start + 5, "PERSON")))
        elif choice < 0.75 and rec.spans:
            sid = rng.choice(sorted(rec.spans))
            label = "ORG" if rec.spans[sid].label == "PERSON" else "PERSON"
            doc.apply(SetSpanLabel(sid, label))
        elif choice < 0.9:
            doc.apply(SetDocField("sentiment", rng.choice(["negative", "neutral", "positive"])))
        elif doc.history.can_undo:
            doc.undo()
        else:
            continue
        if store.save(rec):
            line = dumps(rec.to_dict())
            print("ack", rec.id, rec.rev, hashlib.sha1(line.encode()).hexdigest(), flush=True)
        saves += 1
        if saves % 25 == 0:
            store.compact()
    """
)


def _reader(stream, out: list[str]) -> None:  # noqa: ANN001 - a text pipe
    for line in stream:
        out.append(line)


def test_acknowledged_edits_survive_sigkill_at_random_moments(tmp_path: Path) -> None:
    path = tmp_path / "annotator.jsonl"
    rng = random.Random(20261128)
    acked: dict[str, tuple[int, str]] = {}  # id -> (highest acknowledged rev, sha1 of that line)
    torn_seen = injected = 0
    reported_by_child = 0
    kills_mid_run = 0
    for round_ in range(ROUNDS):
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(path), str(round_)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=REPO,
        )
        out: list[str] = []
        reader = threading.Thread(target=_reader, args=(child.stdout, out), daemon=True)
        reader.start()
        # wait until the child has opened the store, then let it write for a random while
        t0 = time.monotonic()
        while not out and child.poll() is None and time.monotonic() - t0 < 20:
            time.sleep(0.005)
        assert out and out[0].startswith("open"), (
            out,
            child.stderr.read() if child.poll() is not None else "",
        )
        reported_by_child += int(out[0].split()[2])
        time.sleep(rng.uniform(0.0, 0.35))
        child.send_signal(signal.SIGKILL)
        child.wait()
        reader.join(5)
        assert child.returncode == -signal.SIGKILL, child.stderr.read()
        kills_mid_run += 1
        for line in out[1:]:
            if not line.endswith("\n"):
                continue  # the child died while printing: that edit was never acknowledged
            _, rid, rev, sha = line.split()
            if int(rev) >= acked.get(rid, (-1, ""))[0]:
                acked[rid] = (int(rev), sha)

        if round_ % 3 == 1:
            # A power cut mid-append leaves half a line that SIGKILL alone rarely produces
            # (a write to a local file completes before the signal lands): add one.
            with open(path, "ab") as fh:
                fh.write(b'{"id": "torn-by-power-cut", "text": "half a rec')
            injected += 1

        # Reopen as the app would (writable on odd rounds: the torn tail is set aside and cut;
        # read-only on even rounds: the next child has to recover it itself).
        readonly = round_ % 2 == 0
        with AnnotatorStore(path, "checker", readonly=readonly) as st:
            for err in st.report.errors:
                assert err.torn, f"only the last line may be damaged by a kill, got {err}"
                assert err.line == st.report.lines
            torn_seen += len(st.report.errors)
            for rid, (rev, sha) in acked.items():
                stored = st.raw(rid)
                assert stored is not None, f"acknowledged record {rid} lost after round {round_}"
                assert stored["rev"] >= rev, f"{rid}: rev {rev} acknowledged, file has {stored['rev']}"
                if stored["rev"] == rev:
                    assert hashlib.sha1(dumps(stored).encode()).hexdigest() == sha
        # every line of the file (except a torn tail) is a whole record
        raw = path.read_bytes()
        body = raw if raw.endswith(b"\n") else raw[: raw.rfind(b"\n") + 1]
        for n, line in enumerate(body.splitlines(), 1):
            assert isinstance(json.loads(line), dict), f"line {n} is not a whole record"

    assert kills_mid_run == ROUNDS
    assert torn_seen >= injected > 0
    assert reported_by_child > 0  # the writer itself recovered torn tails left for it, and went on
    assert len(acked) >= ROUNDS  # the children really did work between kills
    # leftovers of killed compactions are temp files next to the store, never the store itself
    for p in tmp_path.iterdir():
        assert p == path or p.name.startswith((".annotator.jsonl.", "annotator.jsonl.")), p
    side_files = [p for p in tmp_path.iterdir() if ".bad-" in p.name]
    # any, not all: SIGKILL does cut a large write short (the kernel stops between pages), so a
    # side file may also hold a real torn record of a killed child, in a second of its own
    assert side_files and any(b"torn-by-power-cut" in p.read_bytes() for p in side_files)
