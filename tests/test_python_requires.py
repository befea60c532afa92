"""MG104 compares the Pythons each constraint allows and follows the base; MG403 reports version
sources that do not parse."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from manifest_guard.catalogue.python_releases import LAST_PATCH, released_pythons
from manifest_guard.engine.python_constraint import allowed_pythons, same_pythons
from tests.conftest import git, put
from tests.gitapp import APP, FLASK_APP, MACHINE, MANIFEST
from tests.inprocess import run_main


def check(repo: Path, *args: str) -> tuple[int, dict[str, Any]]:
    result = run_main(["check", "--output-format", "json", *args], repo)
    return result.code, json.loads(result.stdout)


def findings(report: dict[str, Any]) -> list[tuple[str, str]]:
    return sorted((finding["code"], finding["severity"]) for finding in report["findings"])


def set_requires(repo: Path, requires: str) -> None:
    path = repo / MANIFEST
    document = json.loads(path.read_text())
    document["environment"]["python"]["requires"] = requires
    path.write_text(json.dumps(document, indent=2) + "\n")


def app_repo(repo: Path, files: dict[str, str | bytes] | None = None, commit: bool = True) -> Path:
    put(repo / APP, files or FLASK_APP)
    assert run_main(["write", "-o", *MACHINE, "flask", APP], repo).code == 0
    git(repo, "add", "-A")
    if commit:
        git(repo, "commit", "-q", "-m", "app")
    return repo


# --- constraints as sets ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "second"),
    [("~=3.10", ">=3.10"), (">=3.10,<4", "~=3.10"), ("==3.11.*", "~=3.11.0"), (">=3.9, <3.10", "~=3.9.0"),
     ("~=3.11.0", ">=3.11,<3.12"), (">3.8.20", ">=3.9")],
)  # fmt: skip
def test_constraints_allowing_the_same_pythons_are_equal(first: str, second: str) -> None:
    assert same_pythons(first, second)


@pytest.mark.parametrize(
    ("first", "second"),
    [("~=3.11", "~=3.11.0"), (">=3.10", ">=3.11"), ("<3.12", "<3.12.1"), (">=3.15", ">=3.16"), ("junk", "junk ")],
)
def test_constraints_allowing_other_pythons_differ(first: str, second: str) -> None:
    assert not same_pythons(first, second)


def test_the_release_table_covers_every_minor_and_this_interpreter() -> None:
    import sys

    assert sorted(LAST_PATCH) == list(range(len(LAST_PATCH)))
    assert "3.0.0" in released_pythons() and "3.9.25" in released_pythons()
    if sys.version_info < (3, 15):
        assert "{}.{}.{}".format(*sys.version_info[:3]) in released_pythons()
    assert allowed_pythons(">=3.15") is None and allowed_pythons(7) is None


# --- following the base -----------------------------------------------------------------------------------


def test_a_deliberate_constraint_committed_at_the_base_is_quiet(git_repo: Path) -> None:
    app_repo(git_repo)
    set_requires(git_repo, "~=3.11")  # .python-version says 3.11 (~=3.11.0): the author allows later minors
    git(git_repo, "commit", "-qam", "allow 3.12 too")
    put(git_repo / APP, {"helpers.py": "X = 2\n"})
    git(git_repo, "add", "-A")
    code, report = check(git_repo, "--strict")
    assert (code, findings(report)) == (1, [("MG101", "error")])  # only the edited helper
    assert run_main(["fix"], git_repo).code == 1
    assert json.loads((git_repo / MANIFEST).read_text())["environment"]["python"]["requires"] == "~=3.11"


def test_an_equivalent_constraint_is_quiet_even_when_new(git_repo: Path) -> None:
    pyproject = '[project]\nname = "hello"\nrequires-python = ">=3.10"\n'
    app = {**{k: v for k, v in FLASK_APP.items() if k != ".python-version"}, "pyproject.toml": pyproject}
    app_repo(git_repo, app)
    set_requires(git_repo, "~=3.10")
    git(git_repo, "add", "-A")
    code, report = check(git_repo, "--strict")
    assert (code, report["findings"]) == (0, [])


def test_a_new_disagreement_in_the_manifest_is_an_error(git_repo: Path) -> None:
    app_repo(git_repo)
    set_requires(git_repo, "~=3.11")
    git(git_repo, "add", "-A")
    code, report = check(git_repo)
    assert (code, findings(report)) == (1, [("MG104", "error")])
    assert "'~=3.11' but apps/hello/.python-version says '~=3.11.0'" in report["findings"][0]["message"]


def test_a_changed_version_source_makes_an_old_disagreement_new(git_repo: Path) -> None:
    app_repo(git_repo)
    set_requires(git_repo, "~=3.11")
    git(git_repo, "commit", "-qam", "deliberate")
    put(git_repo / APP, {".python-version": "3.12\n"})
    git(git_repo, "add", "-A")
    assert ("MG104", "error") in findings(check(git_repo)[1])
    assert run_main(["fix"], git_repo).code == 1
    assert json.loads((git_repo / MANIFEST).read_text())["environment"]["python"]["requires"] == "~=3.12.0"


def test_changed_since_a_revision_follows_that_base(git_repo: Path) -> None:
    app_repo(git_repo)
    set_requires(git_repo, "~=3.11")
    git(git_repo, "commit", "-qam", "deliberate")
    put(git_repo / APP, {"helpers.py": "X = 3\n"})
    git(git_repo, "add", "-A")
    assert run_main(["fix"], git_repo).code == 1
    git(git_repo, "commit", "-qam", "helper")
    code, report = check(git_repo, "--source", "HEAD", "--changed-since", "HEAD~1")
    assert (code, report["findings"]) == (0, [])
    code, report = check(git_repo, "--source", "HEAD", "--changed-since", "HEAD~2")
    assert (code, findings(report)) == (1, [("MG104", "error")])


def test_with_no_base_a_disagreement_is_a_warning(git_repo: Path) -> None:
    app_repo(git_repo, commit=False)
    set_requires(git_repo, "~=3.11")
    git(git_repo, "add", "-A")
    code, report = check(git_repo)
    assert (code, findings(report)) == (0, [("MG104", "warning")])
    assert "no base commit" in report["findings"][0]["message"]


# --- the app's malformed files are findings ---------------------------------------------------------------


def test_malformed_app_files_are_findings_and_the_run_goes_on(git_repo: Path) -> None:
    without_version = {k: v for k, v in FLASK_APP.items() if k != ".python-version"}
    apps = {
        "apps/toml": {**without_version, "pyproject.toml": '[project]\nname = "x"\nrequires-python = >=3.9\n'},
        "apps/cfg": {**without_version, "setup.cfg": "[metadata]\nname = x\n[options\npython_requires = >=3.9\n"},
        "apps/version": {**FLASK_APP, ".python-version": b"3.11\xa0\n"},
        "apps/latin1": {**FLASK_APP, "requirements.txt": b"flask==3.0.0\n# caf\xe9\n"},
        "apps/nul": {**FLASK_APP, "requirements.txt": b"flask==3.0.0\nnumpy\n\x00\x00\n"},
        "apps/fine": FLASK_APP,
    }
    for app, files in apps.items():
        put(git_repo / app, {**FLASK_APP, ".python-version": "3.11\n"})
        assert run_main(["write", "-o", *MACHINE, "flask", app], git_repo).code == 0
        for name in set(FLASK_APP) - set(files):
            (git_repo / app / name).unlink()
        put(git_repo / app, files)
    git(git_repo, "add", "-A")
    git(git_repo, "commit", "-qm", "apps")
    result = run_main(["check", "--output-format", "json", "--select", "MG403,MG302"], git_repo)
    report = json.loads(result.stdout)
    assert result.code == 1 and report["errors"] == [] and len(report["manifests"]) == len(apps)
    located = sorted((f["code"], f["path"], f["line"]) for f in report["findings"])
    assert located == [
        ("MG302", "apps/latin1/requirements.txt", 2),
        ("MG302", "apps/nul/requirements.txt", 3),
        ("MG403", "apps/cfg/setup.cfg", 3),
        ("MG403", "apps/toml/pyproject.toml", 3),
        ("MG403", "apps/version/.python-version", 1),
    ]


def test_write_still_stops_on_a_malformed_version_source(git_repo: Path) -> None:
    put(git_repo / APP, {**FLASK_APP, ".python-version": b"3.1\xff\n"})
    result = run_main(["write", *MACHINE, "flask", APP], git_repo)
    assert result.code == 2 and f"{APP}/.python-version:1: not valid UTF-8" in result.stderr
