"""``renv.lock``: the R version and the packages an R app is locked to, read as JSON only (no R).

A lockfile that is not UTF-8 JSON is an :class:`InvalidLockfile` (a
:class:`~manifest_guard.foundation.errors.MalformedFile`) with the line and column, so the rule
reports it where it is and the run goes on.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from manifest_guard.foundation.errors import MalformedFile
from manifest_guard.foundation.jsonpos import JsonSyntaxError, load_json

LOCKFILE = "renv.lock"
BOM = b"\xef\xbb\xbf"


class InvalidLockfile(MalformedFile):
    """A lockfile that is not a UTF-8 JSON object, with the column where it goes wrong."""

    def __init__(self, display: str, line: int, column: int | None, detail: str) -> None:
        super().__init__(f"{display}:{line}: {detail}", display, line, detail)
        self.column = column


@dataclass(frozen=True)
class LockedPackage:
    name: str
    version: str | None
    source: str | None  # renv's Source: "Repository", "GitHub", "Bioconductor", ...
    record: Mapping[str, Any]


@dataclass(frozen=True)
class RenvLock:
    r_version: str | None
    packages: dict[str, LockedPackage]
    raw: Mapping[str, Any] = field(default_factory=dict)  # the whole object, for the conversion to packages


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def parse_renv_lock(data: bytes, display: str) -> RenvLock:
    """The lockfile in ``data``; an :class:`InvalidLockfile` when it is not a UTF-8 JSON object.

    renv itself (through jsonlite) reads a leading byte order mark, so one is not an error here.
    """
    try:
        value = load_json(data[len(BOM) :] if data.startswith(BOM) else data).value
    except JsonSyntaxError as error:
        detail = f"{error.message} (line {error.line}, column {error.column})"
        raise InvalidLockfile(display, error.line, error.column, detail) from None
    if not isinstance(value, dict):
        raise InvalidLockfile(display, 1, 1, f"not a JSON object but {type(value).__name__}")
    r_section = value.get("R")
    r_version = _text(r_section.get("Version")) if isinstance(r_section, Mapping) else None
    records = value.get("Packages")
    packages = {}
    for name, record in records.items() if isinstance(records, Mapping) else ():
        record = record if isinstance(record, Mapping) else {}
        packages[name] = LockedPackage(name, _text(record.get("Version")), _text(record.get("Source")), record)
    return RenvLock(r_version, packages, value)
