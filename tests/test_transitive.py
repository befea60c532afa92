"""MG307 and the requirements table behind it, through the CLI on real git repositories: an import that
only a requirement of a declared distribution provides is transitive, not missing; extras and markers
(Linux, the manifest's Python) decide what pip installs; a framework a wrapper requires satisfies MG306;
what Connect provides for notebooks is neither."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from manifest_guard.readers.dependency_closure import Root, close, known_requirements, may_install
from tests.conftest import put
from tests.gitapp import APP, commit_all
from tests.inprocess import run_main

FASTAPI_APP = "from fastapi import FastAPI\n{imports}app = FastAPI()\n"
DASH_APP = "import dash\nfrom dash import html\n{imports}app = dash.Dash(__name__)\napp.layout = html.Div('hi')\n"
FLASK_APP = "from flask import Flask\n{imports}app = Flask(__name__)\n"


def notebook(*sources: str) -> str:
    cells = [{"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": [source]}
             for source in sources]  # fmt: skip
    return json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


def python_app(root: Path, mode: str, code: str, requirements: str, python: str = "3.11.4") -> Path:
    put(root / APP, {"app.py": code, "requirements.txt": requirements})
    return _written(root, ["-o", "--python-version", python, mode, APP])


def notebook_app(root: Path, mode: str, source: str, requirements: str) -> Path:
    put(root / APP, {"report.ipynb": notebook(source), "requirements.txt": requirements})
    target = f"{APP}/report.ipynb" if mode == "notebook" else f"{APP}/"
    return _written(root, ["-o", "--python-version", "3.11.4", *(["-e", "report.ipynb"] if mode == "voila" else []),
                           mode, target])  # fmt: skip


def _written(root: Path, args: list[str]) -> Path:
    result = run_main(["write", "--pip-version", "24.0", "--locale", "en_US.UTF-8", *args], root)
    assert result.code == 0, result.stderr
    commit_all(root)
    return root


def findings(root: Path, *select: str) -> list[dict]:  # type: ignore[type-arg]
    result = run_main(["check", "--output-format", "json", *select], root)
    assert result.code in (0, 1), result.stderr
    return json.loads(result.stdout)["findings"]


def subjects(root: Path, code: str) -> set[str]:
    return {finding["subject"] for finding in findings(root, "--select", code)}


# ---------------------------------------------------------------------------------------------- the table


def test_the_table_knows_the_requirements_of_common_frameworks() -> None:
    assert {"pydantic", "starlette"} <= {entry.split(";")[0] for entry in known_requirements("fastapi") or ()}
    assert "plotly" in {entry.split(";")[0] for entry in known_requirements("dash") or ()}
    assert known_requirements("no-such-distribution-anywhere") is None


def test_chains_are_shortest_and_start_at_a_declared_distribution() -> None:
    closure = close([Root("fastapi")], "3.11.4")
    assert closure.chains["pydantic"] == ("fastapi", "pydantic")
    assert closure.chains["pydantic-core"] == ("fastapi", "pydantic", "pydantic-core")
    assert "fastapi" not in close([Root("fastapi")], "3.11.4").brought(["fastapi"])


def test_markers_are_evaluated_for_linux_and_the_manifest_python() -> None:
    assert "colorama" not in close([Root("click")], "3.11.4").chains  # platform_system == "Windows"
    assert "exceptiongroup" in close([Root("anyio")], "3.10.12").chains  # python_version < "3.11"
    assert "exceptiongroup" not in close([Root("anyio")], "3.12.1").chains
    assert "exceptiongroup" in close([Root("anyio")], None).chains  # unknown Python: any 3.x may need it
    assert "pywin32" not in close([Root("pywin32", marker='sys_platform == "win32"')], None).chains


def test_extras_bring_their_requirements_only_when_requested() -> None:
    assert "diskcache" not in close([Root("dash")], "3.11.4").chains
    assert close([Root("dash", ("diskcache",))], "3.11.4").chains["diskcache"] == ("dash", "diskcache")


@pytest.mark.parametrize(
    ("specifier", "expected"),
    [("", False), (">=2", False), ("<=2.5.1", True), (">=1.21.0,<=2.5.1", True), ("==2.5.1", True),
     ("~=2.0", True), ("==2.*", True), ("==3.0.1", False), (">=3,<4", False), ("<2", True)],
)  # fmt: skip
def test_a_former_release_counts_only_when_the_specifier_may_install_it(specifier: str, expected: bool) -> None:
    assert may_install(specifier, "2.18.2") is expected


def test_a_requirement_held_below_the_newest_release_brings_what_that_release_required() -> None:
    assert "dash-table" not in close([Root("dash")], "3.11.4").chains  # dash 3 dropped the stub packages
    pinned = close([Root("dash", specifier=">=1.21.0,<=2.5.1")], "3.11.4").chains
    assert pinned["dash-table"] == ("dash", "dash-table")
    assert {"dash-core-components", "dash-html-components"} <= set(pinned)


# ---------------------------------------------------------------------------------------------- MG307


@pytest.mark.parametrize(
    ("mode", "code", "requirements", "module", "through"),
    [
        ("fastapi", FASTAPI_APP.format(imports="from pydantic import BaseModel\n"), "fastapi\n", "pydantic", "fastapi"),
        ("fastapi", FASTAPI_APP.format(imports="from starlette.responses import HTMLResponse\n"), "fastapi\n",
         "starlette", "fastapi"),
        ("dash", DASH_APP.format(imports="import plotly.express as px\n"), "dash==2.17.0\n", "plotly", "dash"),
        ("flask", FLASK_APP.format(imports="import numpy as np\n"), "flask\npandas>=2\n", "numpy", "pandas"),
    ],
)  # fmt: skip
def test_a_transitive_import_is_mg307_not_mg304(
    git_repo: Path, mode: str, code: str, requirements: str, module: str, through: str
) -> None:
    python_app(git_repo, mode, code, requirements)
    assert subjects(git_repo, "MG304") == set()
    assert findings(git_repo) == []  # MG307 is off by default
    (finding,) = findings(git_repo, "--select", "MG307")
    line = next(number for number, text in enumerate(code.splitlines(), 1) if module in text)
    assert (finding["code"], finding["subject"], finding["path"], finding["line"]) == (
        "MG307", module, f"{APP}/app.py", line)
    assert finding["message"].startswith(f"`{module}` is imported and comes through {through}")


@pytest.mark.parametrize(("requirement", "code"), [("dash>=1.21.0,<=2.5.1", "MG307"), ("dash", "MG304")])
def test_dash_2_stub_packages_follow_the_declared_version(git_repo: Path, requirement: str, code: str) -> None:
    python_app(git_repo, "dash", DASH_APP.format(imports="import dash_table as dt\n"), f"{requirement}\n")
    assert [(f["code"], f["subject"]) for f in findings(git_repo, "--select", "MG304,MG307")] == [
        (code, "dash_table")]  # fmt: skip


def test_numpy_through_bqplot_in_a_voila_notebook(git_repo: Path) -> None:
    notebook_app(git_repo, "voila", "import numpy as np\nimport bqplot.pyplot as plt\n", "bqplot\n")
    assert subjects(git_repo, "MG304") == set()
    assert subjects(git_repo, "MG307") == {"numpy"}


def test_a_marker_false_on_linux_leaves_the_import_missing(git_repo: Path) -> None:
    python_app(git_repo, "flask", FLASK_APP.format(imports="import colorama\n"), "flask\n")
    assert subjects(git_repo, "MG304") == {"colorama"}  # click requires it on Windows only
    assert subjects(git_repo, "MG307") == set()


@pytest.mark.parametrize(("python", "code"), [("3.10.12", "MG307"), ("3.12.1", "MG304")])
def test_a_python_version_marker_follows_the_manifest(git_repo: Path, python: str, code: str) -> None:
    python_app(git_repo, "fastapi", FASTAPI_APP.format(imports="import exceptiongroup\n"), "fastapi\n", python)
    (finding,) = [f for f in findings(git_repo, "--select", "MG304,MG307") if f["subject"] == "exceptiongroup"]
    assert finding["code"] == code


@pytest.mark.parametrize(("requirement", "code"), [("dash[diskcache]", "MG307"), ("dash", "MG304")])
def test_requested_extras_count(git_repo: Path, requirement: str, code: str) -> None:
    python_app(git_repo, "dash", DASH_APP.format(imports="import diskcache\n"), f"{requirement}\n")
    assert [(f["code"], f["subject"]) for f in findings(git_repo, "--select", "MG304,MG307")] == [
        (code, "diskcache")]  # fmt: skip


def test_mg307_is_silenced_by_its_own_code(git_repo: Path) -> None:
    code = FASTAPI_APP.format(imports="from pydantic import BaseModel  # manifest-guard: ignore[MG307]\n")
    python_app(git_repo, "fastapi", code, "fastapi\n")
    assert findings(git_repo, "--select", "MG304,MG307") == []


# ---------------------------------------------------------------------------------------------- MG306


def test_a_wrapper_that_requires_the_framework_satisfies_mg306(git_repo: Path) -> None:
    code = "from fastapitableau import FastAPITableau\napp = FastAPITableau()\n"
    python_app(git_repo, "fastapi", code, "fastapitableau\n")
    assert subjects(git_repo, "MG306") == set()


def test_mg306_claims_certainty_only_when_every_requirement_is_known(git_repo: Path) -> None:
    python_app(git_repo, "dash", DASH_APP.format(imports=""), "pandas\n")
    (certain,) = findings(git_repo, "--select", "MG306")
    assert certain["message"].endswith("; the app will not start on Connect")
    python_app(git_repo, "dash", DASH_APP.format(imports=""), "pandas\nacme-internal-widgets\n")
    (unsure,) = findings(git_repo, "--select", "MG306")
    unknown = "unless acme-internal-widgets (whose requirements manifest-guard does not know) brings it"
    assert unknown in unsure["message"]


def test_mg306_on_voila_says_what_may_happen(git_repo: Path) -> None:
    notebook_app(git_repo, "voila", "import bqplot\n", "bqplot\n")
    (finding,) = findings(git_repo, "--select", "MG306")
    assert "may not start" in finding["message"] and "will not start" not in finding["message"]


# ---------------------------------------------------------------------------------------------- notebooks


@pytest.mark.parametrize("mode", ["notebook", "voila"])
def test_connects_jupyter_kernel_provides_ipython_to_notebooks(git_repo: Path, mode: str) -> None:
    source = "from IPython.display import display, Markdown\nimport traitlets\nimport pandas as pd\n"
    notebook_app(git_repo, mode, source, "pandas\n")
    assert findings(git_repo, "--select", "MG304,MG307") == []


def test_a_python_app_gets_no_jupyter_kernel(git_repo: Path) -> None:
    python_app(git_repo, "flask", FLASK_APP.format(imports="from IPython.display import display\n"), "flask\n")
    assert subjects(git_repo, "MG304") == {"IPython"}
