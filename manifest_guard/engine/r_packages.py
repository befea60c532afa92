"""The manifest ``packages`` entries an ``renv.lock`` converts to, as rsconnect-python 1.32 writes them
for content with an ``renv.lock`` (Python content that runs R through rpy2, and ``fix``).

Only a lockfile is read, never an R library: the same input rsconnect-python has, so the result is
exact where its output is, and a package it could not resolve (no source, an unknown repository name)
is named in ``unresolved`` rather than guessed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

# The repositories renv assumes without listing them, by the names a package's Repository field uses.
IMPLICIT_REPOSITORIES: dict[str, str] = {
    "CRAN": "https://cloud.r-project.org",
    "RSPM": "https://packagemanager.posit.co/cran/latest",
}
# Bioconductor's repositories of one release: name -> path under packages/<release>.
BIOCONDUCTOR_CHANNELS = (
    ("BioCsoft", "bioc"),
    ("BioCann", "data/annotation"),
    ("BioCexp", "data/experiment"),
    ("BioCworkflows", "workflows"),
    ("BioCbooks", "books"),
)
GIT_HOSTS = {"github": "https://github.com/", "gitlab": "https://gitlab.com/", "bitbucket": "https://bitbucket.org/"}
# DESCRIPTION fields copied from a lockfile record when they have a value, in the order they are written.
COPIED_FIELDS = (
    "Hash", "Authors@R", "Description", "License", "Maintainer", "VignetteBuilder", "RoxygenNote", "Encoding",
    "NeedsCompilation", "Author", "SystemRequirements", "RemoteType", "RemoteRef", "RemoteRepos",
    "RemoteReposName", "RemotePkgPlatform", "RemoteSha", "RemoteHost", "RemoteRepo", "RemoteUsername",
    "RemoteSubdir",
)  # fmt: skip
LIST_FIELDS = ("Imports", "Suggests", "LinkingTo")


@dataclass(frozen=True)
class Conversion:
    """The entries of the packages that resolve, and the names of those that do not."""

    packages: dict[str, dict[str, Any]]
    unresolved: tuple[str, ...] = ()

    @property
    def complete(self) -> bool:
        return not self.unresolved


def is_url(value: str) -> bool:
    return value.startswith(("http://", "https://", "ftp://"))


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def lockfile_packages(lockfile: Mapping[str, Any]) -> Mapping[str, Any]:
    return _mapping(lockfile.get("Packages"))


def repository_urls(lockfile: Mapping[str, Any]) -> dict[str, str]:
    """Repository name -> URL (no trailing slash): renv's implicit ones, Bioconductor's release,
    ``R.Repositories``, and private repositories that packages carry in ``RemoteRepos``."""
    urls = dict(IMPLICIT_REPOSITORIES)
    release = _mapping(lockfile.get("Bioconductor")).get("Version")
    if release:
        base = f"https://bioconductor.org/packages/{release}"
        urls.update({name: f"{base}/{path}" for name, path in BIOCONDUCTOR_CHANNELS})
    repositories = _mapping(lockfile.get("R")).get("Repositories")
    for repository in repositories if isinstance(repositories, list) else []:
        if isinstance(repository, Mapping) and isinstance(repository.get("Name"), str):
            urls[repository["Name"]] = _text(repository.get("URL")).rstrip("/")
    for record in lockfile_packages(lockfile).values():
        remote, name = _text(_mapping(record).get("RemoteRepos")), _text(_mapping(record).get("Repository"))
        if remote and name and is_url(remote):
            urls[name] = remote.rstrip("/")
    return urls


def _package_ref(record: Mapping[str, Any]) -> str:
    if _text(record.get("RemotePkgRef")):
        return _text(record.get("RemotePkgRef"))
    user, repo = _text(record.get("RemoteUsername")), _text(record.get("RemoteRepo"))
    return f"{user}/{repo}" if user and repo else ""


def _from_repository(identifier: str, declared_source: str, urls: Mapping[str, str]) -> tuple[str, str]:
    """Source and URL of a package installed from a package repository (named, by URL, or Bioconductor)."""
    if is_url(identifier):
        url = identifier.rstrip("/")
        name = next((known for known, known_url in urls.items() if known_url == url), url)
    elif identifier:
        url, name = urls.get(identifier, ""), identifier
    else:
        url, name = urls.get("BioCsoft", ""), "BioCsoft"
    if not url:
        return "", ""
    bioconductor = declared_source == "Bioconductor" or name.startswith("BioC")
    bioconductor = bioconductor or "bioconductor.org/packages/" in url.lower()
    return ("Bioconductor" if bioconductor else name), url


def source_and_repository(record: Mapping[str, Any], urls: Mapping[str, str]) -> tuple[str, str]:
    """The manifest's Source and Repository for one lockfile record; ``""`` where they do not resolve."""
    identifier = _text(record.get("RemoteRepos")) or _text(record.get("Repository"))
    remote_type = _text(record.get("RemoteType"))
    if not identifier and remote_type:
        host = GIT_HOSTS.get(remote_type)
        reference = _package_ref(record)
        return remote_type, (f"{host}{reference}" if host and reference else "") or _text(record.get("RemoteUrl"))
    declared = _text(record.get("Source"))
    if identifier or declared == "Bioconductor":
        return _from_repository(identifier, declared, urls)
    return declared, _text(record.get("Repository"))


def _joined(value: Any) -> str:
    if isinstance(value, str):
        return value
    items = [item for item in value if isinstance(item, str)] if isinstance(value, Sequence) else []
    return ", ".join(items)


def _description(name: str, record: Mapping[str, Any], source: str, repository: str) -> dict[str, Any]:
    """The entry's ``description``: identity first, then every field the record has a value for
    (the first value of a field wins)."""
    description: dict[str, Any] = {
        "Package": name,
        "Version": record.get("Version", ""),
        "Type": "Package",
        "Title": record.get("Title") or f"{source} R package",
    }

    def put(field: str, value: Any) -> None:
        if value and field not in description:
            description[field] = value

    for field in COPIED_FIELDS:
        put(field, record.get(field))
    put("GithubSubdir", record.get("RemoteSubdir"))
    put("RemoteUrl", record.get("RemoteUrl"))
    reference = _package_ref(record)
    if reference:
        description["RemotePkgRef"] = reference
    explicit_reference = record.get("RemotePkgRef")
    if record.get("RemoteType") == "github" and explicit_reference:
        put("URL", f"https://github.com/{explicit_reference}")
        put("BugReports", f"https://github.com/{explicit_reference}/issues")
    for field in ("URL", "BugReports"):
        put(field, record.get(field))
    put("Repository", repository)
    for field in ("Config/testthat/edition", "Config/Needs/website"):
        put(field, record.get(field))
    for field in LIST_FIELDS:
        put(field, _joined(record.get(field)))
    put("Depends", _joined(record.get("Depends") or record.get("Requirements")))
    return description


def convert_lockfile(lockfile: Mapping[str, Any]) -> Conversion:
    """The ``packages`` block for ``lockfile`` (a parsed renv.lock object)."""
    urls = repository_urls(lockfile)
    packages: dict[str, dict[str, Any]] = {}
    unresolved = []
    for name, record in lockfile_packages(lockfile).items():
        if not isinstance(record, Mapping):
            unresolved.append(name)
            continue
        source, repository = source_and_repository(record, urls)
        if not source or not repository:
            unresolved.append(name)
            continue
        description = _description(name, record, source, repository)
        packages[name] = {"Source": source, "Repository": repository, "description": description}
    return Conversion(packages, tuple(unresolved))
