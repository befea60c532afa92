"""A run of ``check`` or ``fix``: open the workspace, choose the manifests, check each (or replay it from the
result cache) and gather one report."""

from __future__ import annotations

import argparse
import dataclasses
import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from manifest_guard.catalogue.findings import ManifestResult, Report
from manifest_guard.foundation import console
from manifest_guard.foundation.errors import UserError
from manifest_guard.repository.hook_scope import HookScope, under
from manifest_guard.repository.trees import join
from manifest_guard.repository.workspace import MANIFEST, Workspace, open_workspace
from manifest_guard.settings.check_options import CheckOptions
from manifest_guard.settings.config import AppConfig, Config, find_config, load_config_file
from manifest_guard.settings.selection import RuleSelection

if TYPE_CHECKING:
    from manifest_guard.checking.checker import ManifestOutcome


@dataclass
class Run:
    """An opened workspace with its configuration and the manifests selected for this run."""

    workspace: Workspace
    config: Config
    options: CheckOptions
    manifests: list[str]
    strict: bool
    missing: list[AppConfig] = field(default_factory=list)  # declared apps without a manifest yet


def _flatten(groups: Sequence[Sequence[str]] | None) -> list[str] | None:
    return None if groups is None else [code for group in groups for code in group]


def _named(workspace: Workspace, path: str) -> list[str]:
    """The manifests a PATH argument names: a manifest file, an app directory, or a tree of apps."""
    from manifest_guard.checking.discovery import discover, is_checked

    tree = workspace.tree
    relative = workspace.relative(path)
    if relative.rpartition("/")[2] == MANIFEST or tree.is_file(relative):
        if relative.rpartition("/")[2] != MANIFEST:
            raise UserError(f"{path}: not a manifest.json or an app directory")
        if not tree.is_file(relative) and not is_checked(workspace, relative):
            raise UserError(f"{path}: not in {workspace.label}")
        return [relative]
    manifest = join(relative, MANIFEST)
    if tree.is_file(manifest) or workspace.unmerged_under(manifest) or is_checked(workspace, manifest):
        return [manifest]
    found = discover(workspace, relative)
    if not found:
        raise UserError(f"{path}: no Connect manifest.json in {workspace.label} at or below this directory")
    return found


def _changed(workspace: Workspace, manifests: list[str]) -> list[str]:
    changed = workspace.changed_paths()
    return [manifest for manifest in manifests if any(under(path, manifest.rpartition("/")[0]) for path in changed)]


def _load_config(workspace: Workspace, named: str | None) -> Config:
    return load_config_file(named) if named is not None else find_config(workspace.root)


def _declared_without_manifest(workspace: Workspace, config: Config, scope: HookScope | None) -> list[AppConfig]:
    """Declared apps (``[[apps]]``) with no manifest in the source; in a hook run, touched ones only."""
    return [
        app for app in config.apps
        if (scope is None or scope.touches(app.path)) and not workspace.tree.is_file(join(app.path, MANIFEST))
        and not workspace.unmerged_under(join(app.path, MANIFEST))
    ]  # fmt: skip


def open_run(args: argparse.Namespace, scope: HookScope | None = None) -> Run:
    """Open the workspace, read the configuration and pick the manifests to check (in a hook run,
    those of the touched apps that ``scope`` found)."""
    workspace = open_workspace(args.source, args.changed_since, args.paths)
    try:
        config = _load_config(workspace, args.config)
        selection = RuleSelection.build(config, _flatten(args.select), _flatten(args.ignore) or ())
        from manifest_guard.checking.discovery import discover, is_checked

        if scope is not None:
            manifests = [path for path in scope.manifests if is_checked(workspace, path)]
        elif args.paths:
            manifests = list(dict.fromkeys(m for path in args.paths for m in _named(workspace, path)))
        else:
            manifests = discover(workspace)
        if args.changed_since is not None:
            manifests = _changed(workspace, manifests)
        missing = [] if args.paths else _declared_without_manifest(workspace, config, scope)
    except BaseException:
        workspace.close()
        raise
    options = CheckOptions(config, selection, want_diff=args.diff)
    return Run(workspace, config, options, manifests, strict=args.strict or config.strict, missing=missing)


def _warn(seen: list[str], message: str) -> None:
    """Print a warning and keep it, so a cached result can replay it."""
    seen.append(message)
    console.warn(message)


def _result_key(run: Run, options: CheckOptions, manifest: str) -> str | None:
    """The result-cache key of a ``check`` of ``manifest``, or None when it must not be cached."""
    from manifest_guard.caches.results import result_key
    from manifest_guard.repository.trees import EntryKind

    workspace = run.workspace
    if options.want_diff or not workspace.records_reads:
        return None
    if workspace.tree.entry_kind(manifest) is EntryKind.SYMLINK:
        return None  # its content may come from outside the repository's trees
    if workspace.unmerged_under(manifest.rpartition("/")[0]):
        return None  # conflict stages are not recorded reads: never store a result made of them
    source = f"{workspace.source} {workspace.outside_inputs()}"
    return result_key(options, source, workspace.base_name, manifest)


def check_all(run: Run, command: str) -> tuple[Report, list[ManifestOutcome]]:
    """Run every rule on every selected manifest; an unreadable app is an error, not a crash.

    ``check`` answers an app whose inputs are unchanged from the result cache, without importing the rules."""
    report = Report(command="fix" if command == "fix" else "check", strict=run.strict)
    options = dataclasses.replace(run.options, want_fixed=command == "fix")
    outcomes = []
    results = run.workspace.results if command == "check" else None
    for manifest in run.manifests:
        key = _result_key(run, options, manifest) if results is not None else None
        cached = results.load(key, run.workspace.still_answered) if results is not None and key is not None else None
        if cached is not None:
            for message in cached.warnings:
                console.warn(message)
            report.manifests.append(cached.result)
            report.findings.extend(cached.findings)
            continue
        from manifest_guard.checking.checker import check_manifest

        warnings: list[str] = []
        try:
            with run.workspace.recording() as reads:
                outcome = check_manifest(run.workspace, manifest, options, functools.partial(_warn, warnings))
        except UserError as failure:
            shown = run.workspace.display(manifest)
            report.errors.append(f"{shown}: {failure.message}")
            report.manifests.append(ManifestResult(shown, None, "error"))
            continue
        if results is not None and key is not None and outcome.cacheable:
            from manifest_guard.caches.results import CachedResult

            results.store(key, run.workspace.answers(reads), CachedResult(outcome.result, outcome.findings, warnings))
        outcomes.append(outcome)
        report.manifests.append(outcome.result)
        report.findings.extend(outcome.findings)
    return report, outcomes


def exit_code(report: Report) -> int:
    if report.errors:
        return 2
    return 1 if report.failing() else 0
