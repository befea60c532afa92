"""Shared fixtures: run the real CLI in a subprocess, build real git repositories."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# Property tests are derandomized: every CI run explores the same cases within a fixed budget (tests/fuzzing.py
# scales the budgets for the longer runs reported in the issue notes).
settings.register_profile("ci", derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("ci")


@dataclass(frozen=True)
class CliResult:
    code: int
    stdout: str
    stderr: str


RunCli = Callable[..., CliResult]
Files = dict[str, "str | bytes"]


def put(root: Path, files: Files) -> Path:
    """Write ``files`` (relative path -> text or bytes) under ``root``; returns ``root``."""
    root.mkdir(parents=True, exist_ok=True)
    for relative, content in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return root


def cli_environment(extra: dict[str, str] | None = None) -> dict[str, str]:
    """A predictable environment: UTF-8 locale, the test venv first on PATH, no git identity leaks."""
    env = dict(os.environ)
    env.update(
        {
            "LANG": "C.UTF-8",
            "LC_ALL": "C.UTF-8",
            "PATH": os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", ""),
            "GIT_AUTHOR_NAME": "Test",
            "GIT_AUTHOR_EMAIL": "test@example.com",
            "GIT_COMMITTER_NAME": "Test",
            "GIT_COMMITTER_EMAIL": "test@example.com",
            "GIT_CONFIG_NOSYSTEM": "1",
        }
    )
    # PYTHONDONTWRITEBYTECODE would make every CLI run recompile the package, as no installed copy does
    for name in ("GIT_DIR", "GIT_INDEX_FILE", "GIT_WORK_TREE", "MANIFEST_GUARD_DEBUG", "PYTHONDONTWRITEBYTECODE"):
        env.pop(name, None)
    if extra:
        env.update(extra)
    return env


def run_manifest_guard(
    args: Sequence[str], cwd: Path | str, env: dict[str, str] | None = None, timeout: float = 60
) -> CliResult:
    """Run ``python -m manifest_guard`` for real; a traceback on stderr fails the test at once."""
    completed = subprocess.run(
        [sys.executable, "-m", "manifest_guard", *args],
        cwd=cwd,
        env=cli_environment(env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert "Traceback" not in completed.stderr, completed.stderr
    assert "internal error" not in completed.stderr, completed.stderr
    return CliResult(completed.returncode, completed.stdout, completed.stderr)


@pytest.fixture
def run_cli() -> RunCli:
    """The CLI in this process (``tests.inprocess``): the same ``main``, without a Python start-up per call."""
    from tests.inprocess import run_main

    return run_main


def git(cwd: Path | str, *args: str) -> str:
    """Run git in ``cwd`` with a fixed identity; returns stdout."""
    completed = subprocess.run(
        ["git", *args], cwd=cwd, env=cli_environment(), capture_output=True, text=True, check=True
    )
    return completed.stdout


@pytest.fixture
def git_repo(tmp_path: Path) -> Path:
    """An empty git repository with a main branch."""
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "commit.gpgsign", "false")
    return repo


@pytest.fixture
def repo(git_repo: Path) -> Path:
    """A repository with one committed Flask app and its fresh manifest (see ``tests/gitapp.py``)."""
    from tests.gitapp import make_flask_repo

    return make_flask_repo(git_repo)
