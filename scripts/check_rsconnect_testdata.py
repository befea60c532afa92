#!/usr/bin/env python3
"""Run ``manifest-guard check`` on every app of rsconnect-python's ``tests/testdata`` that ``rsconnect
write-manifest`` accepts, and print what it reports.

rsconnect-python's own test apps are written by the people who know Connect best, so a dependency finding
on them is suspect: each one must be justified by the distributions' metadata (an import no declared
distribution provides, nor anything they require). The apps are exported from a git checkout or a bare
clone of posit-dev/rsconnect-python into a temporary directory (nothing is written into the repository),
each manifest is written there by the ``rsconnect`` found beside this interpreter, and the copy is made a
git repository so the check sees what a user's would.

Usage::

    python scripts/check_rsconnect_testdata.py /path/to/rsconnect-python.git [REVISION]
"""

from __future__ import annotations

import argparse
import io
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Sequence
from pathlib import Path

# (directory under tests/testdata, write-manifest mode, target relative to the directory, extra options)
APPS: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("api/flask", "api", ".", ()),
    ("api/flask-bad", "api", ".", ("-e", "badapp:app")),
    ("gradio", "gradio", ".", ()),
    ("panel", "panel", ".", ()),
    ("py3/data_file", "notebook", "data_file.ipynb", ()),
    ("py3/minimal", "notebook", "minimal.ipynb", ()),
    ("py3/numpy", "notebook", "numpy.ipynb", ()),
    ("py3/numpy_requirements", "notebook", "numpy.ipynb", ()),
    ("py3/pip1-no-version", "notebook", "dummy.ipynb", ()),
    ("py3/pip1", "notebook", "dummy.ipynb", ()),
    ("py3/pip2", "notebook", "dummy.ipynb", ()),
    ("pyshiny_with_manifest", "shiny", ".", ("-e", "app5:app")),
    ("python-project/allofthem", "api", ".", ("-e", "hello:app")),
    ("python-project/empty", "api", ".", ("-e", "hello:app")),
    ("python-project/using_pyproject", "api", ".", ("-e", "hello:app")),
    ("python-project/using_pyversion", "api", ".", ("-e", "hello:app")),
    ("python-project/using_setupcfg", "api", ".", ("-e", "hello:app")),
    ("stock-api-fastapi", "fastapi", ".", ()),
    ("stock-api-flask", "api", ".", ()),
    ("stock-dashboard-python", "dash", ".", ("-e", "app2:app")),
    ("top-5-income-share-bokeh", "bokeh", ".", ("-e", "app3.py")),
    ("top-5-income-share-shiny", "shiny", ".", ("-e", "app4:app")),
    ("top-5-income-share-streamlit", "streamlit", ".", ("-e", "app1.py")),
    ("voila/bqplot", "voila", "bqplot.ipynb", ()),
    ("voila/dashboard", "voila", "dashboard.ipynb", ()),
    ("voila/multi-voila", "voila", ".", ("-m",)),
)


def export_testdata(repository: Path, revision: str, destination: Path) -> None:
    """``git archive`` the revision's tests/testdata into ``destination``."""
    where = [f"--git-dir={repository}"] if (repository / "HEAD").is_file() else ["-C", str(repository)]
    archive = subprocess.run(["git", *where, "archive", revision, "tests/testdata"], capture_output=True,
                             check=True).stdout  # fmt: skip
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(destination, filter="data")


def git(directory: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", *args], cwd=directory, check=True,
                   capture_output=True)  # fmt: skip


def check_app(root: Path, relative: str, mode: str, target: str, options: Sequence[str]) -> str:
    """One line: what rsconnect and manifest-guard said about one app."""
    app = root / relative
    (app / "manifest.json").unlink(missing_ok=True)
    rsconnect = Path(sys.executable).with_name("rsconnect")
    where = f"{app}/" if target == "." else str(app / target)  # a directory needs its slash (multi-notebook)
    written = subprocess.run([str(rsconnect), "write-manifest", mode, "-o", *options, where],
                             capture_output=True, text=True)  # fmt: skip
    if written.returncode != 0 or not (app / "manifest.json").is_file():
        said = [line for line in (written.stdout + written.stderr).splitlines() if line.startswith("Error")]
        last = (said or ["no manifest written"])[0]
        return f"{relative:<34} {mode:<9} rsconnect refused: {last[:110]}"
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", relative)
    command = [sys.executable, "-m", "manifest_guard", "check", "--source", "worktree", "--output-format", "json"]
    checked = subprocess.run([*command, relative], cwd=root, capture_output=True, text=True)
    if checked.returncode not in (0, 1):
        return f"{relative:<34} {mode:<9} check exited {checked.returncode}: {checked.stderr.strip()[:110]}"
    report = json.loads(checked.stdout)
    found = [f"{f['code']} {f['subject']} ({f['severity']}): {f['message']}" for f in report["findings"]]
    errors = [f"error: {error}" for error in report.get("errors", [])]
    return f"{relative:<34} {mode:<9} " + ("clean" if not found + errors else "\n    " + "\n    ".join(found + errors))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n", 1)[0])
    parser.add_argument("repository", type=Path, help="a clone (or bare clone) of posit-dev/rsconnect-python")
    parser.add_argument("revision", nargs="?", default="HEAD")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as temporary:
        root = Path(temporary)
        export_testdata(args.repository, args.revision, root)
        shutil.move(str(root / "tests" / "testdata"), str(root / "testdata"))
        shutil.rmtree(root / "tests")
        root = root / "testdata"
        git(root, "init", "-q")
        for relative, mode, target, options in APPS:
            print(check_app(root, relative, mode, target, options), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
