"""``manifest-guard write``: the deliberate differences from ``rsconnect write-manifest``.

The README lists where manifest-guard departs from rsconnect-python 1.32.0 on purpose (gitignore
``-x``, ``.rscignore``, special files, git-ignored files, Posit's virtualenv names, ...) and the
flags that pin the machine-describing values. Each test here builds a small app, runs the real
CLI and checks the parsed ``manifest.json``.
"""

from __future__ import annotations

import glob
import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CliResult, Files, RunCli, git, put

APP = "myapp"
REQUIREMENTS = "flask\n"
APP_PY = "from flask import Flask\napp = Flask(__name__)\n"

Manifest = dict[str, Any]


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------


def make_app(parent: Path, extra: Files | None = None, name: str = APP) -> Path:
    """A framework app (``requirements.txt`` + ``app.py``) plus ``extra`` files."""
    return put(parent / name, {"requirements.txt": REQUIREMENTS, "app.py": APP_PY, **(extra or {})})


def notebook_json() -> str:
    cell: dict[str, object] = {"cell_type": "code", "execution_count": None, "metadata": {}}
    cell.update({"outputs": [], "source": ["print(1)"]})
    return json.dumps({"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


def md5(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()


def write_ok(run_cli: RunCli, cwd: Path, args: list[str], timeout: float = 60) -> CliResult:
    """Run ``manifest-guard write ARGS``; it must succeed."""
    result: CliResult = run_cli(["write", *args], cwd, timeout=timeout)
    assert result.code == 0, f"exit {result.code}\nstdout: {result.stdout}\nstderr: {result.stderr}"
    return result


def load(directory: Path) -> Manifest:
    data: Manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
    return data


def files_of(directory: Path) -> list[str]:
    """The ``files`` keys of the manifest in ``directory``, in order."""
    return list(load(directory)["files"])


def warnings(result: CliResult) -> list[str]:
    return [line for line in result.stderr.splitlines() if "warning" in line.lower()]


def write_app_files(run_cli: RunCli, cwd: Path, app: Path, *args: str) -> list[str]:
    """Write the api manifest of ``app`` (relative to ``cwd``) and return its files list."""
    write_ok(run_cli, cwd, ["api", os.path.relpath(app, cwd), *args])
    return files_of(app)


# ---------------------------------------------------------------------------
# Special files and symlinks
# ---------------------------------------------------------------------------


def test_broken_symlink_is_skipped_with_warning(run_cli: RunCli, tmp_path: Path) -> None:
    app = make_app(tmp_path, {"data.txt": "d\n"})
    (app / "dangling.txt").symlink_to("does-not-exist.txt")
    result = write_ok(run_cli, tmp_path, ["api", APP])
    assert any("dangling.txt" in line for line in warnings(result)), result.stderr
    assert files_of(app) == ["requirements.txt", "app.py", "data.txt"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="os.mkfifo is POSIX only")
def test_fifo_is_skipped_with_warning_and_does_not_hang(run_cli: RunCli, tmp_path: Path) -> None:
    app = make_app(tmp_path, {"data.txt": "d\n"})
    os.mkfifo(app / "pipe")
    result = write_ok(run_cli, tmp_path, ["api", APP], timeout=20)
    assert any("pipe" in line for line in warnings(result)), result.stderr
    assert files_of(app) == ["requirements.txt", "app.py", "data.txt"]


def test_symlink_to_directory_inside_is_not_listed_or_traversed(run_cli: RunCli, tmp_path: Path) -> None:
    app = make_app(tmp_path, {"data/x.csv": "1,2\n"})
    (app / "datalink").symlink_to("data", target_is_directory=True)
    files = write_app_files(run_cli, tmp_path, app)
    assert files == ["requirements.txt", "app.py", "data/x.csv"]


def test_symlink_to_file_inside_is_listed_with_target_md5(run_cli: RunCli, tmp_path: Path) -> None:
    content = b"shared content\n"
    app = make_app(tmp_path, {"sub/target.txt": content})
    (app / "link.txt").symlink_to(Path("sub") / "target.txt")
    write_ok(run_cli, tmp_path, ["api", APP])
    files = load(app)["files"]
    assert list(files) == ["requirements.txt", "app.py", "link.txt", "sub/target.txt"]
    assert files["link.txt"] == {"checksum": md5(content)}
    assert files["sub/target.txt"] == {"checksum": md5(content)}


# ---------------------------------------------------------------------------
# -x/--exclude: gitignore semantics relative to the app directory
# ---------------------------------------------------------------------------


def test_exclude_glob_matches_at_every_depth(run_cli: RunCli, tmp_path: Path) -> None:
    app = make_app(tmp_path, {"a.log": "", "sub/b.log": "", "sub/deep/c.log": "", "sub/keep.txt": ""})
    files = write_app_files(run_cli, tmp_path, app, "-x", "*.log")
    assert files == ["requirements.txt", "app.py", "sub/keep.txt"]


def test_exclude_leading_slash_anchors_to_app_dir(run_cli: RunCli, tmp_path: Path) -> None:
    app = make_app(tmp_path, {"top.txt": "", "sub/top.txt": ""})
    files = write_app_files(run_cli, tmp_path, app, "-x", "/top.txt")
    assert files == ["requirements.txt", "app.py", "sub/top.txt"]


def test_exclude_trailing_slash_excludes_directories_only(run_cli: RunCli, tmp_path: Path) -> None:
    app = make_app(
        tmp_path, {"data/a.csv": "", "data/deep/b.csv": "", "sub/data/c.csv": "", "other/data": "a file"}
    )
    files = write_app_files(run_cli, tmp_path, app, "-x", "data/")
    assert files == ["requirements.txt", "app.py", "other/data"]


def test_exclude_negation_re_includes(run_cli: RunCli, tmp_path: Path) -> None:
    app = make_app(tmp_path, {"a.csv": "", "keep.csv": "", "sub/b.csv": "", "sub/keep.csv": ""})
    files = write_app_files(run_cli, tmp_path, app, "-x", "*.csv", "-x", "!keep.csv")
    assert files == ["requirements.txt", "app.py", "keep.csv", "sub/keep.csv"]


def test_explicit_extra_file_wins_over_exclude(run_cli: RunCli, tmp_path: Path) -> None:
    app = make_app(tmp_path, {"important.log": "keep\n", "noise.log": ""})
    files = write_app_files(run_cli, tmp_path, app, f"{APP}/important.log", "-x", "*.log")
    assert files == ["requirements.txt", "app.py", "important.log"]


# ---------------------------------------------------------------------------
# .rscignore
# ---------------------------------------------------------------------------


def test_top_level_rscignore(run_cli: RunCli, tmp_path: Path) -> None:
    app = make_app(
        tmp_path,
        {".rscignore": "*.tmp\nbuild/\n", "x.tmp": "", "sub/y.tmp": "", "build/out.txt": "", "notes.md": ""},
    )
    files = write_app_files(run_cli, tmp_path, app)
    assert files == ["requirements.txt", "app.py", "notes.md"]


def test_nested_rscignore_is_relative_to_its_directory(run_cli: RunCli, tmp_path: Path) -> None:
    app = make_app(
        tmp_path,
        {
            "sub/.rscignore": "local.txt\n/anchored.txt\n",
            "local.txt": "",
            "anchored.txt": "",
            "sub/local.txt": "",
            "sub/anchored.txt": "",
            "sub/deep/local.txt": "",
            "sub/deep/anchored.txt": "",
        },
    )
    files = write_app_files(run_cli, tmp_path, app)
    assert files == ["requirements.txt", "anchored.txt", "app.py", "local.txt", "sub/deep/anchored.txt"]


# ---------------------------------------------------------------------------
# Inside a git work tree: files git ignores are never bundled
# ---------------------------------------------------------------------------


def test_git_ignored_files_are_not_listed(run_cli: RunCli, git_repo: Path) -> None:
    put(git_repo, {".gitignore": "*.log\nbuild/\n", ".git/info/exclude": "local-only.txt\n"})
    app = make_app(
        git_repo / "apps",
        {
            ".gitignore": "secret.txt\ncache/\n",
            "a.log": "ignored by the root .gitignore\n",
            "build/out.js": "ignored directory\n",
            "build/deep/more.js": "ignored directory\n",
            "secret.txt": "ignored by the app's .gitignore\n",
            "cache/blob.bin": b"\x00\x01",
            "local-only.txt": "ignored by .git/info/exclude\n",
            "tracked.log": "tracked although it matches *.log\n",
            "untracked.txt": "untracked, not ignored\n",
        },
        name="web",
    )
    git(git_repo, "add", ".gitignore", "apps/web/requirements.txt", "apps/web/app.py", "apps/web/.gitignore")
    git(git_repo, "add", "-f", "apps/web/tracked.log")
    git(git_repo, "commit", "-q", "-m", "app")
    files = write_app_files(run_cli, git_repo, app)
    ignored = {"a.log", "build/out.js", "build/deep/more.js", "secret.txt", "cache/blob.bin"}
    ignored.add("local-only.txt")
    assert [path for path in files if path in ignored] == []
    assert files[0] == "requirements.txt"
    for kept in ("app.py", "tracked.log", "untracked.txt"):
        assert kept in files
    assert files[1:] == sorted(files[1:])


# ---------------------------------------------------------------------------
# Virtualenv directories
# ---------------------------------------------------------------------------


def test_virtualenv_names_excluded_at_top_level_only(run_cli: RunCli, tmp_path: Path) -> None:
    app = make_app(
        tmp_path,
        {
            ".venv/lib/site.py": "",
            "venv/x.txt": "",
            "env/y.txt": "",
            ".env/z.txt": "",
            "sub/venv/x.py": "",
            "sub/env/y.txt": "",
        },
    )
    files = write_app_files(run_cli, tmp_path, app)
    assert files == ["requirements.txt", "app.py", "sub/env/y.txt", "sub/venv/x.py"]


def test_windows_virtualenv_marker_excluded(run_cli: RunCli, tmp_path: Path) -> None:
    app = make_app(tmp_path, {"winenv/Scripts/python.exe": b"MZ", "winenv/Lib/site.py": "", "notes.md": ""})
    files = write_app_files(run_cli, tmp_path, app)
    assert files == ["requirements.txt", "app.py", "notes.md"]


def test_top_level_dot_env_file_is_kept(run_cli: RunCli, tmp_path: Path) -> None:
    app = make_app(tmp_path, {".env": "DEBUG=1\n"})
    files = write_app_files(run_cli, tmp_path, app)
    assert files == ["requirements.txt", ".env", "app.py"]


# ---------------------------------------------------------------------------
# --package-installer on a framework mode
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "name", "allow_uv"),
    [("UV", "uv", True), ("uv", "uv", True), ("pip", "pip", False), ("PIP", "pip", False)],
)
def test_package_installer_sets_name_and_allow_uv(
    run_cli: RunCli, tmp_path: Path, given: str, name: str, allow_uv: bool
) -> None:
    app = make_app(tmp_path)
    write_ok(run_cli, tmp_path, ["api", APP, "--package-installer", given])
    package_manager = load(app)["python"]["package_manager"]
    assert list(package_manager) == ["name", "version", "package_file", "allow_uv"]
    assert package_manager["name"] == name
    assert package_manager["package_file"] == "requirements.txt"
    assert package_manager["allow_uv"] is allow_uv


# ---------------------------------------------------------------------------
# Machine-describing values from flags
# ---------------------------------------------------------------------------


def test_machine_flags_set_exactly_those_values(run_cli: RunCli, tmp_path: Path) -> None:
    app = make_app(tmp_path)
    write_ok(run_cli, tmp_path, ["api", APP])
    baseline = load(app)
    flags = ["--python-version", "3.12.1", "--pip-version", "24.0", "--locale", "fr_FR.UTF-8"]
    write_ok(run_cli, tmp_path, ["api", APP, "-o", *flags])
    pinned = load(app)
    assert pinned["python"]["version"] == "3.12.1"
    assert pinned["python"]["package_manager"]["version"] == "24.0"
    assert pinned["locale"] == "fr_FR.UTF-8"
    assert "environment" not in pinned
    baseline["python"]["version"] = "3.12.1"
    baseline["python"]["package_manager"]["version"] = "24.0"
    baseline["locale"] = "fr_FR.UTF-8"
    assert json.dumps(pinned) == json.dumps(baseline)


def test_override_python_version_sets_version_and_requires(run_cli: RunCli, tmp_path: Path) -> None:
    app = make_app(tmp_path)
    write_ok(run_cli, tmp_path, ["api", APP, "--override-python-version", "3.9"])
    data = load(app)
    assert data["python"]["version"] == "3.9.0"
    assert data["environment"] == {"python": {"requires": "==3.9.0"}}
    assert list(data) == ["version", "locale", "metadata", "python", "environment", "files"]


def test_override_python_version_wins_over_python_version_file(run_cli: RunCli, tmp_path: Path) -> None:
    app = make_app(tmp_path, {".python-version": "3.11\n"})
    write_ok(run_cli, tmp_path, ["api", APP, "--override-python-version", "3.9.1"])
    data = load(app)
    assert data["python"]["version"] == "3.9.1"
    assert data["environment"]["python"] == {"requires": "==3.9.1"}


def test_python_option_reports_that_interpreters_version(run_cli: RunCli, tmp_path: Path) -> None:
    app = make_app(tmp_path)
    write_ok(run_cli, tmp_path, ["api", APP, "--python", sys.executable])
    assert load(app)["python"]["version"] == ".".join(str(part) for part in sys.version_info[:3])


def other_interpreter() -> tuple[str, str] | None:
    """A Python on this machine whose version differs from the running one: (path, X.Y.Z)."""
    this = ".".join(str(part) for part in sys.version_info[:3])
    candidates = sorted({*glob.glob("/usr/bin/python3*"), *glob.glob("/usr/local/bin/python3*")})
    for candidate in candidates:
        if not re.fullmatch(r"python3(\.\d+)?", os.path.basename(candidate)):
            continue
        probe = [candidate, "-I", "-c", "import sys; print('%d.%d.%d' % sys.version_info[:3])"]
        try:
            completed = subprocess.run(probe, capture_output=True, text=True, timeout=20, check=False)
        except (OSError, subprocess.SubprocessError):
            continue
        version = completed.stdout.strip()
        if completed.returncode == 0 and version != this:
            return candidate, version
    return None


def test_python_option_asks_the_given_interpreter(run_cli: RunCli, tmp_path: Path) -> None:
    found = other_interpreter()
    if found is None:
        pytest.skip("no second Python with another version on this machine")
    python, version = found
    app = make_app(tmp_path)
    pinned = ["--pip-version", "24.0", "--locale", "C.UTF-8"]
    write_ok(run_cli, tmp_path, ["api", APP, "--python", python, *pinned])
    assert load(app)["python"]["version"] == version


# ---------------------------------------------------------------------------
# -r pyproject.toml, absolute -r
# ---------------------------------------------------------------------------

PYPROJECT = '[project]\nname = "demo"\nversion = "0.1"\ndependencies = ["flask>=2", "requests"]\n'


def test_requirements_from_pyproject_are_generated_and_hashed(run_cli: RunCli, tmp_path: Path) -> None:
    app = put(tmp_path / APP, {"app.py": APP_PY, "pyproject.toml": PYPROJECT})
    write_ok(run_cli, tmp_path, ["api", APP, "-r", "pyproject.toml"])
    generated = (app / "requirements.txt").read_bytes()
    text = generated.decode("utf-8")
    assert text.startswith("# requirements.txt generated from pyproject.toml by rsconnect-python on ")
    assert text.splitlines()[1:] == ["flask>=2", "requests"]
    data = load(app)
    assert data["python"]["package_manager"]["package_file"] == "requirements.txt"
    assert data["python"]["package_manager"]["name"] == "pip"
    files = data["files"]
    assert list(files) == ["requirements.txt", "app.py", "pyproject.toml"]
    assert files["requirements.txt"] == {"checksum": md5(generated)}
    assert files["pyproject.toml"] == {"checksum": md5(PYPROJECT.encode())}


def test_absolute_requirements_path_inside_app_is_made_relative(run_cli: RunCli, tmp_path: Path) -> None:
    app = put(tmp_path / APP, {"app.py": APP_PY, "reqs/prod.txt": "flask\n"})
    write_ok(run_cli, tmp_path, ["api", APP, "-r", str((app / "reqs" / "prod.txt").resolve())])
    data = load(app)
    assert data["python"]["package_manager"]["package_file"] == "reqs/prod.txt"
    assert list(data["files"]) == ["reqs/prod.txt", "app.py"]
    assert data["files"]["reqs/prod.txt"] == {"checksum": md5(b"flask\n")}


# ---------------------------------------------------------------------------
# notebook and voila
# ---------------------------------------------------------------------------


def test_notebook_hide_flags_write_jupyter_block_after_files(run_cli: RunCli, tmp_path: Path) -> None:
    nb_dir = put(tmp_path / "nb", {"report.ipynb": notebook_json(), "requirements.txt": "numpy\n"})
    write_ok(run_cli, tmp_path, ["notebook", "nb/report.ipynb", "--hide-all-input", "--hide-tagged-input"])
    data = load(nb_dir)
    assert list(data)[-2:] == ["files", "jupyter"]
    assert data["jupyter"] == {"hide_all_input": True, "hide_tagged_input": True}
    assert data["metadata"] == {"appmode": "jupyter-static", "entrypoint": "report.ipynb"}
    assert list(data["files"]) == ["report.ipynb", "requirements.txt"]


def test_voila_multi_notebook_writes_empty_entrypoint(run_cli: RunCli, tmp_path: Path) -> None:
    notebooks = {"a.ipynb": notebook_json(), "sub/b.ipynb": notebook_json()}
    voila = put(tmp_path / "vo", {"requirements.txt": "voila\n", **notebooks})
    write_ok(run_cli, tmp_path, ["voila", "-m", "vo/"])
    data = load(voila)
    assert data["metadata"] == {"appmode": "jupyter-voila", "entrypoint": ""}
    assert list(data["files"]) == ["requirements.txt", "a.ipynb", "sub/b.ipynb"]
