"""Which apps a hook run must look at, found with a few cheap git calls before any tree is read.

A commit that touches no app costs three ``git`` processes and no GitPython import. An app is
touched when a staged add, modify, delete or rename lies under its directory (or is its manifest).
When nothing is staged at all (``pre-commit run --all-files`` in CI, a manual ``pre-commit run``)
every app is checked; ``PRE_COMMIT_FROM_REF`` (``pre-commit run --from-ref``) widens the change to
everything since that ref.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass

from manifest_guard.foundation.errors import UserError

MANIFEST = "manifest.json"


def git_output(root: str | None, *args: str, payload: bytes | None = None, index_file: str | None = None) -> bytes:
    """Run git (in ``root`` when given, fed ``payload``, with ``GIT_INDEX_FILE=index_file`` when given); a
    failure is a one-line error, never a traceback."""
    command = ["git", *(["-C", root] if root else []), *args]
    environment = None if index_file is None else {**os.environ, "GIT_INDEX_FILE": index_file}
    try:
        completed = subprocess.run(command, input=payload, capture_output=True, env=environment, check=False)
    except OSError as error:
        raise UserError(f"cannot run git: {error.strerror}") from None
    if completed.returncode != 0:
        message = completed.stderr.decode("utf-8", "replace").strip().replace("\n", " ")
        raise UserError(f"git {args[0]} failed: {message or f'exit {completed.returncode}'}")
    return completed.stdout


def _split(output: bytes) -> list[str]:
    return [os.fsdecode(item) for item in output.split(b"\0") if item]


def _has_head(root: str) -> bool:
    completed = subprocess.run(["git", "-C", root, "rev-parse", "--verify", "-q", "HEAD"], capture_output=True)
    return completed.returncode == 0


def under(path: str, directory: str) -> bool:
    return directory == "" or path == directory or path.startswith(directory + "/")


@dataclass(frozen=True)
class HookScope:
    """The repository root, the changed paths (None: treat every app as touched) and the manifests."""

    root: str
    changed: frozenset[str] | None
    manifests: tuple[str, ...]  # manifest.json paths of touched apps: staged, unmerged, or deleted by the change

    def touches(self, directory: str) -> bool:
        return self.changed is None or any(under(path, directory) for path in self.changed)


def repository_root(cwd: str) -> str | None:
    """The work tree's top level, or None outside a work tree."""
    completed = subprocess.run(["git", "-C", cwd, "rev-parse", "--show-toplevel"], capture_output=True)
    if completed.returncode != 0:
        return None
    return os.fsdecode(completed.stdout.strip()) or None


def _changed_paths(root: str) -> frozenset[str] | None:
    since = os.environ.get("PRE_COMMIT_FROM_REF")
    if since:
        until = os.environ.get("PRE_COMMIT_TO_REF") or "HEAD"
        return frozenset(_split(git_output(root, "diff", "--name-only", "-z", "--no-renames", since, until, "--")))
    if not _has_head(root):
        return None
    staged = frozenset(_split(git_output(root, "diff", "--cached", "--name-only", "-z", "--no-renames", "HEAD", "--")))
    return staged or None


def hook_scope(cwd: str) -> HookScope:
    """The touched apps' manifests in the index (honours ``GIT_INDEX_FILE`` like every git call)."""
    root = repository_root(cwd)
    if root is None:
        raise UserError("--hook: not inside a git work tree")
    changed = _changed_paths(root)
    tracked = _split(git_output(root, "ls-files", "-z", "--cached", "--", f":(glob)**/{MANIFEST}"))
    deleted = [path for path in changed or () if path.rpartition("/")[2] == MANIFEST]
    scope = HookScope(root, changed, ())
    touched = [path for path in tracked if scope.touches(path.rpartition("/")[0])]
    return HookScope(root, changed, tuple(sorted({*touched, *deleted})))


def hook_work(hook: bool, source: str | None, changed_since: str | None, paths: Sequence[str],
              config_file: str | None) -> HookScope | None:  # fmt: skip
    """For ``--hook``: the scope, or None when the staged change touches no app and no declared app."""
    if not hook:
        return None
    if source not in (None, "index"):
        raise UserError(f"--hook checks the index; drop --source {source}")
    given = ([f"--changed-since {changed_since}"] if changed_since is not None else []) + [
        f"PATH {' '.join(paths)}" for _ in paths[:1]
    ]
    if given:
        raise UserError(f"--hook chooses the apps itself; drop {' and '.join(given)}")
    from manifest_guard.settings.config import find_config, load_config_file

    scope = hook_scope(os.getcwd())
    config = load_config_file(config_file) if config_file else find_config(scope.root)
    if scope.manifests or any(scope.touches(app.path) for app in config.apps):
        return scope
    return None
