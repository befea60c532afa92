"""The first manifest of an app declared in ``[[tool.manifest-guard.apps]]``, built from the index.

``fix`` writes it (``write``'s exact output for the staged content); it is a new untracked file,
which pre-commit cannot see as a modification, so the run exits 1 unless ``--stage`` adds it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from manifest_guard.catalogue.exclusions import is_repository_tooling
from manifest_guard.engine.compute import AppRequest, compute_manifest
from manifest_guard.engine.environment import machine_info, normalise_python_version
from manifest_guard.engine.manifest import dump_manifest
from manifest_guard.foundation.errors import UserError
from manifest_guard.repository.workspace import Workspace
from manifest_guard.settings.config import AppConfig, Config


def first_manifest(workspace: Workspace, config: Config, app: AppConfig, warn: Callable[[str], None]) -> bytes:
    """The bytes ``write`` would produce for a declared app, over the workspace's source tree."""
    where = f"{config.source or 'configuration'}: apps entry {app.path or '.'!r}"
    if app.mode is None:
        raise UserError(f"{where}: has no manifest.json; set `mode` so the first one can be written")
    python_version = normalise_python_version(app.python_version, where) if app.python_version else None
    notebook = app.entrypoint if app.mode == "notebook" else None
    if app.mode == "notebook" and not notebook:
        raise UserError(f"{where}: notebook apps need `entrypoint` (the .ipynb file)")
    request = AppRequest(
        mode=app.mode,
        app=app.path,
        entrypoint=None if app.mode == "notebook" else app.entrypoint,
        notebook=notebook,
        excludes=(*config.exclude, *app.exclude),
        ignored_by_git=workspace.ignored_predicate(app.path),
    )
    machine = machine_info(None, python_version, None, None)
    return dump_manifest(without_tooling(compute_manifest(workspace.tree, request, machine, warn).data, app.path))


def without_tooling(data: dict[str, Any], app: str) -> dict[str, Any]:
    """The manifest without the repository's tooling files: a first manifest that listed
    ``.pre-commit-config.yaml`` would need updating on every edit of the hook configuration."""
    files = data.get("files")
    if isinstance(files, dict):
        data["files"] = {path: entry for path, entry in files.items() if not is_repository_tooling(app, path)}
    return data
