"""A manifest rsconnect-python just wrote is never stale, whatever its requirements processing did.

rsconnect-python hashes a processed copy of the package file (lines mentioning rsconnect dropped,
`` @ file:`` references cut, whitespace stripped, setuptools post-releases dropped). ``check``
accepts that checksum or the raw md5 in every appmode, and ``fix`` writes the processed one.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import git, put
from tests.gitapp import check_json, commit_all
from tests.inprocess import run_main
from tests.test_write_differential import describe, locate_rsconnect, notebook, run

TRIGGERS = {
    "rsconnect-line": "numpy\nrsconnect-python==1.32.0\n",
    "file-reference": "numpy\nlocalpkg @ file:///opt/wheels/localpkg-1.0-py3-none-any.whl\n",
    "whitespace": "  numpy  \npandas\t\n",
    "setuptools-post": "numpy\nsetuptools==68.0.0.post1\n",
}
APP_SOURCE = "import numpy\napp = object()\n"
# rsconnect's write-manifest command, its target inside the app, and the app's entry file.
MODES = {
    "api": ("api", "", "app.py"),
    "fastapi": ("fastapi", "", "app.py"),
    "dash": ("dash", "", "app.py"),
    "streamlit": ("streamlit", "", "app.py"),
    "bokeh": ("bokeh", "", "app.py"),
    "shiny": ("shiny", "", "app.py"),
    "gradio": ("gradio", "", "app.py"),
    "panel": ("panel", "", "app.py"),
    "notebook": ("notebook", "nb.ipynb", "nb.ipynb"),
    "voila-notebook": ("voila", "nb.ipynb", "nb.ipynb"),
    "voila-directory": ("voila", "", "nb.ipynb"),
}
NOTEBOOK_MODES = ("notebook", "voila-notebook", "voila-directory")


def _app_files(entry: str, requirements: str) -> dict[str, str | bytes]:
    body = notebook("import numpy") if entry.endswith(".ipynb") else APP_SOURCE
    return {entry: body, "requirements.txt": requirements, "data.csv": "a\n1\n"}


def _rsconnect_write(repo: Path, command: str, target: str) -> None:
    written = run([locate_rsconnect(), "write-manifest", command, "--overwrite", target], repo)
    assert written.returncode == 0, describe(written)


def _package_checksum(manifest: Path) -> str:
    return str(json.loads(manifest.read_text())["files"]["requirements.txt"]["checksum"])


def _write_and_check(repo: Path, apps: dict[str, tuple[str, str]]) -> None:
    """rsconnect writes each app (name -> mode, requirements text), then ``check`` must find nothing stale."""
    for name, requirements in apps.items():
        command, target, entry = MODES[requirements[0]]
        put(repo / name, _app_files(entry, requirements[1]))
        _rsconnect_write(repo, command, f"{name}/{target}")
        raw_md5 = hashlib.md5((repo / name / "requirements.txt").read_bytes()).hexdigest()
        assert _package_checksum(repo / name / "manifest.json") != raw_md5, "rsconnect hashed the raw text"
    commit_all(repo)
    code, report = check_json(repo, "--select", "MG1")
    assert code == 0, report["findings"]
    assert len(report["manifests"]) == len(apps)


@pytest.mark.parametrize("trigger", sorted(TRIGGERS))
def test_notebook_manifests_rsconnect_writes_are_fresh(git_repo: Path, trigger: str) -> None:
    """The notebook and voila paths hash listed files without a walk: each trigger on its own."""
    _write_and_check(git_repo, {mode: (mode, TRIGGERS[trigger]) for mode in NOTEBOOK_MODES})


def test_framework_manifests_rsconnect_writes_are_fresh(git_repo: Path) -> None:
    """The walked appmodes share one path: every trigger at once, in every mode."""
    every_trigger = "".join(TRIGGERS.values())
    _write_and_check(git_repo, {mode: (mode, every_trigger) for mode in MODES if mode not in NOTEBOOK_MODES})


@pytest.mark.parametrize("mode", ["notebook", "voila-notebook"])
def test_fix_writes_the_checksum_rsconnect_writes(git_repo: Path, tmp_path: Path, mode: str) -> None:
    command, target, entry = MODES[mode]
    put(git_repo / "app", _app_files(entry, TRIGGERS["rsconnect-line"]))
    _rsconnect_write(git_repo, command, f"app/{target}")
    commit_all(git_repo)
    changed = TRIGGERS["rsconnect-line"] + "pandas   \nsetuptools==70.0.0.post2\n"
    put(git_repo / "app", {"requirements.txt": changed})
    git(git_repo, "add", "-A")

    fixed = run_main(["fix"], git_repo)

    assert fixed.code == 1, fixed
    reference = tmp_path / "reference"
    shutil.copytree(git_repo / "app", reference / "app")
    _rsconnect_write(reference, command, f"app/{target}")
    expected = _package_checksum(reference / "app" / "manifest.json")
    assert _package_checksum(git_repo / "app" / "manifest.json") == expected
    assert check_json(git_repo, "--source", "worktree", "--select", "MG1")[0] == 0


def test_an_explicitly_listed_package_file_keeps_its_raw_checksum(git_repo: Path) -> None:
    """rsconnect hashes the package file raw when it is also given as an extra file; both stay fresh."""
    put(git_repo / "app", _app_files("nb.ipynb", TRIGGERS["whitespace"]))
    _rsconnect_write(git_repo, "notebook", "app/nb.ipynb")
    written = run([locate_rsconnect(), "write-manifest", "notebook", "--overwrite", "app/nb.ipynb",
                   "app/requirements.txt"], git_repo)  # fmt: skip
    assert written.returncode == 0, describe(written)
    commit_all(git_repo)
    assert check_json(git_repo, "--select", "MG1")[0] == 0
    put(git_repo / "app", {"requirements.txt": "numpy\npolars\n"})
    git(git_repo, "add", "-A")
    code, report = check_json(git_repo, "--select", "MG1")
    assert code == 1
    assert [finding["code"] for finding in report["findings"]] == ["MG101"]
