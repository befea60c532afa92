"""A file whose name no ``files`` key may hold (a tab, a newline, a backslash, a control character) is never
listed by ``write`` or added by ``fix``: it is reported with how to rename or exclude it, and ``check`` agrees
with what ``fix`` staged. rsconnect-python 1.32.0 lists such names; the README records the difference."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import git, put
from tests.gitapp import APP, MACHINE, MANIFEST, check_json, codes, commit_all
from tests.inprocess import run_main

NAMES = ["tab\there.py", "new\nline.py", "back\\slash.py", "bell\x07.py"]


def add_files(repo: Path, names: list[str]) -> None:
    put(repo / APP, {name: "X = 1\n" for name in names})
    git(repo, "add", "-A")


def listed(repo: Path, revision: str | None = None) -> set[str]:
    text = (repo / MANIFEST).read_text() if revision is None else git(repo, "show", f"{revision}:{MANIFEST}")
    return set(json.loads(text)["files"])


def test_write_leaves_them_out_and_warns_with_the_way_out(repo: Path) -> None:
    add_files(repo, NAMES)
    result = run_main(["write", "-o", *MACHINE, "flask", APP], repo)
    assert result.code == 0, result
    assert listed(repo) == {"requirements.txt", "app.py", "helpers.py", ".python-version"}
    warnings = [line for line in result.stderr.splitlines() if "not listed" in line]
    assert len(warnings) == len(NAMES)  # one line each, the control characters escaped
    assert f"{APP}/tab\\there.py: not listed: the name has a control character" in result.stderr
    assert f"{APP}/back\\slash.py: not listed: the name has a backslash" in result.stderr
    assert all("rename it, or exclude it with .rscignore or the `exclude` setting" in line for line in warnings)


@pytest.mark.parametrize("source", ["index", "worktree"])
def test_fix_stage_never_adds_them_and_check_agrees(repo: Path, source: str) -> None:
    add_files(repo, [*NAMES, "fine.py"])
    fixed = run_main(["fix", "--stage", "--source", source], repo)
    assert fixed.code == 1, fixed  # the unlistable files remain
    assert listed(repo, revision="") == listed(repo) == {"requirements.txt", "app.py", "helpers.py",
                                                          ".python-version", "fine.py"}  # fmt: skip
    code, report = check_json(repo, "--source", source)
    assert code == 1
    assert codes(report) == sorted(("MG103", name) for name in NAMES)  # no MG005: nothing unsafe was written
    assert not any(finding["fixable"] for finding in report["findings"])
    assert all("cannot list" in finding["message"] for finding in report["findings"])


def test_excluding_them_makes_check_and_fix_clean(repo: Path) -> None:
    add_files(repo, NAMES)
    put(repo / APP, {".rscignore": "tab*\nnew*\nback*\nbell*\n"})
    git(repo, "add", "-A")
    assert check_json(repo)[0] == 0
    assert run_main(["fix", "--stage"], repo).code == 0
    assert listed(repo, revision="") == {"requirements.txt", "app.py", "helpers.py", ".python-version"}


def test_one_already_in_the_base_commit_is_not_reported_again(repo: Path) -> None:
    add_files(repo, ["tab\there.py"])
    commit_all(repo)
    put(repo / APP, {"helpers.py": "X = 3\n"})
    git(repo, "add", "-A")
    assert run_main(["fix", "--stage"], repo).code == 0
    code, report = check_json(repo)
    assert (code, report["findings"]) == (0, [])
