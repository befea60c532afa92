"""MG102 says when a missing listed file is one git ignores, judged by the checked tree's ignore rules."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from manifest_guard.repository.ignore_rules import TreeIgnoreRules
from manifest_guard.repository.trees import WorkTree
from tests.conftest import git, put
from tests.gitapp import APP, FLASK_APP, MACHINE
from tests.inprocess import run_main

BUILT = {"dist/bundle.js": "built\n", "site/index.html": "built\n", "notes.txt": "local\n", "kept.txt": "kept\n"}
IGNORED_HINT = "git ignores it, so Connect's git import will not have it: build it before deploying"


def missing(repo: Path, *args: str) -> dict[str, str]:
    """subject -> message of every MG102 finding."""
    result = run_main(["check", "--output-format", "json", "--select", "MG102", *args], repo)
    report: dict[str, Any] = json.loads(result.stdout)
    return {finding["subject"]: finding["message"] for finding in report["findings"]}


def built_app(repo: Path) -> Path:
    """An app whose manifest lists build outputs that are never committed."""
    put(repo / APP, {**FLASK_APP, **BUILT})
    assert run_main(["write", "-o", *MACHINE, "flask", APP], repo).code == 0
    put(repo / APP, {".gitignore": "dist/\n*.txt\n!kept.txt\n"})
    put(repo, {".gitignore": "site/\n"})
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "app")
    return repo


def test_missing_ignored_files_are_named_in_the_index_and_a_revision(git_repo: Path) -> None:
    built_app(git_repo)
    for source in ("index", "HEAD"):
        found = missing(git_repo, "--source", source)
        assert sorted(found) == ["dist/bundle.js", "notes.txt", "site/index.html"], source
        assert all(IGNORED_HINT in message for message in found.values())


def test_a_fresh_clone_judges_by_the_committed_rules(git_repo: Path, tmp_path: Path) -> None:
    built_app(git_repo)
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(git_repo), str(clone))
    found = missing(clone, "--source", "worktree")
    assert sorted(found) == ["dist/bundle.js", "notes.txt", "site/index.html"]
    assert all(IGNORED_HINT in message for message in found.values())


def test_rules_only_on_disk_do_not_count_for_the_index(git_repo: Path) -> None:
    put(git_repo / APP, {**FLASK_APP, "report.html": "x\n"})
    assert run_main(["write", "-o", *MACHINE, "flask", APP], git_repo).code == 0
    (git_repo / APP / "report.html").unlink()
    git(git_repo, "add", "-A")
    git(git_repo, "commit", "-q", "-m", "app")
    put(git_repo / APP, {".gitignore": "*.html\n"})  # not staged: the index's rules do not ignore it
    assert IGNORED_HINT not in missing(git_repo)["report.html"]
    assert IGNORED_HINT in missing(git_repo, "--source", "worktree")["report.html"]


def test_info_exclude_and_core_excludes_file_count(git_repo: Path, tmp_path: Path) -> None:
    put(git_repo / APP, {**FLASK_APP, "a.log": "x\n", "b.tmp": "y\n"})
    assert run_main(["write", "-o", *MACHINE, "flask", APP], git_repo).code == 0
    (git_repo / ".git" / "info").mkdir(exist_ok=True)
    (git_repo / ".git" / "info" / "exclude").write_text("*.log\n")
    (tmp_path / "global-ignore").write_text("*.tmp\n")
    git(git_repo, "config", "core.excludesFile", str(tmp_path / "global-ignore"))
    git(git_repo, "add", "-A")
    git(git_repo, "commit", "-q", "-m", "app")
    found = missing(git_repo)
    assert IGNORED_HINT in found["a.log"] and IGNORED_HINT in found["b.tmp"]


def test_git_precedence(tmp_path: Path) -> None:
    put(tmp_path, {
        ".gitignore": "*.csv\nbuild/\n!keep.csv\n",
        "sub/.gitignore": "!*.csv\nlocal.json\n",
        "info-exclude": "*.bak\n",
    })  # fmt: skip
    rules = TreeIgnoreRules(WorkTree(str(tmp_path)), [str(tmp_path / "info-exclude")])
    assert rules.ignored("data.csv") and not rules.ignored("keep.csv")
    assert not rules.ignored("sub/data.csv")  # a deeper .gitignore re-includes
    assert rules.ignored("build/out.js") and rules.ignored("sub/build/x")
    assert rules.ignored("sub/local.json") and not rules.ignored("local.json")
    assert rules.ignored("x/y.bak") and not rules.ignored("app.py")
    put(tmp_path, {"build/.gitignore": "!out.js\n"})
    assert TreeIgnoreRules(WorkTree(str(tmp_path))).ignored("build/out.js")  # nothing below an ignored directory
