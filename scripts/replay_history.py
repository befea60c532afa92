#!/usr/bin/env python3
"""Replay a git history through ``manifest-guard check`` and score it against a ground truth from plain git.

A linter earns trust on repositories nobody wrote for it. For every commit of a range this script runs, in a
temporary ``--shared --no-checkout`` clone (the input repository is only read)::

    manifest-guard check --source COMMIT --changed-since PARENT --output-format json

and computes, independently of manifest-guard (``git ls-tree``, ``git cat-file``, ``hashlib``), what each
listed file of every Connect manifest the commit touches really is:

``fresh``            the listed checksum is the md5 of the committed blob;
``fresh-crlf``       it is the md5 of the blob as git checks it out with CRLF line endings (every lone LF
                     becomes CRLF; a blob with NUL in its first 8000 bytes is binary and never converted):
                     a manifest written on Windows;
``fresh-processed``  the package file only: the md5 of rsconnect-python's processed requirements text (lines
                     holding ``rsconnect`` dropped, ``@ file:`` references cut, lines stripped, setuptools
                     post-releases dropped) of either form;
``stale``            the file exists and no form matches;
``missing``          the path is not in the commit's tree;
``skipped``          not judged: ``manifest.json`` itself, an unsafe key, a symlink, submodule or directory, a
                     blob the object database lacks (fetched snapshots leave out large files), or an entry
                     without a string checksum.

A manifest is in scope for a commit when it is a Connect manifest (a JSON object whose ``metadata`` has an
``appmode``) at the commit or its first parent and the commit changes a path under its directory. Then:

* a **false error** is an MG101 on a fresh file (any fresh form) or an MG102 on a file in the tree;
* a **missed MG101** is a stale listed file without MG101 (check reports every stale file, not only the ones
  the commit changed, so the truth is per listed file, not per change);
* a **missed MG102** is a missing listed file without MG102 (MG301 counts for the package file);
* a manifest check reports as ``error`` (it could not read it, e.g. a blob a partial snapshot lacks) is
  counted under "check errors" and not scored for missed findings; one check did not look at is;
* every other error-severity finding is listed **for review**: the truth here says nothing about it (except
  MG301 on a package file the truth finds missing, which it confirms).

Output: per repository a markdown table (commits, manifests checked, errors and warnings by code, false
errors, missed MG101/MG102), then the false errors, missed findings, errors for review and run failures,
grouped per manifest, code and subject. ``--json FILE`` writes the raw rows (one per commit and manifest).
Exit status: 0 when there is no false error and nothing was missed, 1 otherwise, 2 on a usage or git error.

Standard library only; manifest-guard runs as ``python -m manifest_guard`` with this interpreter (or
``--manifest-guard``).
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import posixpath
import shlex
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
BINARY_PROBE = 8000  # git's buffer_is_binary(): a NUL in the first 8000 bytes makes a blob binary
CHECK_TIMEOUT = 600.0

# Ground-truth states of a listed file.
FRESH = "fresh"
FRESH_CRLF = "fresh-crlf"
FRESH_PROCESSED = "fresh-processed"
STALE = "stale"
MISSING = "missing"
SKIPPED = "skipped"
FRESH_STATES = frozenset({FRESH, FRESH_CRLF, FRESH_PROCESSED})

# Verdict kinds.
FALSE_ERROR = "false-error"
MISSED_MG101 = "missed-MG101"
MISSED_MG102 = "missed-MG102"
REVIEW = "review"


class ReplayError(Exception):
    """A usage or git failure that ends the replay with exit 2."""


# --- git access ------------------------------------------------------------------------------------------


def run_git(repo: Path, *args: str, input_bytes: bytes | None = None) -> bytes:
    """Run one read-only git command in ``repo``; its stdout, or ReplayError naming the command."""
    completed = subprocess.run(
        ["git", "-C", str(repo), *args], input=input_bytes, capture_output=True, check=False, env=git_environment()
    )
    if completed.returncode != 0:
        reason = completed.stderr.decode("utf-8", "replace").strip().splitlines()
        raise ReplayError(f"{repo}: git {' '.join(args)} failed: {reason[-1] if reason else completed.returncode}")
    return completed.stdout


def git_environment() -> dict[str, str]:
    """The caller's environment without variables that would point git at another repository or index."""
    env = dict(os.environ)
    for name in ("GIT_DIR", "GIT_INDEX_FILE", "GIT_WORK_TREE", "GIT_OBJECT_DIRECTORY", "MANIFEST_GUARD_DEBUG"):
        env.pop(name, None)
    return env


@dataclass(frozen=True)
class TreeEntry:
    mode: str
    kind: str  # blob, tree or commit (a submodule)
    oid: str


class GitReader:
    """Tree listings and blob bytes of one repository, read with ``git ls-tree`` and ``git cat-file``."""

    def __init__(self, repo: Path) -> None:
        self.repo = repo
        self._blobs: dict[str, bytes | None] = {}
        self._batch: subprocess.Popen[bytes] | None = None

    def close(self) -> None:
        if self._batch is not None and self._batch.stdin is not None:
            self._batch.stdin.close()
            self._batch.wait()
        self._batch = None

    def tree(self, commit: str | None) -> dict[str, TreeEntry]:
        """Every path of ``commit``'s tree (recursively), or nothing for no commit."""
        if commit is None:
            return {}
        out = run_git(self.repo, "ls-tree", "-r", "-z", "--full-tree", commit)
        entries: dict[str, TreeEntry] = {}
        for record in out.split(b"\0"):
            if not record:
                continue
            meta, _, raw_path = record.partition(b"\t")
            mode, kind, oid = meta.decode("ascii").split(" ")
            entries[raw_path.decode("utf-8", "surrogateescape")] = TreeEntry(mode, kind, oid)
        return entries

    def blob(self, oid: str) -> bytes | None:
        """A blob's bytes, or None when the object database lacks it (a partial snapshot); cached by id."""
        if oid not in self._blobs:
            self._blobs[oid] = self._read(oid)
        return self._blobs[oid]

    def _read(self, oid: str) -> bytes | None:
        """One object through a long-lived ``git cat-file --batch``."""
        if self._batch is None:
            self._batch = subprocess.Popen(
                ["git", "-C", str(self.repo), "cat-file", "--batch"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                env=git_environment(),
            )
        assert self._batch.stdin is not None and self._batch.stdout is not None
        self._batch.stdin.write(oid.encode("ascii") + b"\n")
        self._batch.stdin.flush()
        header = self._batch.stdout.readline().split()
        if len(header) != 3:
            return None  # "<oid> missing"
        data = self._batch.stdout.read(int(header[2]))
        self._batch.stdout.read(1)  # the LF after the contents
        return data if header[1] == b"blob" else None

    def changed_paths(self, parent: str | None, commit: str) -> list[str]:
        """Paths added, modified or deleted by ``commit`` against ``parent`` (a rename is both of its paths)."""
        out = run_git(
            self.repo, "diff-tree", "-r", "-z", "--no-renames", "--name-only", parent or EMPTY_TREE, commit
        )
        return [raw.decode("utf-8", "surrogateescape") for raw in out.split(b"\0") if raw]

    def commits(self, revisions: Sequence[str], first_parent: bool, limit: int | None) -> list[tuple[str, str | None]]:
        """(commit, first parent) pairs of the range, oldest first."""
        args = ["rev-list", "--parents", "--reverse"]
        if first_parent:
            args.append("--first-parent")
        out = run_git(self.repo, *args, *revisions, "--").decode("ascii").split("\n")
        pairs: list[tuple[str, str | None]] = []
        for line in out:
            shas = line.split()
            if shas:
                pairs.append((shas[0], shas[1] if len(shas) > 1 else None))
        return pairs[-limit:] if limit else pairs


# --- ground truth ----------------------------------------------------------------------------------------


def md5_hex(data: bytes) -> str:
    return hashlib.md5(data, usedforsecurity=False).hexdigest()


def crlf_form(data: bytes) -> bytes | None:
    """The blob as git checks it out with CRLF line endings, or None when that is the blob itself.

    Every LF not already preceded by CR becomes CRLF; a blob with NUL in its first 8000 bytes is binary and
    never converted.
    """
    if b"\0" in data[:BINARY_PROBE] or b"\n" not in data:
        return None
    converted = data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    return None if converted == data else converted


def processed_requirements(data: bytes) -> bytes | None:
    """rsconnect-python's package-file text, as its inspector builds it from a requirements file, or None.

    Lines (split on LF, so a CR stays on its line) that mention ``rsconnect`` are dropped; each line is cut at
    `` @ file:``, stripped and keeps its CR; lines starting with ``setuptools`` that mention ``post`` are
    dropped; the lines are joined with LF again.
    """
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    kept: list[str] = []
    for line in text.split("\n"):
        if "rsconnect" in line:
            continue
        ending = "\r" if line.endswith("\r") else ""
        line = line.split(" @ file:", 1)[0].strip() + ending
        if line and line.startswith("setuptools") and "post" in line:
            continue
        kept.append(line)
    return "\n".join(kept).encode("utf-8")


def unsafe_key(key: str) -> bool:
    """A ``files`` key no tool may resolve inside the app: empty, absolute, ``..``, ``.``, backslash, NUL."""
    if not key or key.startswith("/") or "\\" in key or "\0" in key:
        return True
    return any(part in ("", ".", "..") for part in key.split("/"))


def file_state(checksum: object, entry: TreeEntry | None, blob: bytes | None, package_file: bool) -> str:
    """The ground-truth state of one listed file (see the module docstring)."""
    if entry is None:
        return MISSING
    if entry.kind != "blob" or entry.mode == "120000" or blob is None or not isinstance(checksum, str):
        return SKIPPED
    listed = checksum.strip().lower()
    if md5_hex(blob) == listed:
        return FRESH
    crlf = crlf_form(blob)
    if crlf is not None and md5_hex(crlf) == listed:
        return FRESH_CRLF
    if package_file:
        for form in (blob, crlf):
            processed = processed_requirements(form) if form is not None else None
            if processed is not None and md5_hex(processed) == listed:
                return FRESH_PROCESSED
    return STALE


def connect_manifest(data: bytes) -> dict[str, Any] | None:
    """The parsed manifest when ``data`` is a Connect manifest (an object whose ``metadata`` has ``appmode``)."""
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    if isinstance(document, dict) and isinstance(document.get("metadata"), dict) and "appmode" in document["metadata"]:
        return document
    return None


def package_file_of(document: Mapping[str, Any]) -> str | None:
    """``python.package_manager.package_file`` when it is a usable string."""
    python = document.get("python")
    manager = python.get("package_manager") if isinstance(python, dict) else None
    name = manager.get("package_file") if isinstance(manager, dict) else None
    return name if isinstance(name, str) and name and not unsafe_key(name) else None


@dataclass
class ManifestTruth:
    """What plain git says about one in-scope manifest at one commit."""

    manifest: str
    appmode: str | None
    status: str  # "present", "unreadable" (not a Connect manifest at the commit) or "deleted"
    files: dict[str, str] = field(default_factory=dict)  # files key -> state
    package_file: str | None = None


def manifest_truth(reader: GitReader, tree: Mapping[str, TreeEntry], manifest: str) -> ManifestTruth:
    """The ground truth of ``manifest`` in ``tree``."""
    entry = tree.get(manifest)
    if entry is None:
        return ManifestTruth(manifest, None, "deleted")
    document = connect_manifest(reader.blob(entry.oid) or b"") if entry.kind == "blob" else None
    if document is None:
        return ManifestTruth(manifest, None, "unreadable")
    appmode = document["metadata"].get("appmode")
    truth = ManifestTruth(manifest, appmode if isinstance(appmode, str) else None, "present")
    truth.package_file = package_file_of(document)
    listed = document.get("files")
    if not isinstance(listed, dict):
        return truth
    app = posixpath.dirname(manifest)
    for key, value in listed.items():
        if key == "manifest.json" or unsafe_key(key):
            truth.files[key] = SKIPPED
            continue
        found = tree.get(posixpath.join(app, key))
        checksum = value.get("checksum") if isinstance(value, dict) else None
        blob = reader.blob(found.oid) if found is not None and found.kind == "blob" else None
        truth.files[key] = file_state(checksum, found, blob, key == truth.package_file)
    return truth


def is_manifest_path(path: str) -> bool:
    return posixpath.basename(path) == "manifest.json"


def under(directory: str, path: str) -> bool:
    return directory == "" or path.startswith(directory + "/")


def manifests_in_scope(
    reader: GitReader,
    trees: Iterable[Mapping[str, TreeEntry]],
    changed: Sequence[str],
) -> list[str]:
    """Manifests that are Connect manifests in any of ``trees`` and whose directory ``changed`` touches."""
    candidates: set[str] = set()
    for tree in trees:
        for path, entry in tree.items():
            if path in candidates or not is_manifest_path(path) or entry.kind != "blob":
                continue
            directory = posixpath.dirname(path)
            touched = any(under(directory, changed_path) for changed_path in changed)
            if touched and connect_manifest(reader.blob(entry.oid) or b"") is not None:
                candidates.add(path)
    return sorted(candidates)


# --- the tool --------------------------------------------------------------------------------------------


@dataclass
class ToolRun:
    """One ``check`` run: its exit code, the manifests it looked at and its findings, or why it failed."""

    exit_code: int
    manifests: dict[str, str] = field(default_factory=dict)  # path -> status
    findings: list[dict[str, Any]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def run_check(command: Sequence[str], clone: Path, commit: str, parent: str | None, no_cache: bool) -> ToolRun:
    """``check --source COMMIT [--changed-since PARENT] --output-format json`` in ``clone``."""
    args = [*command, "check", "--source", commit, "--output-format", "json"]
    if parent is not None:
        args += ["--changed-since", parent]
    env = git_environment()
    env.setdefault("LC_ALL", "C.UTF-8")
    if no_cache:
        env["MANIFEST_GUARD_NO_CACHE"] = "1"
    try:
        completed = subprocess.run(
            args, cwd=clone, env=env, capture_output=True, text=True, timeout=CHECK_TIMEOUT, check=False
        )
    except subprocess.TimeoutExpired:
        return ToolRun(-1, errors=[f"timed out after {CHECK_TIMEOUT:.0f} s"])
    tail = completed.stderr.strip().splitlines()[-3:]
    try:
        report = json.loads(completed.stdout)
    except ValueError:
        return ToolRun(completed.returncode, errors=[f"exit {completed.returncode}, no JSON: {' | '.join(tail)}"])
    run = ToolRun(completed.returncode)
    run.manifests = {item["path"]: item["status"] for item in report.get("manifests", [])}
    run.findings = list(report.get("findings", []))
    run.errors = [str(error) for error in report.get("errors", [])]
    if "Traceback" in completed.stderr:
        run.errors.append("traceback: " + " | ".join(tail))
    return run


# --- comparison ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    kind: str
    manifest: str
    code: str
    subject: str
    message: str
    truth: str


def compare(truth: ManifestTruth, findings: Sequence[Mapping[str, Any]], tool_status: str | None) -> list[Verdict]:
    """False errors, missed MG101/MG102 and errors to review for one manifest at one commit.

    ``tool_status`` is the manifest's status in check's report (None: check did not look at it, so every stale
    or missing file is missed). A manifest check could not read (``error``, e.g. a blob the snapshot lacks) is
    not scored for missed findings: its run error is reported instead.
    """
    verdicts: list[Verdict] = []
    reported: dict[str, set[str]] = {}
    for finding in findings:
        code, subject = str(finding.get("code")), str(finding.get("subject", ""))
        reported.setdefault(code, set()).add(subject)
        if finding.get("severity") != "error":
            continue
        state = truth.files.get(subject, "")
        message = str(finding.get("message", ""))
        refuted = state in FRESH_STATES if code == "MG101" else state not in ("", MISSING, SKIPPED)
        if code in ("MG101", "MG102") and refuted:
            verdicts.append(Verdict(FALSE_ERROR, truth.manifest, code, subject, message, state))
        elif code == "MG301" and truth.files.get(truth.package_file or "") == MISSING:
            continue  # the truth confirms it
        elif code not in ("MG101", "MG102"):
            verdicts.append(Verdict(REVIEW, truth.manifest, code, subject, message, state or "-"))
    if truth.status != "present" or tool_status == "error":
        return verdicts
    note = "" if tool_status is not None else "manifest not checked"
    for key, state in truth.files.items():
        if state == STALE and key not in reported.get("MG101", set()):
            verdicts.append(Verdict(MISSED_MG101, truth.manifest, "MG101", key, note, state))
        if state == MISSING and not _missing_reported(key, truth, reported):
            verdicts.append(Verdict(MISSED_MG102, truth.manifest, "MG102", key, note, state))
    return verdicts


def _missing_reported(key: str, truth: ManifestTruth, reported: Mapping[str, set[str]]) -> bool:
    """MG102 on ``key``; a missing package file is MG301's finding, whatever its subject."""
    return key in reported.get("MG102", set()) or (key == truth.package_file and bool(reported.get("MG301")))


# --- one repository --------------------------------------------------------------------------------------


@dataclass
class RepositoryResult:
    name: str
    commits: int = 0
    commits_checked: int = 0
    manifests_checked: int = 0
    manifests_unchecked: int = 0
    manifests_unreadable: int = 0  # check's status "error": a run error, not scored
    crlf_files: int = 0
    errors: Counter[str] = field(default_factory=Counter)
    warnings: Counter[str] = field(default_factory=Counter)
    verdicts: list[tuple[str, Verdict]] = field(default_factory=list)  # (commit, verdict)
    run_errors: list[tuple[str, str]] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)

    def count(self, kind: str) -> int:
        return sum(1 for _, verdict in self.verdicts if verdict.kind == kind)


def replay_repository(
    repo: Path,
    revisions: Sequence[str],
    *,
    command: Sequence[str],
    first_parent: bool = False,
    limit: int | None = None,
    no_cache: bool = False,
    progress: IO[str] | None = None,
) -> RepositoryResult:
    """Replay ``revisions`` of ``repo`` (read only) through ``check``; see the module docstring."""
    reader = GitReader(repo)
    pairs = reader.commits(revisions, first_parent, limit)
    result = RepositoryResult(repo_name(repo), commits=len(pairs))
    with temporary_clone(repo) as clone, contextlib.closing(reader):
        for index, (commit, parent) in enumerate(pairs, 1):
            tree, parent_tree = reader.tree(commit), reader.tree(parent)
            changed = reader.changed_paths(parent, commit)
            scope = manifests_in_scope(reader, (tree, parent_tree), changed)
            if not scope:
                continue
            if progress is not None:
                progress.write(f"\r{result.name}: {index}/{len(pairs)} {commit[:10]}")
                progress.flush()
            run = run_check(command, clone, commit, parent, no_cache)
            record_run(result, reader, tree, commit, parent, scope, run)
    if progress is not None:
        progress.write("\n")
    return result


def record_run(
    result: RepositoryResult,
    reader: GitReader,
    tree: Mapping[str, TreeEntry],
    commit: str,
    parent: str | None,
    scope: Sequence[str],
    run: ToolRun,
) -> None:
    """Score one ``check`` run against the truth of every in-scope manifest."""
    result.commits_checked += 1
    for error in run.errors:
        result.run_errors.append((commit, error))
    for finding in run.findings:
        (result.errors if finding.get("severity") == "error" else result.warnings)[str(finding.get("code"))] += 1
    by_manifest: dict[str, list[dict[str, Any]]] = {}
    for finding in run.findings:
        by_manifest.setdefault(str(finding.get("manifest")), []).append(finding)
    for manifest in sorted(set(scope) | set(run.manifests)):
        truth = manifest_truth(reader, tree, manifest)
        status = run.manifests.get(manifest)
        if status == "error":
            result.manifests_unreadable += 1
        elif status is not None:
            result.manifests_checked += 1
        elif manifest in scope and truth.status == "present":
            result.manifests_unchecked += 1
        result.crlf_files += sum(1 for state in truth.files.values() if state == FRESH_CRLF)
        verdicts = compare(truth, by_manifest.get(manifest, []), status)
        result.verdicts.extend((commit, verdict) for verdict in verdicts)
        result.rows.append(
            {
                "repository": result.name,
                "commit": commit,
                "parent": parent,
                "manifest": manifest,
                "appmode": truth.appmode,
                "package_file": truth.package_file,
                "truth_status": truth.status,
                "in_scope": manifest in scope,
                "tool_status": run.manifests.get(manifest),
                "exit_code": run.exit_code,
                "files": truth.files,
                "findings": by_manifest.get(manifest, []),
                "verdicts": [verdict.__dict__ for verdict in verdicts],
            }
        )


@contextlib.contextmanager
def temporary_clone(repo: Path) -> Iterator[Path]:
    """A ``--shared --no-checkout`` clone of ``repo``, removed afterwards: manifest-guard's caches go there."""
    directory = Path(tempfile.mkdtemp(prefix="replay-"))
    try:
        clone = directory / "clone"
        run_git(directory, "clone", "--quiet", "--shared", "--no-checkout", str(repo.resolve()), str(clone))
        yield clone
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def repo_name(repo: Path) -> str:
    """``owner+name`` of a fetched snapshot (``.../owner+name/repo``), else the directory name."""
    resolved = repo.resolve()
    return resolved.parent.name if resolved.name == "repo" else resolved.name


# --- report ----------------------------------------------------------------------------------------------


def by_code(counter: Counter[str]) -> str:
    return ", ".join(f"{code} {count}" for code, count in sorted(counter.items())) or "-"


def markdown_table(results: Sequence[RepositoryResult]) -> str:
    header = (
        "| repository | commits | commits checked | manifests checked | CRLF-form files | errors by code "
        "| warnings by code | false errors | missed MG101 | missed MG102 | not checked | check errors |\n"
        "|---|---:|---:|---:|---:|---|---|---:|---:|---:|---:|---:|\n"
    )
    lines = [
        f"| {r.name} | {r.commits} | {r.commits_checked} | {r.manifests_checked} | {r.crlf_files} "
        f"| {by_code(r.errors)} | {by_code(r.warnings)} | {r.count(FALSE_ERROR)} | {r.count(MISSED_MG101)} "
        f"| {r.count(MISSED_MG102)} | {r.manifests_unchecked} | {r.manifests_unreadable} |"
        for r in results
    ]
    return header + "\n".join(lines) + "\n"


def grouped(verdicts: Sequence[tuple[str, Verdict]], limit: int) -> Iterator[str]:
    """A count per code and truth, then one line per (manifest, code, subject, truth) up to ``limit``."""
    causes = Counter(f"{verdict.code} on {verdict.truth}" for _, verdict in verdicts)
    yield "By code and truth: " + ", ".join(f"{cause} x{count}" for cause, count in sorted(causes.items())) + "\n"
    groups: dict[tuple[str, str, str, str], list[tuple[str, Verdict]]] = {}
    for commit, verdict in verdicts:
        key = (verdict.manifest, verdict.code, verdict.subject, verdict.truth)
        groups.setdefault(key, []).append((commit, verdict))
    for shown, ((manifest, code, subject, truth), items) in enumerate(sorted(groups.items())):
        if shown == limit:
            yield f"- ... {len(groups) - limit} more (all in --json)"
            break
        first_commit, first = items[0]
        yield (
            f"- `{manifest}` {code} `{subject}` (truth: {truth}) x{len(items)}, first at {first_commit[:10]}: "
            f"{first.message}"
        )


def write_report(results: Sequence[RepositoryResult], out: IO[str], limit: int = 40) -> None:
    """The table, then per repository the verdicts grouped by section, and the run errors."""
    out.write(markdown_table(results))
    sections = (
        (FALSE_ERROR, "false errors"),
        (MISSED_MG101, "missed MG101"),
        (MISSED_MG102, "missed MG102"),
        (REVIEW, "other errors to review"),
    )
    for result in results:
        for kind, title in sections:
            verdicts = [(commit, verdict) for commit, verdict in result.verdicts if verdict.kind == kind]
            if verdicts:
                out.write(f"\n#### {result.name}: {title} ({len(verdicts)})\n\n")
                out.write("\n".join(grouped(verdicts, limit)) + "\n")
        if result.run_errors:
            out.write(f"\n#### {result.name}: run errors ({len(result.run_errors)})\n\n")
            for commit, error in result.run_errors[:limit]:
                out.write(f"- {commit[:10]}: {error}\n")


# --- command line ----------------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="replay_history.py",
        description=(
            "Replay each commit of git repositories through `manifest-guard check --source COMMIT "
            "--changed-since PARENT` and compare its MG101/MG102 findings with a ground truth computed "
            "with plain git. The repositories are only read; check runs in a temporary clone."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=(__doc__ or "").split("\n\n", 1)[1] if __doc__ else None,
    )
    parser.add_argument("repositories", nargs="+", type=Path, metavar="REPO", help="git repositories (paths)")
    parser.add_argument(
        "--range",
        dest="revisions",
        action="append",
        metavar="REVS",
        help="rev-list arguments, e.g. 'abc123..main' (repeatable; default: HEAD); applies to every REPO",
    )
    parser.add_argument("--max-commits", type=int, metavar="N", help="only the newest N commits of the range")
    parser.add_argument("--first-parent", action="store_true", help="follow only the first parent of merges")
    parser.add_argument("--no-cache", action="store_true", help="run check with MANIFEST_GUARD_NO_CACHE=1")
    parser.add_argument(
        "--manifest-guard",
        metavar="CMD",
        default=f"{shlex.quote(sys.executable)} -m manifest_guard",
        help="the command that runs manifest-guard (default: this interpreter's -m manifest_guard)",
    )
    parser.add_argument("--json", type=Path, metavar="FILE", help="write the raw rows (one per commit and manifest)")
    parser.add_argument(
        "--list-limit", type=int, default=40, metavar="N", help="at most N grouped lines per section (default 40)"
    )
    parser.add_argument("--progress", action="store_true", help="show progress on stderr")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.max_commits is not None and args.max_commits < 1:
        print("replay_history.py: --max-commits must be at least 1", file=sys.stderr)
        return 2
    command = shlex.split(args.manifest_guard)
    results: list[RepositoryResult] = []
    try:
        for repo in args.repositories:
            if not repo.is_dir():
                raise ReplayError(f"{repo}: not a directory")
            results.append(
                replay_repository(
                    repo,
                    args.revisions or ["HEAD"],
                    command=command,
                    first_parent=args.first_parent,
                    limit=args.max_commits,
                    no_cache=args.no_cache,
                    progress=sys.stderr if args.progress else None,
                )
            )
    except ReplayError as error:
        print(f"replay_history.py: {error}", file=sys.stderr)
        return 2
    write_report(results, sys.stdout, args.list_limit)
    if args.json is not None:
        rows = [row for result in results for row in result.rows]
        args.json.write_text(json.dumps(rows, indent=1) + "\n", encoding="utf-8")
    bad = sum(r.count(FALSE_ERROR) + r.count(MISSED_MG101) + r.count(MISSED_MG102) for r in results)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
