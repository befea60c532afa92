"""Errors that end a command with exit 2 and a one-line message instead of a traceback."""

from __future__ import annotations


class UserError(Exception):
    """Bad input, configuration or I/O: reported as ``manifest-guard: error: <message>``, exit 2."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
