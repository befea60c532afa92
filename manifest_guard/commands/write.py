"""``manifest-guard write MODE DIRECTORY [EXTRA_FILES...]``: a drop-in for ``rsconnect write-manifest``."""

from __future__ import annotations

import argparse
import os
import posixpath
from collections.abc import Callable, Sequence
from typing import Any

from manifest_guard.catalogue.appmodes import WRITE_MODES
from manifest_guard.engine.compute import AppRequest, compute_manifest
from manifest_guard.engine.environment import machine_info, normalise_python_version
from manifest_guard.engine.manifest import EnvironmentOptions, dump_manifest, write_atomically
from manifest_guard.engine.requires import outside_requires
from manifest_guard.foundation import console
from manifest_guard.foundation.arguments import Parser
from manifest_guard.foundation.errors import UserError
from manifest_guard.repository.gitignored import git_ignored_predicate
from manifest_guard.repository.hook_scope import repository_root
from manifest_guard.repository.trees import WorkTree

DESCRIPTION = """\
Write manifest.json for Python content on Posit Connect, byte-identical to
`rsconnect write-manifest MODE DIRECTORY` (rsconnect-python 1.32.0) except for the documented
differences. MODE is one of: api, flask, fastapi, dash, streamlit, bokeh, shiny, gradio, panel
(DIRECTORY is the app directory), notebook (DIRECTORY is the .ipynb file) and voila (a directory
or a notebook). Extra files must be inside the app directory; they are listed even if excluded.
"""


def build_parser(prog: str) -> argparse.ArgumentParser:
    parser = Parser(prog=prog, description=DESCRIPTION)
    parser.add_argument("mode", choices=sorted(WRITE_MODES), metavar="MODE", help="content type (see above)")
    parser.add_argument("directory", metavar="DIRECTORY", help="app directory, or the notebook file")
    parser.add_argument("extra_files", nargs="*", metavar="EXTRA_FILES", help="extra files to list")
    parser.add_argument("-e", "--entrypoint", help="module[:object] (inferred when omitted); voila: notebook")
    parser.add_argument(
        "-x",
        "--exclude",
        action="append",
        default=[],
        metavar="PATTERN",
        help="gitignore-style pattern relative to the app directory (repeatable)",
    )
    parser.add_argument("-o", "--overwrite", action="store_true", help="replace an existing manifest.json")
    parser.add_argument(
        "-r",
        "--requirements-file",
        metavar="FILE",
        help="package file relative to the app directory (default requirements.txt); "
        "uv.lock and pyproject.toml generate one",
    )
    parser.add_argument("-I", "--image", help="target image for off-host execution (environment.image)")
    parser.add_argument(
        "--disable-env-management", action="store_true", help="Connect does not manage Python or R environments"
    )
    parser.add_argument(
        "--disable-env-management-py", action="store_true", help="Connect does not manage the Python environment"
    )
    parser.add_argument(
        "--disable-env-management-r", action="store_true", help="Connect does not manage the R environment"
    )
    parser.add_argument(
        "--package-installer",
        type=str.lower,
        choices=("pip", "uv"),
        help="package installer Connect uses (sets allow_uv)",
    )
    parser.add_argument("--python", metavar="PATH", help="interpreter whose version, pip and locale are used")
    parser.add_argument("--python-version", metavar="X.Y.Z", help="python.version to write")
    parser.add_argument(
        "--override-python-version",
        metavar="X.Y[.Z]",
        help="rsconnect's option: sets python.version and environment.python.requires ==X",
    )
    parser.add_argument("--pip-version", metavar="VERSION", help="python.package_manager.version to write")
    parser.add_argument("--locale", metavar="LOCALE", help="locale to write (default: the interpreter's)")
    parser.add_argument("--exclude-renv", action="store_true", help="ignore renv.lock (R sections not written)")
    parser.add_argument("-m", "--multi-notebook", action="store_true", help="voila: deploy every notebook")
    parser.add_argument("--hide-all-input", action="store_true", help="notebook: hide all input cells")
    parser.add_argument("--hide-tagged-input", action="store_true", help="notebook: hide input cells tagged hide_input")
    return parser


def _app_relative(path: str, app_dir: str, what: str) -> str:
    """A path made relative to the app directory; leaving the directory is an error."""
    relative = os.path.relpath(os.path.abspath(path), os.path.abspath(app_dir))
    if relative == os.pardir or relative.startswith(os.pardir + os.sep):
        raise UserError(f"{what} {path!r} must be inside {app_dir!r}")
    return relative.replace(os.sep, "/")


def _extra_files(extras: Sequence[str], app_dir: str) -> list[str]:
    """rsconnect's rules: each extra exists from the current directory and lies inside the app."""
    relative = []
    for extra in extras:
        if os.path.isdir(extra):
            raise UserError(f"extra file {extra!r} is a directory")
        if not os.path.lexists(extra):
            raise UserError(f"extra file {extra!r} does not exist")
        relative.append(_app_relative(extra, app_dir, "extra file"))
    return relative


def _requirements_file(requested: str | None, app_dir: str) -> str:
    if not requested:
        return "requirements.txt"
    if os.path.isabs(requested):
        return _app_relative(requested, app_dir, "requirements file")
    normal = posixpath.normpath(requested.replace(os.sep, "/"))
    if normal == ".." or normal.startswith("../"):
        raise UserError(f"requirements file {requested!r} must be inside {app_dir!r}")
    return normal


def _locate(mode: str, target: str) -> tuple[str, str | None]:
    """The app directory and, for notebook input, the notebook's name in it."""
    if mode == "notebook":
        if not target.lower().endswith(".ipynb") or not os.path.isfile(target):
            raise UserError(f"{target!r}: a Jupyter notebook (.ipynb) file is required here")
        return os.path.dirname(target) or ".", os.path.basename(target)
    if mode == "voila" and os.path.isfile(target):
        if not target.lower().endswith(".ipynb"):
            raise UserError(f"{target!r}: a Jupyter notebook (.ipynb) file is required here")
        return os.path.dirname(target) or ".", os.path.basename(target)
    if not os.path.isdir(target):
        problem = "is not a directory" if os.path.exists(target) else "does not exist"
        raise UserError(f"{target!r} {problem}")
    return target, None


def _voila_entrypoint(entrypoint: str | None, app_dir: str) -> str | None:
    """A voila ``-e`` names a notebook at the top of the app directory."""
    if not entrypoint:
        return None
    name = os.path.basename(entrypoint)
    in_app = os.path.isfile(os.path.join(app_dir, name))
    if in_app and os.path.isfile(entrypoint) and _app_relative(entrypoint, app_dir, "entrypoint") != name:
        raise UserError(f"entrypoint {entrypoint!r} must be a notebook at the top of {app_dir!r}")
    if not os.path.isfile(os.path.join(app_dir, name)):
        raise UserError(f"entrypoint {entrypoint!r} does not exist in {app_dir!r}")
    if not name.lower().endswith(".ipynb"):
        raise UserError(f"entrypoint {entrypoint!r}: a Jupyter notebook (.ipynb) file is required here")
    return name


def _check_interpreter(python: str | None) -> None:
    if python is None:
        return
    if not os.path.exists(python):
        raise UserError(f"--python {python!r} does not exist")
    if os.path.isdir(python) or not os.access(python, os.X_OK):
        raise UserError(f"--python {python!r} is not an executable file")


def _check_renv(app_dir: str, exclude_renv: bool) -> None:
    if exclude_renv:
        return
    override = os.environ.get("RENV_PATHS_LOCKFILE")
    lockfile = os.path.join(app_dir, "renv.lock")
    if override:
        override = override + "renv.lock" if override.endswith(("/", "\\")) else override
        lockfile = override if os.path.isabs(override) else os.path.join(app_dir, override)
    if os.path.exists(lockfile):
        raise UserError(
            f"{lockfile}: R dependencies from renv.lock are not supported yet; pass --exclude-renv "
            "to write the manifest without them"
        )


def _environment_options(args: argparse.Namespace) -> EnvironmentOptions:
    python_off = args.disable_env_management or args.disable_env_management_py
    r_off = args.disable_env_management or args.disable_env_management_r
    return EnvironmentOptions(
        image=args.image,
        python_managed=False if python_off else None,
        r_managed=False if r_off else None,
        package_installer=args.package_installer,
    )


def _write_generated_package_file(app_dir: str, name: str, contents: str) -> None:
    path = os.path.join(app_dir, *name.split("/"))
    if os.path.lexists(path):
        console.warn(f"{path} already exists and will not be overwritten")
        return
    write_atomically(path, contents.encode("utf-8"))
    console.result(f"wrote {path}")


def warn_outside_requires(data: dict[str, Any], shown: str, warn: Callable[[str], None]) -> None:
    """The next ``check`` would report MG402: say so now, with the options that avoid it."""
    version = data.get("python", {}).get("version")
    requires = data.get("environment", {}).get("python", {}).get("requires")
    if isinstance(version, str) and outside_requires(version, requires):
        warn(f"{shown}: python.version {version} is outside environment.python.requires {requires!r} "
             "(MG402); run with --python pointing at an interpreter that satisfies it, or pass "
             "--python-version or --override-python-version")  # fmt: skip


def run(args: argparse.Namespace) -> int:
    mode: str = args.mode
    app_dir, notebook = _locate(mode, args.directory)
    extras = _extra_files(args.extra_files, app_dir)
    requirements = _requirements_file(args.requirements_file, app_dir)
    entrypoint = _voila_entrypoint(args.entrypoint, app_dir) if mode == "voila" else args.entrypoint
    if mode == "voila" and notebook and entrypoint and entrypoint != notebook:
        raise UserError(f"entrypoint {args.entrypoint!r} and notebook {args.directory!r} must match")
    override = (
        normalise_python_version(args.override_python_version, "--override-python-version")
        if args.override_python_version
        else None
    )
    if args.python_version is not None:
        normalise_python_version(args.python_version, "--python-version")
    _check_interpreter(args.python)
    manifest_path = os.path.join(app_dir, "manifest.json")
    if os.path.lexists(manifest_path) and not args.overwrite:
        raise UserError(f"{manifest_path} already exists; use -o/--overwrite to replace it")
    _check_renv(app_dir, args.exclude_renv)

    machine = machine_info(args.python, args.python_version, args.pip_version, args.locale)
    request = AppRequest(
        mode=mode,
        app="",
        entrypoint=entrypoint,
        notebook=notebook,
        multi_notebook=args.multi_notebook,
        requirements_file=requirements,
        excludes=tuple(args.exclude),
        extra_files=tuple(extras),
        environment=_environment_options(args),
        override_python_version=override,
        hide_all_input=args.hide_all_input,
        hide_tagged_input=args.hide_tagged_input,
        ignored_by_git=git_ignored_predicate(app_dir),
    )
    # Inside a git work tree a submodule checkout is not this repository's content (Connect does not fetch it).
    tree = WorkTree(app_dir, display_root=app_dir, nested_repositories=repository_root(app_dir) is not None)
    computed = compute_manifest(tree, request, machine, console.warn)
    warn_outside_requires(computed.data, manifest_path, console.warn)
    write_atomically(manifest_path, dump_manifest(computed.data))
    console.result(f"wrote {manifest_path} ({len(computed.data['files'])} files)")
    if computed.package.generated:
        _write_generated_package_file(app_dir, computed.package.name, computed.package.contents)
    return 0
