"""Differential test: ``manifest-guard write`` must equal ``rsconnect write-manifest`` 1.32.0.

Each case builds an app directory once, copies it to a second parent directory,
runs rsconnect-python in one copy and manifest-guard in the other (same relative
argument strings, cwd = the parent) and compares the two ``manifest.json`` files
byte for byte. The three machine-describing values (``python.version``, the pip
version and ``locale``) are read from rsconnect's manifest and passed to
manifest-guard as flags.

Only trees and options on which manifest-guard promises rsconnect's exact output
are used here; the deliberate differences (gitignore-style ``-x``, broken
symlinks, FIFOs, symlinks leaving the app, ``.env``/``venv`` names, ...) are
tested elsewhere.
"""

from __future__ import annotations

import dataclasses
import difflib
import json
import os
import random
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

Builder = Callable[[Path], None]

RUN_TIMEOUT = 120
APP = "app"


@dataclasses.dataclass(frozen=True)
class Case:
    """One differential case: how to build the app and how to call the writers."""

    name: str
    build: Builder
    mode: str
    args: tuple[str, ...] = ()
    extras: tuple[str, ...] = ()
    target: str = APP


# ---------------------------------------------------------------------------
# Tree-building helpers
# ---------------------------------------------------------------------------


def put(root: Path, files: dict[str, str | bytes]) -> None:
    """Write ``files`` (relative path -> text or bytes) under ``root``, bytes verbatim."""
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        data = content.encode("utf-8") if isinstance(content, str) else content
        path.write_bytes(data)


def binary_blob(seed: int, size: int) -> bytes:
    """Deterministic pseudo-random bytes that contain NULs and invalid UTF-8."""
    return b"\x00\xff\xfe\x00" + random.Random(seed).randbytes(size) + b"\x00"


def notebook(source: str) -> str:
    """A minimal nbformat-4 notebook with one code cell."""
    nb = {
        "cells": [
            {
                "cell_type": "code",
                "execution_count": None,
                "metadata": {},
                "outputs": [],
                "source": [source],
            }
        ],
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return json.dumps(nb, indent=1) + "\n"


FLASK_APP = "from flask import Flask\n\napp = Flask(__name__)\n"
REQS = "flask==3.0.0\n"


def base(root: Path, extra: dict[str, str | bytes] | None = None) -> None:
    """An ``app.py`` plus ``requirements.txt``, then ``extra``."""
    put(root, {"app.py": FLASK_APP, "requirements.txt": REQS})
    put(root, extra or {})


# ---------------------------------------------------------------------------
# Builders
# ---------------------------------------------------------------------------


def build_api_app_and_main(root: Path) -> None:
    """app.py + main.py: ``app`` wins; .python-version ``3.11``."""
    base(root, {"main.py": "print('main')\n", ".python-version": "3.11\n", "README.md": "# demo\n"})


def build_flask_nested_packages(root: Path) -> None:
    """Nested packages and an ``app:server`` object."""
    put(
        root,
        {
            "app.py": "from flask import Flask\n\nserver = Flask(__name__)\n",
            "requirements.txt": REQS,
            "pkg/__init__.py": "",
            "pkg/sub/__init__.py": "",
            "pkg/sub/mod.py": "VALUE = 1\n",
            "pkg/util.py": "def f():\n    return 2\n",
            ".python-version": "3.11.4\n",
        },
    )


def build_fastapi_pkg_module(root: Path) -> None:
    """Entrypoint inside a package (``-e pkg.mod:app``)."""
    put(
        root,
        {
            "pkg/__init__.py": "",
            "pkg/mod.py": "from fastapi import FastAPI\n\napp = FastAPI()\n",
            "helpers.py": "X = 1\n",
            "other.py": "Y = 2\n",
            "requirements.txt": "fastapi\nuvicorn\n",
        },
    )


def build_fastapi_main_api(root: Path) -> None:
    """main.py + api.py: ``main`` wins."""
    put(
        root,
        {
            "main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n",
            "api.py": "X = 1\n",
            "requirements.txt": "fastapi\n",
        },
    )


def build_dash_application_main(root: Path) -> None:
    """application.py + main.py: ``application`` wins; setup.cfg requirement."""
    put(
        root,
        {
            "application.py": "import dash\n\napp = dash.Dash(__name__)\n",
            "main.py": "X = 1\n",
            "requirements.txt": "dash\n",
            "setup.cfg": "[metadata]\nname = demo\n\n[options]\npython_requires = >=3.8\n",
        },
    )


def build_streamlit_single_other(root: Path) -> None:
    """Single ``other.py``; invalid .python-version falls back to pyproject."""
    put(
        root,
        {
            "other.py": "import streamlit as st\n\nst.write('hi')\n",
            "requirements.txt": "streamlit\n",
            ".python-version": "pypy-3.9\n",
            "pyproject.toml": '[project]\nname = "demo"\nrequires-python = ">=3.10"\n',
        },
    )


def build_bokeh_app_underscore(root: Path) -> None:
    """``app_x.py`` + ``other.py``: ``app_x`` wins; .python-version ``3.*``."""
    put(
        root,
        {
            "app_x.py": "from bokeh.plotting import figure\n",
            "other.py": "X = 1\n",
            "requirements.txt": "bokeh\n",
            ".python-version": "3.*\n",
        },
    )


def build_gradio_dash_app(root: Path) -> None:
    """``x-app.py`` + ``other.py``: ``x-app`` wins; a range .python-version."""
    put(
        root,
        {
            "x-app.py": "import gradio as gr\n",
            "other.py": "X = 1\n",
            "requirements.txt": "gradio\n",
            ".python-version": ">=3.9, <3.12\n",
        },
    )


def build_panel_binary(root: Path) -> None:
    """Binary files with NULs at several depths."""
    put(
        root,
        {
            "app.py": "import panel as pn\n\npn.panel('hi').servable()\n",
            "requirements.txt": "panel\n",
            "blob.bin": binary_blob(1, 4096),
            "assets/img.png": binary_blob(2, 70_000),
            "assets/deep/zero.dat": b"\x00" * 1024,
            "empty.txt": b"",
        },
    )


def build_shiny_express(root: Path) -> None:
    """Top-level ``from shiny.express import ui`` makes an Express app."""
    put(
        root,
        {
            "app.py": "from shiny.express import ui\n\nui.h1('hi')\n",
            "requirements.txt": "shiny\n",
            "helpers.py": "X = 1\n",
        },
    )


def build_shiny_express_dash_name(root: Path) -> None:
    """Express app in ``my-app.py`` (escaped entrypoint name)."""
    put(
        root,
        {
            "my-app.py": "import shiny.express\n\nshiny.express.ui.h1('hi')\n",
            "requirements.txt": "shiny\n",
            "other.py": "X = 1\n",
        },
    )


def build_shiny_core(root: Path) -> None:
    """A core app; a nested ``import shiny.express`` does not count."""
    source = (
        "from shiny import App, ui\n\n"
        "def later():\n    import shiny.express  # noqa\n\n"
        "app = App(ui.page_fluid(), None)\n"
    )
    put(root, {"app.py": source, "requirements.txt": "shiny\n"})


def build_shiny_magic_express(root: Path) -> None:
    """Magic comment ``# shiny_mode: express`` without an express import."""
    source = "# shiny_mode: express\nimport shiny\n\nprint(shiny)\n"
    put(root, {"app.py": source, "requirements.txt": "shiny\n"})


def build_shiny_magic_core(root: Path) -> None:
    """Magic comment ``core`` wins over a top-level express import."""
    source = "#  shiny_mode:  core \nfrom shiny import express\n"
    put(root, {"app.py": source, "requirements.txt": "shiny\n"})


def build_notebook(root: Path) -> None:
    """A notebook with requirements, extras and unlisted neighbours."""
    put(
        root,
        {
            "nb.ipynb": notebook("print('hello')"),
            "requirements.txt": "numpy\npandas\n",
            "z.csv": "z\n1\n",
            "data.csv": "a,b\n1,2\n",
            "sub/x.txt": "x\n",
            "unlisted.txt": "not in the manifest\n",
            ".python-version": "3.11\n",
        },
    )


def build_voila_dir(root: Path) -> None:
    """A voila dir with one top-level notebook, a nested one and voila.json."""
    put(
        root,
        {
            "a.ipynb": notebook("import ipywidgets"),
            "sub/b.ipynb": notebook("print(2)"),
            "data.csv": "a\n1\n",
            "voila.json": '{"VoilaConfiguration": {"theme": "dark"}}\n',
            "requirements.txt": "voila\nipywidgets\n",
            "sub/requirements.txt": "nested\n",
        },
    )


def build_voila_multi(root: Path) -> None:
    """Several notebooks in subdirectories for ``-m``."""
    put(
        root,
        {
            "one/a.ipynb": notebook("print(1)"),
            "two/b.ipynb": notebook("print(2)"),
            "two/data.csv": "x\n",
            "requirements.txt": "voila\n",
            "pyproject.toml": '[project]\nname = "v"\nrequires-python = ">=3.10"\n',
        },
    )


def build_voila_notebook_path(root: Path) -> None:
    """A notebook path: only it, voila.json, the env file and extras are listed."""
    put(
        root,
        {
            "a.ipynb": notebook("print(1)"),
            "b.ipynb": notebook("print(2)"),
            "voila.json": "{}\n",
            "data.csv": "d\n",
            "skip.txt": "not listed\n",
            "requirements.txt": "voila\n",
        },
    )


def build_hidden(root: Path) -> None:
    """Hidden files and directories are not excluded."""
    base(
        root,
        {
            ".hidden": "h\n",
            ".hid/h.txt": "h\n",
            ".dot.txt": "d\n",
            ".hid/.deeper/x": "x\n",
            "sub/.inner": "i\n",
        },
    )


def build_non_ascii(root: Path) -> None:
    """Non-ASCII file and directory names (escaped with ensure_ascii)."""
    base(
        root,
        {
            "é.txt": "e\n",
            "日本.txt": "nihon\n",
            "🎉party.txt": "emoji (outside the BMP)\n",
            "dïr/ñ.csv": "n\n",
            "Zürich.md": "z\n",
            "data/ß.txt": "s\n",
        },
    )


def build_punctuation(root: Path) -> None:
    """Spaces and punctuation in names, checking code-point order."""
    base(
        root,
        {
            "a b.txt": "1\n",
            "x,y;z.txt": "2\n",
            "~t.txt": "3\n",
            "_u.txt": "4\n",
            "B.txt": "5\n",
            "Z.py": "Z = 1\n",
            "data-x": "6\n",
            "data.txt": "7\n",
            "data/a": "8\n",
            "data/a b/c'd.txt": "9\n",
            "(paren)[br]{c}.txt": "10\n",
            "q'uote\".txt": "11\n",
            "at@sign$dollar.txt": "12\n",  # a backslash is a deliberate difference: test_unlistable_names.py
            "per%cent#hash&amp=eq+plus!.txt": "13\n",
        },
    )


def build_default_excludes(root: Path) -> None:
    """Default ignore list: top level only; nested copies and look-alikes are kept."""
    base(
        root,
        {
            "__pycache__/app.cpython-311.pyc": binary_blob(3, 64),
            "sub/__pycache__/a.pyc": binary_blob(4, 64),
            "sub/__init__.py": "",
            "renv/activate.R": "# renv\n",
            "node_modules/n.js": "n\n",
            "sub/node_modules/n.js": "n\n",
            "rsconnect/r.txt": "r\n",
            "sub/rsconnect/r.txt": "r\n",
            "rsconnect-python/p.json": "{}\n",
            ".git/config": "[core]\n",
            "sub/.git/x": "x\n",
            ".svn/entries": "s\n",
            "packrat/packrat.lock": "p\n",
            ".Rproj.user/x": "x\n",
            "rsconnect.txt": "kept\n",
            "node_modules.txt": "kept\n",
            "__pycache__.py": "KEPT = 1\n",
            "renvx/y.txt": "kept\n",
            "stray.pyc": binary_blob(5, 32),
        },
    )


def build_config_dirs(root: Path) -> None:
    """``.rsconnect-python`` directories are dropped at any depth (1.32.0)."""
    base(
        root,
        {
            ".rsconnect-python/servers.json": "{}\n",
            "sub/.rsconnect-python/x.json": "{}\n",
            "sub/keep.txt": "k\n",
        },
    )


def build_virtualenv(root: Path) -> None:
    """A top-level virtualenv (``bin/python``) is excluded; a nested one is kept."""
    base(
        root,
        {
            "myenv/bin/python": "#!/bin/sh\n",
            "myenv/lib/x.py": "X = 1\n",
            "myenv/pyvenv.cfg": "home = /usr\n",
            "sub/inner_env/bin/python": "#!/bin/sh\n",
            "sub/inner_env/lib/y.py": "Y = 1\n",
            "notenv/bin/pythonx": "not a venv\n",
            "notenv/lib/z.py": "Z = 1\n",
        },
    )


def build_virtualenv_windows(root: Path) -> None:
    """A top-level Windows-layout virtualenv (``Scripts/Python.exe``) is excluded."""
    base(
        root,
        {
            "winenv/Scripts/Python.exe": b"MZ\x00\x00",
            "winenv/Lib/site.py": "S = 1\n",
        },
    )


def build_nested_manifest(root: Path) -> None:
    """Nested manifest.json and requirements.txt are ordinary files."""
    base(
        root,
        {
            "sub/manifest.json": '{"version": 1}\n',
            "sub/requirements.txt": "nested==1\n",
            "sub/deeper/manifest.json": "{}\n",
        },
    )


MESSY_LINES = [
    "# top comment",
    "",
    "flask==3.0   ",
    '  numpy>=1.0 ; python_version >= "3.8"',
    "rsconnect-python==1.32.0",
    "pkg @ file:///tmp/x",
    "setuptools==1.0.post1",
    "setuptools==65.5.0",
    "-r other.txt",
    ("requests==2.31.0 --hash=sha256:58cd2187c01e70e6e26505bca751777aa9f2ee0b7f4300988b709f44e013003f"),
    "\tpandas\t",
    "# uses rsconnect somewhere",
    "   ",
    "bar",
]


def build_requirements_crlf(root: Path) -> None:
    """CRLF requirements with comments, blanks, rsconnect lines, file refs, hashes."""
    put(
        root,
        {
            "app.py": FLASK_APP,
            "requirements.txt": "\r\n".join(MESSY_LINES) + "\r\n",
            "other.txt": "click\r\n",
        },
    )


def build_requirements_lf_no_eol(root: Path) -> None:
    """LF requirements: no final newline, mixed endings, non-ASCII and NBSP padding."""
    tail = "\r\nwerkzeug  \r\n# caf\u00e9 \u2615\n\u00a0itsdangerous\u00a0\nlast-line"
    text = "\n".join(MESSY_LINES[:6]) + tail
    put(
        root,
        {
            "app.py": FLASK_APP,
            "requirements.txt": text,
            "other.txt": "click\n",
        },
    )


def build_pyproject_and_setup_cfg(root: Path) -> None:
    """pyproject ``requires-python`` wins over setup.cfg."""
    base(
        root,
        {
            "pyproject.toml": '[project]\nname = "demo"\nrequires-python = ">=3.10"\n',
            "setup.cfg": "[options]\npython_requires = >=3.8\n",
        },
    )


def build_setup_cfg_only(root: Path) -> None:
    """Only setup.cfg gives the Python requirement."""
    base(root, {"setup.cfg": "[options]\npython_requires = >=3.8\n"})


def build_no_python_requirement(root: Path) -> None:
    """No version source at all: no ``environment`` key."""
    base(root, {"lib.py": "L = 1\n"})


def build_excludes(root: Path) -> None:
    """A tree where rsconnect globs and gitignore patterns agree."""
    base(
        root,
        {
            "data/a.csv": "a\n",
            "data/keep.csv": "k\n",
            "data/deep/x.txt": "x\n",
            "run.log": "log\n",
            "logs/deep/more.log": "log\n",
            "logs/keep.txt": "k\n",
            "docs/readme.md": "r\n",
            "docs/guide.md": "g\n",
            "docs/index.txt": "kept\n",
            "notes.md": "n\n",
            "notes.txt": "kept\n",
            "data.csv": "kept\n",
        },
    )


def build_extras_in_ignored_dirs(root: Path) -> None:
    """Extra files inside default-ignored top-level directories are listed."""
    base(
        root,
        {
            "node_modules/n.js": "n\n",
            "node_modules/other.js": "o\n",
            ".git/config": "[core]\n",
            "myenv/bin/python": "#!/bin/sh\n",
            "myenv/lib/x.py": "X = 1\n",
        },
    )


def build_requirements_subdir(root: Path) -> None:
    """``-r reqs/prod.txt``: that file first; the top-level requirements.txt is ordinary."""
    base(
        root,
        {
            "reqs/prod.txt": "flask==3.0.0\ngunicorn\n",
            "reqs/dev.txt": "pytest\n",
        },
    )


def build_python_version_file(root: Path) -> None:
    """A .python-version, for environment-key ordering with other options."""
    base(root, {".python-version": "3.11\n"})


def build_existing_manifest(root: Path) -> None:
    """An old manifest.json that ``-o`` replaces and that must not be listed."""
    old = {"version": 1, "metadata": {"appmode": "python-api"}, "files": {}}
    base(root, {"manifest.json": json.dumps(old) + "\n", "lib.py": "L = 1\n"})


def build_symlink_inside(root: Path) -> None:
    """Relative symlinks to files inside the app dir."""
    base(root, {"data.txt": "payload\n", "sub/real.py": "R = 1\n"})
    (root / "link.txt").symlink_to("data.txt")
    (root / "sub" / "link_app.py").symlink_to(os.path.join("..", "app.py"))


def build_python_version_compound(root: Path) -> None:
    """.python-version ``3.11,>=3.9`` becomes ``~=3.11.0,>=3.9``."""
    base(root, {".python-version": "3.11,>=3.9\n"})


def build_python_version_two_lines(root: Path) -> None:
    """A two-line .python-version is invalid; an empty pyproject value falls through to setup.cfg."""
    base(
        root,
        {
            ".python-version": "3.11\n3.12\n",
            "pyproject.toml": '[project]\nname = "demo"\nrequires-python = ""\n',
            "setup.cfg": "[options]\npython_requires = >=3.9\n",
        },
    )


def build_pyproject_int_requires(root: Path) -> None:
    """A non-string ``requires-python`` is written verbatim (a JSON integer)."""
    base(root, {"pyproject.toml": '[project]\nname = "demo"\nrequires-python = 3\n'})


def build_git_file(root: Path) -> None:
    """A top-level *file* named ``.git`` is excluded; a nested one is kept."""
    base(root, {".git": "gitdir: ../x\n", "sub/.git": "gitdir: ../../y\n", "sub/m.py": "M = 1\n"})


def build_main_py_directory(root: Path) -> None:
    """A directory called ``main.py`` counts for entrypoint inference."""
    put(
        root,
        {
            "main.py/inner.txt": "i\n",
            "other.py": "X = 1\n",
            "more.py": "Y = 1\n",
            "requirements.txt": REQS,
        },
    )


def build_shiny_express_digit(root: Path) -> None:
    """Express app whose file name starts with a digit."""
    put(root, {"1st.py": "from shiny import express\n", "requirements.txt": "shiny\n", "b.py": ""})


def build_notebook_quirky_extras(root: Path) -> None:
    """Notebook extras with a duplicate and the requirements file itself (on-disk md5)."""
    put(
        root,
        {
            "nb.ipynb": notebook("print(1)"),
            "requirements.txt": "numpy   \nrsconnect-python\n",
            "data.csv": "d\n",
            "b.txt": "b\n",
        },
    )


def build_voila_two_notebooks(root: Path) -> None:
    """Two top-level notebooks: ``-e`` picks one."""
    put(
        root,
        {
            "a.ipynb": notebook("print(1)"),
            "b.ipynb": notebook("print(2)"),
            "requirements.txt": "voila\n",
            ".python-version": "3.11.4\n",
        },
    )


# ---------------------------------------------------------------------------
# Cases
# ---------------------------------------------------------------------------

CASES: list[Case] = [
    Case("api-app-and-main", build_api_app_and_main, "api"),
    Case("flask-nested-packages-e-app-server", build_flask_nested_packages, "flask", ("-e", "app:server")),
    Case("fastapi-e-pkg-mod", build_fastapi_pkg_module, "fastapi", ("-e", "pkg.mod:app")),
    Case("fastapi-infer-main-over-api", build_fastapi_main_api, "fastapi"),
    Case("dash-infer-application-setup-cfg", build_dash_application_main, "dash"),
    Case("streamlit-single-py-invalid-python-version", build_streamlit_single_other, "streamlit"),
    Case("bokeh-app-underscore-star-version", build_bokeh_app_underscore, "bokeh"),
    Case("gradio-dash-app-range-version", build_gradio_dash_app, "gradio"),
    Case("panel-binary-files", build_panel_binary, "panel"),
    Case("shiny-express-import", build_shiny_express, "shiny"),
    Case("shiny-express-my-app", build_shiny_express_dash_name, "shiny", ("-e", "my-app")),
    Case("shiny-core-not-rewritten", build_shiny_core, "shiny"),
    Case("shiny-magic-comment-express", build_shiny_magic_express, "shiny"),
    Case("shiny-magic-comment-core", build_shiny_magic_core, "shiny"),
    Case(
        "notebook-with-extras",
        build_notebook,
        "notebook",
        extras=("app/z.csv", "app/data.csv", "app/sub/x.txt"),
        target="app/nb.ipynb",
    ),
    Case("voila-dir-trailing-slash", build_voila_dir, "voila", target="app/"),
    Case("voila-multi-notebook", build_voila_multi, "voila", ("-m",), target="app/"),
    Case(
        "voila-notebook-path",
        build_voila_notebook_path,
        "voila",
        extras=("app/data.csv",),
        target="app/a.ipynb",
    ),
    Case("hidden-files", build_hidden, "api"),
    Case("non-ascii-names", build_non_ascii, "api"),
    Case("punctuation-names-order", build_punctuation, "flask"),
    Case("default-excludes-top-level-only", build_default_excludes, "api"),
    Case("config-dirs-dropped", build_config_dirs, "api"),
    Case("virtualenv-bin-python", build_virtualenv, "api"),
    Case("virtualenv-windows-layout", build_virtualenv_windows, "api"),
    Case("nested-manifest-and-requirements", build_nested_manifest, "dash"),
    Case("requirements-crlf-messy", build_requirements_crlf, "api"),
    Case("requirements-lf-no-final-newline", build_requirements_lf_no_eol, "flask"),
    Case("pyproject-over-setup-cfg", build_pyproject_and_setup_cfg, "api"),
    Case("setup-cfg-only", build_setup_cfg_only, "fastapi"),
    Case("no-python-requirement", build_no_python_requirement, "api"),
    Case(
        "excludes-agreeing-patterns",
        build_excludes,
        "api",
        ("-x", "data", "-x", "**/*.log", "-x", "docs/*.md", "-x", "notes.md"),
        extras=("app/data/keep.csv",),
    ),
    Case("exclude-dir-trailing-slash", build_excludes, "streamlit", ("-x", "data/")),
    Case(
        "extras-in-ignored-dirs",
        build_extras_in_ignored_dirs,
        "api",
        extras=("app/node_modules/n.js", "app/.git/config", "app/myenv/lib/x.py"),
    ),
    Case("requirements-file-in-subdir", build_requirements_subdir, "api", ("-r", "reqs/prod.txt")),
    Case(
        "image-and-disable-env-management",
        build_python_version_file,
        "api",
        ("-I", "some/image:tag", "--disable-env-management"),
    ),
    Case("disable-env-management-py", build_python_version_file, "fastapi", ("--disable-env-management-py",)),
    Case(
        "disable-env-management-r-no-requires",
        build_no_python_requirement,
        "api",
        ("--disable-env-management-r", "-I", "img:1"),
    ),
    Case("overwrite-existing-manifest", build_existing_manifest, "api", ("-o",)),
    Case("symlink-inside", build_symlink_inside, "api"),
    Case("python-version-compound", build_python_version_compound, "api"),
    Case("python-version-two-lines-empty-pyproject", build_python_version_two_lines, "api"),
    Case("pyproject-int-requires-python", build_pyproject_int_requires, "flask"),
    Case("git-file-top-level", build_git_file, "api"),
    Case("entrypoint-main-py-directory", build_main_py_directory, "api"),
    Case("shiny-express-leading-digit", build_shiny_express_digit, "shiny", ("-e", "1st")),
    Case("shiny-express-e-with-py-suffix", build_shiny_express, "shiny", ("-e", "app.py")),
    Case(
        "notebook-duplicate-and-requirements-extras",
        build_notebook_quirky_extras,
        "notebook",
        extras=("app/data.csv", "app/b.txt", "app/data.csv", "app/requirements.txt"),
        target="app/nb.ipynb",
    ),
    Case("voila-dir-explicit-entrypoint", build_voila_two_notebooks, "voila", ("-e", "b.ipynb"), target="app/"),
    Case(
        "api-extra-requirements-file",
        build_requirements_crlf,
        "api",
        extras=("app/requirements.txt", "app/other.txt"),
    ),
]


# ---------------------------------------------------------------------------
# Running the two writers
# ---------------------------------------------------------------------------


def locate_rsconnect() -> str:
    """The rsconnect executable of the test venv, else the one on PATH; fail if absent."""
    candidate = os.path.join(os.path.dirname(sys.executable), "rsconnect")
    if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
        return candidate
    found = shutil.which("rsconnect")
    if found:
        return found
    pytest.fail(
        "rsconnect executable not found next to "
        f"{sys.executable} nor on PATH: install rsconnect-python==1.32.0 into the test "
        "environment (the differential test cannot run without the reference tool)",
        pytrace=False,
    )


def run_env() -> dict[str, str]:
    """Environment for both writers: ``LANG=C.UTF-8``, the venv's bin dir first on PATH."""
    env = dict(os.environ)
    for name in ("LC_ALL", "LC_CTYPE", "LANGUAGE"):
        env.pop(name, None)
    env["LANG"] = "C.UTF-8"
    bin_dir = os.path.dirname(sys.executable)
    env["PATH"] = bin_dir + os.pathsep + env.get("PATH", "")
    return env


def run(cmd: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run ``cmd`` in ``cwd`` and capture its output."""
    return subprocess.run(
        cmd,
        cwd=cwd,
        env=run_env(),
        capture_output=True,
        text=True,
        errors="replace",
        timeout=RUN_TIMEOUT,
        check=False,
    )


def describe(proc: subprocess.CompletedProcess[str]) -> str:
    """Command line, exit code and output of a finished process."""
    return (
        f"$ {' '.join(proc.args)}\nexit {proc.returncode}\n--- stdout ---\n{proc.stdout}\n--- stderr ---\n{proc.stderr}"
    )


def machine_flags(reference: bytes) -> list[str]:
    """manifest-guard flags for the machine-describing values in rsconnect's manifest."""
    data = json.loads(reference)
    python = data["python"]
    return [
        "--python-version",
        python["version"],
        "--pip-version",
        python["package_manager"]["version"],
        "--locale",
        data["locale"],
    ]


def unified_diff(expected: bytes, actual: bytes) -> str:
    """A unified diff of the two manifests as text."""
    lines = difflib.unified_diff(
        expected.decode("utf-8", "replace").splitlines(keepends=True),
        actual.decode("utf-8", "replace").splitlines(keepends=True),
        fromfile="rsconnect write-manifest",
        tofile="manifest-guard write",
    )
    return "".join(lines)


def write_reference(case: Case, parent: Path) -> bytes:
    """Run rsconnect in ``parent`` and return the manifest bytes it wrote."""
    cmd = [locate_rsconnect(), "write-manifest", case.mode, *case.args, case.target, *case.extras]
    proc = run(cmd, parent)
    if proc.returncode != 0:
        pytest.fail(f"case is invalid under rsconnect itself:\n{describe(proc)}", pytrace=False)
    return (parent / APP / "manifest.json").read_bytes()


def write_ours(case: Case, parent: Path, reference: bytes) -> tuple[bytes, str]:
    """Run manifest-guard in ``parent``; return the manifest bytes and a run description."""
    cmd = [
        sys.executable,
        "-m",
        "manifest_guard",
        "write",
        case.mode,
        *case.args,
        *machine_flags(reference),
        case.target,
        *case.extras,
    ]
    proc = run(cmd, parent)
    manifest = parent / APP / "manifest.json"
    if proc.returncode not in (0, 1) or not manifest.is_file():
        pytest.fail(f"manifest-guard write failed:\n{describe(proc)}", pytrace=False)
    return manifest.read_bytes(), describe(proc)


def build_twice(case: Case, tmp_path: Path) -> tuple[Path, Path]:
    """Build the app under ``a/app`` and copy it to ``b/app``; return both parents."""
    side_a, side_b = tmp_path / "a", tmp_path / "b"
    app_a = side_a / APP
    app_a.mkdir(parents=True)
    case.build(app_a)
    shutil.copytree(app_a, side_b / APP, symlinks=True)
    return side_a, side_b


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_write_matches_rsconnect(case: Case, tmp_path: Path) -> None:
    """manifest-guard writes the same manifest.json bytes as rsconnect-python 1.32.0."""
    side_a, side_b = build_twice(case, tmp_path)
    expected = write_reference(case, side_a)
    actual, ours_run = write_ours(case, side_b, expected)
    assert actual == expected, (
        f"manifest.json differs for case {case.name}:\n{unified_diff(expected, actual)}\n{ours_run}"
    )


def test_cases_are_unique_and_enough() -> None:
    """The case list has unique ids and covers every write mode."""
    names = [case.name for case in CASES]
    assert len(names) == len(set(names))
    assert len(CASES) >= 24
    modes = {case.mode for case in CASES}
    expected_modes = {
        "api",
        "flask",
        "fastapi",
        "dash",
        "streamlit",
        "bokeh",
        "shiny",
        "gradio",
        "panel",
        "notebook",
        "voila",
    }
    assert expected_modes <= modes
