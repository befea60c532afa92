"""check and fix through the real CLI: Python version rules, requires edge cases, symlinks, runs outside
git, output formats, the example apps, manifests written by rsconnect-python, non-Python appmodes,
unsafe paths and deleted manifests."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from tests.conftest import CliResult, git, put
from tests.gitapp import APP, FLASK_APP, MACHINE, MANIFEST, check, check_json, codes, commit_all, write_manifest
from tests.inprocess import run_main
from tests.test_write_differential import locate_rsconnect

ROOT = Path(__file__).resolve().parents[1]
OUTPUT_SCHEMA = ROOT / "schemas" / "check-output.schema.json"
NOTEBOOK = json.dumps(
    {
        "cells": [{"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": ["1 + 1"]}],
        "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
)
SECRET = "TOPSECRET-do-not-read\n"
EXAMPLE_MANIFESTS = sorted(
    f"examples/{path.parent.name}/manifest.json" for path in (ROOT / "examples").glob("*/manifest.json")
)


# --- helpers ----------------------------------------------------------------------------------------


def md5(data: str | bytes) -> str:
    return hashlib.md5(data.encode() if isinstance(data, str) else data).hexdigest()


def fix(cwd: Path, *args: str) -> CliResult:
    return run_main(["fix", *args], cwd)


def stage(repo: Path) -> None:
    git(repo, "add", "-A")


def load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def edit_manifest(path: Path, change: Callable[[dict[str, Any]], None]) -> None:
    """Edit a manifest by hand: load, change, save in rsconnect's style (2-space indent, ASCII)."""
    document = load(path)
    change(document)
    path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")


def set_python_version(version: str) -> Callable[[dict[str, Any]], None]:
    def change(document: dict[str, Any]) -> None:
        document["python"]["version"] = version

    return change


def line_of(path: Path, needle: str) -> int:
    """The 1-based line of the one line of ``path`` that contains ``needle``."""
    lines = [number for number, line in enumerate(path.read_text().splitlines(), 1) if needle in line]
    assert len(lines) == 1, (needle, lines)
    return lines[0]


def finding(report: dict[str, Any], code: str) -> dict[str, Any]:
    (found,) = [item for item in report["findings"] if item["code"] == code]
    return found


def manifests(report: dict[str, Any]) -> list[tuple[str, str]]:
    return sorted((item["path"], item["status"]) for item in report["manifests"])


def rsconnect(repo: Path, *args: str) -> None:
    subprocess.run([locate_rsconnect(), "write-manifest", *args], cwd=repo, check=True, capture_output=True)


# --- 1. MG401 and MG402 -------------------------------------------------------------------------------


def test_python_version_must_be_x_y_or_x_y_z(repo: Path) -> None:
    for version in ("3.11.x", "3", "three", "3.11.4rc1"):
        edit_manifest(repo / MANIFEST, set_python_version(version))
        stage(repo)
        code, report = check_json(repo)
        assert (code, codes(report)) == (1, [("MG401", "python.version")]), version
        invalid = report["findings"][0]
        assert invalid["line"] == line_of(repo / MANIFEST, f'"version": {json.dumps(version)}')
        assert (invalid["severity"], invalid["fixable"]) == ("error", False)
        assert repr(version) in invalid["message"]
    for version in ("3.11", "3.11.4"):
        edit_manifest(repo / MANIFEST, set_python_version(version))
        stage(repo)
        code, report = check_json(repo)
        assert (code, report["findings"]) == (0, []), version


@pytest.mark.parametrize("version", ["3.11.4\n", "\u0663.\u0661\u0661"], ids=["trailing-newline", "arabic-digits"])
def test_python_version_with_a_newline_or_non_ascii_digits_is_invalid(repo: Path, version: str) -> None:
    edit_manifest(repo / MANIFEST, set_python_version(version))
    stage(repo)
    code, report = check_json(repo)
    assert (code, codes(report)) == (1, [("MG401", "python.version")])
    assert report["findings"][0]["line"] == line_of(repo / MANIFEST, f'"version": {json.dumps(version)}')


def test_python_version_outside_requires_is_a_warning(repo: Path) -> None:
    edit_manifest(repo / MANIFEST, set_python_version("3.9.1"))  # requires stays ~=3.11.0 (.python-version)
    commit_all(repo, "python 3.9.1")
    code, report = check_json(repo)
    assert (code, codes(report)) == (0, [("MG402", "python.version")])
    warning = report["findings"][0]
    assert (warning["severity"], warning["fixable"]) == ("warning", False)
    assert warning["line"] == line_of(repo / MANIFEST, '"version": "3.9.1"')
    assert "'3.9.1'" in warning["message"] and "'~=3.11.0'" in warning["message"]
    assert check(repo, "--strict").code == 1
    edit_manifest(repo / MANIFEST, set_python_version("3.11.9"))
    stage(repo)
    assert check_json(repo)[1]["findings"] == []
    assert check(repo, "--strict").code == 0


def test_requires_that_is_not_pep440_gives_no_mg402(git_repo: Path) -> None:
    app = {name: content for name, content in FLASK_APP.items() if name != ".python-version"}
    put(git_repo / APP, {**app, "pyproject.toml": '[project]\nname = "x"\nrequires-python = ">= 3.10 junk"\n'})
    write_manifest(git_repo)
    assert load(git_repo / MANIFEST)["environment"]["python"]["requires"] == ">= 3.10 junk"  # same source: no MG104
    edit_manifest(git_repo / MANIFEST, set_python_version("3.9.1"))  # outside '>= 3.10' if it were read leniently
    commit_all(git_repo)
    code, report = check_json(git_repo, "--strict")
    assert (code, report["findings"]) == (0, [])


# --- 2. MG104 edge cases ----------------------------------------------------------------------------------


def test_override_python_version_requires_is_left_alone(git_repo: Path) -> None:
    put(git_repo / APP, {**FLASK_APP, ".python-version": "3.12\n"})
    flags = ["--override-python-version", "3.11.4", "--pip-version", "24.0", "--locale", "en_US.UTF-8"]
    assert run_main(["write", "-o", *flags, "flask", APP], git_repo).code == 0
    written = load(git_repo / MANIFEST)
    assert (written["python"]["version"], written["environment"]["python"]["requires"]) == ("3.11.4", "==3.11.4")
    stage(git_repo)  # no commit: no base, so a difference would be a warning
    code, report = check_json(git_repo, "--strict")
    assert (code, report["findings"]) == (0, [])
    # the exemption is for requires == '==<python.version>' only
    edit_manifest(git_repo / MANIFEST, set_python_version("3.11.5"))
    stage(git_repo)
    code, report = check_json(git_repo, "--strict")
    assert (code, codes(report)) == (1, [("MG104", "environment.python.requires"), ("MG402", "python.version")])
    assert {finding["severity"] for finding in report["findings"]} == {"warning"}


def test_pyproject_requires_python_change(git_repo: Path) -> None:
    put(git_repo / APP, {
        "app.py": FLASK_APP["app.py"],
        "requirements.txt": FLASK_APP["requirements.txt"],
        "pyproject.toml": '[project]\nname = "hello"\nrequires-python = ">=3.10"\n',
    })  # fmt: skip
    write_manifest(git_repo)
    commit_all(git_repo)
    (git_repo / APP / "pyproject.toml").write_text('[project]\nname = "hello"\nrequires-python = ">=3.11"\n')
    stage(git_repo)
    code, report = check_json(git_repo)
    assert code == 1
    assert codes(report) == [("MG101", "pyproject.toml"), ("MG104", "environment.python.requires")]
    stale = finding(report, "MG104")
    assert stale["line"] == line_of(git_repo / MANIFEST, '"requires": ">=3.10"')
    assert stale["message"] == f"environment.python.requires is '>=3.10' but {APP}/pyproject.toml says '>=3.11'"
    assert fix(git_repo).code == 1
    fixed = load(git_repo / MANIFEST)
    assert fixed["environment"] == {"python": {"requires": ">=3.11"}}
    assert fixed["files"]["pyproject.toml"]["checksum"] == md5((git_repo / APP / "pyproject.toml").read_bytes())
    stage(git_repo)
    code, report = check_json(git_repo)
    assert (code, report["findings"]) == (0, [])


def test_requires_without_any_source_file_is_quiet(git_repo: Path) -> None:
    app = {name: content for name, content in FLASK_APP.items() if name != ".python-version"}
    put(git_repo / APP, app)
    write_manifest(git_repo)

    def add_requires(document: dict[str, Any]) -> None:
        files = document.pop("files")
        document["environment"] = {"python": {"requires": ">=3.8"}}
        document["files"] = files

    edit_manifest(git_repo / MANIFEST, add_requires)
    commit_all(git_repo)
    code, report = check_json(git_repo)
    assert (code, report["findings"]) == (0, [])
    put(git_repo / APP, {".python-version": "3.11\n"})  # a source appears: now it is compared
    stage(git_repo)
    code, report = check_json(git_repo)
    assert codes(report) == [("MG103", ".python-version"), ("MG104", "environment.python.requires")]


def test_fix_adds_a_missing_environment_after_python(repo: Path) -> None:
    written = (repo / MANIFEST).read_bytes()  # what `write` (MACHINE flags) gives for this app
    edit_manifest(repo / MANIFEST, lambda document: document.pop("environment"))
    stage(repo)  # new in the change: an error
    code, report = check_json(repo)
    assert (code, codes(report)) == (1, [("MG104", "environment.python.requires")])
    assert "is missing but apps/hello/.python-version says '~=3.11.0'" in report["findings"][0]["message"]
    result = fix(repo)
    assert result.code == 1 and "environment.python.requires set to '~=3.11.0'" in result.stdout
    fixed = load(repo / MANIFEST)
    assert list(fixed) == ["version", "locale", "metadata", "python", "environment", "files"]
    assert fixed["environment"] == {"python": {"requires": "~=3.11.0"}}
    fixed_bytes = (repo / MANIFEST).read_bytes()
    assert fixed_bytes == written
    write_manifest(repo)  # and `write` today still gives those bytes
    assert (repo / MANIFEST).read_bytes() == fixed_bytes


# --- 3. MG502 in check ----------------------------------------------------------------------------------


def test_committed_symlink_leaving_the_app_is_mg502(repo: Path, tmp_path: Path) -> None:
    put(repo, {"apps/secret.txt": SECRET})
    os.symlink("../secret.txt", repo / APP / "link.txt")
    commit_all(repo, "escaping symlink")
    before = (repo / MANIFEST).read_bytes()
    code, report = check_json(repo, "--diff")
    assert (code, codes(report)) == (1, [("MG502", "link.txt")])
    escape = report["findings"][0]
    assert (escape["manifest"], escape["path"]) == (MANIFEST, MANIFEST)
    assert escape["message"].startswith(f"{APP}/link.txt: the symlink resolves outside the app directory")
    text = check(repo, "--diff")
    for output in (json.dumps(report), text.stdout + text.stderr):
        assert md5(SECRET) not in output and "TOPSECRET" not in output
    assert fix(repo).code == 1
    assert (repo / MANIFEST).read_bytes() == before  # never listed, never hashed
    # an absolute target outside the repository, a FIFO: reading it would block
    os.mkfifo(tmp_path / "pipe")
    (repo / APP / "link.txt").unlink()
    os.symlink(str(tmp_path / "pipe"), repo / APP / "link.txt")
    commit_all(repo, "absolute symlink")
    for source in ("index", "worktree"):
        result = run_main(["check", "--output-format", "json", "--source", source], repo, timeout=20)
        assert (result.code, codes(json.loads(result.stdout))) == (1, [("MG502", "link.txt")]), source


def test_symlink_to_a_file_inside_the_app_is_bundled(repo: Path) -> None:
    os.symlink("helpers.py", repo / APP / "alias.py")
    write_manifest(repo)
    commit_all(repo, "alias")
    files = load(repo / MANIFEST)["files"]
    assert files["alias.py"]["checksum"] == md5(FLASK_APP["helpers.py"])
    code, report = check_json(repo, "--strict")
    assert (code, report["findings"]) == (0, [])
    (repo / APP / "helpers.py").write_text("X = 2\n")
    stage(repo)
    code, report = check_json(repo)
    assert (code, codes(report)) == (1, [("MG101", "alias.py"), ("MG101", "helpers.py")])


def test_symlink_escape_does_not_hide_a_stale_checksum(repo: Path) -> None:
    put(repo, {"apps/secret.txt": SECRET})
    os.symlink("../secret.txt", repo / APP / "link.txt")
    commit_all(repo, "escaping symlink")
    (repo / APP / "helpers.py").write_text("X = 2\n")
    stage(repo)
    code, report = check_json(repo)
    assert (code, codes(report)) == (1, [("MG101", "helpers.py"), ("MG502", "link.txt")])
    assert manifests(report) == [(MANIFEST, "stale")]


def test_every_escaping_symlink_is_reported(repo: Path) -> None:
    put(repo, {"apps/secret.txt": SECRET})
    os.symlink("../secret.txt", repo / APP / "a_link.txt")
    os.symlink("/etc/hostname", repo / APP / "b_link.txt")
    commit_all(repo, "two escaping symlinks")
    code, report = check_json(repo)
    assert (code, codes(report)) == (1, [("MG502", "a_link.txt"), ("MG502", "b_link.txt")])


# --- 4. outside a git repository ------------------------------------------------------------------------


@pytest.fixture
def plain_dir(tmp_path: Path) -> Path:
    """``tmp_path/proj/app``: a Flask app with its fresh manifest, no git anywhere."""
    assert subprocess.run(["git", "rev-parse"], cwd=tmp_path, capture_output=True).returncode != 0
    put(tmp_path / "proj/app", FLASK_APP)
    assert run_main(["write", "-o", *MACHINE, "flask", "proj/app"], tmp_path).code == 0
    return tmp_path


def test_outside_git_check_reads_the_work_tree(plain_dir: Path) -> None:
    code, report = check_json(plain_dir)
    assert (code, report["findings"], manifests(report)) == (0, [], [("proj/app/manifest.json", "fresh")])
    (plain_dir / "proj/app/helpers.py").write_text("X = 2\n")
    code, report = check_json(plain_dir)
    assert (code, codes(report)) == (1, [("MG101", "helpers.py")])
    stale = report["findings"][0]
    assert (stale["manifest"], stale["path"]) == ("proj/app/manifest.json", "proj/app/manifest.json")
    assert stale["message"].startswith("proj/app/helpers.py: content changed")
    assert stale["line"] == line_of(plain_dir / "proj/app/manifest.json", '"helpers.py"')
    code, report = check_json(plain_dir / "proj")  # paths follow the current directory
    assert [item["path"] for item in report["manifests"]] == ["app/manifest.json"]
    assert report["findings"][0]["message"].startswith("app/helpers.py: ")


def test_outside_git_unlisted_file_is_a_warning_and_fix_is_idempotent(plain_dir: Path) -> None:
    manifest = plain_dir / "proj/app/manifest.json"
    put(plain_dir / "proj/app", {"new.py": "N = 1\n"})
    code, report = check_json(plain_dir)
    assert (code, codes(report)) == (0, [("MG103", "new.py")])
    assert report["findings"][0]["severity"] == "warning"
    assert check(plain_dir, "--strict").code == 1
    result = fix(plain_dir)
    assert result.code == 1 and "new.py added" in result.stdout
    assert load(manifest)["files"]["new.py"] == {"checksum": md5("N = 1\n")}
    before, mtime = manifest.read_bytes(), manifest.stat().st_mtime_ns
    again = fix(plain_dir)
    assert again.code == 0, again.stdout + again.stderr
    assert (manifest.read_bytes(), manifest.stat().st_mtime_ns) == (before, mtime)
    assert check(plain_dir, "--strict").code == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["check", "--source", "index"], "--source index: not inside a git work tree"),
        (["check", "--changed-since", "HEAD"], "--changed-since: not inside a git work tree"),
        (["fix", "--stage"], "--stage: not inside a git work tree"),
    ],
)
def test_outside_git_git_options_are_usage_errors(plain_dir: Path, args: list[str], message: str) -> None:
    (plain_dir / "proj/app/helpers.py").write_text("X = 2\n")
    before = (plain_dir / "proj/app/manifest.json").read_bytes()
    result = run_main(args, plain_dir)
    assert result.code == 2 and result.stdout == ""
    assert message in result.stderr and len(result.stderr.splitlines()) == 1
    assert (plain_dir / "proj/app/manifest.json").read_bytes() == before


# --- 5. fix --source REV ----------------------------------------------------------------------------------


def test_fix_refuses_a_revision_source(repo: Path) -> None:
    (repo / APP / "helpers.py").write_text("X = 2\n")
    commit_all(repo, "stale")
    before = (repo / MANIFEST).read_bytes()
    result = fix(repo, "--source", "HEAD")
    assert result.code == 2 and "--source HEAD: fix works on 'index' or 'worktree' only" in result.stderr
    assert (repo / MANIFEST).read_bytes() == before


# --- 6. output formats through the CLI -------------------------------------------------------------------


@pytest.fixture
def stale_repo(repo: Path) -> Path:
    """One error (MG101 helpers.py, staged) and one warning (MG402: python.version 3.9.1 committed)."""
    edit_manifest(repo / MANIFEST, set_python_version("3.9.1"))
    commit_all(repo, "python 3.9.1")
    (repo / APP / "helpers.py").write_text("X = 2\n")
    stage(repo)
    return repo


def expected_lines(repo: Path) -> dict[str, int]:
    return {"MG101": line_of(repo / MANIFEST, '"helpers.py"'), "MG402": line_of(repo / MANIFEST, '"3.9.1"')}


def test_json_output_validates_against_the_output_schema(stale_repo: Path) -> None:
    code, report = check_json(stale_repo)
    jsonschema.Draft202012Validator(json.loads(OUTPUT_SCHEMA.read_text())).validate(report)
    assert code == 1 and codes(report) == [("MG101", "helpers.py"), ("MG402", "python.version")]
    assert (report["status"], report["command"], report["errors"]) == ("findings", "check", [])
    assert report["summary"] == {"errors": 1, "warnings": 1, "fixable": 1, "manifests": 1}
    assert {item["code"]: item["line"] for item in report["findings"]} == expected_lines(stale_repo)


def test_github_annotations_and_step_summary(stale_repo: Path, tmp_path: Path) -> None:
    _, report = check_json(stale_repo)
    messages = {item["code"]: item["message"] for item in report["findings"]}
    lines = expected_lines(stale_repo)
    result = check(stale_repo, "--output-format", "github", env={"GITHUB_STEP_SUMMARY": ""})
    assert result.code == 1
    assert result.stdout.splitlines() == [  # sorted by line within a manifest
        f"::warning file={MANIFEST},line={lines['MG402']},title=MG402 python-version-unsatisfied::{messages['MG402']}",
        f"::error file={MANIFEST},line={lines['MG101']},title=MG101 checksum-mismatch::{messages['MG101']}",
        "1 error, 1 warning in 1 of 1 manifest (1 fixable with `manifest-guard fix`)",
    ]
    summary = tmp_path / "summary.md"
    summary.write_text("# earlier step\n")
    result = check(stale_repo, "--output-format", "github", env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert result.code == 1
    markdown = summary.read_text().splitlines()
    assert markdown[0] == "# earlier step"
    assert "| Code | Name | Severity | Location | Message |" in markdown
    assert f"| MG101 | checksum-mismatch | error | `{MANIFEST}:{lines['MG101']}` | {messages['MG101']} |" in markdown
    assert f"| MG402 | python-version-unsatisfied | warning | `{MANIFEST}:{lines['MG402']}` | " in "\n".join(markdown)


def test_sarif_output(stale_repo: Path) -> None:
    result = check(stale_repo, "--output-format", "sarif")
    assert result.code == 1
    log = json.loads(result.stdout)
    assert log["version"] == "2.1.0"
    (run,) = log["runs"]
    by_rule = {item["ruleId"]: item for item in run["results"]}
    assert sorted(by_rule) == ["MG101", "MG402"]
    location = by_rule["MG101"]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == MANIFEST
    assert location["region"]["startLine"] == expected_lines(stale_repo)["MG101"]
    assert (by_rule["MG101"]["level"], by_rule["MG402"]["level"]) == ("error", "warning")


def test_quiet_text_prints_only_the_finding_lines(stale_repo: Path) -> None:
    _, report = check_json(stale_repo)
    lines = expected_lines(stale_repo)
    result = check(stale_repo, "--quiet")
    assert result.code == 1
    assert result.stdout.splitlines() == [
        f"{MANIFEST}:{lines[item['code']]}: {item['code']} {item['name']} {item['message']}"
        for item in report["findings"]
    ]


def test_clean_run_prints_one_summary_line(repo: Path) -> None:
    result = check(repo)
    assert (result.code, result.stdout, result.stderr) == (0, "1 manifest checked, all fresh\n", "")
    assert check(repo, "--quiet").stdout == ""


def test_colour_switches(stale_repo: Path) -> None:
    coloured = run_main(["--color", "always", "check"], stale_repo, {"NO_COLOR": "", "FORCE_COLOR": ""})
    assert coloured.code == 1 and "\x1b[1m\x1b[31mMG101\x1b[0m" in coloured.stdout
    assert "\x1b[1m\x1b[33mMG402\x1b[0m" in coloured.stdout
    forced = check(stale_repo, env={"NO_COLOR": "", "FORCE_COLOR": "1"})
    assert "\x1b[" in forced.stdout  # proves auto would colour here ...
    plain = check(stale_repo, env={"NO_COLOR": "1", "FORCE_COLOR": "1"})
    assert plain.code == 1 and "\x1b" not in plain.stdout and "MG101" in plain.stdout  # ... and NO_COLOR wins


# --- 7. the example apps ------------------------------------------------------------------------------------


@pytest.fixture
def examples_repo(git_repo: Path) -> Path:
    shutil.copytree(ROOT / "examples", git_repo / "examples", ignore=shutil.ignore_patterns("__pycache__"))
    commit_all(git_repo, "examples")
    return git_repo


def test_example_apps_are_fresh(examples_repo: Path) -> None:
    code, report = check_json(examples_repo, "--strict")
    assert (code, report["findings"]) == (0, [])
    assert len(EXAMPLE_MANIFESTS) == 6  # five Python apps and an R Shiny app
    assert manifests(report) == [(path, "fresh") for path in EXAMPLE_MANIFESTS]
    with (examples_repo / "examples/flask-hello/app.py").open("a") as handle:
        handle.write("# edited\n")
    git(examples_repo, "add", "examples/flask-hello/app.py")
    code, report = check_json(examples_repo, "--strict")
    assert (code, codes(report)) == (1, [("MG101", "app.py")])
    assert report["findings"][0]["manifest"] == "examples/flask-hello/manifest.json"


# --- 8. manifests written by rsconnect-python; hashing what git stores ----------------------------------


def test_rsconnect_written_manifests_in_subdirectories_are_fresh(git_repo: Path) -> None:
    version = "{}.{}".format(*sys.version_info[:2])  # rsconnect records the running interpreter: keep MG402 quiet
    requirements = b"flask==3.0.0\r\nrsconnect-python==1.32.0\r\n  gunicorn  \r\n"
    put(git_repo, {
        "apps/x/app.py": FLASK_APP["app.py"],
        "apps/x/util.py": "X = 1\n",
        "apps/x/requirements.txt": requirements,
        "apps/x/.python-version": version + "\n",
        "apps/nb/analysis.ipynb": NOTEBOOK,
        "apps/nb/requirements.txt": "pandas\n",
        "apps/voila/dash.ipynb": NOTEBOOK,
        "apps/voila/data.csv": "a,b\n1,2\n",
        "apps/voila/requirements.txt": "voila\n",
    })  # fmt: skip
    rsconnect(git_repo, "flask", "apps/x")
    rsconnect(git_repo, "notebook", "apps/nb/analysis.ipynb")
    rsconnect(git_repo, "voila", "apps/voila/")
    listed = load(git_repo / "apps/x/manifest.json")["files"]["requirements.txt"]["checksum"]
    assert listed != md5(requirements)  # rsconnect hashed its processed text, not the bytes
    assert "data.csv" in load(git_repo / "apps/voila/manifest.json")["files"]
    commit_all(git_repo)
    code, report = check_json(git_repo, "--strict")
    assert (code, report["findings"]) == (0, [])
    assert manifests(report) == [
        ("apps/nb/manifest.json", "fresh"), ("apps/voila/manifest.json", "fresh"), ("apps/x/manifest.json", "fresh")
    ]  # fmt: skip
    (git_repo / "apps/x/requirements.txt").write_bytes(requirements + b"numpy\r\n")
    stage(git_repo)
    code, report = check_json(git_repo)
    assert (code, codes(report)) == (1, [("MG101", "requirements.txt")])


def test_voila_manifest_written_for_one_notebook_is_fresh_when_new(git_repo: Path) -> None:
    put(git_repo, {"README.md": "repo\n"})
    commit_all(git_repo, "base")
    put(git_repo / "apps/voila", {"dash.ipynb": NOTEBOOK, "data.csv": "a\n", "requirements.txt": "voila\n"})
    written = run_main(["write", *MACHINE, "voila", "apps/voila/dash.ipynb"], git_repo)
    assert written.code == 0
    assert sorted(load(git_repo / "apps/voila/manifest.json")["files"]) == ["dash.ipynb", "requirements.txt"]
    stage(git_repo)
    code, report = check_json(git_repo)
    assert (code, report["findings"]) == (0, [])


def test_checksums_are_of_blob_content_with_text_auto(repo: Path) -> None:
    lf = "X = 1\nY = 2\n"
    put(repo / APP, {"helpers.py": lf})
    write_manifest(repo)  # from the LF content
    put(repo, {".gitattributes": "* text=auto\n"})
    (repo / APP / "helpers.py").write_bytes(lf.replace("\n", "\r\n").encode())  # a CRLF checkout
    commit_all(repo, "crlf")
    staged = subprocess.run(["git", "show", f":{APP}/helpers.py"], cwd=repo, capture_output=True, check=True)
    assert staged.stdout == lf.encode()  # git stores LF
    assert (repo / APP / "helpers.py").read_bytes() == b"X = 1\r\nY = 2\r\n"
    assert load(repo / MANIFEST)["files"]["helpers.py"]["checksum"] == md5(lf)
    for source in ("index", "HEAD"):
        code, report = check_json(repo, "--source", source)
        assert (code, report["findings"]) == (0, []), source
    code, report = check_json(repo, "--source", "worktree")  # CRLF bytes on disk: what git stores is LF
    assert (code, report["findings"]) == (0, [])
    (repo / APP / "helpers.py").write_bytes(b"X = 1\r\nY = 3\r\n")
    code, report = check_json(repo, "--source", "worktree")
    assert (code, codes(report)) == (1, [("MG101", "helpers.py")])


# --- 9. appmodes write does not produce --------------------------------------------------------------------


def r_shiny_manifest(files: dict[str, str]) -> str:
    document = {
        "version": 1,
        "locale": "en_US",
        "platform": "4.3.0",
        "metadata": {"appmode": "shiny", "primary_rmd": None, "primary_html": None, "content_category": None,
                     "has_parameters": False},
        "packages": None,
        "files": {name: {"checksum": md5(content)} for name, content in files.items()},
        "users": None,
    }  # fmt: skip
    return json.dumps(document, indent=2) + "\n"


def test_r_shiny_manifest_is_kept_in_step_like_a_python_one(git_repo: Path) -> None:
    files = {"app.R": "library(shiny)\nshinyApp(fluidPage(), function(input, output) {})\n", "README.md": "# R\n"}
    app = git_repo / "apps/rshiny"
    put(app, {**files, "manifest.json": r_shiny_manifest(files)})
    commit_all(git_repo, "R app")
    code, report = check_json(git_repo, "--strict")
    assert (code, report["findings"], manifests(report)) == (0, [], [("apps/rshiny/manifest.json", "fresh")])
    put(app, {"notes.txt": "new and unlisted\n"})
    with (app / "app.R").open("a") as handle:
        handle.write("# changed\n")
    stage(git_repo)
    code, report = check_json(git_repo)
    assert (code, codes(report)) == (1, [("MG101", "app.R"), ("MG103", "notes.txt")])
    before = load(app / "manifest.json")
    fix(git_repo)
    after = load(app / "manifest.json")
    assert set(after["files"]) == {"app.R", "README.md", "notes.txt"}
    assert after["files"]["app.R"]["checksum"] == md5((app / "app.R").read_bytes())
    before["files"]["app.R"]["checksum"] = after["files"]["app.R"]["checksum"]
    before["files"]["notes.txt"] = {"checksum": md5("new and unlisted\n")}
    assert after == before  # only those entries changed
    stage(git_repo)
    assert fix(git_repo).code == 0


def test_notebook_manifest_never_reports_unlisted_files(git_repo: Path) -> None:
    put(git_repo / "apps/nb", {"analysis.ipynb": NOTEBOOK, "requirements.txt": "pandas\n", "old.csv": "a\n"})
    assert run_main(["write", *MACHINE, "notebook", "apps/nb/analysis.ipynb"], git_repo).code == 0
    commit_all(git_repo, "notebook")
    put(git_repo / "apps/nb", {"new.csv": "b\n", "helper.py": "H = 1\n"})
    stage(git_repo)
    code, report = check_json(git_repo, "--strict")
    assert (code, report["findings"]) == (0, [])
    assert manifests(report) == [("apps/nb/manifest.json", "fresh")]
    assert load(git_repo / "apps/nb/manifest.json")["metadata"]["appmode"] == "jupyter-static"
    (git_repo / "apps/nb/analysis.ipynb").write_text(NOTEBOOK + "\n")
    stage(git_repo)
    assert codes(check_json(git_repo)[1]) == [("MG101", "analysis.ipynb")]


def test_listed_symlink_leaving_an_r_app_is_mg502(git_repo: Path) -> None:
    files = {"app.R": "library(shiny)\n"}
    app = git_repo / "apps/rshiny"
    put(git_repo, {"apps/secret.txt": SECRET})
    put(app, {**files, "manifest.json": r_shiny_manifest({**files, "link.txt": "placeholder"})})
    os.symlink("../secret.txt", app / "link.txt")
    commit_all(git_repo, "R app with a symlink")
    code, report = check_json(git_repo)
    assert md5(SECRET)[:12] not in json.dumps(report)
    assert (code, codes(report)) == (1, [("MG502", "link.txt")])


# --- 10. unsafe paths ------------------------------------------------------------------------------------


UNSAFE = {"../x.py": "0" * 32, "/etc/passwd": "1" * 32, "a\\b.py": "2" * 32}


def test_unsafe_paths_are_reported_never_read_and_kept_by_fix(repo: Path) -> None:
    edit_manifest(repo / MANIFEST, lambda document: document["files"].update(
        {key: {"checksum": checksum} for key, checksum in UNSAFE.items()}
    ))  # fmt: skip
    put(repo, {"apps/x.py": "exists, with another checksum\n"})  # what '../x.py' would read
    commit_all(repo, "unsafe keys")
    for source in ("index", "worktree"):
        code, report = check_json(repo, "--source", source)
        assert (code, codes(report)) == (1, sorted(("MG005", key) for key in UNSAFE)), source
        assert manifests(report) == [(MANIFEST, "invalid")]
        lines = {item["subject"]: item["line"] for item in report["findings"]}
        assert lines == {key: line_of(repo / MANIFEST, json.dumps(key) + ":") for key in UNSAFE}
    (repo / APP / "helpers.py").write_text("X = 2\n")
    stage(repo)
    before = load(repo / MANIFEST)
    result = fix(repo)
    assert result.code == 1 and "checksum of helpers.py refreshed" in result.stdout
    assert result.stdout.count("MG005") == 3  # what fix cannot repair is still reported
    after = load(repo / MANIFEST)
    assert list(after["files"]) == list(before["files"])
    assert {key: after["files"][key]["checksum"] for key in UNSAFE} == UNSAFE
    assert after["files"]["helpers.py"]["checksum"] == md5("X = 2\n")
    before["files"]["helpers.py"] = after["files"]["helpers.py"]
    assert after == before


# --- 11. a manifest deleted in the index ---------------------------------------------------------------


def test_manifest_deleted_in_the_index(repo: Path) -> None:
    git(repo, "rm", "-q", MANIFEST)
    code, report = check_json(repo)
    assert (code, [(f["code"], f["path"]) for f in report["findings"]]) == (1, [("MG106", MANIFEST)])
    named = check(repo, MANIFEST)  # named or found, a deletion while the app remains is the same finding
    assert named.code == 1 and f"{MANIFEST}: MG106 manifest-deleted" in named.stdout
    assert check(repo, MANIFEST, "--source", "HEAD").code == 0  # still in the last commit
