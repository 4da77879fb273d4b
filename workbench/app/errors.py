"""The one error type of the application layer.

Front ends decide how a failure looks: the CLI prints ``workbench COMMAND: message``
on stderr and exits with :attr:`AppError.exit_code`, the window shows a dialog.
Code below the front ends raises these (or lets a lower layer's error be turned
into one here), never prints and never calls ``sys.exit``.
"""

from __future__ import annotations


class AppError(Exception):
    """A failure the user can act on; the message names the file (and line) when there is one."""

    def __init__(self, message: str, exit_code: int = 2):
        super().__init__(message)
        self.exit_code = exit_code


def cannot_write(e: OSError, target: object) -> AppError:
    """An OSError of writing ``target`` as a message naming the file and the reason.

    A write to an open file descriptor (a full disk during an atomic write) carries no
    file name; the message then names the file being written, never ``None``.
    """
    where = e.filename if e.filename not in (None, "") else target
    return AppError(f"cannot write {target}: {where}: {e.strerror or e}; the previous file is untouched")


class Cancelled(AppError):
    """The user stopped the work (Esc in the window, Ctrl+C on the terminal)."""

    def __init__(self, message: str = "interrupted", exit_code: int = 130):
        super().__init__(message, exit_code)
