"""Every Python version the package claims: a smoke subset under each interpreter other than the suite's.

The whole suite runs under the interpreter that runs pytest. For every other supported version found
on this machine (pyenv's ``~/.pyenv/versions/X.Y.*`` or ``pythonX.Y`` on ``PATH``) a virtualenv gets the
package's wheel and runtime dependencies, then: every module is imported, and ``write``, ``check``,
``fix`` and both hook commands run in a real git repository (including a CRLF checkout), each result
compared with what the suite's own interpreter gives. A version that is not installed is skipped with
its name. The virtualenvs are kept in pytest's cache directory and reused while the dependency list
is unchanged, so only the first run pays for installing them.
"""

from __future__ import annotations

import configparser
import glob
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import cli_environment, git, put, run_manifest_guard
from tests.gitapp import APP, FLASK_APP, MACHINE, MANIFEST, commit_all

# one worker runs this file: its expensive module/session fixtures are then built once
pytestmark = pytest.mark.xdist_group("python-versions")

PROJECT = Path(__file__).resolve().parents[1]
SUPPORTED = ("3.9", "3.10", "3.11", "3.12", "3.13")
OTHERS = tuple(version for version in SUPPORTED if version != f"{sys.version_info[0]}.{sys.version_info[1]}")
TIMEOUT = 600


def find_interpreter(version: str) -> str | None:
    root = os.environ.get("PYENV_ROOT") or os.path.expanduser("~/.pyenv")
    found = sorted(glob.glob(os.path.join(root, "versions", f"{version}.*", "bin", f"python{version}")))
    return found[-1] if found else shutil.which(f"python{version}")


def runtime_requirements() -> list[str]:
    parser = configparser.ConfigParser()
    parser.read(PROJECT / "setup.cfg")
    return [line.strip() for line in parser["options"]["install_requires"].splitlines() if line.strip()]


def call(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=cwd, env=cli_environment(env), capture_output=True, text=True,
                          timeout=TIMEOUT, check=False)  # fmt: skip


def build_wheel(out: Path) -> Path:
    """The package as users install it (pure Python: one wheel serves every version)."""
    built = call([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(out), str(PROJECT)], PROJECT)
    assert built.returncode == 0, built.stderr
    return next(out.glob("manifest_guard-*.whl"))


def source_digest() -> str:
    """The package's content as a wheel carries it: the code, its data, the schema, the rule docs, the metadata."""
    digest = hashlib.sha256()
    files = [*sorted((PROJECT / "manifest_guard").rglob("*")), *sorted((PROJECT / "schemas").rglob("*")),
             PROJECT / "docs" / "rules.md", PROJECT / "setup.cfg", PROJECT / "pyproject.toml"]  # fmt: skip
    for path in files:
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(PROJECT)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def virtualenv(interpreter: str, home: Path, wheel: Path) -> Path:
    """A virtualenv at ``home`` with the runtime dependencies (kept while the interpreter and the list are
    the same) and this wheel (reinstalled when the package's content changed). A second setup in the same
    run (pytest sets module fixtures up again when a worker comes back to this file) then changes nothing
    under a test that may still be running a hook. Setups in two workers at once (when xdist does not keep
    this file's group on one worker) take turns on a lock instead of deleting each other's files."""
    import fcntl

    home.parent.mkdir(parents=True, exist_ok=True)
    with open(home.parent / f"{home.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return prepared_virtualenv(interpreter, home, wheel)


def prepared_virtualenv(interpreter: str, home: Path, wheel: Path) -> Path:
    requirements = runtime_requirements()
    stamp = hashlib.sha256(json.dumps([interpreter, requirements]).encode()).hexdigest()
    python = home / "bin" / "python"
    package_stamp = home / "package-stamp"
    if (home / "stamp").is_file() and (home / "stamp").read_text() == stamp and package_stamp.is_file() \
            and package_stamp.read_text() == source_digest():  # fmt: skip
        return python
    if not (home / "stamp").is_file() or (home / "stamp").read_text() != stamp:
        shutil.rmtree(home, ignore_errors=True)
        created = call([interpreter, "-m", "venv", "--without-pip", str(home)], PROJECT)
        assert created.returncode == 0, created.stderr
        pip = [sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-compile"]
        installed = call([*pip, *requirements, str(wheel)], PROJECT)
        assert installed.returncode == 0, installed.stderr
        (home / "stamp").write_text(stamp)
        package_stamp.write_text(source_digest())
        return python
    pip = [sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-compile", "--no-deps",
           "--force-reinstall"]  # fmt: skip
    installed = call([*pip, str(wheel)], PROJECT)
    assert installed.returncode == 0, installed.stderr
    package_stamp.write_text(source_digest())
    return python


@pytest.fixture(scope="module")
def virtualenvs(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The virtualenv of every other supported version installed here, prepared side by side."""
    from concurrent.futures import ThreadPoolExecutor

    interpreters = {version: find_interpreter(version) for version in OTHERS}
    found = {version: interpreter for version, interpreter in interpreters.items() if interpreter is not None}
    if not found:
        return {}
    wheel = build_wheel(tmp_path_factory.mktemp("wheel"))
    kept = request.config.cache  # None under -p no:cacheprovider: then built afresh for this run
    cache = Path(kept.mkdir("python-versions")) if kept is not None else tmp_path_factory.mktemp("python-versions")
    with ThreadPoolExecutor(len(found)) as pool:
        futures = {version: pool.submit(virtualenv, found[version], cache / version, wheel) for version in found}
        return {version: future.result() for version, future in futures.items()}


class Tool:
    """``python -m manifest_guard`` under one interpreter."""

    def __init__(self, python: Path) -> None:
        self.python = python

    def __call__(self, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
        completed = call([str(self.python), "-m", "manifest_guard", *args], cwd)
        assert "Traceback" not in completed.stderr and "internal error" not in completed.stderr, completed.stderr
        return completed


def findings(completed: subprocess.CompletedProcess[str]) -> list[tuple[str, str]]:
    return sorted((finding["code"], finding["subject"]) for finding in json.loads(completed.stdout)["findings"])


def install_hook(repo: Path, python: Path, *args: str) -> None:
    hook = repo / ".git" / "hooks" / "pre-commit"
    hook.write_text(f'#!/bin/sh\nexec "{python}" -m manifest_guard {" ".join(args)}\n')
    hook.chmod(0o755)


@pytest.mark.parametrize("version", OTHERS)
def test_smoke_subset_under_every_supported_version(
    version: str, virtualenvs: dict[str, Path], git_repo: Path, tmp_path: Path
) -> None:
    if version not in virtualenvs:
        pytest.skip(f"Python {version} is not installed here (no ~/.pyenv/versions/{version}.* nor python{version})")
    python = virtualenvs[version]
    tool = Tool(python)
    imported = call([str(python), "-c", "import pkgutil, importlib, manifest_guard as m; "
                     "[importlib.import_module(i.name) for i in pkgutil.walk_packages(m.__path__, 'manifest_guard.')]; "
                     "import sys; print(sys.version_info[:2])"], tmp_path)  # fmt: skip
    assert imported.returncode == 0 and f"({version.replace('.', ', ')})" in imported.stdout, imported.stderr
    assert tool(tmp_path, "--version").stdout.startswith("manifest-guard ")

    # write: the same bytes as under the suite's interpreter
    reference = put(tmp_path / "reference", FLASK_APP)
    assert run_manifest_guard(["write", *MACHINE, "flask", str(reference)], tmp_path).code == 0
    put(git_repo / APP, FLASK_APP)
    written = tool(git_repo, "write", *MACHINE, "flask", APP)
    assert written.returncode == 0, written.stderr
    assert (git_repo / MANIFEST).read_bytes() == (reference / "manifest.json").read_bytes()
    commit_all(git_repo)

    # check and fix
    assert tool(git_repo, "check").returncode == 0
    put(git_repo / APP, {"helpers.py": "X = 2\n", "views.py": "V = 1\n"})
    git(git_repo, "add", "-A")
    stale = tool(git_repo, "check", "--output-format", "json")
    assert stale.returncode == 1 and findings(stale) == [("MG101", "helpers.py"), ("MG103", "views.py")]
    fixed = tool(git_repo, "fix", "--stage")
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert tool(git_repo, "check").returncode == 0
    commit_all(git_repo)

    # the hooks, in real commits: the check hook rejects a stale manifest, the fix hook repairs and stages it
    put(git_repo / APP, {"helpers.py": "X = 3\n"})
    git(git_repo, "add", "-A")
    install_hook(git_repo, python, "check", "--hook")
    rejected = call(["git", "commit", "-qm", "stale"], git_repo)
    assert rejected.returncode != 0 and "MG101" in rejected.stdout + rejected.stderr
    install_hook(git_repo, python, "fix", "--hook", "--stage")
    accepted = call(["git", "commit", "-qm", "fixed by the hook"], git_repo)
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    assert tool(git_repo, "check", "--source", "HEAD").returncode == 0

    # a CRLF checkout: write there, and check finds it fresh
    git(git_repo, "config", "core.autocrlf", "true")
    git(git_repo, "rm", "-q", "--cached", "-r", ".")
    git(git_repo, "reset", "-q", "--hard")
    assert tool(git_repo, "write", "-o", *MACHINE, "flask", APP).returncode == 0
    git(git_repo, "add", MANIFEST)
    crlf = tool(git_repo, "check", "--output-format", "json")
    assert crlf.returncode == 0 and findings(crlf) == [], crlf.stdout
