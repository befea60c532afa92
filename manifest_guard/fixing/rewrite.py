"""``fix``'s work: apply each manifest's edits to the file on disk, create first manifests, stage.

The manifest on disk is what gets rewritten. With the index as source, a manifest whose work-tree
copy differs from the staged one gets the same edits applied on top of the work-tree copy, so
unstaged edits survive; ``--stage`` refuses that case, because staging would commit them.
"""

from __future__ import annotations

import argparse
import os

from manifest_guard.catalogue.findings import ManifestResult, Report
from manifest_guard.checking.checker import ManifestOutcome, render_fixed
from manifest_guard.checking.run import Run, check_all, open_run
from manifest_guard.engine.edits import describe
from manifest_guard.engine.manifest import ChangedUnderfoot, write_atomically
from manifest_guard.fixing.first_manifest import first_manifest
from manifest_guard.foundation import console
from manifest_guard.foundation.errors import UserError
from manifest_guard.foundation.jsonpos import JsonSyntaxError, load_json
from manifest_guard.foundation.line_endings import to_crlf
from manifest_guard.reporters import render_report
from manifest_guard.repository.hook_scope import HookScope
from manifest_guard.repository.trees import EntryKind, TargetKind, join
from manifest_guard.repository.workspace import INDEX, MANIFEST, WORKTREE, run_git


def _partial_commit() -> bool:
    """``git commit <paths>`` commits a temporary index (``next-index-*``): staging into it would leave
    the real index with the old manifest, and the next commit would silently revert the fix."""
    return os.path.basename(os.environ.get("GIT_INDEX_FILE", "")).startswith("next-index-")


class Refusal(Exception):
    """``fix`` will not rewrite this manifest; the message says why (exit 1)."""


def _read_disk(path: str) -> bytes | None:
    try:
        with open(path, "rb") as stream:
            return stream.read()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise UserError(f"{path}: cannot read: {error.strerror}") from None


def _pre_commit_store() -> str:
    """pre-commit's store directory, found as pre-commit finds it."""
    home = os.environ.get("PRE_COMMIT_HOME")
    if home:
        return home
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(cache, "pre-commit")


def stashed_by_pre_commit(manifest: str) -> bool:
    """Whether the pre-commit run that started this hook stashed unstaged edits of ``manifest``.

    pre-commit hides unstaged changes in ``<store>/patch<time>-<its pid>`` while hooks run and
    applies them afterwards; staging a rewrite of a file in that patch makes the patch fail to
    apply, so ``--stage`` must refuse. The pid is our parent's: pre-commit runs hooks directly.
    """
    if os.environ.get("PRE_COMMIT") != "1":
        return False
    store = _pre_commit_store()
    suffix = f"-{os.getppid()}"
    try:
        patches = [name for name in os.listdir(store) if name.startswith("patch") and name.endswith(suffix)]
    except OSError:
        return False
    needle = f"diff --git a/{manifest} b/{manifest}\n".encode()
    for name in patches:
        try:
            with open(os.path.join(store, name), "rb") as stream:
                if needle in stream.read():
                    return True
        except OSError:
            continue
    return False


def _target_bytes(
    run: Run, outcome: ManifestOutcome, disk_path: str, stage: bool, written: str
) -> tuple[bytes | None, bytes]:
    """What is on disk now and what should be there after the fix (``written``: the tree path to write)."""
    assert outcome.fixed_bytes is not None and outcome.document is not None
    shown = outcome.result.path
    current = _read_disk(disk_path)
    if current is None:
        raise Refusal(f"{shown}: not rewritten: it is deleted in the work tree")
    if stage and stashed_by_pre_commit(written):
        raise Refusal(
            f"{shown}: not rewritten: pre-commit stashed unstaged edits of it; stage or discard them, then commit again"
        )
    if current == outcome.source_bytes:
        return current, outcome.fixed_bytes
    if current == to_crlf(outcome.source_bytes):  # a CRLF checkout of the same manifest: keep its endings
        return current, to_crlf(outcome.fixed_bytes)
    if current in (outcome.fixed_bytes, to_crlf(outcome.fixed_bytes)):  # the work tree already holds the fix
        return current, current
    if stage:
        raise Refusal(f"{shown}: not rewritten: it has unstaged edits; stage or discard them, then run again")
    try:
        loaded = load_json(current)
    except JsonSyntaxError as error:
        raise Refusal(f"{shown}: not rewritten: the work-tree copy is not valid JSON ({error})") from None
    if loaded.duplicates or not isinstance(loaded.value, dict):
        raise Refusal(f"{shown}: not rewritten: the work-tree copy has unstaged edits that cannot be merged")
    return current, render_fixed(loaded.value, outcome.edits, outcome.order, current)


def _index_lock(run: Run) -> str | None:
    """The lock file of the index ``git add`` would write, when another git process holds it."""
    index = os.fsdecode(run_git(run.workspace.repo, "rev-parse", "--git-path", "index").strip())
    lock = os.path.join(run.workspace.root, index) + ".lock"
    return lock if os.path.lexists(lock) else None


def _stage(run: Run, manifest: str) -> None:
    """``git add`` a rewritten manifest; when git cannot, say that the file is rewritten but not staged."""
    try:
        run_git(run.workspace.repo, "add", "--", manifest)
    except UserError as failure:
        raise Refusal(f"{run.workspace.display(manifest)}: rewritten but not staged ({failure.message}); "
                      "`git add` it once git is free") from None  # fmt: skip


def _write(run: Run, manifest: str, content: bytes, expected: bytes | None) -> bool:
    try:
        return write_atomically(run.workspace.on_disk(manifest), content, expected, run.workspace.display(manifest))
    except ChangedUnderfoot as change:
        raise Refusal(change.message) from None


def _written_path(run: Run, outcome: ManifestOutcome) -> str:
    """The tree path ``fix`` writes: the manifest, or the file inside the repository that the manifest's
    symlink leads to (replacing the link by a regular file would change its type and strand the target)."""
    workspace = run.workspace
    manifest = outcome.manifest
    if workspace.tree.entry_kind(manifest) is not EntryKind.SYMLINK:
        return manifest
    shown = outcome.result.path
    kind, target = workspace.tree.resolve_symlink(manifest, "")
    if kind is not TargetKind.FILE or target is None or ".git" in target.split("/"):
        raise Refusal(f"{shown}: not rewritten: it is a symlink that does not lead to a file of the repository")
    disk = workspace.on_disk(manifest)
    if not os.path.islink(disk) or os.path.realpath(disk) != os.path.realpath(workspace.on_disk(target)):
        raise Refusal(f"{shown}: not rewritten: the symlink in the work tree differs from {workspace.label}; "
                      "stage or discard the change, then run again")  # fmt: skip
    return target


def _fix_one(run: Run, outcome: ManifestOutcome, stage: bool) -> bytes | None:
    """Apply one manifest's edits; the bytes written, or None when the file did not change."""
    if outcome.blocked is not None and outcome.edits:
        raise Refusal(f"{outcome.result.path}: not rewritten: {outcome.blocked}")
    if outcome.fixed_bytes is None:
        return None
    written = _written_path(run, outcome)
    disk_path = run.workspace.on_disk(written)
    current, wanted = _target_bytes(run, outcome, disk_path, stage, written)
    if current == wanted:
        if current in (outcome.source_bytes, to_crlf(outcome.source_bytes)) or run.workspace.source != INDEX:
            return None  # nothing to write (on the work tree, another run wrote the same fix meanwhile)
        if not stage:  # the work tree already holds the fix; only the index is stale
            raise Refusal(f"{outcome.result.path}: already fixed in the work tree but not staged; "
                          f"`git add {outcome.result.path}`")  # fmt: skip
        _stage(run, written)
        return current
    if stage and (lock := _index_lock(run)) is not None:
        raise Refusal(
            f"{outcome.result.path}: not rewritten: the index is locked ({lock} exists: another git process is "
            "running, or one crashed and left it); try again, or remove it if none runs"
        )
    if not _write(run, written, wanted, current):
        return None
    if stage:
        _stage(run, written)
    return wanted


def _repaired_document_findings(outcome: ManifestOutcome, written: bytes) -> set[int]:
    """The manifest's own findings (MG0xx) that the rewrite repaired: a numeric checksum replaced by a
    fresh one is no longer a schema error, and must not be listed as remaining."""
    from manifest_guard.rules.document import check_document

    left = {(finding.code, finding.message) for finding in check_document(written, outcome.result.path).findings}
    return {
        id(finding) for finding in outcome.findings
        if finding.code.startswith("MG0") and (finding.code, finding.message) not in left
    }  # fmt: skip


def _apply(run: Run, report: Report, outcomes: list[ManifestOutcome], stage: bool) -> tuple[bool, bool]:
    changed_any = refused_any = False
    fixed_codes: set[int] = set()
    for outcome in outcomes:
        try:
            written = _fix_one(run, outcome, stage)
        except Refusal as refusal:
            console.error(str(refusal))
            refused_any = True
            continue
        if written is None:
            continue
        changed_any = True
        outcome.result.status = "fixed"
        outcome.result.changes = [describe(edit) for edit in outcome.edits]
        fixed_codes.update(id(finding) for finding in outcome.findings if finding.fixable)
        fixed_codes.update(_repaired_document_findings(outcome, written))
    report.findings = [
        finding for outcome in outcomes for finding in outcome.findings if id(finding) not in fixed_codes
    ]
    return changed_any, refused_any


def _create_first_manifests(run: Run, report: Report, stage: bool) -> tuple[bool, bool]:
    """Write the first manifest of each declared app that has none; (created any, refused any)."""
    created = refused = False
    for app in run.missing:
        manifest = join(app.path, MANIFEST)
        shown = run.workspace.display(manifest)
        path = run.workspace.on_disk(manifest)
        if os.path.lexists(path):
            if not stage:
                console.error(f"{shown}: exists but is not in {run.workspace.source}; `git add` it")
                refused = True
                continue
            _stage(run, manifest)
        else:
            try:
                _write(run, manifest, first_manifest(run.workspace, run.config, app, console.warn), None)
                if stage:
                    _stage(run, manifest)
            except Refusal as refusal:
                console.error(str(refusal))
                refused = True
                continue
        created = True
        result = ManifestResult(shown, None, "fixed", changes=["created (first manifest of a declared app)"])
        report.manifests.append(result)
    return created, refused


def run_fix(args: argparse.Namespace, scope: HookScope | None) -> int:
    """The whole ``fix`` command once the hook scope (if any) says there is work."""
    if args.source not in (None, INDEX, WORKTREE):
        raise UserError(f"--source {args.source}: fix works on 'index' or 'worktree' only")
    session = open_run(args, scope)
    try:
        if args.stage and not session.workspace.in_git:
            raise UserError("--stage: not inside a git work tree")
        stage = args.stage and not _partial_commit()
        report, outcomes = check_all(session, "fix")
        changed, refused = _apply(session, report, outcomes, stage)
        created, refused_new = _create_first_manifests(session, report, stage)
        changed, refused = changed or created, refused or refused_new
    finally:
        session.workspace.close()
    render_report(report, args)
    if changed and args.stage and not stage:
        console.error("partial commit (`git commit <paths>`): the manifests were rewritten but not staged; "
                      "add them to the paths and commit again")  # fmt: skip
    elif changed and not stage and session.workspace.in_git and args.output_format == "text" and not args.quiet:
        rewritten = [result.path for result in report.manifests if result.status == "fixed"]
        again = " and commit again" if console.under_pre_commit() else ""
        console.result(f"next: review the rewritten manifest{'s' if len(rewritten) > 1 else ''}, then "
                       f"`git add {' '.join(rewritten)}`{again}")  # fmt: skip
    if report.errors:
        return 2
    if refused or report.failing() or (changed and not stage):
        return 1
    return 0
