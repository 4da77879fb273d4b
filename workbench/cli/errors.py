"""User mistakes end a command with a message on stderr, never a traceback.

A mistake in the command's own words (a flag, a path) is a :class:`UserError`;
failures of the use case come up from ``workbench.app`` as its ``AppError``, of
which this is one kind, so :func:`workbench.cli.main.main` handles both alike.
"""

from __future__ import annotations

from workbench.app.errors import AppError


class UserError(AppError):
    pass
