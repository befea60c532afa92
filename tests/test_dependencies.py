"""MG301-MG306 through the CLI on real git repositories: each rule firing and quiet, positions in the
requirements file or the importing file, and the dependency diff in MG101's message."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import git, put
from tests.gitapp import APP, FLASK_APP, check_json, codes, commit_all, write_manifest
from tests.inprocess import run_main


def app_repo(root: Path, files: dict[str, str], mode: str = "flask") -> Path:
    put(root / APP, {**FLASK_APP, **files})
    write_manifest(root, mode=mode)
    commit_all(root)
    return root


def findings(root: Path, *args: str) -> list[dict]:  # type: ignore[type-arg]
    _, report = check_json(root, *args)
    return report["findings"]


def test_a_clean_app_has_no_dependency_finding(git_repo: Path) -> None:
    app_repo(git_repo, {"app.py": FLASK_APP["app.py"] + "import yaml\nimport sqlite3\nfrom helpers import X\n",
                        "requirements.txt": "flask==3.0.0\nPyYAML==6.0.1\ngunicorn\n"})  # fmt: skip
    assert findings(git_repo, "--select", "MG3", "--select", "MG305") == []


def test_mg302_bad_lines_point_into_the_requirements_file(git_repo: Path) -> None:
    app_repo(git_repo, {"requirements.txt": "flask==3.0.0\npandas=2.2\n--bogus\n"})
    found = findings(git_repo, "--select", "MG302")
    assert [(f["code"], f["path"], f["line"]) for f in found] == [
        ("MG302", f"{APP}/requirements.txt", 2), ("MG302", f"{APP}/requirements.txt", 3)]  # fmt: skip


@pytest.mark.parametrize("line", ["-e .", "./vendor/x-1.0-py3-none-any.whl", "mylib @ file:///srv/mylib"])
def test_mg303_local_requirements(git_repo: Path, line: str) -> None:
    app_repo(git_repo, {"requirements.txt": f"flask==3.0.0\n{line}\n"})
    assert [(f["code"], f["line"]) for f in findings(git_repo, "--select", "MG303")] == [("MG303", 2)]


def test_mg304_fires_on_the_import_line_and_suggests_the_distribution(git_repo: Path) -> None:
    app_repo(git_repo, {"app.py": "from flask import Flask\nimport yaml\napp = Flask(__name__)\n"})
    (finding,) = findings(git_repo, "--select", "MG304")
    assert (finding["path"], finding["line"], finding["subject"], finding["severity"]) == (
        f"{APP}/app.py", 2, "yaml", "warning")
    assert finding["message"].startswith("`yaml` is imported")  # the module first, in backticks
    assert finding["message"].endswith("declare pyyaml")


@pytest.mark.parametrize(
    "code",
    [
        "import yaml  # manifest-guard: ignore[MG304]\n",
        "try:\n    import yaml\nexcept ImportError:\n    yaml = None\n",
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import yaml\n",
        "from . import helpers\n",
        "import helpers\n",
    ],
)
def test_mg304_quiet(git_repo: Path, code: str) -> None:
    app_repo(git_repo, {"app.py": "from flask import Flask\n" + code + "app = Flask(__name__)\n"})
    assert findings(git_repo, "--select", "MG304") == []


def test_mg304_known_first_party_and_dependency_map(git_repo: Path) -> None:
    code = "from flask import Flask\nimport acme_internal\nimport weird\napp = Flask(__name__)\n"
    app_repo(git_repo, {"app.py": code, "requirements.txt": "flask==3.0.0\nweird-dist\n"})
    assert {f["subject"] for f in findings(git_repo, "--select", "MG304")} == {"acme_internal", "weird"}
    (git_repo / "pyproject.toml").write_text(
        '[tool.manifest-guard]\nknown-first-party = ["acme_internal"]\ndependency-map = { weird-dist = ["weird"] }\n'
    )
    assert findings(git_repo, "--select", "MG304") == []


def test_mg305_is_off_by_default_and_skips_runtime_packages(git_repo: Path) -> None:
    app_repo(git_repo, {"requirements.txt": "flask==3.0.0\nrequests\ngunicorn\nopenpyxl\n"})
    assert findings(git_repo) == []
    found = findings(git_repo, "--select", "MG305")
    assert [(f["code"], f["subject"], f["line"]) for f in found] == [("MG305", "requests", 2)]


def test_mg306_framework_not_declared(git_repo: Path) -> None:
    dash = "import dash\nfrom dash import html\napp = dash.Dash(__name__)\napp.layout = html.Div('hi')\n"
    app_repo(git_repo, {"app.py": dash, "requirements.txt": "pandas\n"}, mode="dash")
    assert ("MG306", "python-dash") in codes(check_json(git_repo, "--select", "MG306")[1])
    (git_repo / APP / "requirements.txt").write_text("pandas\ndash==2.17.0\n")
    git(git_repo, "add", "-A")
    assert findings(git_repo, "--select", "MG306") == []


def test_mg101_on_the_package_file_says_what_changed(git_repo: Path) -> None:
    app_repo(git_repo, {"requirements.txt": "flask==3.0.0\nnumpy==1.26.4\n"})
    (git_repo / APP / "requirements.txt").write_text("Flask==3.0.3\nPyYAML\n")
    git(git_repo, "add", "-A")
    (finding,) = [f for f in findings(git_repo) if f["code"] == "MG101"]
    assert finding["message"].endswith("dependencies: Flask 3.0.0 -> 3.0.3, - numpy, + PyYAML")


def test_dependency_rules_read_the_staged_requirements(git_repo: Path) -> None:
    app_repo(git_repo, {"app.py": "from flask import Flask\nimport yaml\napp = Flask(__name__)\n",
                        "requirements.txt": "flask==3.0.0\nPyYAML\n"})  # fmt: skip
    (git_repo / APP / "requirements.txt").write_text("flask==3.0.0\n")  # unstaged: the commit still has PyYAML
    assert findings(git_repo, "--select", "MG304") == []
    result = run_main(["check", "--select", "MG304", "--source", "worktree"], git_repo)
    assert result.code == 0 and "MG304" in result.stdout  # a warning: reported, not failing


def test_credentials_in_requirement_urls_never_reach_the_output(git_repo: Path) -> None:
    app_repo(git_repo, {"requirements.txt": "flask==3.0.0\n-r https://bob:s3cr3t@example.com/more.txt\n"
                                            "private @ https://bob:s3cr3t@example.com/p.whl ; bad marker\n"})
    result = run_main(["check", "--output-format", "json"], git_repo)
    assert "s3cr3t" not in result.stdout + result.stderr
    assert "https://***@example.com" in result.stdout + result.stderr
