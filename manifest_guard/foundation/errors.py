"""Errors that end a command with exit 2 and a one-line message instead of a traceback."""

from __future__ import annotations


class UserError(Exception):
    """Bad input, configuration or I/O: reported as ``manifest-guard: error: <message>``, exit 2."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class MalformedFile(UserError):
    """A file that does not decode or parse. ``write`` stops on it; ``check`` reports a finding at
    ``line`` when the file is the app's own, since the app's mistakes are findings, not run errors."""

    def __init__(self, message: str, display: str, line: int | None, detail: str) -> None:
        super().__init__(message)
        self.display = display
        self.line = line
        self.detail = detail  # the message without the file and line
