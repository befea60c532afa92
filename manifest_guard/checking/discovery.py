"""Which ``manifest.json`` files are Connect manifests to check.

A guard that skips a manifest because it no longer looks like one would let a truncated or emptied
manifest through. So a path that is a Connect manifest at the base stays one whatever its new content
(or absence), and a broken ``manifest.json`` beside app code is checked; only web-app manifests (PWA,
browser extensions) are skipped, silently.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Final

from manifest_guard.catalogue.exclusions import IGNORED_TOP_LEVEL
from manifest_guard.foundation.errors import UserError
from manifest_guard.repository.trees import Tree, join
from manifest_guard.repository.workspace import Workspace

# Files whose presence beside a manifest.json makes its directory look like Connect content.
APP_FILE_NAMES: Final = frozenset({"requirements.txt", "pyproject.toml", "renv.lock"})
APP_FILE_SUFFIXES: Final = (".py", ".ipynb", ".r", ".rmd", ".qmd")
WEB_APP_PAGE: Final = "index.html"


def _looks_like_app(names: Iterable[str]) -> bool:
    return any(name in APP_FILE_NAMES or name.lower().endswith(APP_FILE_SUFFIXES) for name in names)


def is_connect_manifest(raw: bytes, names_beside: set[str]) -> bool:
    """Whether a manifest.json's bytes (and the names in its directory) make it a Connect manifest.

    An object with ``metadata`` is one. Anything else (not UTF-8, not JSON, nested too deep, an object
    without ``metadata``) is a broken one when it mentions ``appmode``, or, unless it sits beside an
    ``index.html`` like a web-app manifest, when it mentions ``metadata`` or its directory holds app code.
    """
    try:
        value = json.loads(raw)
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        value = None
    if isinstance(value, dict) and "metadata" in value:
        return True
    if b"appmode" in raw:
        return True
    if WEB_APP_PAGE in names_beside:
        return False
    return b"metadata" in raw or _looks_like_app(names_beside)


def _connect_in(tree: Tree, manifest: str) -> bool:
    """Judged by content, or for one that cannot be read (a symlink leading out), by its directory alone."""
    try:
        names = tree.names_in(manifest.rpartition("/")[0])
    except UserError:
        return False
    try:
        raw = tree.read_bytes(manifest)
    except UserError:
        raw = b""
    return is_connect_manifest(raw, names)


def _connect_at_base(workspace: Workspace, manifest: str) -> bool:
    base = workspace.base
    return base is not None and base.blob_id(manifest) is not None and _connect_in(base, manifest)


def _unmerged_connect(workspace: Workspace, manifest: str) -> bool:
    """An unmerged manifest counts when any side of the conflict (or the base) is a Connect manifest."""
    from manifest_guard.repository.git_trees import GitTree

    tree = workspace.tree
    assert isinstance(tree, GitTree)
    names = tree.names_in(manifest.rpartition("/")[0])
    sides = tree.read_stage_blobs(manifest)
    return any(is_connect_manifest(raw, names) for raw in sides) or _connect_at_base(workspace, manifest)


def app_remains(tree: Tree, app: str) -> bool:
    """Whether the app directory still holds a file (caches and VCS directories do not count)."""
    prune = {join(app, name) for name in IGNORED_TOP_LEVEL}
    return any(True for _ in tree.walk(app, lambda directory: directory in prune))


def is_checked(workspace: Workspace, manifest: str) -> bool:
    """Whether ``manifest`` (a tree path named manifest.json) is checked in this run: a Connect manifest in
    the source, one with a conflict, or one of the base that is gone while its app remains (MG106)."""
    if workspace.unmerged_under(manifest):
        return _unmerged_connect(workspace, manifest)
    if workspace.tree.entry_kind(manifest) is not None:
        return _connect_in(workspace.tree, manifest) or _connect_at_base(workspace, manifest)
    return _connect_at_base(workspace, manifest) and app_remains(workspace.tree, manifest.rpartition("/")[0])


def discover(workspace: Workspace, directory: str = "") -> list[str]:
    """Every manifest checked under ``directory``: of the source, its conflicts, and the base's."""
    return [path for path in workspace.manifest_candidates(directory) if is_checked(workspace, path)]
