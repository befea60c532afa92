"""An imported module that exists in the work tree but was never ``git add``-ed is MG308 with the
advice to commit it, never MG304's advice to declare a distribution."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.conftest import git, put
from tests.gitapp import APP, FLASK_APP, MACHINE
from tests.inprocess import run_main

APP_WITH_IMPORTS = "from flask import Flask\nimport scoring\nfrom widgets.charts import bar\napp = Flask(__name__)\n"


def dependency_findings(repo: Path, *args: str) -> tuple[int, list[dict[str, Any]]]:
    result = run_main(["check", "--output-format", "json", "--select", "MG3", *args], repo)
    return result.code, json.loads(result.stdout)["findings"]


def committed_app(repo: Path) -> Path:
    put(repo / APP, FLASK_APP)
    assert run_main(["write", "-o", *MACHINE, "flask", APP], repo).code == 0
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "app")
    put(repo / APP, {"app.py": APP_WITH_IMPORTS})
    git(repo, "add", f"{APP}/app.py")
    return repo


def test_modules_created_and_never_added_are_errors_that_say_git_add(git_repo: Path) -> None:
    committed_app(git_repo)
    put(git_repo / APP, {"scoring.py": "SCORE = 1\n", "widgets/__init__.py": "", "widgets/charts.py": "bar = 1\n"})
    code, findings = dependency_findings(git_repo)
    assert code == 1
    assert sorted((f["code"], f["subject"], f["severity"]) for f in findings) == [
        ("MG308", "scoring", "error"), ("MG308", "widgets", "error")]  # fmt: skip
    messages = " ".join(f["message"] for f in findings)
    assert f"`git add {APP}/scoring.py`" in messages and f"`git add {APP}/widgets/__init__.py`" in messages
    assert "declare" not in messages


def test_once_added_the_modules_are_the_app_s_own(git_repo: Path) -> None:
    committed_app(git_repo)
    put(git_repo / APP, {"scoring.py": "SCORE = 1\n", "widgets/charts.py": "bar = 1\n"})
    git(git_repo, "add", "-A")
    assert dependency_findings(git_repo) == (0, [])


def test_a_module_on_disk_nowhere_is_still_a_missing_dependency(git_repo: Path) -> None:
    """The result of a check that looked at the disk is not replayed once the disk changes."""
    committed_app(git_repo)
    put(git_repo / APP, {"scoring.py": "SCORE = 1\n", "widgets/charts.py": "bar = 1\n"})
    assert {f["code"] for f in dependency_findings(git_repo)[1]} == {"MG308"}
    (git_repo / APP / "scoring.py").unlink()
    code, findings = dependency_findings(git_repo)
    assert code == 1
    assert sorted((f["code"], f["subject"]) for f in findings) == [("MG304", "scoring"), ("MG308", "widgets")]
