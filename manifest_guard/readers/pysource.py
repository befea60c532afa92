"""Parse a Python file of the app with ``ast`` for the Python the app will run on; never import it.

A file is judged by the grammar of the manifest's ``python.version`` when this interpreter can
emulate it (older versions, through ``feature_version``); a file that only a newer Python can read
is not judged at all, so a newer grammar never looks like a syntax error.
"""

from __future__ import annotations

import ast
import sys
import warnings
from dataclasses import dataclass

MAX_PARSED_BYTES = 10 * 1024 * 1024
_OLDEST_FEATURE_VERSION = 7


@dataclass(frozen=True)
class SyntaxProblem:
    """Why a file does not parse, with the 1-based line and column Python reports."""

    message: str
    line: int
    column: int | None


@dataclass(frozen=True)
class Unjudged:
    """A file not parsed: too large, or written for a newer grammar than this Python knows."""

    reason: str


def target_minor(python_version: object) -> int | None:
    """The minor version of a manifest's ``python.version`` (``"3.11.4"`` -> 11), None when not 3.x."""
    if not isinstance(python_version, str):
        return None
    parts = python_version.split(".")
    if len(parts) < 2 or parts[0] != "3" or not parts[1].isdigit():
        return None
    return int(parts[1])


def _parse(data: bytes, minor: int | None) -> ast.Module:
    running = sys.version_info[1]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # invalid escape sequences and the like are not our findings
        if minor is not None and _OLDEST_FEATURE_VERSION <= minor < running:
            return ast.parse(data, feature_version=(3, minor))
        return ast.parse(data)


def _nul_problem(data: bytes) -> SyntaxProblem:
    before = data[: data.index(b"\0")]
    column = len(before) - (before.rfind(b"\n") + 1) + 1
    return SyntaxProblem("source code cannot contain null bytes", before.count(b"\n") + 1, column)


def parse_source(data: bytes, python_version: object = None) -> ast.Module | SyntaxProblem | Unjudged:
    """The module's AST, the syntax problem Python would raise, or why it was not judged."""
    if len(data) > MAX_PARSED_BYTES:
        return Unjudged(f"larger than {MAX_PARSED_BYTES // (1024 * 1024)} MB")
    minor = target_minor(python_version)
    try:
        return _parse(data, minor)
    except SyntaxError as error:
        if minor is not None and minor > sys.version_info[1]:
            running = sys.version_info[1]
            return Unjudged(f"it targets Python 3.{minor}, newer than the Python 3.{running} running this check")
        if b"\0" in data and "null bytes" in str(error.msg):
            return _nul_problem(data)
        return SyntaxProblem(error.msg or "invalid syntax", error.lineno or 1, error.offset)
    except ValueError as error:  # some Pythons reject NUL bytes with a ValueError
        return _nul_problem(data) if b"\0" in data else SyntaxProblem(str(error), 1, None)
    except (RecursionError, MemoryError):
        return SyntaxProblem("too deeply nested for Python's parser", 1, None)
