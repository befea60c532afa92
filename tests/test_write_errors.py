"""``manifest-guard write``: every bad input ends in exit 2 and one clear line, never a manifest.

Each case runs the real CLI (``run_cli``, whose default timeout also proves the run does not
hang) and checks four things: exit code 2, exactly one ``manifest-guard: error: ...`` line on
stderr that names the offending file or option, no traceback, and no ``manifest.json`` left
anywhere (or, for the overwrite refusal, the old manifest's bytes untouched).

Messages may be reworded, so only stable substrings are asserted: file names, option names and
key words.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Sequence
from pathlib import Path

import pytest

from tests.conftest import CliResult, Files, RunCli, put

APP = "myapp"
ERROR_PREFIX = "manifest-guard: error: "
USAGE_ERROR = re.compile(r"^manifest-guard(?: write)?: error: ")



# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------


def make_app(tmp_path: Path, files: Files | None = None, name: str = APP) -> Path:
    """A small framework app: ``requirements.txt`` + ``app.py`` unless ``files`` says otherwise."""
    default: Files = {"requirements.txt": "flask\n", "app.py": "app = object()\n"}
    return put(tmp_path / name, default if files is None else files)


def notebook_json() -> str:
    """A minimal nbformat-4 notebook."""
    cell: dict[str, object] = {"cell_type": "code", "execution_count": None, "metadata": {}}
    cell.update({"outputs": [], "source": ["print(1)"]})
    return json.dumps({"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


def manifests_under(root: Path) -> list[Path]:
    """Every ``manifest.json`` (and leftover temp file of an atomic write) below ``root``."""
    found: list[Path] = []
    for directory, _dirs, names in os.walk(root):
        for name in names:
            if name == "manifest.json" or name.startswith(".manifest-guard-"):
                found.append(Path(directory) / name)
    return found


def error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith(ERROR_PREFIX)]


def assert_user_error(result: CliResult, *needles: str) -> str:
    """Exit 2, one ``manifest-guard: error:`` line naming every needle; returns that line."""
    assert result.code == 2, f"exit {result.code}\nstdout: {result.stdout}\nstderr: {result.stderr}"
    assert "Traceback" not in result.stderr
    lines = error_lines(result.stderr)
    assert len(lines) == 1, f"expected one error line, got:\n{result.stderr}"
    stray = [line for line in result.stderr.splitlines() if line and not line.startswith("manifest-guard: ")]
    assert not stray, f"stderr lines that are neither errors nor warnings (a multi-line message?): {stray}"
    message = lines[0]
    for needle in needles:
        assert needle.lower() in message.lower(), f"{needle!r} not named in: {message}"
    return message


def assert_usage_error(result: CliResult, *needles: str) -> None:
    """An argparse usage error: exit 2, usage text and an ``error:`` line naming every needle."""
    assert result.code == 2, f"exit {result.code}\nstderr: {result.stderr}"
    assert "Traceback" not in result.stderr
    assert "usage:" in result.stderr.lower()
    lines = [line for line in result.stderr.splitlines() if USAGE_ERROR.match(line)]
    assert len(lines) == 1, result.stderr
    for needle in needles:
        assert needle.lower() in lines[0].lower(), f"{needle!r} not named in: {lines[0]}"


def assert_no_manifest(root: Path) -> None:
    assert manifests_under(root) == []


def write(run_cli: RunCli, cwd: Path, *args: str) -> CliResult:
    result: CliResult = run_cli(["write", *args], cwd)
    return result


def check_error(run_cli: RunCli, tmp_path: Path, args: Sequence[str], *needles: str) -> str:
    """Run ``write ARGS`` in ``tmp_path``; assert a user error naming ``needles`` and no manifest."""
    message = assert_user_error(write(run_cli, tmp_path, *args), *needles)
    assert_no_manifest(tmp_path)
    return message


# ---------------------------------------------------------------------------
# Entrypoint inference and validation
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "files",
    [
        pytest.param({"requirements.txt": "flask\n"}, id="no-python-files"),
        pytest.param({"requirements.txt": "flask\n", "one.py": "", "two.py": ""}, id="two-py-files"),
        pytest.param({"requirements.txt": "flask\n", "x_app.py": "", "app-y.py": ""}, id="two-app-patterns"),
        pytest.param({"requirements.txt": "flask\n", "App.py": "", "other.py": ""}, id="case-sensitive"),
    ],
)
def test_entrypoint_not_inferable(run_cli: RunCli, tmp_path: Path, files: Files) -> None:
    make_app(tmp_path, files)
    check_error(run_cli, tmp_path, ["api", APP], APP, "entrypoint")


def test_entrypoint_with_two_colons(run_cli: RunCli, tmp_path: Path) -> None:
    make_app(tmp_path)
    check_error(run_cli, tmp_path, ["api", APP, "-e", "a:b:c"], "a:b:c")


# ---------------------------------------------------------------------------
# The requirements file
# ---------------------------------------------------------------------------


def test_missing_requirements_txt(run_cli: RunCli, tmp_path: Path) -> None:
    make_app(tmp_path, {"app.py": "app = 1\n"})
    check_error(run_cli, tmp_path, ["api", APP], "requirements.txt")


def test_requirements_file_option_missing(run_cli: RunCli, tmp_path: Path) -> None:
    make_app(tmp_path)
    check_error(run_cli, tmp_path, ["api", APP, "-r", "missing.txt"], "missing.txt")


def test_requirements_file_outside_app(run_cli: RunCli, tmp_path: Path) -> None:
    make_app(tmp_path)
    put(tmp_path / "outside", {"requirements.txt": "flask\n"})
    args = ["api", APP, "-r", "../outside/requirements.txt"]
    check_error(run_cli, tmp_path, args, "outside/requirements.txt")


def test_requirements_txt_invalid_utf8(run_cli: RunCli, tmp_path: Path) -> None:
    make_app(tmp_path, {"requirements.txt": b"flask\n\xff\xfe bad\n", "app.py": "app = 1\n"})
    check_error(run_cli, tmp_path, ["api", APP], "requirements.txt")


# ---------------------------------------------------------------------------
# An existing manifest
# ---------------------------------------------------------------------------


def test_existing_manifest_without_overwrite(run_cli: RunCli, tmp_path: Path) -> None:
    old = b'{"version": 1, "note": "hand-written, keep me"}\n'
    app = make_app(tmp_path, {"requirements.txt": "flask\n", "app.py": "", "manifest.json": old})
    message = assert_user_error(write(run_cli, tmp_path, "api", APP), "manifest.json")
    assert "overwrite" in message.lower() or "-o" in message
    assert (app / "manifest.json").read_bytes() == old
    assert [path.name for path in manifests_under(tmp_path)] == ["manifest.json"]


# ---------------------------------------------------------------------------
# Notebook paths
# ---------------------------------------------------------------------------


def test_notebook_path_not_ipynb(run_cli: RunCli, tmp_path: Path) -> None:
    make_app(tmp_path, {"requirements.txt": "numpy\n", "notes.txt": notebook_json()})
    check_error(run_cli, tmp_path, ["notebook", f"{APP}/notes.txt"], "notes.txt")


def test_notebook_path_missing(run_cli: RunCli, tmp_path: Path) -> None:
    make_app(tmp_path, {"requirements.txt": "numpy\n"})
    check_error(run_cli, tmp_path, ["notebook", f"{APP}/missing.ipynb"], "missing.ipynb")


def test_notebook_path_is_directory(run_cli: RunCli, tmp_path: Path) -> None:
    make_app(tmp_path, {"requirements.txt": "numpy\n", "folder.ipynb/inner.txt": "x\n"})
    check_error(run_cli, tmp_path, ["notebook", f"{APP}/folder.ipynb"], "folder.ipynb")


# ---------------------------------------------------------------------------
# Extra files
# ---------------------------------------------------------------------------


def test_extra_file_outside_app(run_cli: RunCli, tmp_path: Path) -> None:
    make_app(tmp_path)
    put(tmp_path / "elsewhere", {"stray.txt": "x\n"})
    check_error(run_cli, tmp_path, ["api", APP, "elsewhere/stray.txt"], "stray.txt")


def test_extra_file_missing(run_cli: RunCli, tmp_path: Path) -> None:
    make_app(tmp_path)
    check_error(run_cli, tmp_path, ["api", APP, f"{APP}/ghost.txt"], "ghost.txt")


def test_extra_file_is_directory(run_cli: RunCli, tmp_path: Path) -> None:
    make_app(tmp_path, {"requirements.txt": "flask\n", "app.py": "", "datadir/a.csv": "1\n"})
    check_error(run_cli, tmp_path, ["api", APP, f"{APP}/datadir"], "datadir")


# ---------------------------------------------------------------------------
# DIRECTORY and MODE
# ---------------------------------------------------------------------------


def test_directory_missing(run_cli: RunCli, tmp_path: Path) -> None:
    check_error(run_cli, tmp_path, ["api", "nosuchdir"], "nosuchdir")
    assert not (tmp_path / "nosuchdir").exists()


def test_directory_is_a_file_for_framework_mode(run_cli: RunCli, tmp_path: Path) -> None:
    put(tmp_path, {"requirements.txt": "flask\n", "plainfile.py": "app = 1\n"})
    check_error(run_cli, tmp_path, ["fastapi", "plainfile.py"], "plainfile.py")


def test_unknown_mode_is_usage_error(run_cli: RunCli, tmp_path: Path) -> None:
    make_app(tmp_path)
    assert_usage_error(write(run_cli, tmp_path, "bogusmode", APP), "bogusmode")
    assert_no_manifest(tmp_path)


# ---------------------------------------------------------------------------
# voila
# ---------------------------------------------------------------------------


def test_voila_without_notebooks(run_cli: RunCli, tmp_path: Path) -> None:
    make_app(tmp_path, {"requirements.txt": "voila\n", "helper.py": ""})
    check_error(run_cli, tmp_path, ["voila", f"{APP}/"], APP, "entrypoint")


def test_voila_with_two_notebooks(run_cli: RunCli, tmp_path: Path) -> None:
    notebooks = {"a.ipynb": notebook_json(), "b.ipynb": notebook_json()}
    make_app(tmp_path, {"requirements.txt": "voila\n", **notebooks})
    check_error(run_cli, tmp_path, ["voila", f"{APP}/"], APP, "entrypoint")


def test_voila_entrypoint_missing(run_cli: RunCli, tmp_path: Path) -> None:
    make_app(tmp_path, {"requirements.txt": "voila\n", "a.ipynb": notebook_json()})
    check_error(run_cli, tmp_path, ["voila", f"{APP}/", "-e", "missing.ipynb"], "missing.ipynb")


def test_voila_entrypoint_not_a_notebook(run_cli: RunCli, tmp_path: Path) -> None:
    make_app(tmp_path, {"requirements.txt": "voila\n", "a.ipynb": notebook_json(), "app.py": ""})
    check_error(run_cli, tmp_path, ["voila", f"{APP}/", "-e", "app.py"], "app.py")


def test_voila_multi_notebook_given_a_file(run_cli: RunCli, tmp_path: Path) -> None:
    make_app(tmp_path, {"requirements.txt": "voila\n", "a.ipynb": notebook_json()})
    check_error(run_cli, tmp_path, ["voila", "-m", f"{APP}/a.ipynb"], "multi-notebook")


# ---------------------------------------------------------------------------
# Python version and interpreter options
# ---------------------------------------------------------------------------


def test_invalid_python_version(run_cli: RunCli, tmp_path: Path) -> None:
    make_app(tmp_path)
    check_error(run_cli, tmp_path, ["api", APP, "--python-version", "3"], "--python-version")


def test_invalid_override_python_version(run_cli: RunCli, tmp_path: Path) -> None:
    make_app(tmp_path)
    check_error(run_cli, tmp_path, ["api", APP, "--override-python-version", "abc"],
                "--override-python-version", "abc")  # fmt: skip


def test_unknown_package_installer(run_cli: RunCli, tmp_path: Path) -> None:
    make_app(tmp_path)
    assert_usage_error(write(run_cli, tmp_path, "api", APP, "--package-installer", "conda"),
                       "--package-installer", "conda")  # fmt: skip
    assert_no_manifest(tmp_path)


def test_python_interpreter_missing(run_cli: RunCli, tmp_path: Path) -> None:
    make_app(tmp_path)
    check_error(run_cli, tmp_path, ["api", APP, "--python", "/nonexistent"], "--python", "/nonexistent")


# ---------------------------------------------------------------------------
# Python version sources: pyproject.toml, setup.cfg, .python-version
# ---------------------------------------------------------------------------


def test_malformed_pyproject_names_file_and_line(run_cli: RunCli, tmp_path: Path) -> None:
    pyproject = '[project]\nname = "demo"\nthis line is not toml\n'
    make_app(tmp_path, {"requirements.txt": "flask\n", "app.py": "", "pyproject.toml": pyproject})
    message = check_error(run_cli, tmp_path, ["api", APP], "pyproject.toml")
    assert re.search(r"line\s*3\b|:3(?::\d+)?\b", message), f"line 3 not named in: {message}"


def test_pyproject_project_not_a_table(run_cli: RunCli, tmp_path: Path) -> None:
    make_app(tmp_path, {"requirements.txt": "flask\n", "app.py": "", "pyproject.toml": 'project = "demo"\n'})
    check_error(run_cli, tmp_path, ["api", APP], "pyproject.toml", "project")


def test_malformed_setup_cfg(run_cli: RunCli, tmp_path: Path) -> None:
    setup_cfg = "python_requires = >=3.8\n[options]\nzip_safe = False\n"
    make_app(tmp_path, {"requirements.txt": "flask\n", "app.py": "", "setup.cfg": setup_cfg})
    check_error(run_cli, tmp_path, ["api", APP], "setup.cfg")


def test_python_version_file_invalid_utf8(run_cli: RunCli, tmp_path: Path) -> None:
    make_app(tmp_path, {"requirements.txt": "flask\n", "app.py": "", ".python-version": b"3.1\xff\n"})
    check_error(run_cli, tmp_path, ["api", APP], ".python-version")


# ---------------------------------------------------------------------------
# renv.lock
# ---------------------------------------------------------------------------

RENV_LOCK = json.dumps(
    {"R": {"Version": "4.3.1", "Repositories": [{"Name": "CRAN", "URL": "https://cloud.r-project.org"}]},
     "Packages": {}}
)  # fmt: skip


def test_renv_lock_without_exclude_renv(run_cli: RunCli, tmp_path: Path) -> None:
    make_app(tmp_path, {"requirements.txt": "flask\n", "app.py": "", "renv.lock": RENV_LOCK})
    check_error(run_cli, tmp_path, ["api", APP], "renv.lock")


def test_renv_lock_with_exclude_renv_succeeds(run_cli: RunCli, tmp_path: Path) -> None:
    app = make_app(tmp_path, {"requirements.txt": "flask\n", "app.py": "", "renv.lock": RENV_LOCK})
    result = write(run_cli, tmp_path, "api", APP, "--exclude-renv")
    assert result.code == 0, result.stderr
    assert error_lines(result.stderr) == []
    data = json.loads((app / "manifest.json").read_text(encoding="utf-8"))
    assert data["metadata"] == {"appmode": "python-api", "entrypoint": "app"}
    assert "packages" not in data and "platform" not in data


# ---------------------------------------------------------------------------
# Symlinks and permissions
# ---------------------------------------------------------------------------


def test_symlink_escaping_app_is_mg502(run_cli: RunCli, tmp_path: Path) -> None:
    app = make_app(tmp_path)
    put(tmp_path / "outside", {"secret.txt": "top secret\n"})
    (app / "escape_link.txt").symlink_to(Path("..") / "outside" / "secret.txt")
    check_error(run_cli, tmp_path, ["api", APP], "MG502", "escape_link.txt")


def test_write_failure_is_reported_and_leaves_no_temp_file(run_cli: RunCli, tmp_path: Path) -> None:
    """An I/O error that root cannot bypass: the manifest path is a directory."""
    app = make_app(tmp_path)
    (app / "manifest.json").mkdir()
    result = write(run_cli, tmp_path, "api", APP, "-o")
    assert_user_error(result, "manifest.json", "cannot write")
    assert (app / "manifest.json").is_dir()
    assert not list(app.glob(".manifest-guard-*"))


# ---------------------------------------------------------------------------
# Help and version
# ---------------------------------------------------------------------------


def test_write_help_exits_zero(run_cli: RunCli, tmp_path: Path) -> None:
    result = write(run_cli, tmp_path, "--help")
    assert result.code == 0, result.stderr
    assert "usage:" in result.stdout.lower()
    for option in ("--entrypoint", "--exclude", "--overwrite", "--requirements-file", "--package-installer"):
        assert option in result.stdout
    assert_no_manifest(tmp_path)


def test_version_exits_zero(run_cli: RunCli, tmp_path: Path) -> None:
    result: CliResult = run_cli(["--version"], tmp_path)
    assert result.code == 0, result.stderr
    assert re.search(r"manifest-guard \d+\.\d+", result.stdout), result.stdout
