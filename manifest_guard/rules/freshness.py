"""MG101-MG103: does the manifest still describe the files of the tree?

The expected file set comes from the one engine (``engine.app_file_checksums``), so ``check``
and ``write`` can never disagree about which files belong to an app or what their checksums are.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from manifest_guard.catalogue.appmodes import DOCUMENT_APPMODES, R_CONTENT_APPMODES, WRITE_MODES, appmode_of
from manifest_guard.catalogue.codes import Severity
from manifest_guard.catalogue.development_files import development_kind
from manifest_guard.catalogue.documentation_files import documentation_kinds
from manifest_guard.catalogue.exclusions import is_repository_tooling
from manifest_guard.catalogue.findings import Finding
from manifest_guard.engine.bundle import SUBMODULE_NOTE, UNLISTABLE_ADVICE, UnlistableHandler, keep_listed
from manifest_guard.engine.compute import AppRequest, app_file_checksums
from manifest_guard.engine.document_content import DocumentContent, nested_app_of
from manifest_guard.engine.edits import AddFile, DropFile, Proposal, SetChecksum
from manifest_guard.engine.image_references import unnamed_images
from manifest_guard.engine.package_file import processed_requirements
from manifest_guard.engine.safe_paths import unsafe_path_reason
from manifest_guard.foundation.checksums import md5_of_bytes, md5_of_text
from manifest_guard.foundation.errors import MalformedFile
from manifest_guard.foundation.jsonpos import LoadedJson
from manifest_guard.foundation.line_endings import OtherForm, to_crlf, to_lf
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
    ignored_by_git: Callable[[str], bool] = field(default=lambda _path: False)  # ignored files on disk
    would_ignore: Callable[[str], bool] = field(default=lambda _path: False)  # the checked tree's ignore rules
    disk_only: Callable[[], frozenset[str]] = field(default=frozenset)  # app files on disk, not in the tree
    is_new: Callable[[str], bool] | None = None  # None: no base to tell
    warn: Warn = field(default=lambda _message: None)
    on_escape: Callable[[str], None] | None = None  # receives tree paths of symlinks leaving the app
    on_unlistable: UnlistableHandler = None  # receives app files whose names no files key may hold, and why
    base: Tree | None = None  # the tree "new" is measured against (HEAD for the index), for dependency diffs
    known_first_party: Sequence[str] = ()
    dev_files: Sequence[str] | None = None  # gitignore patterns of development files; None: the defaults
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


def _submodule_holding(state: AppState, path: str) -> str | None:
    """The app-relative submodule (gitlink) that ``path`` lies in, if any."""
    parts = path.split("/")
    for depth in range(1, len(parts)):
        directory = "/".join(parts[:depth])
        if state.tree.entry_kind(join(state.app, directory)) is EntryKind.GITLINK:
            return directory
    return None


IGNORED_ADVICE = ("so Connect's git import will not have it: build it before deploying (not from git), commit it "
                  "(`git add -f`), or drop it from the manifest")  # fmt: skip


def _missing_reason(state: AppState, path: str) -> str:
    full = join(state.app, path)
    submodule = _submodule_holding(state, path)
    if submodule is not None:
        return f"is inside {submodule}, {SUBMODULE_NOTE}"
    if state.tree.is_dir(full):
        return "is a directory"
    if state.tree.entry_kind(full) is not None:
        if state.ignored_by_git(path):
            return f"is ignored by git, {IGNORED_ADVICE}"
        return "is not a regular file (special file or broken symlink)"
    if state.would_ignore(path):
        return f"is not in {state.source_label} and git ignores it, {IGNORED_ADVICE}"
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
    appmode = appmode_of(state.document)
    entrypoint = metadata.get("entrypoint") if isinstance(metadata, Mapping) else None
    keep = [path for path in listed if path != "manifest.json" and unsafe_path_reason(path) is None]
    extras = [path for path in keep if _bundleable(state, path)]
    package = package_file_of(state.document)
    package_checksum = None
    accepted: dict[str, set[str]] = {}
    if package is not None and _file_kept(state, package):
        raw_checksum = state.tree.md5(join(state.app, package))  # of the blob: cached across runs in git
        accepted[package] = {raw_checksum}
        if listed.get(package) == raw_checksum:
            package_checksum = raw_checksum  # fresh either way: no need to read and process a big file
        else:
            full = join(state.app, package)
            package_checksum = _processed_checksum(state.tree.read_bytes(full), state.tree.display(full))
    request = AppRequest(
        mode="api",
        app=state.app,
        excludes=tuple(state.excludes),
        extra_files=tuple(extras),
        ignored_by_git=state.ignored_by_git,
        on_symlink_escape=state.on_escape,
        on_unlistable=state.on_unlistable,
    )
    # The notebook and single-notebook voila paths list extra files without a walk, and an extra file is
    # hashed raw: the package file goes in as the package file, so its processed checksum counts too.
    unwalked = dataclasses.replace(request, extra_files=tuple(path for path in extras if path != package))
    if appmode == NOTEBOOK_APPMODE and isinstance(entrypoint, str) and _file_kept(state, entrypoint):
        request = dataclasses.replace(unwalked, mode="notebook", notebook=entrypoint)
        return _Expected(app_file_checksums(state.tree, request, package, package_checksum, state.warn), accepted, True)
    if appmode == VOILA_APPMODE and _voila_single_notebook(listed, entrypoint, package):
        if not _file_kept(state, str(entrypoint)):
            return _Expected(_listed_checksums(state, extras), accepted, False)
        request = dataclasses.replace(unwalked, mode="voila", notebook=str(entrypoint))
        checksums = app_file_checksums(state.tree, request, package, package_checksum, state.warn)
        return _Expected(checksums, accepted, False)
    if appmode in WALKED_MODES or appmode in R_CONTENT_APPMODES:
        r_content = appmode in R_CONTENT_APPMODES
        request = dataclasses.replace(request, mode=WALKED_MODES.get(appmode, "api"), r_content=r_content)
        return _Expected(app_file_checksums(state.tree, request, package, package_checksum, state.warn), accepted, True)
    files = _listed_checksums(state, extras)
    if package in files and package_checksum is not None:
        accepted[package] = {files[package]}
        files[package] = package_checksum
    return _Expected(files, accepted, False)


def _processed_checksum(raw: bytes, display: str) -> str:
    """The md5 rsconnect-python writes for a package file; the raw md5 when it cannot decode the file
    (MG302 reports that at its line)."""
    try:
        processed = processed_requirements(raw, display)
    except MalformedFile:
        return md5_of_bytes(raw)
    return md5_of_text(processed)


def _listed_checksums(state: AppState, paths: Sequence[str]) -> dict[str, str]:
    """Checksums of the listed files that can be bundled, for manifests that are not walked."""
    return {path: state.tree.md5(join(state.app, path)) for path in paths if _file_kept(state, path)}


def _line(state: AppState, *path: str) -> int:
    return state.loaded.line_of(tuple(path))


class _OtherForms:
    """The other line-ending form of the app's files (see ``foundation.line_endings``), each computed at
    most once and only when asked: for a listed checksum that is not the file's own md5, or to learn
    which form a manifest that already holds converted checksums uses."""

    def __init__(self, state: AppState, package: str | None) -> None:
        self._state = state
        self._package = package
        self._forms: dict[str, OtherForm | None] = {}
        self._package_bytes_md5: str | None = None  # the converted package file's own md5, also accepted

    def of(self, paths: Sequence[str]) -> dict[str, OtherForm]:
        """The paths (app-relative) that have another form, with its md5 (rsconnect's processed text
        for the package file)."""
        wanted = [path for path in dict.fromkeys(paths) if path not in self._forms]
        regular = [path for path in wanted if path != self._package]
        if regular:
            found = self._state.tree.converted_md5s([join(self._state.app, path) for path in regular])
            for path in regular:
                self._forms[path] = found.get(join(self._state.app, path))
        if self._package is not None and self._package in wanted:
            self._forms[self._package] = self._package_form(self._package)
        forms = {path: self._forms[path] for path in paths}
        return {path: form for path, form in forms.items() if form is not None}

    def matching(self, listed: Mapping[str, str]) -> list[str]:
        """The paths whose listed checksum is the md5 of their other form. A checksum that is not even
        the md5 of the content converted unconditionally is rejected before git's attributes are read."""
        app = self._state.app
        regular = {join(app, path): checksum for path, checksum in listed.items() if path != self._package}
        found = self._state.tree.converted_md5s(list(regular), matching=regular) if regular else {}
        matched = [path for path in listed if path != self._package and join(app, path) in found]
        for path in matched:
            self._forms[path] = found[join(app, path)]
        package = listed.get(self._package) if self._package is not None else None
        if self._package is not None and package is not None and self._package_may_match(self._package, package):
            form = self.of([self._package]).get(self._package)
            if form is not None and package in (form.md5, self._package_bytes_md5):
                matched.append(self._package)
        return matched

    def _package_may_match(self, package: str, checksum: str) -> bool:
        full = join(self._state.app, package)
        data = self._state.tree.read_bytes(full)
        for converted in {to_crlf(data), to_lf(data)} - {data}:
            if checksum in (md5_of_bytes(converted), _processed_checksum(converted, self._state.tree.display(full))):
                return True
        return False

    def _package_form(self, package: str) -> OtherForm | None:
        full = join(self._state.app, package)
        converted = self._state.tree.converted_bytes(full)
        if converted is None:
            return None
        data, ending = converted
        self._package_bytes_md5 = md5_of_bytes(data)
        return OtherForm(_processed_checksum(data, self._state.tree.display(full)), ending)


def _writes_other_form(forms: _OtherForms, converted: Sequence[str], own: Sequence[str]) -> bool:
    """Whether the manifest's text files mostly list their other line-ending form (written on Windows):
    then ``fix`` writes that form too, so manifests do not churn between machines."""
    return bool(converted) and len(converted) > len(forms.of(own))


def _earlier_form(state: AppState, path: str, checksum: str | None) -> str:
    """``, the earlier content with CRLF line endings`` when the listed checksum is exactly that."""
    full = join(state.app, path)
    if checksum is None or state.base is None or not state.base.is_file(full):
        return ""
    form = state.base.converted_md5s([full], matching={full: checksum}).get(full)
    return f", its earlier content with {form.ending} line endings" if form else ""


def check_files(state: AppState) -> Freshness:
    """MG101, MG102, MG103 with the edits that repair them, and MG502 for every escaping symlink.

    A listed checksum is fresh when it is the md5 of the file's content or of its other line-ending
    form (a manifest written on Windows lists the CRLF checkout of files git stores with LF)."""
    listed = _listed(state.document)
    escapes: list[str] = []
    unlistable: dict[str, str] = {}
    state = dataclasses.replace(state, on_escape=escapes.append, on_unlistable=unlistable.__setitem__)
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
    own: list[str] = []  # listed checksums that are the md5 of the file's content
    stale: list[str] = []  # everything else in the bundle
    for path, checksum in listed.items():
        if path == "manifest.json" or path in escaped or unsafe_path_reason(path) is not None:
            continue
        fresh = expected.files.get(path)
        if fresh is not None and (not has_checksums or checksum in (fresh, *expected.accepted.get(path, ()))):
            own.append(path)  # the common case: no message, no line lookup
        else:
            stale.append(path)
    forms = _OtherForms(state, package)
    mismatched = {path: listed[path] for path in stale if path in expected.files and has_checksums}
    converted = forms.matching({path: checksum for path, checksum in mismatched.items() if checksum is not None})
    stale = [path for path in stale if path not in converted]
    unlisted = [path for path in expected.files if path not in listed and not is_repository_tooling(state.app, path)]
    unlisted = unlisted if expected.walked else []
    unlisted = [path for path in unlisted if state.is_new is None or state.is_new(join(state.app, path))]
    in_document_app = bool(unlisted) and appmode_of(state.document) in DOCUMENT_APPMODES
    content = DocumentContent(state.tree, state.app, state.document) if in_document_app else None
    unlisted = _not_other_content(state, unlisted, content)
    separate = _separate_documents(state, unlisted, content)
    unlisted = [path for path in unlisted if path not in separate]
    kind_of = {path: development_kind(path, state.app) for path in unlisted} if state.is_new else {}
    development = {path: kind for path, kind in kind_of.items() if kind}
    unlisted = [path for path in unlisted if path not in development]
    unnamed = _unnamed_images(state, unlisted, expected.files, listed) if state.is_new else set()
    unlisted = [path for path in unlisted if path not in unnamed]
    left_out = _documentation_left_out(state, expected.files, listed) if unlisted else {}
    curated = {path: sorted(documentation_kinds(path) & left_out.keys()) for path in unlisted}
    curated = {path: kinds for path, kinds in curated.items() if kinds}
    unlisted = [path for path in unlisted if path not in curated]
    left_out_dirs = _directories_left_out(state, expected.files, listed) if unlisted and state.is_new else {}
    in_left_out = {path: directory for path in unlisted if (directory := _left_out_parent(path, left_out_dirs))}
    new_manifest = bool(unlisted) and state.is_new is not None and state.is_new(state.manifest)
    unlisted = [path for path in unlisted if path not in in_left_out]
    refreshed = [*(path for path in stale if path in expected.files), *(unlisted if has_checksums else [])]
    written = dict(expected.files)
    if refreshed and _writes_other_form(forms, converted, own):
        written.update({path: form.md5 for path, form in forms.of(refreshed).items()})
    for path in stale:
        checksum = listed[path]
        fresh = expected.files.get(path)
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
        was = "no checksum" if checksum is None else f"listed {checksum[:12]}{_earlier_form(state, path, checksum)}"
        now = f"now {written[path][:12]}"
        if written[path] != fresh:
            now += f" with {forms.of([path])[path].ending} line endings, the form the manifest uses"
        message = f"{shown}: content changed since the manifest was written ({was}, {now})"
        if path == package:
            message += _dependency_changes(state, path)
        proposals.append(Proposal(finding("MG101", path, message, line), SetChecksum(path, written[path])))
    deployed = [path for path in expected.files if path in listed]
    for path, directory in in_left_out.items():  # a new file in a directory the manifest leaves out
        shown = state.display(join(state.app, path))
        message = (f"{shown}: new file in {directory}/, which the manifest leaves out (none of its "
                   f"{left_out_dirs[directory]} committed files is listed); list it if the app reads it")  # fmt: skip
        proposals.append(Proposal(finding("MG103", path, message, _line(state, "files"), Severity.WARNING)))
    for path, kind in development.items():  # a README, Makefile or test: Connect does not need it
        shown = state.display(join(state.app, path))
        message = (f"{shown}: new {kind} file not listed in the manifest; Connect does not need it unless the "
                   "app reads it: list it if so")  # fmt: skip
        proposals.append(Proposal(finding("MG103", path, message, _line(state, "files"), Severity.WARNING)))
    for path in sorted(unnamed):  # a screenshot or thumbnail: no file of the app names it
        shown = state.display(join(state.app, path))
        message = (f"{shown}: new image not listed in the manifest that no file of the app names (a screenshot "
                   "or a gallery thumbnail?); list it if the app shows it")  # fmt: skip
        proposals.append(Proposal(finding("MG103", path, message, _line(state, "files"), Severity.WARNING)))
    for path, primary in separate.items():  # another document beside a single-document manifest's own
        shown = state.display(join(state.app, path))
        message = (f"{shown}: new document not listed in the manifest, which deploys {primary}; list it if "
                   f"{primary} includes it, or give it a manifest of its own")  # fmt: skip
        proposals.append(Proposal(finding("MG103", path, message, _line(state, "files"), Severity.WARNING)))
    for path, kinds in curated.items():  # a new file of a documentation kind the manifest leaves out
        shown = state.display(join(state.app, path))
        message = (f"{shown}: new file not listed in the manifest, like {left_out[kinds[0]]} (a {kinds[0]} file "
                   "the manifest leaves out); list it if the app reads it")  # fmt: skip
        proposals.append(Proposal(finding("MG103", path, message, _line(state, "files"), Severity.WARNING)))
    for path in unlisted:
        shown = state.display(join(state.app, path))
        if state.is_new is None:
            message = f"{shown}: not listed in the manifest (no base commit to tell whether it is new)"
            unlisted_finding = finding("MG103", path, message, _line(state, "files"), Severity.WARNING)
        elif new_manifest:  # the manifest is new too: what its author left out was chosen, not forgotten
            message = f"{shown}: not listed in the manifest, which is new in this change"
            unlisted_finding = finding("MG103", path, message, _line(state, "files"), Severity.WARNING)
        else:
            message = f"{shown}: new file not listed in the manifest"
            unlisted_finding = finding("MG103", path, message, _line(state, "files"))
        deployed.append(path)
        if has_checksums:
            proposals.append(Proposal(unlisted_finding, AddFile(path, written[path])))
        else:  # `files` is a list (or malformed): fix cannot add an entry, but the file is still unlisted
            proposals.append(Proposal(dataclasses.replace(unlisted_finding, repairable=False)))
    proposals.extend(_unlistable_files(state, unlistable, listed))
    return Freshness(proposals, list(expected.files), deployed)


def _not_other_content(state: AppState, unlisted: list[str], content: DocumentContent | None) -> list[str]:
    """Leave out what is not this app's to list: files of a nested app (a directory with a manifest of its
    own) and, for R Markdown and Quarto (``content``), what a local render writes (Connect renders on the
    server)."""
    seen: dict[str, bool] = {}
    kept = [path for path in unlisted if nested_app_of(state.tree, state.app, path, seen) is None]
    return [path for path in kept if not content.is_render_output(path)] if content is not None else kept


def _separate_documents(state: AppState, unlisted: list[str], content: DocumentContent | None) -> dict[str, str]:
    """New documents beside the primary document of a single-document R Markdown or Quarto manifest
    (path -> the primary document): most often separate content, so a warning rather than an error."""
    if content is None or content.primary is None or state.is_new is None:
        return {}
    return {path: content.primary for path in unlisted if content.is_separate_document(path)}


def _unnamed_images(
    state: AppState, unlisted: Sequence[str], files: Mapping[str, str], listed: Mapping[str, Any]
) -> set[str]:
    """New images that no file of the app names (documentation and gallery files aside)."""
    return unnamed_images(unlisted, list(files), listed, state.tree, state.app,
                          lambda path: development_kind(path, state.app) is None)  # fmt: skip


def _directories_left_out(state: AppState, expected: Mapping[str, str], listed: Mapping[str, Any]) -> dict[str, int]:
    """Directories (app-relative) that hold files committed at the base of which none is listed:
    the manifest leaves them out on purpose (front-end sources beside a listed ``dist/``, notes),
    directory -> how many such files."""
    assert state.is_new is not None
    committed: dict[str, int] = {}
    has_listed: set[str] = set()
    for path in expected:
        parts = path.split("/")[:-1]
        ancestors = ["/".join(parts[: depth + 1]) for depth in range(len(parts))]
        if path in listed:
            has_listed.update(ancestors)
        elif not state.is_new(join(state.app, path)):
            for directory in ancestors:
                committed[directory] = committed.get(directory, 0) + 1
    return {directory: count for directory, count in committed.items() if directory not in has_listed}


def _left_out_parent(path: str, left_out: Mapping[str, int]) -> str | None:
    """The outermost directory of ``path`` that the manifest leaves out, if any."""
    parts = path.split("/")[:-1]
    ancestors = ("/".join(parts[: depth + 1]) for depth in range(len(parts)))
    return next((directory for directory in ancestors if directory in left_out), None)


def _documentation_left_out(state: AppState, expected: Mapping[str, str], listed: Mapping[str, Any]) -> dict[str, str]:
    """Documentation kinds (README, CHANGELOG, Markdown, ...) of which the manifest already leaves a
    committed file out (kind -> one such file): a curated manifest's deliberate choice."""
    if state.is_new is None:
        return {}
    is_new = state.is_new
    left_out: dict[str, str] = {}
    for path in expected:
        if path in listed or not documentation_kinds(path):
            continue
        if not is_new(join(state.app, path)):
            for kind in documentation_kinds(path):
                left_out.setdefault(kind, path)
    return left_out


def _unlistable_files(state: AppState, unlistable: Mapping[str, str], listed: Mapping[str, Any]) -> list[Proposal]:
    """MG103 without a repair for a new file whose name no ``files`` key may hold (MG005 would reject
    the key): ``fix`` cannot list it, so the author must rename or exclude it."""
    proposals = []
    manifest = state.display(state.manifest)
    for path, reason in sorted(unlistable.items()):
        full = join(state.app, path)
        if path in listed or (state.is_new is not None and not state.is_new(full)):
            continue  # listed: MG005 reports the key; at the base already: the author's choice, like MG103
        severity = Severity.WARNING if state.is_new is None else Severity.ERROR
        shown = state.display(full)
        message = f"{shown}: new file that the manifest cannot list: the name {reason}; {UNLISTABLE_ADVICE}"
        line = _line(state, "files")
        proposals.append(Proposal(Finding("MG103", manifest, manifest, line, message, severity, subject=path)))
    return proposals


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

    def sizer(tree: Tree) -> Callable[[str], int | None]:
        def size(relative: str) -> int | None:
            full = join(state.app, relative)
            return tree.size(full) if tree.is_file(full) else None

        return size

    old = read_requirements(reader(state.base), path, size=sizer(state.base))
    new = read_requirements(reader(state.tree), path, size=sizer(state.tree))
    if old is None or new is None or old.too_big or new.too_big:
        return ""
    changes = describe_changes(old, new) if old is not None and new is not None else ""
    return f"; dependencies: {changes}" if changes else ""


def python_version_of(document: Mapping[str, Any]) -> Any:
    python = document.get("python")
    return python.get("version") if isinstance(python, Mapping) else None
