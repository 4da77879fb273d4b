"""User mistakes end a command with a message on stderr, never a traceback."""

from __future__ import annotations


class UserError(Exception):
    def __init__(self, message: str, exit_code: int = 2):
        super().__init__(message)
        self.exit_code = exit_code
