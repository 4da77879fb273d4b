"""Kill -9 a window mid-way through its edits: the next start has every acknowledged edit."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.qt.conftest import ANNOTATOR, REPO, env_without_display, store_records

ARTICLES = [
    "First story. Nothing to see here in Paris today.",
    "Second story. Maria Lopez met Pedro Alvarez in Madrid. Then Anna Berg and Karl Smith "
    "flew to Berlin with Olga Petrova, Ivan Orlov, Lena Marx, Tom Hardy and Jane Austen.",
    "Third story about Rome.",
]


@pytest.mark.parametrize("own", [False, True], ids=["corpus", "own-file"])
def test_sigkill_mid_way_loses_no_acknowledged_edit(
    qtbot: Any, open_window: Any, tmp_path: Path, own: bool
) -> None:
    """``own``: the annotator's own file is opened (its store indexed after the first paint, 0024)."""
    corpus = tmp_path / (f"batch.{ANNOTATOR}.jsonl" if own else "batch.jsonl")
    corpus.write_text("".join(json.dumps({"id": f"a{i}", "text": t}) + "\n" for i, t in enumerate(ARTICLES)))
    env = env_without_display()
    env["WORKBENCH_ANNOTATOR"] = ANNOTATOR
    env["PYTHONPATH"] = str(REPO)
    child = subprocess.Popen(
        [sys.executable, str(Path(__file__).with_name("window_driver.py")), str(corpus)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=REPO,
    )
    acked: list[tuple[str, int, int]] = []
    opened = None
    try:
        assert child.stdout is not None
        for line in child.stdout:
            parts = line.split()
            if parts[0] == "OPEN":
                opened = parts[1]
            elif parts[0] == "EDIT":
                acked.append((parts[2], int(parts[3]), int(parts[4])))
                if len(acked) == 7:  # mid-way: the driver has more words to label
                    os.kill(child.pid, signal.SIGKILL)
                    break
            elif parts[0] == "ALL":
                break
    finally:
        child.kill()
        _, err = child.communicate(timeout=30)
    assert len(acked) == 7, err
    assert child.returncode == -signal.SIGKILL
    assert opened == "a1"

    # what is on disk: every acknowledged span (maybe more; never fewer)
    store = tmp_path / f"batch.{ANNOTATOR}.jsonl"
    spans = {(s["start"], s["end"]) for s in store_records(store)["a1"]["spans"]}
    assert {(a, z) for _, a, z in acked} <= spans

    # restart: the same document comes back with every edit, and the file is writable again
    win = open_window([corpus])
    rec = win.session.document.record
    assert rec.id == "a1"
    assert {(a, z) for _, a, z in acked} <= {(s.start, s.end) for s in rec.spans.values()}
    assert not win.session.readonly  # the dead process's lock died with it
    assert win.session.store.report.ok or win.session.store.report.set_aside is not None
