"""git's path variables given relative to the directory the command starts in (``cd app; GIT_DIR=../.git``)
are read as git reads them, although this tool runs git from the top of the work tree."""

from __future__ import annotations

import json
from pathlib import Path

from manifest_guard.repository.git_environment import anchor_git_paths
from tests.conftest import git, put, run_manifest_guard
from tests.gitapp import APP, MANIFEST


def stage_an_edit(repo: Path) -> None:
    put(repo / APP, {"helpers.py": "X = 2\n"})
    git(repo, "add", "-A")


def test_a_relative_git_dir_from_an_app_directory_checks_the_staged_change(repo: Path) -> None:
    stage_an_edit(repo)
    result = run_manifest_guard(["check", "--hook"], repo / APP, {"GIT_DIR": "../../.git"})
    assert result.code == 1, result
    assert "MG101 checksum-mismatch" in result.stdout and "helpers.py" in result.stdout


def test_fix_stage_with_a_relative_git_dir_stages_the_repaired_manifest(repo: Path) -> None:
    stage_an_edit(repo)
    result = run_manifest_guard(["fix", "--stage"], repo / APP, {"GIT_DIR": "../../.git", "GIT_WORK_TREE": "../.."})
    assert result.code == 0, result
    staged = json.loads(git(repo, "show", f":{MANIFEST}"))
    assert staged["files"]["helpers.py"]["checksum"] == json.loads((repo / MANIFEST).read_text())["files"][
        "helpers.py"]["checksum"]  # fmt: skip
    assert run_manifest_guard(["check"], repo).code == 0


def test_a_relative_index_file_is_read_from_the_starting_directory(repo: Path) -> None:
    """A second index (as ``git commit --only`` makes) named relative to a subdirectory."""
    stage_an_edit(repo)
    (repo / APP / "other-index").write_bytes((repo / ".git" / "index").read_bytes())
    git(repo, "reset", "-q")  # the real index no longer holds the edit; the other one does
    env = {"GIT_INDEX_FILE": "other-index"}
    result = run_manifest_guard(["check", "--output-format", "json"], repo / APP, env)
    assert result.code == 1, result
    assert [finding["subject"] for finding in json.loads(result.stdout)["findings"]] == ["helpers.py"]


def test_absolute_and_unset_variables_are_left_alone() -> None:
    environ = {"GIT_DIR": "/repo/.git", "GIT_INDEX_FILE": "", "GIT_WORK_TREE": "..", "HOME": "x"}
    anchor_git_paths("/repo/app", environ)
    assert environ == {"GIT_DIR": "/repo/.git", "GIT_INDEX_FILE": "", "GIT_WORK_TREE": "/repo", "HOME": "x"}
