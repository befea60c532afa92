"""MG401-MG402: ``python.version`` is a version Connect can match, and one the app allows."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from manifest_guard.catalogue.codes import Severity
from manifest_guard.catalogue.findings import Finding
from manifest_guard.engine.requires import outside_requires
from manifest_guard.foundation.jsonpos import LoadedJson

_VERSION = re.compile(r"[0-9]+\.[0-9]+(\.[0-9]+)?")


def _section(document: Mapping[str, Any], *keys: str) -> Any:
    value: Any = document
    for key in keys:
        if not isinstance(value, Mapping):
            return None
        value = value.get(key)
    return value


def check_python_version(document: Mapping[str, Any], loaded: LoadedJson, manifest: str) -> list[Finding]:
    """MG401 for a malformed ``python.version``; MG402 when it is outside ``environment.python.requires``."""
    version = _section(document, "python", "version")
    if not isinstance(version, str):
        return []  # absent or mistyped: the schema (MG002) reports it
    if not _VERSION.fullmatch(version):
        line = loaded.line_of(("python", "version"))
        message = f"python.version {version!r} is not X.Y or X.Y.Z; Connect matches it against installed Pythons"
        return [Finding("MG401", manifest, manifest, line, message, subject="python.version")]
    requires = _section(document, "environment", "python", "requires")
    if not outside_requires(version, requires):
        return []
    message = f"python.version {version!r} is outside environment.python.requires {requires!r}"
    line = loaded.line_of(("python", "version"))
    return [Finding("MG402", manifest, manifest, line, message, Severity.WARNING, subject="python.version")]
