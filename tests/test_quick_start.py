"""The README's quick start, followed as a new user would on a Flask app at the repository root:
set-up commit passes, an edit of app.py is caught and fixed by the hook, the fixed manifest commits."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import cli_environment, git, put
from tests.test_readme import readme_command

FLASK_APP = {
    "app.py": "from flask import Flask\n\napp = Flask(__name__)\n\n\n@app.get('/')\ndef index():\n    return 'hi'\n",
    "requirements.txt": "flask==3.0.0\n",
    ".python-version": "3.11.4\n",
}


def _steps() -> list[str]:
    """The quick start's commands after the install line (the test's own virtualenv has both tools)."""
    lines = [line.strip() for line in readme_command("quick-start").splitlines() if line.strip()]
    assert lines[0].startswith("pip install pre-commit ") and "manifest-guard" in lines[0]
    assert lines[1].startswith("cd ")
    return lines[2:]


def _shell(repo: Path, command: str) -> subprocess.CompletedProcess[str]:
    env = cli_environment({"PRE_COMMIT_HOME": str(repo.parent / "pre-commit-home")})
    return subprocess.run(["bash", "-c", command], cwd=repo, env=env, capture_output=True, text=True, timeout=300)


@pytest.mark.skipif(not os.path.exists(os.path.join(os.path.dirname(sys.executable), "pre-commit")),
                    reason="pre-commit is installed with the test dependencies")  # fmt: skip
def test_the_quick_start_guards_a_flask_repository(git_repo: Path) -> None:
    put(git_repo, FLASK_APP)
    for step in _steps():
        done = _shell(git_repo, step)
        assert done.returncode == 0, f"{step}\n{done.stdout}\n{done.stderr}"
    assert git(git_repo, "status", "--porcelain") == ""
    assert (git_repo / "manifest.json").is_file()

    with (git_repo / "app.py").open("a") as handle:
        handle.write("\n\n@app.get('/health')\ndef health():\n    return 'ok'\n")
    blocked = _shell(git_repo, "git commit -qam 'Add a health check'")
    assert blocked.returncode != 0
    shown = blocked.stdout + blocked.stderr  # git hooks write to the terminal's stderr
    assert "fixed manifest.json:" in shown
    assert "next: review the rewritten manifest, then `git add manifest.json` and commit again" in shown
    assert git(git_repo, "log", "--format=%s") == "Guard the Connect manifests\n"

    passed = _shell(git_repo, "git add manifest.json && git commit -qam 'Add a health check'")
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert git(git_repo, "status", "--porcelain") == ""
    check = _shell(git_repo, "manifest-guard check --source HEAD --strict")
    assert check.returncode == 0, check.stdout
