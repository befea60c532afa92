"""The gate: whatever happens to a repository before a commit, either the hook rejects it (and nothing is
committed) or the commit that lands has manifests that ``check --source HEAD`` finds fresh and valid.

Each case copies a committed app, applies a random sequence of operations (edit, add, delete, rename,
truncate or corrupt the manifest, delete it, a merge with a conflict, partial staging), runs the hook as
git would (``check --hook`` or ``fix --hook --stage`` in the repository, then ``git commit`` only on exit
0) and checks what landed. Derandomized with a fixed budget; ``FUZZ_SCALE=N`` runs N times more cases."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import event, example, given, settings
from hypothesis import strategies as st

from tests.conftest import cli_environment, git, put
from tests.fuzzing import examples
from tests.gitapp import APP, FLASK_APP, MANIFEST, commit_all, write_manifest
from tests.inprocess import run_main

APP_FILES = ("app.py", "helpers.py", "requirements.txt", "data/prices.csv")
NEW_FILES = ("extra.py", "data/more.csv", "pkg/module.py", "README.md")
JUNK = (b"", b"[[[[", b'"x"', b"{}", b"\xff\xfe{", b'{"version": 1}', b'{"metadata": {"appmode": "python-api"')


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A committed Flask app; branch ``side`` changes helpers.py without fixing the manifest, and main
    changes it differently (manifest fixed), so merging ``side`` stops on a conflict in helpers.py."""
    repo = tmp_path_factory.mktemp("gate") / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "commit.gpgsign", "false")
    put(repo / APP, {**FLASK_APP, "data/prices.csv": "a,b\n1,2\n"})
    write_manifest(repo)
    commit_all(repo, "app")
    git(repo, "checkout", "-q", "-b", "side")
    (repo / APP / "helpers.py").write_text("X = 'side'\n")
    commit_all(repo, "side edit, manifest left stale")
    git(repo, "checkout", "-q", "main")
    (repo / APP / "helpers.py").write_text("X = 'main'\n")
    git(repo, "add", "-A")
    assert run_main(["fix", "--stage"], repo).code == 0
    assert run_main(["check", "--source", "worktree"], repo).code == 0
    commit_all(repo, "main edit")
    return repo


def _git(repo: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    """git that may fail (a merge stopping on a conflict, a commit with nothing staged)."""
    return subprocess.run(["git", *args], cwd=repo, env=cli_environment(), capture_output=True, check=False)


def _app_file(repo: Path, name: str) -> Path:
    return repo / APP / name


def apply(repo: Path, operation: tuple[Any, ...]) -> None:
    """One repository operation; one that does not apply to the current state does nothing."""
    kind, *arguments = operation
    manifest = repo / MANIFEST
    if kind == "edit":
        name, number, stage = arguments
        path = _app_file(repo, name)
        if path.is_file():
            with path.open("a") as stream:
                stream.write(f"\n# edit {number}\n")
            if stage:
                _git(repo, "add", "--", str(path))
    elif kind == "add":
        name, stage = arguments
        put(repo / APP, {name: f"VALUE = {len(name)}\n"})
        if stage:
            _git(repo, "add", "--", str(_app_file(repo, name)))
    elif kind == "delete":
        _git(repo, "rm", "-q", "--", f"{APP}/{arguments[0]}")
    elif kind == "rename":
        source, target = arguments
        _app_file(repo, target).parent.mkdir(parents=True, exist_ok=True)
        _git(repo, "mv", "--", f"{APP}/{source}", f"{APP}/{target}")
    elif kind == "truncate":
        if manifest.is_file():
            manifest.write_bytes(manifest.read_bytes()[: arguments[0]])
            _git(repo, "add", "--", MANIFEST)
    elif kind == "corrupt":
        manifest.write_bytes(arguments[0])
        _git(repo, "add", "--", MANIFEST)
    elif kind == "drop-manifest":
        _git(repo, "rm", "-q", "--", MANIFEST)
    elif kind == "stage-all":
        _git(repo, "add", "-A")


staging = st.sampled_from([True, True, False])  # mostly staged; unstaged edits make partial commits
edits = st.one_of(
    st.tuples(st.just("edit"), st.sampled_from(APP_FILES), st.integers(0, 9), staging),
    st.tuples(st.just("add"), st.sampled_from(NEW_FILES), staging),
    st.tuples(st.just("delete"), st.sampled_from(APP_FILES[1:])),
    st.tuples(st.just("rename"), st.sampled_from(APP_FILES[1:]), st.sampled_from(NEW_FILES)),
    st.tuples(st.just("stage-all")),
)
damage = st.one_of(
    st.tuples(st.just("truncate"), st.integers(0, 120)),
    st.tuples(st.just("corrupt"), st.sampled_from(JUNK)),
    st.tuples(st.just("drop-manifest")),
    st.tuples(st.just("delete"), st.just("app.py")),
)
# Mostly changes a hook can let through (possibly after fixing the manifest), some that it must reject.
operations = st.one_of(edits, edits, edits, edits, damage)


def _head(repo: Path) -> bytes:
    return _git(repo, "rev-parse", "HEAD").stdout


def _committed_app(repo: Path) -> dict[str, bytes]:
    """The app's files in HEAD, read with plain git: app-relative path -> content."""
    listing = git(repo, "ls-tree", "-r", "-z", "--name-only", "HEAD", "--", APP)
    paths = [path for path in listing.split("\0") if path]
    return {path[len(APP) + 1 :]: _git(repo, "cat-file", "blob", f"HEAD:{path}").stdout for path in paths}


def assert_manifest_describes_head(repo: Path) -> None:
    """An oracle independent of the tool: the committed manifest parses, and lists exactly the app's
    committed files with the md5 of their blobs (the package file may carry rsconnect's processed md5)."""
    files = _committed_app(repo)
    document = json.loads(files.pop("manifest.json"))
    assert document["metadata"]["appmode"] == "python-api"
    listed = document["files"]
    assert sorted(listed) == sorted(files)
    for path, entry in listed.items():
        if path != "requirements.txt":
            assert entry["checksum"] == hashlib.md5(files[path]).hexdigest(), path


FIX_HOOK = ("fix", "--hook", "--stage")
CHECK_HOOK = ("check", "--hook")


@settings(max_examples=examples(30))
@example(conflict=False, steps=[("truncate", 15)], hook=CHECK_HOOK)
@example(conflict=False, steps=[("corrupt", b"[[[[")], hook=FIX_HOOK)
@example(conflict=False, steps=[("drop-manifest",)], hook=FIX_HOOK)
@example(conflict=True, steps=[("stage-all",)], hook=FIX_HOOK)
@example(conflict=True, steps=[("edit", "app.py", 1, True)], hook=FIX_HOOK)
@example(conflict=False, steps=[("edit", "helpers.py", 2, True), ("add", "extra.py", False)], hook=FIX_HOOK)
@given(
    conflict=st.sampled_from([False, False, False, False, True]),
    steps=st.lists(operations, min_size=1, max_size=4),
    hook=st.sampled_from([FIX_HOOK, FIX_HOOK, CHECK_HOOK]),
)
def test_no_stale_or_broken_manifest_is_committed(
    template: Path, conflict: bool, steps: list[tuple[Any, ...]], hook: tuple[str, ...]
) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        repo = Path(scratch) / "repo"
        shutil.copytree(template, repo, symlinks=True)
        if conflict:
            assert _git(repo, "merge", "-q", "side").returncode != 0  # stops on the helpers.py conflict
        for step in steps:
            apply(repo, step)
        before = _head(repo)
        verdict = run_main(hook, repo, codes=(0, 1))
        if verdict.code != 0:
            event("rejected by the hook")
            return  # rejected: the commit does not happen
        committed = _git(repo, "commit", "-q", "--no-verify", "-m", "change").returncode == 0
        if not committed:
            event("refused by git")
            assert _head(repo) == before  # git itself refused (unmerged paths, nothing staged)
            return
        event("committed")
        landed = run_main(["check", "--source", "HEAD", "--changed-since", "HEAD~1", APP], repo, codes=(0, 1))
        assert landed.code == 0, (steps, hook, verdict, landed)
        assert_manifest_describes_head(repo)
