"""Every message says what to do next, in the context the command runs in."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from manifest_guard.catalogue.codes import RULES
from manifest_guard.catalogue.rule_docs import rules_text, sections
from tests.conftest import git, put
from tests.gitapp import APP, MANIFEST, check, check_json, codes, commit_all
from tests.inprocess import run_main

ROOT = Path(__file__).resolve().parent.parent


def _stale(repo: Path) -> None:
    (repo / APP / "app.py").write_text("from flask import Flask\napp = Flask('x')\n")
    git(repo, "add", "-A")


# --- rule documentation ---------------------------------------------------------------------------


@pytest.mark.parametrize("code", sorted(RULES))
def test_rule_prints_the_section_of_docs_rules_md(code: str, tmp_path: Path) -> None:
    result = run_main(["rule", code.lower()], tmp_path)
    assert result.code == 0, result.stderr
    documented = sections((ROOT / "docs" / "rules.md").read_text(encoding="utf-8"))
    assert result.stdout == documented[code]
    assert result.stdout.startswith(f"## {code} {RULES[code].name}\n")


def test_the_installed_rule_docs_are_docs_rules_md() -> None:
    assert rules_text() == (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")


def test_rule_by_name_and_list(tmp_path: Path) -> None:
    assert run_main(["rule", "checksum-mismatch"], tmp_path).stdout.startswith("## MG101 ")
    listing = run_main(["rule"], tmp_path).stdout.splitlines()
    assert [line.split()[0] for line in listing] == list(RULES)


@pytest.mark.parametrize(
    ("query", "hint"),
    [("MG1O1", "did you mean MG101?"), ("checksum-mismatc", "did you mean checksum-mismatch?"), ("MG9", "")],
)
def test_an_unknown_rule_gets_did_you_mean(query: str, hint: str, tmp_path: Path) -> None:
    result = run_main(["rule", query], tmp_path)
    assert result.code == 2
    assert "is not a rule code or name" in result.stderr
    assert hint in result.stderr


# --- did you mean ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["chek"], "did you mean check?"),
        (["fix", "--stagee"], "--stagee; did you mean --stage?"),
        (["check", "--output-format", "jsn"], "did you mean json?"),
        (["check", "--select", "MG1O1"], "did you mean MG101?"),
    ],
)
def test_typos_get_did_you_mean(argv: list[str], expected: str, tmp_path: Path) -> None:
    result = run_main(argv, tmp_path)
    assert result.code == 2
    assert expected in result.stderr


def test_hook_with_a_path_names_only_the_path(repo: Path) -> None:
    result = check(repo, "--hook", APP)
    assert result.code == 2
    assert f"drop PATH {APP}" in result.stderr
    assert "--changed-since" not in result.stderr
    both = check(repo, "--hook", "--changed-since", "HEAD", APP)
    assert f"drop --changed-since HEAD and PATH {APP}" in both.stderr


# --- hints that fit where the command runs --------------------------------------------------------


def test_under_pre_commit_the_fix_hint_names_the_pre_commit_command(repo: Path) -> None:
    _stale(repo)
    plain = check(repo)
    assert "fixable with `manifest-guard fix`" in plain.stdout
    hooked = check(repo, env={"PRE_COMMIT": "1"})
    assert "fixable with `pre-commit run manifest-guard --all-files`" in hooked.stdout


def test_fix_without_stage_ends_with_the_next_step(repo: Path) -> None:
    _stale(repo)
    result = run_main(["fix"], repo)
    assert result.code == 1
    assert result.stdout.rstrip().endswith(f"next: review the rewritten manifest, then `git add {MANIFEST}`")
    hooked = run_main(["fix"], repo, env={"PRE_COMMIT": "1"})
    assert hooked.code == 1  # still stale in the index
    assert "already fixed in the work tree but not staged" in hooked.stderr


def test_a_manifest_fixed_in_the_work_tree_but_not_staged_says_git_add(repo: Path) -> None:
    _stale(repo)
    assert run_main(["fix"], repo).code == 1
    fixed = (repo / MANIFEST).read_bytes()
    again = run_main(["fix"], repo)
    assert again.code == 1
    assert f"{MANIFEST}: already fixed in the work tree but not staged; `git add {MANIFEST}`" in again.stderr
    assert (repo / MANIFEST).read_bytes() == fixed
    staged = run_main(["fix", "--stage"], repo)
    assert staged.code == 0, staged.stderr
    assert check(repo).code == 0
    assert git(repo, "diff", "--name-only") == ""


# --- write warns before a manifest the next check would flag --------------------------------------


def test_write_warns_when_python_version_is_outside_requires(git_repo: Path) -> None:
    put(git_repo / "app", {"app.py": "import flask\n", "requirements.txt": "flask\n", ".python-version": "3.12\n"})
    result = run_main(["write", "--python-version", "3.11.7", "flask", "app"], git_repo)
    assert result.code == 0
    assert re.search(r"python\.version 3\.11\.7 is outside environment\.python\.requires '~=3\.12\.0'", result.stderr)
    assert "--python" in result.stderr and "--override-python-version" in result.stderr
    quiet = run_main(["write", "-o", "--python-version", "3.12.4", "flask", "app"], git_repo)
    assert "outside" not in quiet.stderr


# --- repository tooling files are never required --------------------------------------------------


ROOT_APP = {"app.py": "from flask import Flask\napp = Flask(__name__)\n", "requirements.txt": "flask\n"}


@pytest.mark.parametrize(
    "added",
    [".pre-commit-config.yaml", ".github/workflows/ci.yml", ".gitignore", ".gitattributes", ".editorconfig",
     ".manifest-guard.toml", ".gitlab-ci.yml", ".rscignore", "data/.gitignore"],
)  # fmt: skip
def test_tooling_files_of_a_root_app_are_not_required(git_repo: Path, added: str) -> None:
    put(git_repo, ROOT_APP)
    assert run_main(["write", "--python-version", "3.11.4", "flask", "."], git_repo).code == 0
    commit_all(git_repo)
    put(git_repo, {added: "# tooling\n" if not added.endswith(".toml") else "strict = false\n"})
    git(git_repo, "add", "-A")
    code, report = check_json(git_repo)
    assert (code, codes(report)) == (0, [])
    assert run_main(["fix", "--stage"], git_repo).code == 0
    assert added not in json.loads((git_repo / "manifest.json").read_text())["files"]


def test_a_new_app_file_beside_tooling_is_still_required(git_repo: Path) -> None:
    put(git_repo, ROOT_APP)
    assert run_main(["write", "--python-version", "3.11.4", "flask", "."], git_repo).code == 0
    commit_all(git_repo)
    put(git_repo, {"helpers.py": "X = 1\n", "github/config.yml": "x: 1\n", "notes/.pre-commit-config.yaml": "x\n"})
    git(git_repo, "add", "-A")
    code, report = check_json(git_repo)
    assert code == 1
    assert codes(report) == [
        ("MG103", "github/config.yml"), ("MG103", "helpers.py"), ("MG103", "notes/.pre-commit-config.yaml")
    ]  # fmt: skip
