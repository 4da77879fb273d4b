"""A worker forked while a file is being written does not keep its temp file locked.

Merge forks its workers while the merged file's temp file is open and locked. Were the
children to keep their copy of that locked descriptor, a merge killed with SIGKILL would
leave orphaned workers holding the lock for a while, and the next run would take the
temp file for a live writer's and leave it behind (seen on a loaded CI machine).
"""

from __future__ import annotations

import os
from pathlib import Path

from workbench.io.atomic import atomic_write


def test_a_forked_child_does_not_hold_the_temp_file(tmp_path: Path) -> None:
    out = tmp_path / "merged.jsonl"
    with atomic_write(out, "wb") as fh:
        temp = os.fstat(fh.fileno())
        pid = os.fork()
        if pid == 0:  # the child: does its copy of the descriptor still reach the temp file?
            same = os.fstat(fh.fileno()).st_ino == temp.st_ino
            os._exit(1 if same else 0)
        _, status = os.waitpid(pid, 0)
        fh.write(b'{"id": "a", "text": "x"}\n')
    assert os.waitstatus_to_exitcode(status) == 0, "the child kept the parent's locked temp file"
    assert out.read_bytes() == b'{"id": "a", "text": "x"}\n'
