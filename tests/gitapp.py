"""A committed Flask app in a real git repository, and helpers to check it: shared by the check/fix tests."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import CliResult, git, put
from tests.inprocess import run_main

MACHINE = ["--python-version", "3.11.4", "--pip-version", "24.0", "--locale", "en_US.UTF-8"]
APP = "apps/hello"
MANIFEST = f"{APP}/manifest.json"
FLASK_APP = {
    "app.py": "from flask import Flask\napp = Flask(__name__)\n",
    "requirements.txt": "flask==3.0.0\n",
    "helpers.py": "X = 1\n",
    ".python-version": "3.11\n",
}


def check(repo: Path, *args: str, env: dict[str, str] | None = None) -> CliResult:
    return run_main(["check", *args], repo, env)


def check_json(repo: Path, *args: str) -> tuple[int, dict]:
    result = check(repo, "--output-format", "json", *args)
    return result.code, json.loads(result.stdout)


def codes(report: dict) -> list[tuple[str, str]]:
    """(code, subject) pairs of a JSON report, sorted."""
    return sorted((finding["code"], finding["subject"]) for finding in report["findings"])


def write_manifest(repo: Path, app: str = APP, mode: str = "flask") -> None:
    result = run_main(["write", "-o", *MACHINE, mode, app], repo)
    assert result.code == 0, result.stderr


def commit_all(repo: Path, message: str = "commit") -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)


def make_flask_repo(root: Path) -> Path:
    """One committed Flask app (``.python-version`` 3.11) with its fresh manifest."""
    put(root / APP, FLASK_APP)
    write_manifest(root)
    commit_all(root)
    return root
