"""Bounded undo/redo history with grouping, independent of any toolkit.

A whole pre-annotation pass or an "accept all" is one step: callers open a
group, apply many edits, and the group is stored as one entry.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from workbench.core.edits import EditGroup


@dataclass(frozen=True, slots=True)
class Step:
    label: str
    inverse: Any  # the edit that undoes the step


class History:
    def __init__(self, limit: int = 1000):
        self._undo: deque[Step] = deque(maxlen=limit)
        self._redo: list[Step] = []
        self._group: list[Any] | None = None
        self._group_label = ""
        self._depth = 0

    def record(self, label: str, inverse: Any) -> None:
        """Note that an edit was applied; ``inverse`` undoes it."""
        if self._group is not None:
            self._group.append(inverse)
            return
        self._undo.append(Step(label, inverse))
        self._redo.clear()

    @contextmanager
    def group(self, label: str) -> Iterator[None]:
        """Edits applied inside the block undo as one step (nested groups join the outer)."""
        if self._depth == 0:
            self._group, self._group_label = [], label
        self._depth += 1
        try:
            yield
        finally:
            self._depth -= 1
            if self._depth == 0:
                inverses, self._group = self._group or [], None
                if inverses:
                    self.record(self._group_label, EditGroup(tuple(reversed(inverses)), label))

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)

    @property
    def undo_label(self) -> str | None:
        return self._undo[-1].label if self._undo else None

    @property
    def redo_label(self) -> str | None:
        return self._redo[-1].label if self._redo else None

    def pop_undo(self) -> Step | None:
        return self._undo.pop() if self._undo else None

    def pop_redo(self) -> Step | None:
        return self._redo.pop() if self._redo else None

    def push_redo(self, step: Step) -> None:
        self._redo.append(step)

    def push_undo(self, step: Step) -> None:
        self._undo.append(step)

    def clear(self) -> None:
        self._undo.clear()
        self._redo.clear()
