"""One digest of everything outside the repository that decides a check's answer: the tool's code and
data, the manifest schema, the interpreter, and the libraries whose behaviour decides findings.

Stored results and schema-valid digests are filed under it, so a new release, an edited or patched
install, another Python (what parses depends on its grammar) or another packaging, pathspec,
jsonschema or GitPython never reuses them. Files are hashed by content, not by size and time (an edit
that keeps both must count); the digest is computed once per process (about 2 ms for the package).
"""

from __future__ import annotations

import functools
import hashlib
import os
import sys
from pathlib import Path

from manifest_guard import __version__
from manifest_guard.foundation.schema import SCHEMA_RESOURCE

FORMAT = 2
PACKAGE_ROOT = Path(__file__).resolve().parent.parent
CODE_SUFFIXES = (".py", ".json")
# Distribution name -> top-level import name: the libraries whose behaviour decides findings.
LIBRARIES = {"packaging": "packaging", "pathspec": "pathspec", "jsonschema": "jsonschema", "GitPython": "git"}


def package_digest(root: Path) -> str:
    """A digest of the relative path and content of every code and data file under ``root``."""
    digest = hashlib.sha256()
    pending = [str(root)]
    found: list[tuple[str, str]] = []
    while pending:
        with os.scandir(pending.pop()) as scan:
            for entry in scan:
                if entry.is_dir(follow_symlinks=False):
                    if entry.name != "__pycache__":
                        pending.append(entry.path)
                elif entry.name.endswith(CODE_SUFFIXES):
                    found.append((os.path.relpath(entry.path, root).replace(os.sep, "/"), entry.path))
    for relative, path in sorted(found):
        with open(path, "rb") as stream:
            content = stream.read()
        digest.update(f"{relative}\0{len(content)}\0".encode("utf-8", "surrogateescape"))
        digest.update(content)
    return digest.hexdigest()


def schema_digest() -> str:
    """The manifest schema shipped with the tool (installed beside the package, not inside it)."""
    from importlib import resources

    return hashlib.sha256((resources.files("manifest_guard.schemas") / SCHEMA_RESOURCE).read_bytes()).hexdigest()


def interpreter() -> str:
    """The implementation and exact version: the grammar ``ast`` accepts is the running Python's."""
    implementation = sys.implementation
    return f"{implementation.name} {implementation.cache_tag} {tuple(sys.version_info)} {sys.version}"


@functools.cache
def _site_listing(directory: str) -> tuple[str, ...]:
    try:
        return tuple(os.listdir(directory))
    except OSError:
        return ()


def _normalized(name: str) -> str:
    return name.lower().replace("-", "_").replace(".", "_")


def _installed_version(distribution: str, module: str) -> str:
    """The version in the ``<name>-<version>.dist-info`` directory beside the importable package,
    found without importing it (or importlib.metadata, ~20 ms: most runs import neither)."""
    import importlib.util

    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError):
        spec = None
    if spec is None or not spec.origin:
        return "absent"
    site = os.path.dirname(os.path.dirname(spec.origin)) if spec.submodule_search_locations else (
        os.path.dirname(spec.origin))  # fmt: skip
    wanted = _normalized(distribution)
    for name in _site_listing(site):
        stem, dot, suffix = name.rpartition(".")
        project, _, version = stem.partition("-")
        if dot and suffix in ("dist-info", "egg-info") and _normalized(project) == wanted and version:
            return f"{version} {spec.origin}"
    from importlib import metadata

    try:
        return f"{metadata.version(distribution)} {spec.origin}"
    except Exception:  # no or broken metadata: the location still tells installs apart
        return f"unknown {spec.origin}"


def library_versions() -> dict[str, str]:
    """Each library's installed version (and where it is imported from)."""
    return {distribution: _installed_version(distribution, module) for distribution, module in LIBRARIES.items()}


@functools.cache
def tool_fingerprint() -> str:
    """The digest that every stored result and schema-valid entry is filed under; when the tool's own
    files cannot be read, one that no other run shares (every lookup misses, nothing fails)."""
    try:
        parts = [str(FORMAT), __version__, package_digest(PACKAGE_ROOT), schema_digest(), interpreter(),
                 *(f"{name} {version}" for name, version in sorted(library_versions().items()))]  # fmt: skip
    except OSError:
        return f"unreadable-{os.urandom(16).hex()}"
    return hashlib.sha256("\n".join(parts).encode("utf-8", "surrogateescape")).hexdigest()
