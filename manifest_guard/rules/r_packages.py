"""MG309-MG312: an R app's manifest against its ``renv.lock`` (packages, R version, R requirement).

The R rsconnect package writes ``packages`` from the installed library and the R session's
repositories, so a manifest rarely equals its lockfile to the letter: repository URLs come from the
session, a GitHub package has no Repository, a lockfile may hold packages the app does not use. Every
comparison therefore follows the base: a disagreement already committed there is the maintainer's
state and is quiet, only one this change brings is reported (a warning without a base to tell).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from manifest_guard.catalogue.appmodes import R_CONTENT_APPMODES, appmode_of
from manifest_guard.catalogue.codes import Severity
from manifest_guard.catalogue.findings import Finding
from manifest_guard.engine.edits import Proposal, SetPackages
from manifest_guard.engine.r_packages import convert_lockfile, repository_urls, source_and_repository
from manifest_guard.readers.renv_lock import LOCKFILE, InvalidLockfile, RenvLock, parse_renv_lock
from manifest_guard.repository.trees import Tree, join
from manifest_guard.rules.freshness import AppState

NO_BASE = " (no base commit to tell whether the difference is new)"
REGENERATE = "; run `rsconnect::writeManifest()`"
SHOWN_DIFFERENCES = 12
# Sources that name where a package came from other than a package repository (compared by name).
REMOTE_SOURCES = frozenset({"github", "gitlab", "bitbucket", "git", "url", "local"})
# renv records itself in the lockfile; R rsconnect leaves it out of packages on purpose.
UNLISTED_BY_RSCONNECT = frozenset({"renv"})


@dataclass(frozen=True)
class Difference:
    """One way packages and the lockfile disagree: ``added`` is in the lockfile only, ``removed`` in
    packages only; ``version``, ``source`` and ``repository`` hold the manifest's and the lockfile's value."""

    kind: str
    package: str
    manifest: str = ""
    lockfile: str = ""

    @property
    def key(self) -> tuple[str, ...]:
        """What makes it the same disagreement at the base: a repository URL pair is one choice of the
        maintainer's R session, whichever packages it covers."""
        if self.kind == "repository":
            return (self.kind, self.manifest, self.lockfile)
        if self.kind in ("added", "removed"):
            return (self.kind, self.package)
        return (self.kind, self.package, self.manifest, self.lockfile)


@dataclass(frozen=True)
class _Side:
    """The manifest and lockfile of one tree (None where absent or unreadable)."""

    document: Mapping[str, Any] | None
    lock_bytes: bytes | None
    lock: RenvLock | None


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def packages_of(document: Mapping[str, Any] | None) -> Mapping[str, Any]:
    packages = document.get("packages") if document is not None else None
    return packages if isinstance(packages, Mapping) else {}


def in_scope(document: Mapping[str, Any]) -> bool:
    """R content, or any manifest with R packages (Python content running R through rpy2)."""
    return appmode_of(document) in R_CONTENT_APPMODES or bool(packages_of(document))


def _source_kind(source: str) -> str | None:
    lowered = source.lower()
    if not lowered or lowered == "source":  # packrat's "source" says nothing about where from
        return None
    if lowered == "bioconductor" or lowered in REMOTE_SOURCES:
        return lowered
    return "repository"


def differences(packages: Mapping[str, Any], lock: RenvLock) -> list[Difference]:
    """Every disagreement between a manifest's packages and a lockfile, by package name."""
    urls = repository_urls(lock.raw)
    found = [Difference("removed", name) for name in packages if name not in lock.packages]
    for name, locked in lock.packages.items():
        if name not in packages:
            if name not in UNLISTED_BY_RSCONNECT:
                found.append(Difference("added", name, lockfile=locked.version or ""))
            continue
        entry = packages[name] if isinstance(packages[name], Mapping) else {}
        description = entry.get("description")
        version = _text(description.get("Version")) if isinstance(description, Mapping) else ""
        if version and locked.version and version != locked.version:
            found.append(Difference("version", name, version, locked.version))
        source, url = source_and_repository(locked.record, urls)
        listed_source, listed_url = _text(entry.get("Source")), _text(entry.get("Repository"))
        kinds = (_source_kind(listed_source), _source_kind(source))
        if None not in kinds and kinds[0] != kinds[1]:
            found.append(Difference("source", name, listed_source, source))
        elif kinds == ("repository", "repository") and listed_url and url and listed_url.rstrip("/") != url.rstrip("/"):
            found.append(Difference("repository", name, listed_url.rstrip("/"), url.rstrip("/")))
    return sorted(found, key=lambda difference: (difference.package.lower(), difference.kind))


def _shown(found: Sequence[Difference]) -> str:
    """``+ dplyr 1.1.4, ~ shiny 1.8.0 -> 1.9.1, - httr``; packages sharing a repository change in one part."""
    parts = []
    by_repository: dict[tuple[str, ...], list[str]] = {}
    for difference in found:
        if difference.kind == "repository":
            by_repository.setdefault(difference.key, []).append(difference.package)
        elif difference.kind == "added":
            parts.append(f"+ {difference.package} {difference.lockfile}".rstrip())
        elif difference.kind == "removed":
            parts.append(f"- {difference.package}")
        elif difference.kind == "version":
            parts.append(f"~ {difference.package} {difference.manifest} -> {difference.lockfile}")
        else:
            parts.append(f"~ {difference.package} source {difference.manifest} -> {difference.lockfile}")
    for (_, listed, locked), names in by_repository.items():
        listing = ", ".join(names[:3]) + (", ..." if len(names) > 3 else "")
        who = names[0] if len(names) == 1 else f"{len(names)} packages ({listing})"
        parts.append(f"~ {who} repository {listed} -> {locked}")
    more = len(parts) - SHOWN_DIFFERENCES
    return ", ".join(parts[:SHOWN_DIFFERENCES]) + (f" and {more} more" if more > 0 else "")


def _read_lock(tree: Tree, path: str) -> tuple[bytes | None, RenvLock | None]:
    if not tree.is_file(path):
        return None, None
    data = tree.read_bytes(path)
    try:
        return data, parse_renv_lock(data, path)
    except InvalidLockfile:
        return data, None


def _base_side(state: AppState) -> _Side | None:
    """The manifest and lockfile at the base; None without a base."""
    if state.base is None:
        return None
    document = None
    if state.base.is_file(state.manifest):
        try:
            loaded = json.loads(state.base.read_bytes(state.manifest))
        except (ValueError, RecursionError):
            loaded = None
        document = loaded if isinstance(loaded, dict) else None
    lock_bytes, lock = _read_lock(state.base, join(state.app, LOCKFILE))
    return _Side(document, lock_bytes, lock)


def _severity(base: _Side | None) -> tuple[Severity, str]:
    """An error when the base tells what is new; a warning without a base or for a manifest new in the change."""
    if base is None or base.document is None:
        return Severity.WARNING, NO_BASE
    return Severity.ERROR, ""


def _invalid(state: AppState, problem: InvalidLockfile) -> Proposal:
    manifest, shown = state.display(state.manifest), state.display(join(state.app, LOCKFILE))
    message = f"{shown}: {problem.detail}; its packages cannot be compared with the manifest's"
    finding = Finding("MG310", manifest, shown, problem.line, message, column=problem.column, subject=LOCKFILE)
    return Proposal(finding)


def _certain_edit(state: AppState, lock: RenvLock, base: _Side | None) -> SetPackages | None:
    """Regenerating packages is certain only where they were written from the lockfile: the base
    manifest's packages are exactly the base lockfile's conversion."""
    if base is None or base.lock is None or not packages_of(base.document):
        return None
    before, now = convert_lockfile(base.lock.raw), convert_lockfile(lock.raw)
    if not (before.complete and now.complete) or before.packages != packages_of(base.document):
        return None
    changed = "platform" in state.document and lock.r_version != state.document.get("platform")
    return SetPackages(now.packages, lock.r_version if changed else None)


# Differences that say nothing once packages were rewritten (or without a base to tell): R rsconnect takes
# repository URLs from the R session and, without a usable lockfile, writes only the packages the code uses.
SESSION_DIFFERENCES = ("added", "repository")
LIBRARY_ADVICE = ("; packages were rewritten in this change from an R library that is not in sync with renv.lock: "
                  "run `renv::restore()` (or `renv::snapshot()`), then `rsconnect::writeManifest()`")  # fmt: skip


def _packages_finding(state: AppState, lock: RenvLock, lock_bytes: bytes, base: _Side | None) -> list[Proposal]:
    packages = packages_of(state.document)
    before = packages_of(base.document) if base is not None else {}
    if not packages and (not before or not lock.packages):
        return []  # an R manifest without packages on purpose (static output, a rendered document)
    found = differences(packages, lock)
    if base is not None and base.document is not None and base.lock is not None:
        known = {difference.key for difference in differences(before, base.lock)}
        found = [difference for difference in found if difference.key not in known]
    rewritten = base is None or base.document is None or (before != packages and bool(packages))
    if rewritten:
        found = [difference for difference in found if difference.kind not in SESSION_DIFFERENCES]
    if not found:
        return []
    severity, suffix = _severity(base)
    message = f"renv.lock and packages disagree: {_shown(found)}"
    if base is not None and not rewritten and base.lock_bytes is not None and base.lock_bytes != lock_bytes:
        message = f"renv.lock changed in this change but packages did not; {message}"
    edit = _certain_edit(state, lock, base)
    if edit is None:
        message += suffix + (LIBRARY_ADVICE if rewritten and suffix == "" else REGENERATE)
    else:
        message += suffix
    manifest = state.display(state.manifest)
    line = state.loaded.line_of(("packages",))
    return [Proposal(Finding("MG309", manifest, manifest, line, message, severity, subject="packages"), edit)]


def _platform_at(base: _Side | None) -> tuple[Any, str | None] | None:
    if base is None or base.document is None or base.lock is None:
        return None
    return base.document.get("platform"), base.lock.r_version


def _minor(version: str) -> list[str]:
    return version.split(".")[:2]


def _platform_finding(state: AppState, lock: RenvLock, base: _Side | None) -> list[Proposal]:
    """The lockfile's R version changed while platform did not, or the two differ beyond a patch release
    (R rsconnect writes platform from the R session, so a patch apart is the session, not a stale manifest)."""
    platform = state.document.get("platform")
    if not isinstance(platform, str) or not lock.r_version or platform == lock.r_version:
        return []
    before = _platform_at(base)
    if before == (platform, lock.r_version):
        return []
    lock_driven = before is not None and before[0] == platform
    if not lock_driven and _minor(platform) == _minor(lock.r_version):
        return []
    manifest = state.display(state.manifest)
    message = f"platform is {platform!r} but renv.lock records R {lock.r_version}"
    message += ("" if base is not None and base.document is not None else NO_BASE) + REGENERATE
    line = state.loaded.line_of(("platform",))
    return [Proposal(Finding("MG311", manifest, manifest, line, message, Severity.WARNING, subject="platform"))]


def _r_requires(document: Mapping[str, Any] | None) -> str | None:
    environment = document.get("environment") if document is not None else None
    r_section = environment.get("r") if isinstance(environment, Mapping) else None
    requires = r_section.get("requires") if isinstance(r_section, Mapping) else None
    return requires if isinstance(requires, str) else None


_R_DEPENDS = re.compile(r"(?:^|,)\s*R\s*\(([^)]*)\)")


def description_r_constraint(data: bytes) -> str | None:
    """The R version constraint in a DESCRIPTION's Depends (``R (>= 3.5.0)`` -> ``>= 3.5.0``), as rsconnect reads it."""
    text = data.decode("utf-8", "replace")
    fields: dict[str, str] = {}
    name = None
    for line in text.splitlines():
        if line[:1] in (" ", "\t") and name is not None:
            fields[name] += " " + line.strip()
        elif ":" in line:
            name, _, value = line.partition(":")
            name = name.strip()
            fields[name] = value.strip()
    match = _R_DEPENDS.search(fields.get("Depends", ""))
    return match.group(1).strip() if match else None


def _contradiction(requires: str, lock: RenvLock, described: str | None) -> str | None:
    """Why ``requires`` clearly cannot be what rsconnect derives: it excludes the lockfile's R, or it
    shares no R release with the DESCRIPTION's constraint. None when it does not (or does not parse)."""
    from packaging.specifiers import InvalidSpecifier, SpecifierSet
    from packaging.version import InvalidVersion, Version

    try:
        allowed = SpecifierSet(requires)
    except InvalidSpecifier:
        return None
    if lock.r_version:
        try:
            if not allowed.contains(Version(lock.r_version), prereleases=True):
                return f"renv.lock records R {lock.r_version}"
        except InvalidVersion:
            pass
    if described is not None:
        try:
            declared = SpecifierSet(described.replace(" ", ""))
        except InvalidSpecifier:
            return None
        releases = [Version(f"{major}.{minor}.{patch}") for major in (3, 4, 5) for minor in range(10)
                    for patch in range(6)]  # fmt: skip
        if not any(release in allowed and release in declared for release in releases):
            return f"DESCRIPTION depends on R ({described})"
    return None


def _derived(lock: RenvLock, described: str | None) -> str | None:
    """What R rsconnect writes: the DESCRIPTION's constraint, else ``~=X.Y.0`` of the lockfile's R."""
    if described is not None:
        return described
    parts = (lock.r_version or "").split(".")
    return f"~={'.'.join([*parts[:2], '0'])}" if lock.r_version else None


def _described_at(tree: Tree, app: str) -> str | None:
    path = join(app, "DESCRIPTION")
    return description_r_constraint(tree.read_bytes(path)) if tree.is_file(path) else None


def _requires_at(state: AppState, base: _Side | None) -> tuple[str, str | None] | None:
    """The base's requires and why it contradicted its lockfile (None when it did not)."""
    requires = _r_requires(base.document) if base is not None else None
    if state.base is None or base is None or base.lock is None or requires is None:
        return None
    return requires, _contradiction(requires, base.lock, _described_at(state.base, state.app))


def _requires_finding(state: AppState, lock: RenvLock, base: _Side | None) -> list[Proposal]:
    requires = _r_requires(state.document)
    if requires is None:
        return []
    described = _described_at(state.tree, state.app)
    why = _contradiction(requires, lock, described)
    if why is None:
        return []
    if _requires_at(state, base) == (requires, why):
        return []
    manifest = state.display(state.manifest)
    derived = _derived(lock, described)
    message = f"environment.r.requires is {requires!r} but {why}"
    message += f" (rsconnect writes {derived!r})" if derived else ""
    message += "" if base is not None and base.document is not None else NO_BASE
    line = state.loaded.line_of(("environment", "r", "requires"))
    finding = Finding("MG312", manifest, manifest, line, message, Severity.WARNING, subject="environment.r.requires")
    return [Proposal(finding)]


def check_r_packages(state: AppState) -> list[Proposal]:
    """MG310 for an renv.lock that does not parse; else MG309, MG311 and MG312 for what the manifest
    says against it. Nothing without an renv.lock in the app directory."""
    if not in_scope(state.document):
        return []
    path = join(state.app, LOCKFILE)
    if not state.tree.is_file(path):
        return []
    lock_bytes = state.tree.read_bytes(path)
    try:
        lock = parse_renv_lock(lock_bytes, state.display(path))
    except InvalidLockfile as problem:
        return [_invalid(state, problem)]
    base = _base_side(state)
    return [*_packages_finding(state, lock, lock_bytes, base), *_platform_finding(state, lock, base),
            *_requires_finding(state, lock, base)]  # fmt: skip
