"""The hooks end to end, with real ``git commit``s: through the pre-commit framework (``try-repo`` and
``pre-commit install``), through ``manifest-guard install``, and in the git situations a hook meets
(``commit -a``, ``commit <paths>``, linked worktrees, subdirectories, declared apps)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import pytest

from tests.conftest import CliResult, cli_environment, git, put, run_manifest_guard
from tests.gitapp import APP, FLASK_APP, MANIFEST, check, check_json, commit_all, write_manifest

# one worker runs this file: its expensive module/session fixtures are then built once
pytestmark = pytest.mark.xdist_group("pre-commit-store")

PROJECT = Path(__file__).resolve().parents[1]
HELPERS = f"{APP}/helpers.py"
DECLARED = '[[apps]]\npath = "apps/new"\nmode = "flask"\npython-version = "3.11.4"\n'
TIMEOUT = 180  # a generous bound for one subprocess; the first pre-commit run builds the hook environment


# --- helpers ---------------------------------------------------------------------------------------------------


def run(command: Sequence[str], cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        list(command), cwd=cwd, env=cli_environment(env), capture_output=True, text=True, timeout=TIMEOUT, check=False
    )


def commit(cwd: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """A real ``git commit`` (hooks included) with a fixed identity."""
    return run(["git", "commit", "-m", "change", *args], cwd, env)


def output(completed: subprocess.CompletedProcess[str]) -> str:
    return completed.stdout + completed.stderr


def status(repo: Path) -> list[str]:
    return git(repo, "status", "--porcelain", "--untracked-files=all").splitlines()


def head(repo: Path, rev: str = "HEAD") -> str:
    return git(repo, "rev-parse", rev).strip()


def show(repo: Path, path: str, rev: str = "HEAD") -> str:
    return git(repo, "show", f"{rev}:{path}")


def manifest_files(text: str) -> list[str]:
    return sorted(json.loads(text)["files"])


def assert_fresh(repo: Path, source: str = "HEAD") -> None:
    result = check(repo, "--source", source)
    assert result.code == 0, result.stdout + result.stderr


def stage_stale_edit(repo: Path, app: str = APP) -> None:
    (repo / app / "helpers.py").write_text("X = 2\n")
    git(repo, "add", f"{app}/helpers.py")


def install(repo: Path, *flags: str) -> CliResult:
    return run_manifest_guard(["install", *flags], repo)


def installed(repo: Path, *flags: str) -> Path:
    result = install(repo, *flags)
    assert result.code == 0, result.stderr
    return repo


def with_readme(repo: Path) -> Path:
    put(repo, {"README.md": "# project\n"})
    commit_all(repo, "readme")
    return repo


# --- the pre-commit framework -----------------------------------------------------------------------------------


def _snapshot(destination: Path) -> Path:
    """A clone of this project with its working tree copied over it and staged (untracked files too)."""
    git(destination.parent, "clone", "-q", str(PROJECT), str(destination))
    listed = git(PROJECT, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
    for relative in sorted(set(filter(None, listed.split("\0")))):
        source, target = PROJECT / relative, destination / relative
        if target.is_symlink() or target.is_file():
            target.unlink()
        if source.is_symlink() or source.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target, follow_symlinks=False)
    git(destination, "add", "-A")
    return destination


@pytest.fixture(scope="session")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """One pre-commit store for the session: the hook environment is built once."""
    home = tmp_path_factory.mktemp("pre-commit-home")
    return {"PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never"}


@pytest.fixture(scope="session")
def hook_rev(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """This project, uncommitted changes included, as a hook repository with a real commit to pin."""
    clone = _snapshot(tmp_path_factory.mktemp("hook-rev") / "manifest-guard")
    git(clone, "commit", "-q", "--allow-empty", "--no-verify", "-m", "snapshot of the working tree")
    return clone, head(clone)


@pytest.fixture(scope="session")
def try_repo_source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This project's working tree as uncommitted (staged) changes, so try-repo makes its shadow commit.

    Not the project root itself: try-repo's shadow commit takes only staged and tracked-modified files,
    so a new module that is still untracked in a developer's checkout would be missing from the hook.
    """
    return _snapshot(tmp_path_factory.mktemp("try-repo") / "manifest-guard")


def try_repo(repo: Path, source: Path, hook_id: str, home: dict[str, str], *options: str) -> str:
    completed = run([sys.executable, "-m", "pre_commit", "try-repo", str(source), hook_id, *options], repo, home)
    assert completed.returncode == 1, output(completed)
    return output(completed)


def use_pre_commit(
    repo: Path, rev: tuple[Path, str], home: dict[str, str], hook_id: str = "manifest-guard", args: Sequence[str] = ()
) -> dict[str, str]:
    """Commit a ``.pre-commit-config.yaml`` pinning this project and ``pre-commit install`` it."""
    path, sha = rev
    config = f"repos:\n-   repo: {path}\n    rev: {sha}\n    hooks:\n    -   id: {hook_id}\n"
    if args:
        config += f"        args: {json.dumps(list(args))}\n"
    put(repo, {".pre-commit-config.yaml": config})
    git(repo, "add", ".pre-commit-config.yaml")
    git(repo, "commit", "-q", "-m", "pre-commit configuration")
    completed = run([sys.executable, "-m", "pre_commit", "install"], repo, home)
    assert completed.returncode == 0, output(completed)
    return home


def test_try_repo_fix_hook_rewrites_without_staging_and_keeps_unstaged_edits(
    repo: Path, try_repo_source: Path, pre_commit_home: dict[str, str]
) -> None:
    with_readme(repo)
    stage_stale_edit(repo)
    before = (repo / MANIFEST).read_bytes()
    unstaged = {"README.md": b"# project, edited\n", f"{APP}/app.py": b"from flask import Flask\napp = Flask('x')\n"}
    for relative, content in unstaged.items():
        (repo / relative).write_bytes(content)

    shown = try_repo(repo, try_repo_source, "manifest-guard", pre_commit_home, "--hook-stage", "pre-commit")

    assert "files were modified by this hook" in shown
    assert (repo / MANIFEST).read_bytes() != before
    assert sorted(status(repo)) == sorted(["M  " + HELPERS, " M " + MANIFEST, " M README.md", f" M {APP}/app.py"])
    for relative, content in unstaged.items():
        assert (repo / relative).read_bytes() == content
    git(repo, "add", MANIFEST)
    assert_fresh(repo, "index")  # the rewrite describes the staged content, not the unstaged edits


def test_try_repo_check_hook_rejects_without_writing(
    repo: Path, hook_rev: tuple[Path, str], pre_commit_home: dict[str, str]
) -> None:
    """try-repo at a pinned commit: the same repository and rev as the installed hooks below, so the store
    builds the hook environment once for all of them (the test above covers try-repo's shadow commit)."""
    stage_stale_edit(repo)
    before = (repo / MANIFEST).read_bytes()
    mtime = (repo / MANIFEST).stat().st_mtime_ns
    source, sha = hook_rev

    shown = try_repo(repo, source, "manifest-guard-check", pre_commit_home, "--ref", sha)

    assert "MG101" in shown
    assert (repo / MANIFEST).read_bytes() == before
    assert (repo / MANIFEST).stat().st_mtime_ns == mtime
    assert status(repo) == ["M  " + HELPERS]


def test_pre_commit_rejects_a_stale_commit_until_the_fix_is_staged(
    repo: Path, hook_rev: tuple[Path, str], pre_commit_home: dict[str, str]
) -> None:
    env = use_pre_commit(repo, hook_rev, pre_commit_home)
    start = head(repo)
    before = (repo / MANIFEST).read_bytes()
    stage_stale_edit(repo)

    rejected = commit(repo, env=env)
    assert rejected.returncode != 0, output(rejected)
    assert "files were modified by this hook" in output(rejected)
    assert head(repo) == start
    assert (repo / MANIFEST).read_bytes() != before
    assert sorted(status(repo)) == sorted(["M  " + HELPERS, " M " + MANIFEST])

    git(repo, "add", MANIFEST)
    accepted = commit(repo, env=env)
    assert accepted.returncode == 0, output(accepted)
    assert_fresh(repo)
    assert status(repo) == []


def test_pre_commit_catches_a_deletion_only_commit(
    repo: Path, hook_rev: tuple[Path, str], pre_commit_home: dict[str, str]
) -> None:
    env = use_pre_commit(repo, hook_rev, pre_commit_home)
    start = head(repo)
    git(repo, "rm", "-q", HELPERS)

    rejected = commit(repo, env=env)
    assert rejected.returncode != 0, output(rejected)
    assert head(repo) == start
    assert "helpers.py" not in manifest_files((repo / MANIFEST).read_text())
    assert "helpers.py" in manifest_files(git(repo, "show", f":{MANIFEST}"))  # not staged

    git(repo, "add", MANIFEST)
    accepted = commit(repo, env=env)
    assert accepted.returncode == 0, output(accepted)
    assert_fresh(repo)


def test_pre_commit_stage_argument_lets_the_commit_through_and_keeps_unstaged_edits(
    repo: Path, hook_rev: tuple[Path, str], pre_commit_home: dict[str, str]
) -> None:
    env = use_pre_commit(with_readme(repo), hook_rev, pre_commit_home, args=["--stage"])
    stage_stale_edit(repo)
    unstaged = {
        "README.md": b"# project\r\nno newline, CRLF",
        f"{APP}/app.py": b"from flask import Flask\napp=Flask(1)\n",
    }
    for relative, content in unstaged.items():
        (repo / relative).write_bytes(content)

    accepted = commit(repo, env=env)
    assert accepted.returncode == 0, output(accepted)
    assert_fresh(repo)
    assert show(repo, MANIFEST) == (repo / MANIFEST).read_text()
    assert show(repo, HELPERS) == "X = 2\n"
    for relative, content in unstaged.items():
        assert (repo / relative).read_bytes() == content
    assert sorted(status(repo)) == sorted([" M README.md", f" M {APP}/app.py"])


def test_pre_commit_check_hook_rejects_without_writing(
    repo: Path, hook_rev: tuple[Path, str], pre_commit_home: dict[str, str]
) -> None:
    env = use_pre_commit(repo, hook_rev, pre_commit_home, hook_id="manifest-guard-check")
    start = head(repo)
    before = (repo / MANIFEST).read_bytes()
    git(repo, "rm", "-q", HELPERS)

    rejected = commit(repo, env=env)
    assert rejected.returncode != 0, output(rejected)
    assert "MG102" in output(rejected)
    assert head(repo) == start
    assert (repo / MANIFEST).read_bytes() == before
    assert status(repo) == ["D  " + HELPERS]


def test_pre_commit_passes_a_commit_that_touches_no_app(
    repo: Path, hook_rev: tuple[Path, str], pre_commit_home: dict[str, str]
) -> None:
    env = use_pre_commit(repo, hook_rev, pre_commit_home)
    put(repo, {"README.md": "# project\n"})
    git(repo, "add", "README.md")

    accepted = commit(repo, env=env)
    assert accepted.returncode == 0, output(accepted)
    assert "Passed" in output(accepted)
    assert status(repo) == []


def test_pre_commit_hook_run_from_a_subdirectory(
    repo: Path, hook_rev: tuple[Path, str], pre_commit_home: dict[str, str]
) -> None:
    env = use_pre_commit(repo, hook_rev, pre_commit_home, args=["--stage"])
    stage_stale_edit(repo)

    accepted = run(["git", "-C", APP, "commit", "-m", "from a subdirectory"], repo, env)
    assert accepted.returncode == 0, output(accepted)
    assert_fresh(repo)
    assert status(repo) == []


def test_pre_commit_stage_argument_keeps_unstaged_edits_of_the_manifest_itself(
    repo: Path, hook_rev: tuple[Path, str], pre_commit_home: dict[str, str]
) -> None:
    env = use_pre_commit(repo, hook_rev, pre_commit_home, args=["--stage"])
    stage_stale_edit(repo)
    document = json.loads((repo / MANIFEST).read_text())
    document["files"]["helpers.py"]["x-note"] = "mine, not staged"  # next to the line the fix rewrites
    (repo / MANIFEST).write_text(json.dumps(document, indent=2) + "\n")

    refused = commit(repo, env=env)  # fix --stage sees pre-commit's stash of the manifest and refuses
    assert refused.returncode != 0, output(refused)
    assert "pre-commit stashed unstaged edits" in output(refused)
    assert "x-note" in (repo / MANIFEST).read_text()


def test_pre_commit_reports_the_first_manifest_of_a_declared_app(
    repo: Path, hook_rev: tuple[Path, str], pre_commit_home: dict[str, str]
) -> None:
    put(repo, {".manifest-guard.toml": DECLARED})
    commit_all(repo, "declare apps/new")
    env = use_pre_commit(repo, hook_rev, pre_commit_home)
    start = head(repo)
    put(repo / "apps/new", FLASK_APP)
    git(repo, "add", "apps/new")

    rejected = commit(repo, env=env)  # a new untracked file is invisible to pre-commit: the exit code says it
    assert rejected.returncode != 0, output(rejected)
    assert head(repo) == start
    assert "?? apps/new/manifest.json" in status(repo)


# --- manifest-guard install ---------------------------------------------------------------------------------------


def test_install_writes_an_executable_hook_running_fix_stage(repo: Path) -> None:
    result = install(repo)
    assert result.code == 0, result.stderr
    hook = repo / ".git" / "hooks" / "pre-commit"
    assert hook.stat().st_mode & 0o111
    text = hook.read_text()
    assert text.startswith("#!/bin/sh\n")
    assert "main_entry()' fix --hook --stage" in text


def test_installed_default_hook_commits_the_fixed_manifest(repo: Path) -> None:
    installed(repo)
    stage_stale_edit(repo)

    accepted = commit(repo)
    assert accepted.returncode == 0, output(accepted)
    assert_fresh(repo)
    assert show(repo, MANIFEST) == (repo / MANIFEST).read_text()
    assert status(repo) == []


def test_installed_no_stage_hook_rejects_and_rewrites(repo: Path) -> None:
    installed(repo, "--no-stage")
    start = head(repo)
    stage_stale_edit(repo)

    rejected = commit(repo)
    assert rejected.returncode != 0, output(rejected)
    assert head(repo) == start
    assert (repo / MANIFEST).read_text() != show(repo, MANIFEST)
    assert sorted(status(repo)) == sorted(["M  " + HELPERS, " M " + MANIFEST])

    git(repo, "add", MANIFEST)
    accepted = commit(repo)
    assert accepted.returncode == 0, output(accepted)
    assert_fresh(repo)


def test_installed_check_hook_rejects_without_writing(repo: Path) -> None:
    installed(repo, "--check")
    start = head(repo)
    before = (repo / MANIFEST).read_bytes()
    mtime = (repo / MANIFEST).stat().st_mtime_ns
    stage_stale_edit(repo)

    rejected = commit(repo)
    assert rejected.returncode != 0, output(rejected)
    assert "MG101" in output(rejected)
    assert head(repo) == start
    assert (repo / MANIFEST).read_bytes() == before
    assert (repo / MANIFEST).stat().st_mtime_ns == mtime
    assert status(repo) == ["M  " + HELPERS]


def test_installed_hook_keeps_unstaged_edits_in_the_app_and_elsewhere(repo: Path) -> None:
    installed(with_readme(repo))
    stage_stale_edit(repo)
    unstaged = {"README.md": b"# edited, not staged\n", f"{APP}/app.py": b"from flask import Flask\napp = Flask('x')\n"}
    for relative, content in unstaged.items():
        (repo / relative).write_bytes(content)

    accepted = commit(repo)
    assert accepted.returncode == 0, output(accepted)
    assert_fresh(repo)
    assert show(repo, f"{APP}/app.py") == FLASK_APP["app.py"]
    for relative, content in unstaged.items():
        assert (repo / relative).read_bytes() == content
    assert sorted(status(repo)) == sorted([" M README.md", f" M {APP}/app.py"])


def test_installed_hook_refuses_to_stage_over_unstaged_manifest_edits(repo: Path) -> None:
    installed(repo)
    start = head(repo)
    stage_stale_edit(repo)
    document = json.loads((repo / MANIFEST).read_text())
    document["x-note"] = "mine, not staged"
    edited = (json.dumps(document, indent=2) + "\n").encode()
    (repo / MANIFEST).write_bytes(edited)

    rejected = commit(repo)
    assert rejected.returncode != 0, output(rejected)
    assert "unstaged edits" in output(rejected)
    assert head(repo) == start
    assert (repo / MANIFEST).read_bytes() == edited
    assert sorted(status(repo)) == sorted(["M  " + HELPERS, " M " + MANIFEST])


@pytest.mark.parametrize("flags", [(), ("--check",)], ids=["fix-stage", "check"])
def test_installed_hook_on_a_deletion_only_commit(repo: Path, flags: tuple[str, ...]) -> None:
    installed(repo, *flags)
    start = head(repo)
    git(repo, "rm", "-q", HELPERS)

    result = commit(repo)
    if flags:
        assert result.returncode != 0, output(result)
        assert head(repo) == start
        assert "helpers.py" in manifest_files((repo / MANIFEST).read_text())
        assert status(repo) == ["D  " + HELPERS]
    else:
        assert result.returncode == 0, output(result)
        assert "helpers.py" not in manifest_files(show(repo, MANIFEST))
        assert_fresh(repo)
        assert status(repo) == []


def test_install_refuses_a_foreign_hook_unless_forced(repo: Path) -> None:
    hook = repo / ".git" / "hooks" / "pre-commit"
    foreign = b"#!/bin/sh\necho someone else's hook\nexit 0\n"
    hook.parent.mkdir(exist_ok=True)
    hook.write_bytes(foreign)
    hook.chmod(0o755)

    refused = install(repo)
    assert refused.code == 2
    assert "--force" in refused.stderr
    assert hook.read_bytes() == foreign

    forced = install(repo, "--force")
    assert forced.code == 0, forced.stderr
    assert "someone else" not in hook.read_text()
    stage_stale_edit(repo)
    accepted = commit(repo)
    assert accepted.returncode == 0, output(accepted)
    assert_fresh(repo)


def test_reinstalling_replaces_its_own_hook(repo: Path) -> None:
    hook = repo / ".git" / "hooks" / "pre-commit"
    installed(repo)
    installed(repo, "--check")
    assert "main_entry()' check --hook" in hook.read_text()
    assert "--stage" not in hook.read_text()
    stage_stale_edit(repo)
    before = (repo / MANIFEST).read_bytes()
    rejected = commit(repo)
    assert rejected.returncode != 0, output(rejected)
    assert (repo / MANIFEST).read_bytes() == before

    installed(repo)
    assert "main_entry()' fix --hook --stage" in hook.read_text()
    accepted = commit(repo)
    assert accepted.returncode == 0, output(accepted)
    assert_fresh(repo)


def test_install_honours_core_hooks_path(repo: Path) -> None:
    git(repo, "config", "core.hooksPath", ".githooks")
    installed(repo, "--no-stage")
    assert (repo / ".githooks" / "pre-commit").is_file()
    assert not (repo / ".git" / "hooks" / "pre-commit").exists()
    stage_stale_edit(repo)

    rejected = commit(repo)
    assert rejected.returncode != 0, output(rejected)
    assert " M " + MANIFEST in status(repo)


def test_install_outside_a_repository_is_a_usage_error(tmp_path: Path) -> None:
    result = install(tmp_path)
    assert result.code == 2
    assert "git" in result.stderr


def test_install_from_a_linked_worktree_serves_every_worktree(repo: Path, tmp_path: Path) -> None:
    worktree = tmp_path / "wt"
    git(repo, "worktree", "add", "-q", str(worktree), "-b", "feature")
    installed(worktree)
    assert (repo / ".git" / "hooks" / "pre-commit").is_file()  # hooks live in the common git directory
    stage_stale_edit(repo)

    accepted = commit(repo)
    assert accepted.returncode == 0, output(accepted)
    assert_fresh(repo)


def test_installed_hook_is_not_shadowed_by_a_module_at_the_repository_root(repo: Path) -> None:
    installed(repo)
    put(repo, {"token.py": "def get_token():\n    return 'secret'\n"})
    git(repo, "add", "token.py")
    stage_stale_edit(repo)

    accepted = commit(repo)
    assert "internal error" not in output(accepted)
    assert accepted.returncode == 0, output(accepted)
    # checked from the app directory: `python -m` here would put the root (and its token.py) on sys.path
    assert run_manifest_guard(["check", "--source", "HEAD"], repo / APP).code == 0


# --- git situations -----------------------------------------------------------------------------------------------


def test_commit_all_sees_the_tracked_edit(repo: Path) -> None:
    installed(repo)
    (repo / HELPERS).write_text("X = 3\n")  # not staged: `commit -a` stages it into .git/index.lock

    accepted = commit(repo, "-a")
    assert accepted.returncode == 0, output(accepted)
    assert show(repo, HELPERS) == "X = 3\n"
    assert_fresh(repo)
    assert status(repo) == []


def test_partial_commit_with_the_staging_hook_is_refused_then_goes_through_with_the_manifest(repo: Path) -> None:
    installed(with_readme(repo))
    start = head(repo)
    (repo / HELPERS).write_text("X = 4\n")

    refused = commit(repo, HELPERS)
    assert refused.returncode != 0, output(refused)
    assert "partial commit" in output(refused)
    assert head(repo) == start
    assert git(repo, "diff", "--cached", "--name-only") == ""  # nothing half-staged in the real index

    fixed = run_manifest_guard(["fix", "--source", "worktree"], repo)
    assert fixed.code in (0, 1), fixed.stderr  # 0 when the refused hook run already rewrote it
    accepted = commit(repo, HELPERS, MANIFEST)
    assert accepted.returncode == 0, output(accepted)
    assert show(repo, HELPERS) == "X = 4\n"
    assert_fresh(repo)
    assert status(repo) == []

    (repo / "README.md").write_text("# later\n")  # the next commit does not revert the fix
    git(repo, "add", "README.md")
    later = commit(repo)
    assert later.returncode == 0, output(later)
    assert_fresh(repo)
    assert show(repo, MANIFEST) == show(repo, MANIFEST, "HEAD~1")
    assert status(repo) == []


def test_partial_commit_with_the_no_stage_hook_is_refused_and_rewrites(repo: Path) -> None:
    installed(repo, "--no-stage")
    start = head(repo)
    (repo / HELPERS).write_text("X = 5\n")

    refused = commit(repo, HELPERS)
    assert refused.returncode != 0, output(refused)
    assert head(repo) == start
    assert (repo / MANIFEST).read_text() != show(repo, MANIFEST)
    assert sorted(status(repo)) == sorted([" M " + HELPERS, " M " + MANIFEST])
    assert_fresh(repo, "worktree")

    accepted = commit(repo, HELPERS, MANIFEST)
    assert accepted.returncode == 0, output(accepted)
    assert_fresh(repo)
    assert status(repo) == []


def test_partial_commit_touching_no_app_passes_the_staging_hook(repo: Path) -> None:
    installed(with_readme(repo))
    (repo / "README.md").write_text("# edited\n")

    accepted = commit(repo, "README.md")
    assert accepted.returncode == 0, output(accepted)
    assert status(repo) == []


def test_first_commit_of_a_repository(git_repo: Path) -> None:
    installed(git_repo)
    put(git_repo / APP, FLASK_APP)
    write_manifest(git_repo)
    (git_repo / HELPERS).write_text("X = 2\n")  # stale before the first commit: there is no HEAD to diff against
    git(git_repo, "add", "-A")

    accepted = commit(git_repo)
    assert accepted.returncode == 0, output(accepted)
    assert_fresh(git_repo)
    assert status(git_repo) == []


INDEX_FORMATS = {
    "index-v4": [["config", "feature.manyFiles", "true"], ["update-index", "--index-version", "4"]],
    "split-index": [["config", "core.splitIndex", "true"], ["update-index", "--split-index"]],
    "sparse-index": [["sparse-checkout", "set", "--cone", "--sparse-index", "apps"]],
}


@pytest.mark.parametrize("index_format", sorted(INDEX_FORMATS))
def test_installed_hook_reads_every_index_format(repo: Path, index_format: str) -> None:
    put(repo, {"docs/guide.md": "# outside the sparse cone\n"})
    commit_all(repo, "docs")
    for command in INDEX_FORMATS[index_format]:
        git(repo, *command)
    installed(repo)
    stage_stale_edit(repo)

    accepted = commit(repo)
    assert accepted.returncode == 0, output(accepted)
    assert_fresh(repo)
    assert status(repo) == []


def test_linked_worktree_commit_is_fixed(repo: Path, tmp_path: Path) -> None:
    installed(repo)
    before = (repo / MANIFEST).read_bytes()
    worktree = tmp_path / "wt"
    git(repo, "worktree", "add", "-q", str(worktree), "-b", "feature")
    stage_stale_edit(worktree)

    accepted = commit(worktree)
    assert accepted.returncode == 0, output(accepted)
    assert (worktree / MANIFEST).read_bytes() != before
    assert show(repo, MANIFEST, "feature") == (worktree / MANIFEST).read_text()
    assert_fresh(repo, "feature")
    assert status(worktree) == []
    assert (repo / MANIFEST).read_bytes() == before
    assert status(repo) == []


def test_app_at_the_repository_root(git_repo: Path) -> None:
    put(git_repo, FLASK_APP)
    write_manifest(git_repo, ".")
    commit_all(git_repo)
    installed(git_repo)
    stage_stale_edit(git_repo, ".")

    accepted = commit(git_repo)
    assert accepted.returncode == 0, output(accepted)
    assert show(git_repo, "helpers.py") == "X = 2\n"
    assert_fresh(git_repo)
    assert status(git_repo) == []


def test_two_apps_are_fixed_in_one_commit(repo: Path) -> None:
    other = "apps/other"
    put(repo / other, FLASK_APP)
    write_manifest(repo, other)
    commit_all(repo, "second app")
    installed(repo)
    stage_stale_edit(repo)
    stage_stale_edit(repo, other)

    accepted = commit(repo)
    assert accepted.returncode == 0, output(accepted)
    code, report = check_json(repo, "--source", "HEAD")
    assert code == 0
    assert sorted((m["path"], m["status"]) for m in report["manifests"]) == [
        (MANIFEST, "fresh"),
        (f"{other}/manifest.json", "fresh"),
    ]
    assert sorted(git(repo, "diff", "--name-only", "HEAD~1", "HEAD").split()) == sorted(
        [HELPERS, MANIFEST, f"{other}/helpers.py", f"{other}/manifest.json"]
    )
    assert status(repo) == []


@pytest.mark.parametrize("stage", [True, False], ids=["stage", "no-stage"])
def test_declared_app_gets_its_first_manifest(repo: Path, stage: bool) -> None:
    put(repo, {".manifest-guard.toml": DECLARED})
    commit_all(repo, "declare apps/new")
    installed(repo, *([] if stage else ["--no-stage"]))
    start = head(repo)
    put(repo / "apps/new", FLASK_APP)
    git(repo, "add", "apps/new")

    result = commit(repo)
    created = repo / "apps/new/manifest.json"
    assert created.is_file()
    if stage:
        assert result.returncode == 0, output(result)
        assert json.loads(show(repo, "apps/new/manifest.json"))["metadata"]["appmode"] == "python-api"
        assert manifest_files(show(repo, "apps/new/manifest.json")) == sorted(FLASK_APP)
        assert_fresh(repo)
        assert status(repo) == []
    else:
        assert result.returncode != 0, output(result)
        assert head(repo) == start
        assert "?? apps/new/manifest.json" in status(repo)
        git(repo, "add", "apps/new/manifest.json")
        accepted = commit(repo)
        assert accepted.returncode == 0, output(accepted)
        assert_fresh(repo)


def test_installed_hook_run_from_a_subdirectory(repo: Path) -> None:
    installed(repo)
    stage_stale_edit(repo)

    accepted = run(["git", "-C", APP, "commit", "-m", "from a subdirectory"], repo)
    assert accepted.returncode == 0, output(accepted)
    assert_fresh(repo)
    assert status(repo) == []


# --- speed of a commit that touches no app -------------------------------------------------------------------------


def test_no_op_hook_is_fast_in_a_large_repository(git_repo: Path) -> None:
    """2,000 files in 20 apps; a README-only commit runs the installed hook: measured, loosely bounded."""
    first = "apps/app00"
    modules = {f"mod_{number:03d}.py": f"VALUE = {number}\n" for number in range(97)}
    put(git_repo / first, {**FLASK_APP, **modules})
    write_manifest(git_repo, first)
    for number in range(1, 20):
        shutil.copytree(git_repo / first, git_repo / f"apps/app{number:02d}")
    put(git_repo, {"README.md": "# many apps\n"})
    commit_all(git_repo, "twenty apps")
    assert len(git(git_repo, "ls-files").splitlines()) >= 2000
    installed(git_repo)
    put(git_repo, {"README.md": "# many apps, edited\n"})
    git(git_repo, "add", "README.md")

    hook = git_repo / ".git" / "hooks" / "pre-commit"
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        completed = run([str(hook)], git_repo)
        timings.append(time.perf_counter() - started)
        assert completed.returncode == 0, output(completed)
    started = time.perf_counter()
    accepted = commit(git_repo)
    whole_commit = time.perf_counter() - started
    assert accepted.returncode == 0, output(accepted)
    print(f"\nno-op hook, 2,000 files in 20 apps: best {min(timings):.3f} s of {[round(t, 3) for t in timings]}; "
          f"whole git commit {whole_commit:.3f} s")  # fmt: skip
    assert min(timings) < 1.0
