"""What every ``convgui`` command shares: its name and its one-line user errors."""

from __future__ import annotations

PROG = "convgui"


class CLIError(ValueError):
    """A user error with a one-line message (exit status 2)."""


def one_line(exc: object) -> str:
    """The message of ``exc`` on one line (its type's name when it has none)."""
    text = " ".join(str(exc).split())
    if not text and isinstance(exc, BaseException):
        text = type(exc).__name__
    return text
