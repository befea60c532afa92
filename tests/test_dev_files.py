"""Imports in development files (setup.py, noxfile.py, tasks.py, fabfile.py, docs/conf.py, ...) are not
the app's dependencies, unless the app imports the file; ``dev-files`` configures which files."""

from __future__ import annotations

import json
from pathlib import Path

from manifest_guard.readers.dev_files import DEFAULT_DEV_FILES, DevFiles, module_name
from tests.conftest import git, put
from tests.gitapp import APP, FLASK_APP, MACHINE
from tests.inprocess import run_main

DEV_FILES = {
    "setup.py": "from setuptools import setup\nimport setuptools_scm\nsetup()\n",
    "noxfile.py": "import nox\n",
    "tasks.py": "from invoke import task\n",
    "fabfile.py": "from fabric import Connection\n",
    "docs/conf.py": "import sphinx_rtd_theme\n",
    "docs/source/conf.py": "import furo\n",
    "manage.py": "from django.core.management import execute_from_command_line\n",
}


def missing(repo: Path) -> list[str]:
    result = run_main(["check", "--output-format", "json", "--select", "MG304"], repo)
    return sorted(finding["subject"] for finding in json.loads(result.stdout)["findings"])


def app_with(repo: Path, files: dict[str, str | bytes]) -> Path:
    put(repo / APP, {**FLASK_APP, **files})
    assert run_main(["write", "-o", *MACHINE, "flask", APP], repo).code == 0
    git(repo, "add", "-A")
    return repo


def test_development_files_are_not_dependency_findings(git_repo: Path) -> None:
    app_with(git_repo, DEV_FILES)
    assert missing(git_repo) == ["django"]  # manage.py is the Django project's own: app code


def test_a_development_file_the_app_imports_is_app_code(git_repo: Path) -> None:
    app_with(git_repo, {"tasks.py": "from celery import Celery\n", "app.py": FLASK_APP["app.py"] + "import tasks\n"})
    assert missing(git_repo) == ["celery"]


def test_dev_files_configures_the_patterns(git_repo: Path) -> None:
    app_with(git_repo, DEV_FILES)
    put(git_repo, {".manifest-guard.toml": 'dev-files = ["/noxfile.py"]\n'})
    assert missing(git_repo) == ["django", "fabric", "furo", "invoke", "setuptools", "setuptools_scm",
                                 "sphinx_rtd_theme"]


def test_patterns_and_module_names() -> None:
    dev = DevFiles(DEFAULT_DEV_FILES)
    assert dev.matches("setup.py") and dev.matches("docs/conf.py") and dev.matches("doc/source/conf.py")
    assert not dev.matches("pkg/setup.py") and not dev.matches("manage.py") and not dev.matches("conf.py")
    assert module_name("pkg/__init__.py") == "pkg" and module_name("pkg/tasks.py") == "pkg.tasks"
    assert dev.imported_by_app("tasks.py", ["tasks"]) and not dev.imported_by_app("tasks.py", ["taskset"])
