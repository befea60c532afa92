"""The minimal edits ``fix`` applies to a manifest, each one tied to the finding that asks for it.

Rules propose edits; only edits of reported (enabled) findings are applied, so configuration that
silences a rule also keeps ``fix`` from touching what that rule owns.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Union

from manifest_guard.catalogue.findings import Finding
from manifest_guard.engine.manifest import merge_files


@dataclass(frozen=True)
class SetChecksum:
    path: str
    checksum: str


@dataclass(frozen=True)
class DropFile:
    path: str


@dataclass(frozen=True)
class AddFile:
    path: str
    checksum: str


@dataclass(frozen=True)
class SetRequires:
    value: Any


@dataclass(frozen=True)
class SetEntrypoint:
    value: str


@dataclass(frozen=True)
class SetPackages:
    """R packages regenerated from renv.lock, and ``platform`` (its R version) when the manifest has one."""

    value: Mapping[str, Any]
    platform: str | None = None


Edit = Union[SetChecksum, DropFile, AddFile, SetRequires, SetEntrypoint, SetPackages]
# Where a manifest without ``packages`` gets it: after the last of these keys present.
PACKAGES_AFTER = ("version", "locale", "platform", "metadata", "quarto", "python", "environment")


@dataclass(frozen=True)
class Proposal:
    """A finding and the edit that repairs it (None when ``fix`` cannot)."""

    finding: Finding
    edit: Edit | None = None


def describe(edit: Edit) -> str:
    """One line for ``fix``'s report of what it changed."""
    if isinstance(edit, SetChecksum):
        return f"checksum of {edit.path} refreshed"
    if isinstance(edit, DropFile):
        return f"{edit.path} removed (no longer in the bundle)"
    if isinstance(edit, AddFile):
        return f"{edit.path} added"
    if isinstance(edit, SetEntrypoint):
        return f"metadata.entrypoint set to {edit.value!r}"
    if isinstance(edit, SetPackages):
        platform = f", platform set to {edit.platform!r}" if edit.platform is not None else ""
        return f"packages regenerated from renv.lock ({len(edit.value)} packages){platform}"
    return f"environment.python.requires set to {edit.value!r}"


def _insert_after(document: Mapping[str, Any], key: str, value: Any, after: Sequence[str]) -> dict[str, Any]:
    """``document`` with ``key`` added right after the last of ``after`` present (else at the end)."""
    anchor = next((name for name in reversed(after) if name in document), None)
    result: dict[str, Any] = {}
    for name, existing in document.items():
        result[name] = existing
        if name == anchor:
            result[key] = value
    if anchor is None:
        result[key] = value
    return result


def _with_requires(document: dict[str, Any], value: Any) -> dict[str, Any]:
    environment = document.get("environment")
    if not isinstance(environment, dict):
        return _insert_after(document, "environment", {"python": {"requires": value}},
                             ["version", "locale", "metadata", "python"])  # fmt: skip
    python = environment.get("python")
    if isinstance(python, dict):
        python = {**python, "requires": value}
        environment = {**environment, "python": python}
    else:
        environment = {"python": {"requires": value}, **{k: v for k, v in environment.items() if k != "python"}}
    return {**document, "environment": environment}


def apply_edits(document: Mapping[str, Any], edits: Iterable[Edit], order: Sequence[str]) -> dict[str, Any]:
    """The document with ``edits`` applied; ``order`` is ``write``'s order of ``files`` (new entries
    go after their nearest predecessor in it), every other key keeps its place."""
    edits = list(edits)
    result = dict(document)
    files = document.get("files")
    file_edits = [edit for edit in edits if isinstance(edit, (SetChecksum, DropFile, AddFile))]
    if file_edits and isinstance(files, Mapping):
        fresh: dict[str, str] = {}
        checksums = {edit.path: edit.checksum for edit in file_edits if isinstance(edit, (SetChecksum, AddFile))}
        dropped = {edit.path for edit in file_edits if isinstance(edit, DropFile)}
        added = [edit.path for edit in file_edits if isinstance(edit, AddFile)]
        for path in [*order, *files]:
            if path in fresh or path in dropped:
                continue
            if path in checksums:
                fresh[path] = checksums[path]
            elif path in files:
                entry = files[path]
                current = entry.get("checksum") if isinstance(entry, Mapping) else None
                fresh[path] = current if isinstance(current, str) else ""
        merged = merge_files(files, fresh, added)
        for path, entry in files.items():  # entries fix does not own keep their exact value
            if path in merged and path not in checksums:
                merged[path] = entry
        result["files"] = merged
    for edit in edits:
        if isinstance(edit, SetRequires):
            result = _with_requires(result, edit.value)
        elif isinstance(edit, SetEntrypoint) and isinstance(result.get("metadata"), Mapping):
            result["metadata"] = {**result["metadata"], "entrypoint": edit.value}
        elif isinstance(edit, SetPackages):
            if "packages" in result:
                result["packages"] = dict(edit.value)
            else:
                result = _insert_after(result, "packages", dict(edit.value), PACKAGES_AFTER)
            if edit.platform is not None and "platform" in result:
                result["platform"] = edit.platform
    return result
