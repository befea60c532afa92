"""``check`` results of apps whose inputs have not changed, so a second check of an unchanged app runs no
rule at all (and does not even import them).

Two levels. A result is filed under a cheap key: the tool fingerprint (code, data, schema, interpreter,
libraries), the resolved options and configuration, the source and base names, and the manifest's
path. Beside it are the answers the git trees gave to every question its computation asked (entries
read, symlink hops, directories probed, subtrees listed: see ``repository.tree_reads``). A later run
reuses it only when its own trees give the same answers to those same questions, so anything the
result depended on, inside the app directory or not, invalidates it, and nothing else does. Each key
keeps its few most recent variants (switching branches back and forth stays cached). A hit replays the
stored findings, status and warnings; anything unreadable is a miss.
"""

from __future__ import annotations

import contextlib
import dataclasses
import enum
import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Mapping
from typing import Any

from manifest_guard.caches.tool_fingerprint import tool_fingerprint
from manifest_guard.catalogue.codes import Severity
from manifest_guard.catalogue.findings import Finding, ManifestResult

CACHE_DIRECTORY = os.path.join("manifest-guard", "results")
MAX_KEYS = 4096
MAX_VARIANTS = 8


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


def result_key(options: object, source: str, base: str | None, manifest: str) -> str:
    """The cheap key a manifest's stored results are filed under (the answers are checked after)."""
    parts = [tool_fingerprint(), json.dumps(_canonical(options), sort_keys=True), source, base or "-", manifest]
    return hashlib.sha256("\0".join(parts).encode("utf-8", "surrogateescape")).hexdigest()


@dataclasses.dataclass
class CachedResult:
    result: ManifestResult
    findings: list[Finding]
    warnings: list[str]


def _decoded(variant: Any) -> CachedResult | None:
    try:
        result = ManifestResult(**variant["result"])
        findings = [Finding(**{**item, "severity": Severity(item["severity"])}) for item in variant["findings"]]
        warnings = [str(message) for message in variant["warnings"]]
    except (ValueError, TypeError, KeyError):
        return None
    return CachedResult(result, findings, warnings)


def _encoded(reads: Any, cached: CachedResult) -> dict[str, Any]:
    findings = [{**dataclasses.asdict(finding), "severity": finding.severity.value} for finding in cached.findings]
    return {"reads": reads, "result": dataclasses.asdict(cached.result), "findings": findings,
            "warnings": cached.warnings}  # fmt: skip


class ResultCache:
    """One JSON file per key in ``<git-common-dir>/manifest-guard/results``, holding the key's recent
    variants newest first; the directory is cleared when it holds too many keys."""

    def __init__(self, directory: str) -> None:
        self.directory = directory
        self._read: dict[str, list[Any]] = {}  # the variants a lookup read, kept for the store that follows

    @classmethod
    def in_git_dir(cls, common_dir: str) -> ResultCache:
        return cls(os.path.join(common_dir, CACHE_DIRECTORY))

    def _variants(self, key: str) -> list[Any]:
        if key in self._read:
            return self._read[key]
        try:
            with open(os.path.join(self.directory, f"{key}.json"), encoding="utf-8") as stream:
                data = json.load(stream)
        except (OSError, ValueError):
            return []
        variants = data.get("variants") if isinstance(data, dict) else None
        found = [variant for variant in variants if isinstance(variant, dict)] if isinstance(variants, list) else []
        self._read[key] = found
        return found

    def load(self, key: str, still_answered: Callable[[Any], bool]) -> CachedResult | None:
        """The stored result whose recorded reads the current trees still answer the same way."""
        for variant in self._variants(key):
            if still_answered(variant.get("reads")):
                return _decoded(variant)
        return None

    def store(self, key: str, reads: Any, cached: CachedResult) -> None:
        """File ``cached`` with the answers its computation read, before the key's older variants."""
        older = [variant for variant in self._variants(key) if variant.get("reads") != reads]
        self._read.pop(key, None)
        data = {"variants": [_encoded(reads, cached), *older[: MAX_VARIANTS - 1]]}
        with contextlib.suppress(OSError, ValueError):
            os.makedirs(self.directory, exist_ok=True)
            if len(os.listdir(self.directory)) >= MAX_KEYS:
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
