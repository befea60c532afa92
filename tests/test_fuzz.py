"""Hostile input, proven by fuzzing: every input the tool reads, random and mutated, through the real
commands in process (``tests/inprocess.py``). Every run must end with exit 0, 1 or 2 and, for 2, a
``manifest-guard: error:`` line; never an exception (``MANIFEST_GUARD_DEBUG`` makes a bug raise here)
and never a hang (a time limit per command). ``fix`` must leave the old manifest or a valid new one,
no temp file, and be idempotent.

The cases are derandomized with a fixed budget in CI; ``FUZZ_SCALE=N`` multiplies the budget for the
longer runs reported in the issue notes."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from tests.conftest import git, put
from tests.fuzzing import examples
from tests.inprocess import run_main, stray_temp_files

APP = "app"
MACHINE = ["--python-version", "3.11.4", "--pip-version", "24.0", "--locale", "en_US.UTF-8"]
BASE_FILES: dict[str, bytes] = {
    "app.py": b"from flask import Flask\nimport yaml\napp = Flask(__name__)\n",
    "requirements.txt": b"flask==3.0.0\npyyaml\n",
    ".python-version": b"3.11\n",
    "pyproject.toml": b'[project]\nname = "app"\nrequires-python = ">=3.9"\n',
    "setup.cfg": b"[options]\npython_requires = >=3.9\n",
    "nb.ipynb": json.dumps(
        {
            "cells": [
                {
                    "cell_type": "code",
                    "source": ["import pandas\n"],
                    "metadata": {},
                    "outputs": [],
                    "execution_count": None,
                }
            ],
            "metadata": {},
            "nbformat": 4,
            "nbformat_minor": 5,
        }
    ).encode(),
    "data/table.csv": b"a,b\n1,2\n",
}


class FuzzRepo:
    """One real git repository per test; each case resets the app and applies its inputs."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True)
        git(root, "init", "-q", "-b", "main")
        git(root, "config", "commit.gpgsign", "false")
        put(root / APP, dict(BASE_FILES))
        run_main(["write", "-o", *MACHINE, "api", APP], root, codes=(0,))
        self.manifest = (root / APP / "manifest.json").read_bytes()
        git(root, "add", "-A")
        git(root, "commit", "-q", "-m", "base")

    def reset(self, files: dict[str, bytes], config: bytes | None = None) -> None:
        shutil.rmtree(self.root / APP)
        put(self.root / APP, {**BASE_FILES, "manifest.json": self.manifest})
        (self.root / "pyproject.toml").unlink(missing_ok=True)
        if config is not None:
            (self.root / "pyproject.toml").write_bytes(config)
        for relative, content in files.items():
            path = self.root / APP / os.fsdecode(relative)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)

    def exercise(self, output_format: str = "text", app_inputs_only: bool = False) -> None:
        """check (work tree and index), fix twice, write: the contract holds for each. When the case
        changed only the app's own files, ``check`` reports findings, never a run error (exit 2)."""
        root, manifest = self.root, self.root / APP / "manifest.json"
        planted = set(stray_temp_files(root))  # a case may name its own files like a temp file
        run_main(["check", "--source", "worktree", "--output-format", output_format], root)
        git(root, "add", "-A")
        run_main(["check", "--output-format", output_format, "--diff"], root)
        fresh = run_main(["check", "--output-format", "json"], root)  # computed (or cached by an earlier case)
        assert not (app_inputs_only and fresh.code == 2), fresh
        assert run_main(["check", "--output-format", "json"], root) == fresh, "a cached result differs"
        before = manifest.read_bytes() if manifest.exists() else None
        run_main(["fix", "--source", "worktree"], root)
        after = manifest.read_bytes() if manifest.exists() else None
        if after != before:
            assert after is not None and isinstance(json.loads(after), dict)
            run_main(["fix", "--source", "worktree"], root)
            assert manifest.read_bytes() == after, "a second fix changed the manifest again"
        assert set(stray_temp_files(root)) == planted
        written = run_main(["write", "-o", *MACHINE, "api", APP], root)
        if written.code == 2:
            assert (manifest.read_bytes() if manifest.exists() else None) == after, "a failed write changed it"


@pytest.fixture(scope="module")
def fuzz_repo() -> Iterator[FuzzRepo]:
    root = Path(tempfile.mkdtemp(prefix="manifest-guard-fuzz-"))
    try:
        yield FuzzRepo(root / "repo")
    finally:
        shutil.rmtree(root, ignore_errors=True)


# ------------------------------------------------------------------------------------------ strategies


def mutated(base: bytes) -> st.SearchStrategy[bytes]:
    """``base`` with a few random edits: bytes flipped, inserted, deleted, truncated, a span repeated."""
    edit = st.tuples(
        st.sampled_from(["flip", "insert", "delete", "truncate", "repeat"]),
        st.integers(0, max(len(base), 1)),
        st.integers(1, 64),
        st.binary(min_size=1, max_size=16),
    )

    def apply(edits: list[tuple[str, int, int, bytes]]) -> bytes:
        data = bytearray(base)
        for kind, position, length, payload in edits:
            position = min(position, len(data))
            if kind == "flip" and position < len(data):
                data[position] ^= payload[0] or 1
            elif kind == "insert":
                data[position:position] = payload
            elif kind == "delete":
                del data[position : position + length]
            elif kind == "truncate":
                del data[position:]
            elif kind == "repeat":
                data[position:position] = data[position : position + length] * 3
        return bytes(data)

    return st.lists(edit, min_size=1, max_size=6).map(apply)


HOSTILE_JSON_SCALARS = st.sampled_from(
    [
        "1e999",
        "-1e999",
        "NaN",
        "Infinity",
        "-0",
        "1" * 5000,
        "-" + "9" * 400,
        "0.1e-400",
        "true",
        "null",
        '"\\ud800"',
        '"\\u0000"',
        '"a\\u0000b"',
        '"\\udfff\\ud800"',
        '"' + "x" * 5000 + '"',
        '""',
        '"../../etc/passwd"',
        '"/abs"',
        '"a\\\\b"',
        '"./a"',
        '"a//b"',
        '"\u00e9\u0301"',
        "[]",
        "{}",
        '"python-flask"',
        '"3.11.4"',
        '"3"',
    ]
)
JSON_TEXT = st.recursive(
    HOSTILE_JSON_SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=4).map(lambda items: "[" + ",".join(items) + "]"),
        st.lists(
            st.tuples(
                st.sampled_from(
                    [
                        '"files"',
                        '"metadata"',
                        '"python"',
                        '"version"',
                        '"a"',
                        '"checksum"',
                        '"entrypoint"',
                        '"appmode"',
                        '"package_file"',
                        '"environment"',
                    ]
                ),
                children,
            ),
            max_size=4,
        ).map(lambda pairs: "{" + ",".join(f"{k}:{v}" for k, v in pairs) + "}"),
    ),
    max_leaves=12,
)
MANIFEST_KEYS = (
    ("metadata", "appmode"),
    ("metadata", "entrypoint"),
    ("python", "version"),
    ("files",),
    ("version",),
    ("python", "package_manager", "package_file"),
    ("environment", "python", "requires"),
    ("locale",),
)


def _with_value(base: bytes, path: tuple[str, ...], value: str) -> bytes:
    """The base manifest with the value at ``path`` replaced by raw JSON text ``value``."""
    marker = "\u2603MARK\u2603"
    document = json.loads(base)
    node = document
    for key in path[:-1]:
        node = node.setdefault(key, {}) if isinstance(node, dict) else node
    if isinstance(node, dict):
        node[path[-1]] = marker
    return json.dumps(document, indent=2).replace(f'"{marker}"', value).encode("utf-8", "surrogatepass")


def manifests(base: bytes) -> st.SearchStrategy[bytes]:
    nesting = st.integers(1, 100_000).flatmap(
        lambda depth: st.sampled_from(
            [b"[" * depth + b"]" * depth, b'{"a":' * depth + b"1" + b"}" * depth, b'{"files":' + b"[" * depth]
        )
    )
    return st.one_of(
        st.binary(max_size=300),
        mutated(base),
        JSON_TEXT.map(lambda text: text.encode("utf-8", "surrogatepass")),
        st.tuples(st.sampled_from(MANIFEST_KEYS), JSON_TEXT).map(lambda pair: _with_value(base, *pair)),
        nesting,
        st.sampled_from(
            [
                b"\xef\xbb\xbf" + base,
                b"\xff\xfe" + base.decode().encode("utf-16-le"),
                base + b"\x00",
                base.replace(b'"version": 1', b'"version": 1, "version": 2'),
                base.replace(b"\n", b"\r\n"),
            ]
        ),
    )


REQUIREMENT_LINES = st.sampled_from(
    [
        "flask==3.0.0",
        "pyyaml",
        "-r other.txt",
        "-r requirements.txt",
        "-r ../outside.txt",
        "-c constraints.txt",
        "--requirement=nope.txt",
        "-e .",
        "-e git+https://x/y.git#egg=y",
        "./local.whl",
        "file:///tmp/x",
        "pandas>=2; python_version<'3.12'",
        "numpy==1.*",
        "bad line !!",
        "requests[security] @ https://x/r.whl",
        "--hash=sha256:" + "0" * 64,
        "foo --hash=sha256:zz",
        "-i https://pypi.org/simple",
        "--unknown-option",
        "x \\",
        "\\",
        "# comment",
        "   ",
        "\t-r\tother.txt",
        "\ufeffflask",
        "name @",
        "a==1 ; ;",
        "é==1",
        "-r",
    ]
)
TEXT_LINES = st.lists(st.one_of(REQUIREMENT_LINES, st.text(max_size=40)), max_size=12).map("\n".join)


def texts(pool: st.SearchStrategy[str]) -> st.SearchStrategy[bytes]:
    """Text from ``pool`` in various encodings, or raw bytes."""
    return st.one_of(
        pool.map(lambda text: text.encode("utf-8", "surrogatepass")),
        pool.map(lambda text: b"\xef\xbb\xbf" + text.encode("utf-8", "surrogatepass")),
        pool.map(lambda text: text.encode("utf-16")),
        st.binary(max_size=200),
    )


TOML_KEYS = st.sampled_from(
    [
        "select",
        "ignore",
        "strict",
        "exclude",
        "large-file-mb",
        "known-first-party",
        "dependency-map",
        "severity",
        "apps",
        "unknown-key",
        "Select",
        "exclude.x",
    ]
)
TOML_VALUES = st.recursive(
    st.sampled_from(
        [
            '"MG304"',
            '"MG"',
            '"mg1"',
            '"*.csv"',
            '"../x"',
            '"/abs"',
            "0",
            "-1",
            "1e400",
            "nan",
            "inf",
            "true",
            '""',
            '"\\u0000"',
            "99999999999999999999999",
            "1979-05-27",
            '"off"',
            '"warning"',
            '"data/"',
            '"!keep"',
            '"**"',
        ]
    ),
    lambda children: st.one_of(
        st.lists(children, max_size=3).map(lambda items: "[" + ", ".join(items) + "]"),
        st.lists(
            st.tuples(st.sampled_from(["MG304", "path", "mode", "entrypoint", "pyyaml", "x"]), children), max_size=3
        ).map(lambda pairs: "{" + ", ".join(f'"{k}" = {v}' for k, v in pairs) + "}"),
    ),
    max_leaves=8,
)
CONFIGS = st.one_of(
    st.lists(st.tuples(TOML_KEYS, TOML_VALUES), max_size=6).map(
        lambda pairs: ("[tool.manifest-guard]\n" + "".join(f'"{k}" = {v}\n' for k, v in pairs)).encode()
    ),
    st.lists(
        st.tuples(
            st.sampled_from(["path", "mode", "entrypoint", "exclude", "python-version", "ignore", "x"]), TOML_VALUES
        ),
        max_size=4,
    ).map(lambda pairs: ("[[tool.manifest-guard.apps]]\n" + "".join(f'"{k}" = {v}\n' for k, v in pairs)).encode()),
    texts(st.text(max_size=80)),
    mutated(
        b'[tool.manifest-guard]\nselect = ["MG1", "MG3"]\nlarge-file-mb = 5\n'
        b'[[tool.manifest-guard.apps]]\npath = "app"\nmode = "api"\n'
    ),
)
PYTHON_SOURCES = st.one_of(
    texts(st.text(max_size=120)),
    mutated(BASE_FILES["app.py"]),
    st.integers(1, 50_000).map(lambda depth: b"x = " + b"(" * depth + b"1" + b")" * depth + b"\n"),
    st.sampled_from(
        [
            b"def f(:\n",
            b"app = Flask(__name__)\x00\n",
            b"# -*- coding: latin-1 -*-\napp = '\xe9'\n",
            b"# coding: nonsense\n",
            b"\xef\xbb\xbf# coding: latin-1\n",
            b"match x:\n case 1: pass\n",
            b"type X = int\napp = 1\n",
            b"\\\n" * 1000,
        ]
    ),
)
NAME_CHARS = st.characters(blacklist_categories=("Cs",), blacklist_characters="/\x00")
FILE_NAMES = st.one_of(
    st.text(NAME_CHARS, min_size=1, max_size=40).filter(lambda name: name not in (".", "..")),
    st.binary(min_size=1, max_size=40)
    .filter(lambda raw: b"/" not in raw and b"\x00" not in raw and raw not in (b".", b".."))
    .map(os.fsdecode),
    st.integers(200, 255).map(lambda length: "n" * length),
    st.sampled_from(
        [
            "manifest.json",
            ".env",
            "requirements.txt",
            "__pycache__",
            ".git",
            "a b",
            "é",
            "COM1",
            "-x",
            "*",
            "[a]",
            "\\",
            "~",
            "#x",
            "!",
            ".rscignore",
        ]
    ),
)


def encodable(name: str) -> bool:
    try:
        return len(os.fsencode(name)) <= 255
    except UnicodeEncodeError:
        return False


def budget(count: int) -> settings:
    return settings(max_examples=examples(count))


# ------------------------------------------------------------------------------------------ the suite


@budget(200)
@given(data=st.data())
def test_manifests(fuzz_repo: FuzzRepo, data: st.DataObject) -> None:
    fuzz_repo.reset({"manifest.json": data.draw(manifests(fuzz_repo.manifest), label="manifest")})
    fuzz_repo.exercise(data.draw(st.sampled_from(["text", "json", "github", "sarif"]), label="format"))


@budget(100)
@given(requirements=texts(TEXT_LINES), other=texts(TEXT_LINES))
def test_requirements_files(fuzz_repo: FuzzRepo, requirements: bytes, other: bytes) -> None:
    fuzz_repo.reset({"requirements.txt": requirements, "other.txt": other})
    fuzz_repo.exercise(app_inputs_only=True)


@budget(100)
@given(config=CONFIGS)
def test_configuration(fuzz_repo: FuzzRepo, config: bytes) -> None:
    fuzz_repo.reset({}, config=config)
    fuzz_repo.exercise()


@budget(100)
@given(
    pyproject=st.one_of(texts(st.text(max_size=60)), mutated(BASE_FILES["pyproject.toml"])),
    setup_cfg=st.one_of(texts(st.text(max_size=60)), mutated(BASE_FILES["setup.cfg"])),
    python_version=st.one_of(texts(st.text(max_size=20)), mutated(b"3.11\n")),
)
def test_python_version_sources(fuzz_repo: FuzzRepo, pyproject: bytes, setup_cfg: bytes, python_version: bytes) -> None:
    fuzz_repo.reset({"pyproject.toml": pyproject, "setup.cfg": setup_cfg, ".python-version": python_version})
    fuzz_repo.exercise(app_inputs_only=True)


@budget(100)
@given(source=PYTHON_SOURCES, notebook=st.one_of(mutated(BASE_FILES["nb.ipynb"]), st.binary(max_size=200)))
def test_app_code_and_notebooks(fuzz_repo: FuzzRepo, source: bytes, notebook: bytes) -> None:
    fuzz_repo.reset({"app.py": source, "nb.ipynb": notebook, "helpers.py": source})
    fuzz_repo.exercise()


@budget(100)
@given(names=st.lists(FILE_NAMES.filter(encodable), min_size=1, max_size=5, unique=True), depth=st.integers(0, 12))
@example(names=[".manifest-guard-", ".manifest-guard-x.tmp"], depth=0)  # named like the tool's temp files
def test_file_names(fuzz_repo: FuzzRepo, names: list[str], depth: int) -> None:
    """Odd names on disk (non-UTF-8 bytes, 255-byte names, deep paths) and the same names as `files` keys."""
    directory = "/".join(["d" * 200] * depth)
    files = {f"{directory}/{name}" if directory else name: b"x" for name in names}
    document = json.loads(fuzz_repo.manifest)
    document["files"].update({path: {"checksum": "0" * 32} for path in files})
    listed = json.dumps(document, indent=2).encode("utf-8", "surrogatepass")
    fuzz_repo.reset({**files, "manifest.json": listed})
    fuzz_repo.exercise("json")


@budget(50)
@given(names=st.lists(FILE_NAMES.filter(encodable), min_size=1, max_size=4, unique=True), named=st.integers(0, 4))
def test_new_image_names(fuzz_repo: FuzzRepo, names: list[str], named: int) -> None:
    """Odd names of new, unlisted images, some of them named by the app's code (the unnamed-image rule)."""
    images = {f"shots/{name[:250]}.png": b"\x89PNG" for name in names}
    shown = "".join(f"# {path.rpartition('/')[2]}\n" for path in list(images)[:named])
    source = BASE_FILES["app.py"] + shown.encode("utf-8", "surrogateescape")
    fuzz_repo.reset({**images, "app.py": source})
    fuzz_repo.exercise("json")
