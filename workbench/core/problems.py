"""The one shape of "this input has a problem here" used by every reader, validator and importer.

A lead fixes inputs by hand, so a problem always says where: the file, the line
(1-based, ``None`` for a whole file or folder), and for a problem inside a JSON
document the JSON path (``$.spans[3].label``). The message says what is wrong in
the user's words. ``str()`` is what every front end prints.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    path: str
    line: int | None
    message: str
    json_path: str | None = None

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.json_path}: {self.message}" if self.json_path else f"{where}: {self.message}"
