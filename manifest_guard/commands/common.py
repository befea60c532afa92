"""What ``check`` and ``fix`` share: their options, choosing the manifests, and running the rules."""

from __future__ import annotations

import argparse
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field

from manifest_guard import console
from manifest_guard.checker import CheckOptions, ManifestOutcome, check_manifest
from manifest_guard.config import AppConfig, Config, find_config, load_config_file
from manifest_guard.errors import UserError
from manifest_guard.findings import ManifestResult, Report
from manifest_guard.hookscope import HookScope, hook_scope
from manifest_guard.rules import matching_codes
from manifest_guard.selection import RuleSelection
from manifest_guard.trees import join
from manifest_guard.workspace import INDEX, MANIFEST, Workspace, open_workspace

OUTPUT_FORMATS = ("text", "json", "github", "sarif")


def _codes(value: str) -> list[str]:
    """``--select`` / ``--ignore`` values: comma-separated codes or prefixes, each matching a rule."""
    selectors = [part.strip().upper() for part in value.split(",") if part.strip()]
    for selector in selectors:
        if not matching_codes(selector):
            raise argparse.ArgumentTypeError(f"{selector!r} matches no rule code (see the README's rule list)")
    return selectors


def add_common_options(parser: argparse.ArgumentParser, sources: str) -> None:
    parser.add_argument("paths", nargs="*", metavar="PATH", help="app directories or manifest files (default: all)")
    parser.add_argument(
        "--hook",
        action="store_true",
        help="pre-commit mode: the index, only apps the staged change touches (all when nothing is staged)",
    )
    parser.add_argument("--source", metavar="SOURCE", help=sources)
    parser.add_argument(
        "--changed-since", metavar="REV", help="only apps with a change between REV and the source (also the base)"
    )
    parser.add_argument("--output-format", choices=OUTPUT_FORMATS, default="text", help="report format")
    parser.add_argument("--diff", action="store_true", help="show the unified diff of each manifest's fix")
    parser.add_argument("--select", type=_codes, action="append", metavar="CODES", help="only these codes/prefixes")
    parser.add_argument("--ignore", type=_codes, action="append", default=[], metavar="CODES", help="skip these codes")
    parser.add_argument("--strict", action="store_true", help="warnings fail the run too")
    parser.add_argument("-q", "--quiet", action="store_true", help="print findings only")
    parser.add_argument("--config", metavar="FILE", help="configuration file (default: found at the repository root)")
    parser.add_argument(
        "--color", choices=("auto", "always", "never"), help="colour in text output (also accepted before the command)"
    )


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


def is_connect_manifest(raw: bytes) -> bool:
    """A Connect manifest has ``metadata``; a PWA or browser-extension manifest.json does not.

    Unparsable files count when they mention ``appmode``, so a broken Connect manifest is reported.
    """
    try:
        value = json.loads(raw)
    except (ValueError, RecursionError):
        return b'"appmode"' in raw
    return isinstance(value, dict) and "metadata" in value


def _discover(workspace: Workspace, under: str = "") -> list[str]:
    found = []
    for path in workspace.manifest_candidates(under):
        try:
            raw = workspace.tree.read_bytes(path)
        except UserError:
            continue
        if is_connect_manifest(raw):
            found.append(path)
    return found


def _named(workspace: Workspace, path: str) -> list[str]:
    """The manifests a PATH argument names: a manifest file, an app directory, or a tree of apps."""
    tree = workspace.tree
    relative = workspace.relative(path)
    if relative.rpartition("/")[2] == MANIFEST or tree.is_file(relative):
        if not tree.is_file(relative):
            raise UserError(f"{path}: not in {_where(workspace)}")
        if relative.rpartition("/")[2] != MANIFEST:
            raise UserError(f"{path}: not a manifest.json or an app directory")
        return [relative]
    if tree.is_file(join(relative, MANIFEST)):
        return [join(relative, MANIFEST)]
    found = _discover(workspace, relative)
    if not found:
        raise UserError(f"{path}: no Connect manifest.json in {_where(workspace)} at or below this directory")
    return found


def _where(workspace: Workspace) -> str:
    return {"index": "the index", "worktree": "the work tree"}.get(workspace.source, workspace.source)


def _changed(workspace: Workspace, manifests: list[str]) -> list[str]:
    changed = workspace.changed_paths()
    selected = []
    for manifest in manifests:
        app = manifest.rpartition("/")[0]
        prefix = app + "/" if app else ""
        if any(path.startswith(prefix) for path in changed):
            selected.append(manifest)
    return selected


def _load_config(workspace: Workspace, named: str | None) -> Config:
    return _load_config_at(workspace.root, named)


def _load_config_at(root: str, named: str | None) -> Config:
    if named is not None:
        return load_config_file(named)
    return find_config(root)


def _is_connect(workspace: Workspace, manifest: str) -> bool:
    try:
        return is_connect_manifest(workspace.tree.read_bytes(manifest))
    except UserError:
        return False


def _declared_without_manifest(workspace: Workspace, config: Config, scope: HookScope | None) -> list[AppConfig]:
    """Declared apps (``[[apps]]``) with no manifest in the source; in a hook run, touched ones only."""
    return [
        app for app in config.apps
        if (scope is None or scope.touches(app.path)) and not workspace.tree.is_file(join(app.path, MANIFEST))
    ]  # fmt: skip


def _hook_arguments(args: argparse.Namespace) -> None:
    if args.source not in (None, INDEX):
        raise UserError("--hook checks the index; --source cannot be combined with it")
    if args.changed_since is not None or args.paths:
        raise UserError("--hook chooses the apps itself; drop --changed-since and PATH")


def open_run(args: argparse.Namespace) -> Run | None:
    """Open the workspace, read the configuration and pick the manifests to check.

    In a hook run, None means the staged change touches no app (and no declared app): nothing to do,
    and nothing was opened beyond a few git calls.
    """
    scope = None
    if args.hook:
        _hook_arguments(args)
        scope = hook_scope(os.getcwd())
        config = _load_config_at(scope.root, args.config)
        if not scope.manifests and not any(scope.touches(app.path) for app in config.apps):
            return None
    workspace = open_workspace(args.source, args.changed_since, args.paths)
    try:
        config = _load_config(workspace, args.config)
        selection = RuleSelection.build(config, _flatten(args.select), _flatten(args.ignore) or ())
        if scope is not None:
            manifests = [path for path in scope.manifests if _is_connect(workspace, path)]
        elif args.paths:
            manifests = list(dict.fromkeys(m for path in args.paths for m in _named(workspace, path)))
        else:
            manifests = _discover(workspace)
        if args.changed_since is not None:
            manifests = _changed(workspace, manifests)
        missing = [] if args.paths else _declared_without_manifest(workspace, config, scope)
    except BaseException:
        workspace.close()
        raise
    options = CheckOptions(config, selection, want_diff=args.diff)
    return Run(workspace, config, options, manifests, strict=args.strict or config.strict, missing=missing)


def check_all(run: Run, command: str) -> tuple[Report, list[ManifestOutcome]]:
    """Run every rule on every selected manifest; an unreadable app is an error, not a crash."""
    report = Report(command="fix" if command == "fix" else "check", strict=run.strict)
    outcomes = []
    for manifest in run.manifests:
        try:
            outcome = check_manifest(run.workspace, manifest, run.options, console.warn)
        except UserError as failure:
            shown = run.workspace.display(manifest)
            report.errors.append(f"{shown}: {failure.message}")
            report.manifests.append(ManifestResult(shown, None, "error"))
            continue
        outcomes.append(outcome)
        report.manifests.append(outcome.result)
        report.findings.extend(outcome.findings)
    return report, outcomes


def render_report(report: Report, args: argparse.Namespace) -> None:
    import sys

    from manifest_guard import reporters

    for message in report.errors:
        console.error(message)
    color = reporters.use_color(args.color, sys.stdout, os.environ)
    reporters.render(report, args.output_format, sys.stdout, color=color, show_diff=args.diff, quiet=args.quiet)


def exit_code(report: Report) -> int:
    if report.errors:
        return 2
    return 1 if report.failing() else 0
