"""One manifest, start to end: load it, run every rule family, keep what the selection reports,
and work out the bytes ``fix`` would write. ``check`` and ``fix`` share all of it."""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from manifest_guard.catalogue.appmodes import appmode_of
from manifest_guard.catalogue.codes import Severity
from manifest_guard.catalogue.findings import Finding, ManifestResult, ManifestStatus
from manifest_guard.engine.edits import Edit, Proposal, apply_edits
from manifest_guard.engine.manifest import dump_like
from manifest_guard.readers.appmodules import AppModules
from manifest_guard.repository.trees import relative_to
from manifest_guard.repository.workspace import Workspace
from manifest_guard.rules.bundle_safety import check_bundle_safety
from manifest_guard.rules.dependencies import check_dependencies
from manifest_guard.rules.document import check_document
from manifest_guard.rules.entrypoint import check_entrypoint, claims
from manifest_guard.rules.freshness import AppState, check_files, python_version_of
from manifest_guard.rules.python_requires import check_requires
from manifest_guard.rules.python_version import check_python_version
from manifest_guard.rules.r_entry import check_entry_documents
from manifest_guard.rules.r_packages import check_r_packages
from manifest_guard.settings.check_options import CheckOptions
from manifest_guard.settings.selection import RuleSelection

Warn = Callable[[str], None]


@dataclass
class ManifestOutcome:
    """Findings for one manifest, and what ``fix`` would do about them."""

    manifest: str  # tree path
    result: ManifestResult
    findings: list[Finding]
    edits: list[Edit] = field(default_factory=list)
    order: list[str] = field(default_factory=list)
    document: Mapping[str, Any] | None = None
    source_bytes: bytes = b""
    fixed_bytes: bytes | None = None  # None: nothing fix can change
    cacheable: bool = True  # False when a rule read the work tree beside the checked tree
    blocked: str | None = None  # why fix must not rewrite this manifest


def _app_of(manifest: str) -> str:
    return manifest.rpartition("/")[0]


def _select(proposals: list[Proposal], selection: RuleSelection, app_ignore: tuple[str, ...]) -> list[Proposal]:
    kept = []
    for proposal in proposals:
        finding = proposal.finding
        level = selection.severity(finding.code, finding.severity, app_ignore)
        if level is Severity.OFF:
            continue
        if level is not finding.severity:
            finding = dataclasses.replace(finding, severity=level)
        if proposal.edit is None and finding.fixable:
            finding = dataclasses.replace(finding, repairable=False)
        kept.append(Proposal(finding, proposal.edit))
    return kept


def _status(findings: list[Finding]) -> ManifestStatus:
    """``invalid`` when the manifest's own content is wrong (MG0xx, MG4xx), ``stale`` for any other
    finding (it no longer matches the tree), ``fresh`` with no finding at all."""
    if any(finding.code.startswith(("MG0", "MG4")) for finding in findings):
        return "invalid"
    return "stale" if findings else "fresh"


def unified_diff(path: str, before: bytes, after: bytes) -> str:
    old = before.decode("utf-8", "replace").splitlines(keepends=True)
    new = after.decode("utf-8", "replace").splitlines(keepends=True)
    lines = difflib.unified_diff(old, new, f"a/{path}", f"b/{path}")
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)


def _rules(workspace: Workspace, manifest: str, state: AppState) -> tuple[list[Proposal], list[str]]:
    """Every rule family after the document rules; returns the proposals and write's files order."""
    display = workspace.display(manifest)
    freshness = check_files(state)
    modules = AppModules(freshness.order, state.read, python_version_of(state.document))
    proposals = [*freshness.proposals, *check_requires(state), *check_entrypoint(state, modules),
                 *check_dependencies(state, modules), *check_bundle_safety(state, freshness.deployed),
                 *check_r_packages(state), *check_entry_documents(state)]  # fmt: skip
    proposals.extend(Proposal(finding) for finding in check_python_version(state.document, state.loaded, display))
    return proposals, freshness.order


def _unmerged_outcome(workspace: Workspace, manifest: str, unmerged: list[str], options: CheckOptions,
                      app_ignore: tuple[str, ...]) -> ManifestOutcome:  # fmt: skip
    """MG105 for each conflicted path: until it is resolved the app's content is undecided, so no other rule
    runs (a conflicted file is neither present nor absent) and ``fix`` must not touch the manifest."""
    display = workspace.display(manifest)
    app = _app_of(manifest)
    proposals = []
    for path in unmerged:
        shown = workspace.display(path)
        if path == manifest:
            message = (f"{shown}: the manifest itself is unmerged (a merge, rebase or cherry-pick conflict); "
                       "resolve the conflict, `git add` it, then run again")  # fmt: skip
        else:
            message = (f"{shown}: unmerged (a merge, rebase or cherry-pick conflict); resolve the conflict, "
                       "`git add` the file, then run again")  # fmt: skip
        subject = relative_to(path, app) if path != manifest else "manifest.json"
        proposals.append(Proposal(Finding("MG105", display, display, None, message, subject=subject)))
    findings = [proposal.finding for proposal in _select(proposals, options.selection, app_ignore)]
    return ManifestOutcome(manifest, ManifestResult(display, None, _status(findings)), findings,
                           blocked="paths of its app are unmerged")  # fmt: skip


def _deleted_outcome(workspace: Workspace, manifest: str, options: CheckOptions,
                     app_ignore: tuple[str, ...]) -> ManifestOutcome:  # fmt: skip
    """MG106: a Connect manifest of the base is gone while its app still has files, so the app would
    no longer deploy from git (discovery only hands such a path over when that is so)."""
    display = workspace.display(manifest)
    message = (f"{display}: deleted (not in {workspace.label}) while its app remains; restore it "
               f"(`git checkout {workspace.base_name} -- {display}`) or delete the whole app")  # fmt: skip
    finding = Finding("MG106", display, display, None, message, subject="manifest.json")
    findings = [proposal.finding for proposal in _select([Proposal(finding)], options.selection, app_ignore)]
    return ManifestOutcome(manifest, ManifestResult(display, None, "missing" if findings else "fresh"), findings,
                           blocked="it is deleted")  # fmt: skip


def _unreadable_outcome(workspace: Workspace, manifest: str, options: CheckOptions,
                        app_ignore: tuple[str, ...]) -> ManifestOutcome:  # fmt: skip
    """MG001 for a manifest that is a symlink leading out of the repository, or nowhere: Connect's git
    import cannot read it either."""
    display = workspace.display(manifest)
    message = (f"{display}: not a file in {workspace.label}: a symlink that leads outside the repository or to "
               "nothing; Connect's git import cannot read it")  # fmt: skip
    finding = Finding("MG001", display, display, None, message, subject="manifest.json")
    findings = [proposal.finding for proposal in _select([Proposal(finding)], options.selection, app_ignore)]
    return ManifestOutcome(manifest, ManifestResult(display, None, _status(findings)), findings,
                           blocked="it is not a file of the repository")  # fmt: skip


def check_manifest(workspace: Workspace, manifest: str, options: CheckOptions, warn: Warn) -> ManifestOutcome:
    """Every finding for one manifest (a tree path) and the fixed bytes when ``fix`` can repair it."""
    display = workspace.display(manifest)
    app = _app_of(manifest)
    app_config = options.config.app(app)
    app_ignore = app_config.ignore if app_config else ()
    unmerged = workspace.unmerged_under(app)
    if unmerged:
        return _unmerged_outcome(workspace, manifest, unmerged, options, app_ignore)
    if workspace.tree.entry_kind(manifest) is None:
        return _deleted_outcome(workspace, manifest, options, app_ignore)
    if not workspace.tree.is_file(manifest):
        return _unreadable_outcome(workspace, manifest, options, app_ignore)
    raw = workspace.tree.read_bytes(manifest)
    document_check = check_document(raw, display, workspace.validated)
    loaded = document_check.loaded
    document = loaded.value if loaded is not None else None
    appmode = appmode_of(document) if isinstance(document, dict) else None
    document_proposals = [
        Proposal(dataclasses.replace(finding, code="MG201") if claims(finding, appmode) else finding)
        for finding in document_check.findings
    ]
    if loaded is None or not isinstance(document, dict):
        findings = [p.finding for p in _select(document_proposals, options.selection, app_ignore)]
        return ManifestOutcome(manifest, ManifestResult(display, None, _status(findings) if findings else "invalid"),
                               findings, source_bytes=raw, blocked="it is not a JSON object")  # fmt: skip
    consulted_disk: list[bool] = []

    def disk_only() -> frozenset[str]:
        consulted_disk.append(True)
        return workspace.disk_only_files(app)

    state = AppState(
        tree=workspace.tree,
        source_label=workspace.label,
        manifest=manifest,
        app=app,
        document=document,
        loaded=loaded,
        display=workspace.display,
        excludes=(*options.config.exclude, *(app_config.exclude if app_config else ())),
        ignored_by_git=workspace.ignored_predicate(app),
        would_ignore=workspace.would_ignore(app),
        disk_only=disk_only,
        is_new=None if workspace.base is None else (lambda path: not workspace.base_has(path)),
        warn=warn,
        base=workspace.base,
        known_first_party=options.config.known_first_party,
        dev_files=options.config.dev_files,
        dependency_map=options.config.dependency_map,
        large_file_mb=options.config.large_file_mb,
    )
    rule_proposals, order = _rules(workspace, manifest, state)
    proposals = _select([*document_proposals, *rule_proposals], options.selection, app_ignore)
    proposals.sort(key=lambda proposal: (proposal.finding.line or 0, proposal.finding.code, proposal.finding.subject))
    findings = [proposal.finding for proposal in proposals]
    edits = [proposal.edit for proposal in proposals if proposal.edit is not None]
    outcome = ManifestOutcome(
        manifest,
        ManifestResult(display, appmode, _status(findings)),
        findings,
        edits,
        order,
        document,
        raw,
        cacheable=not consulted_disk,
    )
    if loaded.duplicates:
        outcome.blocked = "it repeats keys (MG003); rewriting it would silently drop one of them"
    elif edits and (options.want_fixed or options.want_diff):
        outcome.fixed_bytes = render_fixed(document, edits, outcome.order, raw)
        if options.want_diff:
            outcome.result.diff = unified_diff(display, raw, outcome.fixed_bytes)
    return outcome


def render_fixed(document: Mapping[str, Any], edits: list[Edit], order: list[str], original: bytes) -> bytes:
    """The bytes ``fix`` writes: the edits applied, every other key in place, the original's style."""
    return dump_like(apply_edits(document, edits, order), original.decode("utf-8", "replace"))
