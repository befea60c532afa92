"""The engine over git's index and revisions gives what ``write`` gives over the work tree."""

from __future__ import annotations

import json
import os
from pathlib import Path

import git as gitpython
import pytest
from hypothesis import given
from hypothesis import strategies as st

from manifest_guard.engine.compute import AppRequest, compute_manifest
from manifest_guard.engine.environment import MachineInfo
from manifest_guard.repository.git_trees import GitTree
from manifest_guard.repository.trees import WorkTree
from tests.conftest import RunCli, git

MACHINE = MachineInfo("3.11.7", "23.2.1", "en_US.UTF-8")
FLAGS = ["--python-version", "3.11.7", "--pip-version", "23.2.1", "--locale", "en_US.UTF-8"]


def _quiet(_message: str) -> None:
    pass


def _app(repo: Path) -> Path:
    app = repo / "apps" / "web"
    (app / "pkg").mkdir(parents=True)
    (app / "app.py").write_text("from flask import Flask\napp = Flask(__name__)\n")
    (app / "pkg" / "__init__.py").write_text("")
    (app / "requirements.txt").write_bytes(b"flask==3.0\r\nnumpy\r\n")
    (app / ".python-version").write_text("3.11\n")
    (app / "data.bin").write_bytes(bytes(range(256)) * 10)
    os.symlink("pkg/__init__.py", app / "link.py")
    return app


def _index_manifest(repo: Path, request: AppRequest) -> dict[str, object]:
    with gitpython.Repo(repo) as handle:
        return compute_manifest(GitTree.from_index(handle), request, MACHINE, _quiet).data


def test_index_tree_matches_write_on_the_work_tree(git_repo: Path, run_cli: RunCli) -> None:
    _app(git_repo)
    git(git_repo, "add", "-A")
    result = run_cli(["write", "api", "apps/web", *FLAGS], cwd=git_repo)
    assert result.code == 0, result.stderr
    written = json.loads((git_repo / "apps/web/manifest.json").read_text())
    assert _index_manifest(git_repo, AppRequest(mode="api", app="apps/web")) == written


def test_index_ignores_unstaged_edits_and_sees_staged_ones(git_repo: Path) -> None:
    app = _app(git_repo)
    git(git_repo, "add", "-A")
    git(git_repo, "commit", "-qm", "app")
    request = AppRequest(mode="api", app="apps/web")
    before = _index_manifest(git_repo, request)
    (app / "app.py").write_text("changed but not staged\n")
    (app / "new.py").write_text("untracked\n")
    assert _index_manifest(git_repo, request) == before
    git(git_repo, "add", "apps/web/app.py")
    after = _index_manifest(git_repo, request)
    assert after["files"] != before["files"]
    worktree = compute_manifest(WorkTree(str(app)), AppRequest(mode="api", app=""), MACHINE, _quiet).data
    assert "new.py" in worktree["files"] and "new.py" not in after["files"]  # type: ignore[operator]


def test_revision_tree_sees_history(git_repo: Path) -> None:
    app = _app(git_repo)
    git(git_repo, "add", "-A")
    git(git_repo, "commit", "-qm", "one")
    (app / "extra.txt").write_text("two\n")
    git(git_repo, "add", "-A")
    git(git_repo, "commit", "-qm", "two")
    request = AppRequest(mode="api", app="apps/web")
    with gitpython.Repo(git_repo) as handle:
        old = compute_manifest(GitTree.from_revision(handle, "HEAD~1"), request, MACHINE, _quiet).data
        new = compute_manifest(GitTree.from_revision(handle, "HEAD"), request, MACHINE, _quiet).data
    assert "extra.txt" not in old["files"] and "extra.txt" in new["files"]  # type: ignore[operator]


def test_crlf_checksums_are_of_what_git_stores(git_repo: Path) -> None:
    """With autocrlf the checkout has CRLF, but the index blob (LF) is what gets hashed."""
    app = _app(git_repo)
    (git_repo / ".gitattributes").write_text("*.py text eol=crlf\n")
    git(git_repo, "add", "-A")
    git(git_repo, "commit", "-qm", "crlf")
    (app / "app.py").unlink()
    git(git_repo, "checkout", "--", "apps/web/app.py")
    assert b"\r\n" in (app / "app.py").read_bytes()
    request = AppRequest(mode="api", app="apps/web")
    with gitpython.Repo(git_repo) as handle:
        blob = handle.odb.stream(handle.index.entries[("apps/web/app.py", 0)].binsha).read()
    import hashlib

    assert _index_manifest(git_repo, request)["files"]["app.py"] == {  # type: ignore[index]
        "checksum": hashlib.md5(blob).hexdigest()
    }


def test_unknown_revision_is_a_clear_error(git_repo: Path) -> None:
    from manifest_guard.foundation.errors import UserError

    with gitpython.Repo(git_repo) as handle, pytest.raises(UserError, match="unknown revision"):
        GitTree.from_revision(handle, "nope")


PATH_PARTS = ["a", "a-b", "a.b", "a0", "a/b", "ab", "b", "é", "a b", "_", "A"]


@given(
    paths=st.sets(st.lists(st.sampled_from(PATH_PARTS), min_size=1, max_size=3).map("/".join), max_size=30),
    directory=st.lists(st.sampled_from(PATH_PARTS), max_size=2).map("/".join),
)
def test_paths_under_a_directory_are_found_by_bisection(paths: set[str], directory: str) -> None:
    """The walk of one app in a monorepo reads only that app's slice of the sorted paths."""
    tree = GitTree(None, {path: (0o100644, b"\0" * 20) for path in paths}, "index")
    prefix = directory + "/" if directory else ""
    assert tree._under(directory) == sorted(path for path in paths if path.startswith(prefix))
    assert [entry.path for entry in tree.walk(directory, lambda _d: False)] == tree._under(directory)
