"""``check`` results of apps whose inputs have not changed, so a second check of an unchanged app runs no
rule at all (and does not even import them).

A result is stored under a key that digests everything a manifest's findings can depend on: the tool
itself (version, and the size and mtime of each of its files, so an edited install never reuses old
results), the resolved options and configuration, the source's name, the mode and blob id of every
entry under the app directory in the checked tree, and the same for the base tree ("new" files and the
dependency diff are measured against it). The rules read nothing outside the app directory of a git
tree, and the work tree is never cached (what git ignores there is not in any tree). A hit replays the
stored findings, status and warnings; anything unreadable is a miss.
"""

from __future__ import annotations

import contextlib
import dataclasses
import enum
import functools
import hashlib
import json
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from manifest_guard import __version__
from manifest_guard.catalogue.codes import Severity
from manifest_guard.catalogue.findings import Finding, ManifestResult

CACHE_DIRECTORY = os.path.join("manifest-guard", "results")
MAX_RESULTS = 4096
FORMAT = 1


@functools.cache
def _tool_fingerprint() -> str:
    """The version and every file of the installed package (code, data), by size and modification time."""
    from manifest_guard.caches.schema_valid import _schema_fingerprint

    digest = hashlib.sha256(f"{FORMAT} {__version__}".encode())
    digest.update(_schema_fingerprint())
    root = Path(__file__).resolve().parent.parent
    for path in sorted(root.rglob("*")):
        if path.suffix in (".py", ".json") and "__pycache__" not in path.parts:
            info = path.stat()
            digest.update(f"{path.relative_to(root)} {info.st_size} {info.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def _canonical(value: Any) -> Any:
    """A JSON-able form of options and configuration that does not depend on set order or hash seeds."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {field.name: _canonical(getattr(value, field.name)) for field in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return sorted([str(key), _canonical(item)] for key, item in value.items())
    if isinstance(value, (set, frozenset)):
        return sorted(json.dumps(_canonical(item), sort_keys=True) for item in value)
    if isinstance(value, (list, tuple)):
        return [_canonical(item) for item in value]
    if isinstance(value, enum.Enum):
        return _canonical(value.value)
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return repr(value)  # an unexpected type: its repr at worst makes a miss, never a wrong hit


def result_key(options: object, source: str, tree_entries: str, base_entries: str | None, manifest: str) -> str:
    """The digest a manifest's stored result is filed under."""
    parts = [_tool_fingerprint(), json.dumps(_canonical(options), sort_keys=True), source, manifest,
             tree_entries, base_entries or "-"]  # fmt: skip
    return hashlib.sha256("\0".join(parts).encode("utf-8", "surrogateescape")).hexdigest()


@dataclasses.dataclass
class CachedResult:
    result: ManifestResult
    findings: list[Finding]
    warnings: list[str]


class ResultCache:
    """One JSON file per key in ``<git-common-dir>/manifest-guard/results``; cleared when it grows too big."""

    def __init__(self, directory: str) -> None:
        self.directory = directory

    @classmethod
    def in_git_dir(cls, common_dir: str) -> ResultCache:
        return cls(os.path.join(common_dir, CACHE_DIRECTORY))

    def load(self, key: str) -> CachedResult | None:
        try:
            with open(os.path.join(self.directory, f"{key}.json"), encoding="utf-8") as stream:
                data = json.load(stream)
            result = ManifestResult(**data["result"])
            findings = [Finding(**{**item, "severity": Severity(item["severity"])}) for item in data["findings"]]
            warnings = [str(message) for message in data["warnings"]]
        except (OSError, ValueError, TypeError, KeyError):
            return None
        return CachedResult(result, findings, warnings)

    def store(self, key: str, cached: CachedResult) -> None:
        findings = [{**dataclasses.asdict(finding), "severity": finding.severity.value} for finding in cached.findings]
        data = {"result": dataclasses.asdict(cached.result), "findings": findings, "warnings": cached.warnings}
        with contextlib.suppress(OSError, ValueError):
            os.makedirs(self.directory, exist_ok=True)
            if len(os.listdir(self.directory)) >= MAX_RESULTS:
                for name in os.listdir(self.directory):
                    with contextlib.suppress(OSError):
                        os.unlink(os.path.join(self.directory, name))
            descriptor, temp = tempfile.mkstemp(prefix=".result-", dir=self.directory)
            try:
                with os.fdopen(descriptor, "w", encoding="utf-8") as stream:
                    json.dump(data, stream)
                os.replace(temp, os.path.join(self.directory, f"{key}.json"))
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(temp)
                raise
