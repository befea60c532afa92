"""``manifest-guard init``: a repository with several apps becomes guarded, and the next check is quiet."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import git, put
from tests.gitapp import check_json, codes
from tests.inprocess import run_main

FLASK = {
    "app.py": "from flask import Flask\n\napp = Flask(__name__)\n",
    "requirements.txt": "flask\n",
    ".python-version": "3.11.4\n",
}
STREAMLIT = {
    "dashboard.py": "import streamlit as st\n\nst.title('Sales')\n",
    "requirements.txt": "streamlit\n",
    ".python-version": "3.11.4\n",
}
FASTAPI = {
    "service.py": "from fastapi import FastAPI\n\napi = FastAPI()\n",
    "helpers.py": "X = 1\n",
    "requirements.txt": "fastapi\n",
    ".python-version": "3.11.4\n",
}
COMMENTED_PRE_COMMIT = """\
# our hooks: keep this comment
repos:
  # formatting
  - repo: https://github.com/psf/black
    rev: 24.1.0
    hooks:
      - id: black

default_stages: [pre-commit]  # and this one
"""


def _init(repo: Path, *args: str) -> tuple[int, str, str]:
    result = run_main(["init", "--python-version", "3.11.4", *args], repo)
    return result.code, result.stdout, result.stderr


def _three_apps(repo: Path) -> None:
    put(repo / "apps" / "web", FLASK)
    put(repo / "apps" / "dash", STREAMLIT)
    put(repo / "services" / "prices", FASTAPI)


def _manifest(repo: Path, app: str) -> dict:
    return json.loads((repo / app / "manifest.json").read_text())


def _commit(repo: Path) -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "guard")


def test_init_guards_three_apps_of_different_modes(git_repo: Path) -> None:
    _three_apps(git_repo)
    code, out, err = _init(git_repo)
    assert code == 0, err
    assert _manifest(git_repo, "apps/web")["metadata"]["appmode"] == "python-api"
    assert _manifest(git_repo, "apps/dash")["metadata"] == {
        "appmode": "python-streamlit",
        "entrypoint": "dashboard",
    }
    service = _manifest(git_repo, "services/prices")
    assert service["metadata"] == {"appmode": "python-fastapi", "entrypoint": "service:api"}
    config = (git_repo / ".manifest-guard.toml").read_text()
    assert '[[apps]]\npath = "apps/web"\nmode = "flask"\n' in config
    assert 'path = "services/prices"\nmode = "fastapi"\nentrypoint = "service:api"\n' in config
    hook = (git_repo / ".pre-commit-config.yaml").read_text()
    assert "entry: manifest-guard fix --hook" in hook
    assert "git add" in out and ".pre-commit-config.yaml" in out
    _commit(git_repo)
    code, report = check_json(git_repo, "--strict")
    assert (code, codes(report)) == (0, [])
    assert len(report["manifests"]) == 3


def test_init_twice_changes_nothing(git_repo: Path) -> None:
    _three_apps(git_repo)
    assert _init(git_repo)[0] == 0
    _commit(git_repo)
    code, out, _err = _init(git_repo)
    assert code == 0
    assert "nothing to do" in out
    assert git(git_repo, "status", "--porcelain") == ""


def test_existing_manifests_are_declared_not_rewritten(git_repo: Path) -> None:
    _three_apps(git_repo)
    result = run_main(["write", "--python-version", "3.11.4", "flask", "apps/web"], git_repo)
    assert result.code == 0, result.stderr
    before = (git_repo / "apps/web/manifest.json").read_bytes()
    code, out, _err = _init(git_repo)
    assert code == 0
    assert (git_repo / "apps/web/manifest.json").read_bytes() == before
    assert "apps/web: has a manifest (api)" in out
    assert 'path = "apps/web"' in (git_repo / ".manifest-guard.toml").read_text()


def test_an_existing_pre_commit_config_keeps_its_comments_and_layout(git_repo: Path) -> None:
    put(git_repo, {**FLASK, ".pre-commit-config.yaml": COMMENTED_PRE_COMMIT})
    assert _init(git_repo)[0] == 0
    text = (git_repo / ".pre-commit-config.yaml").read_text()
    assert text.startswith(COMMENTED_PRE_COMMIT.split("\ndefault_stages")[0])
    assert text.endswith("\ndefault_stages: [pre-commit]  # and this one\n")
    yaml = pytest.importorskip("yaml")
    loaded = yaml.safe_load(text)
    assert [repo["repo"] for repo in loaded["repos"]] == ["https://github.com/psf/black", "local"]
    assert loaded["default_stages"] == ["pre-commit"]


def test_a_root_app_does_not_list_the_tooling_files_init_writes(git_repo: Path) -> None:
    put(git_repo, FLASK)
    assert _init(git_repo)[0] == 0
    listed = set(_manifest(git_repo, ".")["files"])
    assert listed == {"app.py", "requirements.txt", ".python-version"}
    _commit(git_repo)
    code, report = check_json(git_repo, "--strict")
    assert (code, codes(report)) == (0, [])
    # editing the hook configuration later never needs a manifest update
    (git_repo / ".pre-commit-config.yaml").write_text("repos: []\n")
    (git_repo / ".gitignore").write_text("*.log\n")
    git(git_repo, "add", "-A")
    code, report = check_json(git_repo, "--strict")
    assert (code, codes(report)) == (0, [])


def test_pinned_hook_form(git_repo: Path) -> None:
    put(git_repo, FLASK)
    assert _init(git_repo, "--rev", "v1.2.3", "--repo", "https://example.com/mg")[0] == 0
    text = (git_repo / ".pre-commit-config.yaml").read_text()
    assert text == "repos:\n  - repo: https://example.com/mg\n    rev: v1.2.3\n    hooks:\n      - id: manifest-guard\n"


def test_dry_run_writes_nothing(git_repo: Path) -> None:
    _three_apps(git_repo)
    code, out, _err = _init(git_repo, "--dry-run")
    assert code == 0
    assert "would write apps/web/manifest.json (flask" in out
    assert not (git_repo / "apps/web/manifest.json").exists()
    assert not (git_repo / ".pre-commit-config.yaml").exists()
    assert not (git_repo / ".manifest-guard.toml").exists()


def test_ambiguous_and_unrecognised_directories_are_skipped_with_the_reason(git_repo: Path) -> None:
    put(git_repo / "lib", {"requirements.txt": "requests\n", "util.py": "X = 1\n"})
    put(git_repo / "web", FLASK)
    code, _out, err = _init(git_repo)
    assert code == 0
    assert "lib: skipped: no app object or app script recognised" in err
    assert not (git_repo / "lib/manifest.json").exists()
    assert 'path = "lib"' not in (git_repo / ".manifest-guard.toml").read_text()


def test_apps_are_appended_to_an_existing_tool_table_in_pyproject(git_repo: Path) -> None:
    pyproject = '[project]\nname = "x"\n\n[tool.manifest-guard]\nstrict = true  # keep\n'
    put(git_repo, {"pyproject.toml": pyproject})
    put(git_repo / "web", FLASK)
    assert _init(git_repo)[0] == 0
    text = (git_repo / "pyproject.toml").read_text()
    assert text.startswith(pyproject)
    assert '[[tool.manifest-guard.apps]]\npath = "web"\nmode = "flask"\n' in text
    assert not (git_repo / ".manifest-guard.toml").exists()


def test_outside_a_repository_is_an_error(tmp_path: Path) -> None:
    result = run_main(["init"], tmp_path)
    assert result.code == 2
    assert "not inside a git work tree" in result.stderr
