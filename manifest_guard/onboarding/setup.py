"""``init``'s work: find the apps, then declare them, add the hook and write the missing manifests.

The configuration files are edited before any manifest is written, so a manifest never records a
checksum of a file ``init`` changes afterwards; tooling files are left out of the manifests it writes.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field

from manifest_guard.engine.compute import AppRequest, compute_manifest
from manifest_guard.engine.environment import machine_info, normalise_python_version
from manifest_guard.engine.manifest import dump_manifest, write_atomically
from manifest_guard.engine.requires import outside_requires
from manifest_guard.fixing.first_manifest import without_tooling
from manifest_guard.foundation import console
from manifest_guard.foundation.errors import UserError
from manifest_guard.onboarding.app_finder import MANIFEST, FoundApp, detect_app, find_apps
from manifest_guard.onboarding.text_edits import add_hook, app_tables, append_block, has_hook
from manifest_guard.repository.gitignored import git_ignored_predicate
from manifest_guard.repository.hook_scope import git_output, repository_root
from manifest_guard.repository.trees import WorkTree
from manifest_guard.settings.config import CONFIG_FILE, PYPROJECT, find_config

PRE_COMMIT_CONFIG = ".pre-commit-config.yaml"
HOOK_REPOSITORY = "https://github.com/manifest-guard/manifest-guard"
_FULL_VERSION = re.compile(r"^\s*(3\.[0-9]+\.[0-9]+)\s*$")


@dataclass
class Plan:
    """What ``init`` does, in order; printed as is by ``--dry-run``."""

    root: str
    apps: list[FoundApp]
    config_file: str | None = None  # repository-relative
    config_text: str | None = None
    hook_text: str | None = None
    changed: list[str] = field(default_factory=list)  # repository-relative paths to commit


def _repository_files(root: str) -> list[str]:
    """Tracked files and untracked ones git does not ignore: what the user will commit."""
    listing = git_output(root, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
    return sorted({os.fsdecode(path) for path in listing.split(b"\0") if path})


def _reader(root: str) -> Callable[[str], bytes]:
    def read(path: str) -> bytes:
        try:
            with open(os.path.join(root, *path.split("/")), "rb") as stream:
                return stream.read()
        except OSError as error:
            raise UserError(f"{path}: cannot read: {error.strerror}") from None

    return read


def _named_apps(root: str, files: list[str], paths: list[str]) -> list[FoundApp]:
    apps = []
    read = _reader(root)
    for given in paths:
        absolute = os.path.abspath(given)
        relative = os.path.relpath(absolute, root).replace(os.sep, "/")
        if not os.path.isdir(absolute) or relative == ".." or relative.startswith("../"):
            raise UserError(f"{given}: not a directory inside the repository")
        directory = "" if relative == "." else relative
        inside = [path for path in files if not directory or path.startswith(directory + "/")]
        has_manifest = os.path.isfile(os.path.join(absolute, MANIFEST))
        apps.append(FoundApp(directory, has_manifest=True) if has_manifest else detect_app(directory, inside, read))
    return apps


def _config_edit(root: str, apps: list[FoundApp]) -> tuple[str | None, str | None]:
    """(the configuration file to write, its new text) declaring the apps not declared yet."""
    config = find_config(root)
    declared = {app.path for app in config.apps}
    entries = []
    for app in apps:
        if app.skipped is not None or app.path in declared or app.mode is None:
            continue
        entry = {"path": app.path or ".", "mode": app.mode}
        if app.entrypoint:
            entry["entrypoint"] = app.entrypoint
        entries.append(entry)
    if not entries:
        return None, None
    source = config.source and os.path.relpath(config.source, root).replace(os.sep, "/")
    if source == PYPROJECT:
        name, header = PYPROJECT, "tool.manifest-guard.apps"
    else:
        name, header = CONFIG_FILE, "apps"
    existing = _read_text(os.path.join(root, name))
    return name, append_block(existing, app_tables(header, entries))


def _read_text(path: str) -> str:
    try:
        with open(path, encoding="utf-8") as stream:
            return stream.read()
    except FileNotFoundError:
        return ""
    except (OSError, UnicodeDecodeError) as error:
        raise UserError(f"{path}: cannot read: {error}") from None


def plan_init(args: argparse.Namespace) -> Plan:
    root = repository_root(os.getcwd())
    if root is None:
        raise UserError("not inside a git work tree; run `git init` first (Connect deploys from git)")
    files = _repository_files(root)
    apps = _named_apps(root, files, args.paths) if args.paths else find_apps(files, _reader(root))
    plan = Plan(root, apps)
    plan.config_file, plan.config_text = _config_edit(root, apps)
    if not args.no_hook:
        current = _read_text(os.path.join(root, PRE_COMMIT_CONFIG))
        if not has_hook(current):
            try:
                plan.hook_text = add_hook(current, args.repo or HOOK_REPOSITORY, args.rev)
            except ValueError as error:
                raise UserError(f"{PRE_COMMIT_CONFIG}: {error}") from None
    return plan


def _version_for(app_dir: str, requested: str | None) -> str | None:
    """``--python-version``, else a full version pinned in the app's ``.python-version``, else None
    (the running interpreter's)."""
    if requested:
        return normalise_python_version(requested, "--python-version")
    for candidate in (os.path.join(app_dir, ".python-version"),):
        found = _FULL_VERSION.match(_read_text(candidate).split("\n", 1)[0]) if os.path.isfile(candidate) else None
        if found:
            return found.group(1)
    return None


def _manifest_bytes(root: str, app: FoundApp, requested_version: str | None) -> tuple[bytes, int]:
    app_dir = os.path.join(root, *app.path.split("/")) if app.path else root
    shown = os.path.join(app.path, MANIFEST) if app.path else MANIFEST
    assert app.mode is not None
    ignored = git_ignored_predicate(app_dir)
    request = AppRequest(mode=app.mode, app="", entrypoint=app.entrypoint, ignored_by_git=ignored)
    tree = WorkTree(app_dir, display_root=app.path or ".")
    machine = machine_info(None, _version_for(app_dir, requested_version), None, None)
    data = without_tooling(compute_manifest(tree, request, machine, console.warn).data, app.path)
    version = data.get("python", {}).get("version")
    requires = data.get("environment", {}).get("python", {}).get("requires")
    if isinstance(version, str) and outside_requires(version, requires):
        console.warn(f"{shown}: python.version {version} (this interpreter) is outside the app's "
                     f"environment.python.requires {requires!r}; pass --python-version X.Y.Z")  # fmt: skip
    return dump_manifest(data), len(data.get("files", {}))


def run_init(args: argparse.Namespace) -> int:
    plan = plan_init(args)
    verb = "would " if args.dry_run else ""
    root = plan.root
    if plan.config_file and plan.config_text is not None:
        if not args.dry_run:
            write_atomically(os.path.join(root, plan.config_file), plan.config_text.encode("utf-8"))
        declared = sum(1 for app in plan.apps if app.skipped is None and app.mode)
        console.result(f"{verb}declare {declared} app(s) in {plan.config_file}")
        plan.changed.append(plan.config_file)
    if plan.hook_text is not None:
        if not args.dry_run:
            write_atomically(os.path.join(root, PRE_COMMIT_CONFIG), plan.hook_text.encode("utf-8"))
        console.result(f"{verb}add the manifest-guard hook to {PRE_COMMIT_CONFIG}")
        plan.changed.append(PRE_COMMIT_CONFIG)
    for app in plan.apps:
        shown = app.path or "."
        if app.skipped is not None:
            console.warn(f"{shown}: skipped: {app.skipped}")
            continue
        if app.has_manifest:
            console.result(f"{shown}: has a manifest ({app.mode or 'non-Python content'})")
            continue
        data, count = _manifest_bytes(root, app, args.python_version)
        target = os.path.join(app.path, MANIFEST) if app.path else MANIFEST
        if not args.dry_run:
            write_atomically(os.path.join(root, *target.split("/")), data)
        entry = f", entrypoint {app.entrypoint}" if app.entrypoint else ""
        console.result(f"{verb}write {target} ({app.mode}{entry}, {count} files)")
        plan.changed.append(app.path + "/" if app.path else ".")
    _next_steps(plan, args.dry_run)
    return 0


def _next_steps(plan: Plan, dry_run: bool) -> None:
    if not plan.changed:
        console.result("nothing to do: every app has a manifest and the hook is set up")
        return
    if dry_run:
        return
    console.result("next: review, then commit what init wrote (the apps' files with their manifests):")
    console.result(f"  git add {' '.join(dict.fromkeys(plan.changed))}")
    hook = os.fsdecode(git_output(plan.root, "rev-parse", "--path-format=absolute", "--git-path", "hooks/pre-commit"))
    if plan.hook_text is not None and not os.path.exists(hook.strip()):
        installer = "pre-commit install"
        if not shutil.which("pre-commit"):
            installer = "pip install pre-commit && " + installer
        console.result(f"  {installer}")
    console.result('  git commit -m "Guard the Connect manifests"')
