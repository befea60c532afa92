"""The one engine: given a tree and an app, compute the manifest that should be there.

``write`` saves the result; ``check`` and ``fix`` compare and merge it. Nothing here touches the
filesystem except through the tree.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from manifest_guard.catalogue.appmodes import FRAMEWORK_MODES, WRITE_MODES
from manifest_guard.engine.bundle import (
    BundleRules,
    EscapeHandler,
    UnlistableHandler,
    bundle_files,
    checksums,
    keep_listed,
)
from manifest_guard.engine.entrypoints import (
    express_app_file,
    express_entrypoint,
    infer_module,
    is_express_source,
    is_malformed,
)
from manifest_guard.engine.environment import MachineInfo, detect_python_requires
from manifest_guard.engine.manifest import EnvironmentOptions, python_manifest
from manifest_guard.engine.package_file import (
    PackageFile,
    contents_from_pyproject,
    contents_from_uv_lock,
    processed_requirements,
)
from manifest_guard.foundation.errors import UserError
from manifest_guard.repository.trees import Tree, WorkTree, join

Warn = Callable[[str], None]
VOILA_CONFIG = "voila.json"


@dataclass(frozen=True)
class AppRequest:
    """What to build: the mode and every choice that does not come from the tree."""

    mode: str
    app: str  # tree path of the directory that holds manifest.json
    entrypoint: str | None = None
    notebook: str | None = None  # app-relative notebook for notebook mode, or voila given a file
    multi_notebook: bool = False
    requirements_file: str = "requirements.txt"  # app-relative
    excludes: Sequence[str] = ()
    extra_files: Sequence[str] = ()  # app-relative, in the order given
    environment: EnvironmentOptions = field(default_factory=EnvironmentOptions)
    override_python_version: str | None = None
    hide_all_input: bool = False
    hide_tagged_input: bool = False
    ignored_by_git: Callable[[str], bool] = field(default=lambda _path: False)
    on_symlink_escape: EscapeHandler = None  # check: report MG502 and go on; write: None raises
    on_unlistable: UnlistableHandler = None  # check: report the file; write: None warns
    r_content: bool = False  # R, R Markdown, Quarto or static content: R rsconnect's file-set rules


@dataclass(frozen=True)
class ComputedManifest:
    """The manifest that should be there, and the package file it was computed from."""

    data: dict[str, Any]
    package: PackageFile


def resolve_package_file(tree: Tree, app: str, requested: str) -> PackageFile:
    """Read the requirements source; ``uv.lock`` and ``pyproject.toml`` generate a requirements text."""
    path = join(app, requested)
    display = tree.display(path)
    if not tree.is_file(path):
        raise UserError(
            f"{display}: requirements file not found; create it or name another with -r/--requirements-file"
        )
    base = requested.rpartition("/")[2]
    if base == "uv.lock":
        if not isinstance(tree, WorkTree):
            raise UserError(f"{display}: uv.lock can only be exported from the work tree")
        contents = contents_from_uv_lock(os.path.join(tree.root, *path.split("/")), display)
        return PackageFile("requirements.txt.lock", "uv", contents, generated=True)
    if base == "pyproject.toml":
        contents = contents_from_pyproject(tree.read_bytes(path), display)
        return PackageFile("requirements.txt", "pip", contents, generated=True)
    return PackageFile(requested, "pip", processed_requirements(tree.read_bytes(path), display), False)


def framework_entrypoint(tree: Tree, request: AppRequest) -> str:
    """The given entrypoint or rsconnect's inferred module, validated like rsconnect does."""
    entrypoint = request.entrypoint or infer_module(tree.names_in(request.app))
    if not entrypoint:
        raise UserError(
            f"{tree.display(request.app)}: cannot infer the entrypoint (no app.py, application.py, main.py "
            "or api.py, and no single .py or app-*.py file); pass -e/--entrypoint"
        )
    if is_malformed(entrypoint):
        raise UserError(f'entrypoint {entrypoint!r} is not in "module:object" format')
    return entrypoint


def shiny_entrypoint(tree: Tree, app: str, entrypoint: str, warn: Warn) -> str:
    """Rewrite to ``shiny.express.app:<escaped file>`` when the named file is a Shiny Express app."""
    app_file = express_app_file(entrypoint)
    path = join(app, app_file)
    if tree.is_file(path) and is_express_source(tree.read_bytes(path), warn):
        return express_entrypoint(app_file)
    return entrypoint


def _voila_entrypoint(tree: Tree, request: AppRequest, warn: Warn) -> str:
    if request.multi_notebook:
        if request.notebook is not None:
            raise UserError("voila -m/--multi-notebook needs a directory, not a notebook file")
        if request.entrypoint:
            warn(f"the entrypoint {request.entrypoint!r} is ignored in multi-notebook mode")
        return ""
    if request.notebook is not None:
        return request.notebook
    if request.entrypoint:
        return request.entrypoint
    notebooks = sorted(
        name for name in tree.names_in(request.app)
        if name.lower().endswith(".ipynb") and tree.is_file(join(request.app, name))
    )  # fmt: skip
    if len(notebooks) != 1:
        found = "no notebook" if not notebooks else f"{len(notebooks)} notebooks"
        raise UserError(
            f"{tree.display(request.app)}: cannot infer the entrypoint ({found} at the top level); "
            "name one with -e/--entrypoint or deploy all with -m/--multi-notebook"
        )
    return notebooks[0]


def _python_version(request: AppRequest, machine: MachineInfo, requires: Any) -> tuple[MachineInfo, Any]:
    if request.override_python_version is None:
        return machine, requires
    version = request.override_python_version
    return MachineInfo(version, machine.pip_version, machine.locale), f"=={version}"


def compute_manifest(tree: Tree, request: AppRequest, machine: MachineInfo, warn: Warn) -> ComputedManifest:
    """The manifest ``write`` would produce for ``request`` over ``tree``."""
    app = request.app
    mode = request.mode
    entrypoint: str | None
    if mode in FRAMEWORK_MODES:
        entrypoint = framework_entrypoint(tree, request)
    elif mode == "voila":
        entrypoint = _voila_entrypoint(tree, request, warn)
    else:
        entrypoint = request.notebook
    requires = detect_python_requires(tree, app, warn)
    if requires is None:
        warn("no Python version constraint in .python-version, pyproject.toml or setup.cfg; "
             "Connect will pick the version")  # fmt: skip
    machine, requires = _python_version(request, machine, requires)
    package = resolve_package_file(tree, app, request.requirements_file)
    if mode == "shiny":
        assert entrypoint is not None
        entrypoint = shiny_entrypoint(tree, app, entrypoint, warn)

    files = _file_checksums(tree, request, package, warn)
    jupyter = {}
    if mode == "notebook":
        jupyter = {key: True for key, wanted in _hide_flags(request) if wanted}
    data = python_manifest(
        appmode=WRITE_MODES[mode],
        entrypoint=entrypoint if entrypoint or mode == "voila" else None,
        machine=machine,
        package=package,
        requires=requires,
        options=request.environment,
        files=files,
        jupyter=jupyter,
    )
    return ComputedManifest(data, package)


def _hide_flags(request: AppRequest) -> tuple[tuple[str, bool], ...]:
    return ("hide_all_input", request.hide_all_input), ("hide_tagged_input", request.hide_tagged_input)


def _file_checksums(tree: Tree, request: AppRequest, package: PackageFile, warn: Warn) -> dict[str, str]:
    return app_file_checksums(tree, request, package.name, package.checksum, warn)


def app_file_checksums(
    tree: Tree, request: AppRequest, package_name: str | None, package_checksum: str | None, warn: Warn
) -> dict[str, str]:
    """``files`` in rsconnect's order: notebook first for notebooks, else the package file then sorted.

    ``package_checksum`` None leaves the package file out (``check`` on an app whose package
    file is gone); ``package_name`` None means the manifest names none.
    """
    app = request.app
    extras = list(request.extra_files)
    package = {package_name: package_checksum} if package_name and package_checksum is not None else {}
    if request.mode == "voila" and tree.is_file(join(app, VOILA_CONFIG)):
        extras.append(VOILA_CONFIG)
    if request.mode == "notebook":
        assert request.notebook is not None
        head = {request.notebook: tree.md5(join(app, request.notebook)), **package}
        return {**head, **checksums(tree, app, _readable_extras(tree, request, extras, warn))}
    if request.notebook is not None:  # voila given one notebook: no walk
        paths = sorted(_readable_extras(tree, request, sorted({request.notebook, *extras}), warn))
    else:
        rules = BundleRules(package_name, request.excludes, extras, request.ignored_by_git, request.on_symlink_escape,
                            request.on_unlistable, request.r_content)  # fmt: skip
        paths = bundle_files(tree, app, rules, warn)
    return {**package, **checksums(tree, app, paths)}


def _readable_extras(tree: Tree, request: AppRequest, extras: Sequence[str], warn: Warn) -> list[str]:
    """Files listed without a walk (notebooks, voila given a file), first occurrence kept."""
    return [
        path for path in dict.fromkeys(extras)
        if keep_listed(tree, request.app, path, warn, on_escape=request.on_symlink_escape,
                       on_unlistable=request.on_unlistable)
    ]  # fmt: skip
