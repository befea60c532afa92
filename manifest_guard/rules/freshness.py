"""MG101-MG104: does the manifest still describe the files and Python constraint of the tree?

The expected file set comes from the one engine (``engine.app_file_checksums``), so ``check``
and ``write`` can never disagree about which files belong to an app or what their checksums are.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from manifest_guard.catalogue.appmodes import WRITE_MODES
from manifest_guard.catalogue.codes import Severity
from manifest_guard.catalogue.exclusions import is_repository_tooling
from manifest_guard.catalogue.findings import Finding
from manifest_guard.engine.bundle import keep_listed
from manifest_guard.engine.compute import AppRequest, app_file_checksums
from manifest_guard.engine.edits import AddFile, DropFile, Proposal, SetChecksum, SetRequires
from manifest_guard.engine.environment import find_python_requires
from manifest_guard.engine.package_file import processed_requirements
from manifest_guard.engine.safe_paths import unsafe_path_reason
from manifest_guard.foundation.checksums import md5_of_bytes
from manifest_guard.foundation.jsonpos import LoadedJson
from manifest_guard.repository.trees import EntryKind, TargetKind, Tree, join, relative_to

Warn = Callable[[str], None]
# The appmodes whose file set ``write`` decides by walking the directory (or, for notebooks, by rule).
WALKED_MODES = {appmode: mode for mode, appmode in WRITE_MODES.items() if mode not in ("api", "notebook")}
WALKED_MODES["python-api"] = "api"
NOTEBOOK_APPMODE = "jupyter-static"
VOILA_APPMODE = "jupyter-voila"
VOILA_CONFIG = "voila.json"


@dataclass
class AppState:
    """The manifest being checked and where its app lives."""

    tree: Tree
    source_label: str  # "the index", "the work tree", "HEAD~1"
    manifest: str  # tree path of manifest.json
    app: str  # tree path of its directory
    document: Mapping[str, Any]
    loaded: LoadedJson
    display: Callable[[str], str]  # tree path -> reported path
    excludes: Sequence[str] = ()
    ignored_by_git: Callable[[str], bool] = field(default=lambda _path: False)
    is_new: Callable[[str], bool] | None = None  # None: no base to tell
    warn: Warn = field(default=lambda _message: None)
    on_escape: Callable[[str], None] | None = None  # receives tree paths of symlinks leaving the app
    base: Tree | None = None  # the tree "new" is measured against (HEAD for the index), for dependency diffs
    known_first_party: Sequence[str] = ()
    dependency_map: Mapping[str, Sequence[str]] = field(default_factory=dict)
    large_file_mb: float = 100.0

    def read(self, path: str) -> bytes:
        """The content of an app-relative file in the checked tree."""
        return self.tree.read_bytes(join(self.app, path))


@dataclass
class Freshness:
    proposals: list[Proposal]
    order: list[str]  # write's order of the expected files
    deployed: list[str]  # the files the manifest lists once fixed: what a deploy uploads


def _checksum_of(entry: Any) -> str | None:
    checksum = entry.get("checksum") if isinstance(entry, Mapping) else None
    return checksum if isinstance(checksum, str) else None


def _listed(document: Mapping[str, Any]) -> dict[str, str | None]:
    files = document.get("files")
    if isinstance(files, Mapping):
        return {path: _checksum_of(entry) for path, entry in files.items()}
    if isinstance(files, list):
        return {path: None for path in files if isinstance(path, str)}
    return {}


def package_file_of(document: Mapping[str, Any]) -> str | None:
    python = document.get("python")
    manager = python.get("package_manager") if isinstance(python, Mapping) else None
    name = manager.get("package_file") if isinstance(manager, Mapping) else None
    return name if isinstance(name, str) and name and unsafe_path_reason(name) is None else None


def _bundleable(state: AppState, path: str) -> bool:
    """A listed path that can stay in the bundle: a file (or in-app symlink to one) git keeps."""
    full = join(state.app, path)
    kind = state.tree.entry_kind(full)
    if kind is EntryKind.FILE:
        return not state.ignored_by_git(path)
    if kind is EntryKind.SYMLINK:
        target, _ = state.tree.resolve_symlink(full, state.app)
        return target in (TargetKind.FILE, TargetKind.OUTSIDE) and not state.ignored_by_git(path)
    return False


def _missing_reason(state: AppState, path: str) -> str:
    full = join(state.app, path)
    if state.tree.is_dir(full):
        return "is a directory"
    if state.tree.entry_kind(full) is not None:
        if state.ignored_by_git(path):
            return "is ignored by git, so Connect's git import will not have it"
        return "is not a regular file (special file or broken symlink)"
    return f"is not in {state.source_label}"


@dataclass
class _Expected:
    files: dict[str, str]
    accepted: dict[str, set[str]]  # extra checksums that count as fresh (the package file's raw md5)
    walked: bool  # whether files missing from the manifest are reported (MG103)


def _file_kept(state: AppState, path: str) -> bool:
    """Present and bundleable: a file, or a symlink to one inside the app (escapes are reported)."""
    full = join(state.app, path)
    if state.tree.entry_kind(full) is None:
        return False
    return keep_listed(state.tree, state.app, path, state.warn, on_escape=state.on_escape)


def _voila_single_notebook(listed: Mapping[str, str | None], entrypoint: Any, package: str | None) -> bool:
    """A voila manifest written for one notebook lists only it, the package file and voila.json;
    one written for a directory lists the directory (the two are the same when that is all there is)."""
    return bool(entrypoint) and set(listed) <= {entrypoint, package, VOILA_CONFIG}


def _expected(state: AppState, listed: Mapping[str, str | None]) -> _Expected:
    metadata = state.document.get("metadata")
    appmode = metadata.get("appmode") if isinstance(metadata, Mapping) else None
    entrypoint = metadata.get("entrypoint") if isinstance(metadata, Mapping) else None
    keep = [path for path in listed if path != "manifest.json" and unsafe_path_reason(path) is None]
    extras = [path for path in keep if _bundleable(state, path)]
    package = package_file_of(state.document)
    package_checksum = None
    accepted: dict[str, set[str]] = {}
    if package is not None and _file_kept(state, package):
        raw = state.tree.read_bytes(join(state.app, package))
        processed = processed_requirements(raw, state.tree.display(join(state.app, package)))
        package_checksum = md5_of_bytes(processed.encode("utf-8", "surrogateescape"))
        accepted[package] = {md5_of_bytes(raw)}
    request = AppRequest(
        mode="api",
        app=state.app,
        excludes=tuple(state.excludes),
        extra_files=tuple(extras),
        ignored_by_git=state.ignored_by_git,
        on_symlink_escape=state.on_escape,
    )
    if appmode == NOTEBOOK_APPMODE and isinstance(entrypoint, str) and _file_kept(state, entrypoint):
        request = dataclasses.replace(request, mode="notebook", notebook=entrypoint)
        return _Expected(app_file_checksums(state.tree, request, package, package_checksum, state.warn), accepted, True)
    if appmode == VOILA_APPMODE and _voila_single_notebook(listed, entrypoint, package):
        if not _file_kept(state, str(entrypoint)):
            return _Expected(_listed_checksums(state, extras), accepted, False)
        request = dataclasses.replace(request, mode="voila", notebook=str(entrypoint))
        checksums = app_file_checksums(state.tree, request, package, package_checksum, state.warn)
        return _Expected(checksums, accepted, False)
    if appmode in WALKED_MODES:
        request = dataclasses.replace(request, mode=WALKED_MODES[appmode])
        return _Expected(app_file_checksums(state.tree, request, package, package_checksum, state.warn), accepted, True)
    files = _listed_checksums(state, extras)
    if package in files and package_checksum is not None:
        accepted[package] = {files[package]}
        files[package] = package_checksum
    return _Expected(files, accepted, False)


def _listed_checksums(state: AppState, paths: Sequence[str]) -> dict[str, str]:
    """Checksums of the listed files that can be bundled, for manifests that are not walked."""
    return {path: state.tree.md5(join(state.app, path)) for path in paths if _file_kept(state, path)}


def _line(state: AppState, *path: str) -> int:
    return state.loaded.line_of(tuple(path))


def check_files(state: AppState) -> Freshness:
    """MG101, MG102, MG103 with the edits that repair them, and MG502 for every escaping symlink."""
    listed = _listed(state.document)
    escapes: list[str] = []
    state = dataclasses.replace(state, on_escape=escapes.append)
    expected = _expected(state, listed)
    proposals: list[Proposal] = []
    manifest = state.display(state.manifest)

    def finding(code: str, subject: str, message: str, line: int, severity: Severity = Severity.ERROR) -> Finding:
        return Finding(code, manifest, manifest, line, message, severity, subject=subject)

    has_checksums = isinstance(state.document.get("files"), Mapping)
    package = package_file_of(state.document)
    escaped = {relative_to(path, state.app) for path in escapes}
    for path in sorted(escaped):
        shown = state.display(join(state.app, path))
        message = f"{shown}: the symlink resolves outside the app directory; remove it or exclude it"
        line = _line(state, "files", path) if path in listed else _line(state, "files")
        proposals.append(Proposal(finding("MG502", path, message, line)))
    for path, checksum in listed.items():
        if path == "manifest.json" or path in escaped or unsafe_path_reason(path) is not None:
            continue
        fresh = expected.files.get(path)
        if fresh is not None and (not has_checksums or checksum in (fresh, *expected.accepted.get(path, ()))):
            continue  # the common case: no message, no line lookup
        shown = state.display(join(state.app, path))
        line = _line(state, "files", path)
        if fresh is None:
            message = f"{shown}: listed in the manifest but {_missing_reason(state, path)}"
            if path == package:  # MG301's finding; dropping it would hide the real problem
                continue
            if has_checksums:
                proposals.append(Proposal(finding("MG102", path, message, line), DropFile(path)))
            else:
                proposals.append(Proposal(dataclasses.replace(finding("MG102", path, message, line), repairable=False)))
            continue
        was = "no checksum" if checksum is None else f"listed {checksum[:12]}"
        message = f"{shown}: content changed since the manifest was written ({was}, now {fresh[:12]})"
        if path == package:
            message += _dependency_changes(state, path)
        proposals.append(Proposal(finding("MG101", path, message, line), SetChecksum(path, fresh)))
    deployed = [path for path in expected.files if path in listed]
    if expected.walked and has_checksums:
        for path, fresh in expected.files.items():
            if path in listed or is_repository_tooling(state.app, path):
                continue
            files_line = _line(state, "files")
            shown = state.display(join(state.app, path))
            if state.is_new is None:
                message = f"{shown}: not listed in the manifest (no base commit to tell whether it is new)"
                unlisted = finding("MG103", path, message, files_line, Severity.WARNING)
                proposals.append(Proposal(unlisted, AddFile(path, fresh)))
                deployed.append(path)
            elif state.is_new(join(state.app, path)):
                message = f"{shown}: new file not listed in the manifest"
                proposals.append(Proposal(finding("MG103", path, message, files_line), AddFile(path, fresh)))
                deployed.append(path)
    return Freshness(proposals, list(expected.files), deployed)


def _dependency_changes(state: AppState, path: str) -> str:
    """``; dependencies: pandas 2.2.1 -> 2.2.2, + polars`` against the base tree, when there is one."""
    if state.base is None or not path.endswith((".txt", ".in")):
        return ""
    from manifest_guard.readers.requirement_diff import describe_changes
    from manifest_guard.readers.requirements import read_requirements

    def reader(tree: Tree) -> Callable[[str], bytes | None]:
        def read(relative: str) -> bytes | None:
            full = join(state.app, relative)
            return tree.read_bytes(full) if tree.is_file(full) else None

        return read

    old = read_requirements(reader(state.base), path)
    new = read_requirements(reader(state.tree), path)
    changes = describe_changes(old, new) if old is not None and new is not None else ""
    return f"; dependencies: {changes}" if changes else ""


def _current_requires(document: Mapping[str, Any]) -> Any:
    environment = document.get("environment")
    python = environment.get("python") if isinstance(environment, Mapping) else None
    return python.get("requires") if isinstance(python, Mapping) else None


def python_version_of(document: Mapping[str, Any]) -> Any:
    python = document.get("python")
    return python.get("version") if isinstance(python, Mapping) else None


def check_requires(state: AppState) -> list[Proposal]:
    """MG104: ``environment.python.requires`` against ``.python-version`` / pyproject / setup.cfg.

    A manifest whose requires is ``==<python.version>`` (rsconnect's --override-python-version)
    is left alone, and with no source file there is nothing to compare.
    """
    if not isinstance(state.document.get("python"), Mapping):
        return []
    wanted, source = find_python_requires(state.tree, state.app, state.warn)
    if wanted is None or source is None:
        return []
    current = _current_requires(state.document)
    if current == wanted or (isinstance(current, str) and current == f"=={python_version_of(state.document)}"):
        return []
    manifest = state.display(state.manifest)
    nearest = [("environment", "python", "requires"), ("environment", "python"), ("environment",), ("python",)]
    line = next((state.loaded.lines[path] for path in nearest if path in state.loaded.lines), 1)
    shown = "missing" if current is None else repr(current)
    message = (
        f"environment.python.requires is {shown} but {state.display(source)} says {wanted!r}"
    )
    finding = Finding("MG104", manifest, manifest, line, message, subject="environment.python.requires")
    return [Proposal(finding, SetRequires(wanted))]
