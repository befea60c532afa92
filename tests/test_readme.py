"""The README's two commands are true: CI runs the test command, and the run command works fresh."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import cli_environment

ROOT = Path(__file__).resolve().parent.parent


def readme_command(marker: str) -> str:
    """The shell command in the fenced block right after ``<!-- marker -->``."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.search(rf"<!-- {marker} -->\n```sh\n(.+?)\n```", text, re.S)
    assert found, f"README has no {marker} block"
    return found.group(1)


def test_ci_runs_exactly_the_readme_test_command() -> None:
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert readme_command("test-command") in script.splitlines()


def test_readme_run_command_works_after_a_fresh_install(tmp_path: Path) -> None:
    """``pip install .`` into a new virtualenv, then the README's run command on a fresh clone-like copy:
    it succeeds, rewrites every example's manifest byte for byte, and leaves the checkout clean."""
    checkout = tmp_path / "checkout"
    shutil.copytree(
        ROOT,
        checkout,
        ignore=shutil.ignore_patterns(".git", ".venv", "*.egg-info", "build", "__pycache__", ".*_cache"),
    )
    env = cli_environment({"PIP_DISABLE_PIP_VERSION_CHECK": "1"})
    env["PATH"] = os.pathsep.join(p for p in env["PATH"].split(os.pathsep) if p != os.path.dirname(sys.executable))
    for command in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "checkout"]):
        subprocess.run(["git", *command], cwd=checkout, env=env, check=True, capture_output=True)
    completed = subprocess.run(
        ["bash", "-c", readme_command("run-command")],
        cwd=checkout,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "Traceback" not in completed.stderr
    written = [line for line in completed.stdout.splitlines() if line.startswith("wrote examples/")]
    # every Python example is rewritten; the R one (R rsconnect's content, which write does not produce) is checked
    examples = [path for path in (checkout / "examples").iterdir() if path.is_dir()]
    assert len(written) == len(examples) - 1
    assert f"{len(examples)} manifests checked, all fresh" in completed.stdout
    status = subprocess.run(["git", "status", "--porcelain"], cwd=checkout, env=env, capture_output=True, text=True)
    assert status.stdout == ""
