"""Where messages go: results to stdout, diagnostics to stderr, with one prefix for all."""

from __future__ import annotations

import sys

PROGRAM = "manifest-guard"


def warn(message: str) -> None:
    """A diagnostic that does not change the exit code."""
    print(f"{PROGRAM}: warning: {message}", file=sys.stderr)


def error(message: str) -> None:
    """The one-line report of a failure that ends the command with exit 2."""
    print(f"{PROGRAM}: error: {message}", file=sys.stderr)


def result(message: str) -> None:
    """A result line, on stdout."""
    print(message)


def under_pre_commit() -> bool:
    """pre-commit sets PRE_COMMIT=1 for its hooks; manifest-guard may then not be on PATH at all."""
    import os

    return os.environ.get("PRE_COMMIT") == "1"


def fix_command() -> str:
    """How the user runs ``fix`` from where this run was started."""
    return "pre-commit run manifest-guard --all-files" if under_pre_commit() else f"{PROGRAM} fix"
