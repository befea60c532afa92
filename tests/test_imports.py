"""The imports reader and the distribution -> import names layer, in process (the CLI tests are in
test_dependencies.py, the hand-labelled evaluation in test_dependency_eval.py)."""

from __future__ import annotations

import ast
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from manifest_guard.readers.distributions import (
    covers,
    judged_name,
    namespace_packages,
    provided_imports,
    removed_from_stdlib,
    stdlib_modules,
    suggest_distributions,
)
from manifest_guard.readers.imports import ImportUse, notebook_imports, python_imports
from tests.fuzzing import examples


def read(source: str) -> list[ImportUse]:
    return python_imports(ast.parse(source), source.encode(), "app.py")


def summary(uses: list[ImportUse]) -> list[tuple[str, int, bool, bool, frozenset[str]]]:
    return [(use.module, use.line, use.optional, use.dynamic, use.ignored) for use in uses]


NONE: frozenset[str] = frozenset()

PYTHON_CASES = {
    "plain": (
        "import yaml, numpy.linalg as la\n",
        [("numpy.linalg", 1, False, False, NONE), ("yaml", 1, False, False, NONE)],
    ),
    "from": (
        "from PIL import Image, ImageOps\n",
        [("PIL.Image", 1, False, False, NONE), ("PIL.ImageOps", 1, False, False, NONE)],
    ),
    "star": ("from bs4 import *\n", [("bs4", 1, False, False, NONE)]),
    "relative imports are the app's own": ("from . import views\nfrom .models import User\n", []),
    "nested in functions and classes": (
        "def f():\n    import cv2\nclass A:\n    def g(self):\n        from sklearn import svm\n",
        [("cv2", 2, False, False, NONE), ("sklearn.svm", 5, False, False, NONE)],
    ),
    "TYPE_CHECKING is skipped, its else branch is not": (
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import pandas\nelse:\n    import polars\n",
        [("polars", 5, False, False, NONE), ("typing.TYPE_CHECKING", 1, False, False, NONE)],
    ),
    "typing.TYPE_CHECKING attribute": (
        "import typing\nif typing.TYPE_CHECKING:\n    import pandas\n",
        [("typing", 1, False, False, NONE)],
    ),
    "except ImportError is optional": (
        "try:\n    import ujson as json\nexcept ImportError:\n    import json\n",
        [("ujson", 2, True, False, NONE), ("json", 4, False, False, NONE)],
    ),
    "except tuple and bare except": (
        "try:\n    import orjson\nexcept (ValueError, ModuleNotFoundError):\n    pass\n"
        "try:\n    import rich\nexcept:\n    pass\n",
        [("orjson", 2, True, False, NONE), ("rich", 6, True, False, NONE)],
    ),
    "other exceptions are not optional": (
        "try:\n    import requests\nexcept KeyError:\n    pass\n",
        [("requests", 2, False, False, NONE)],
    ),
    "contextlib.suppress(ImportError)": (
        "import contextlib\nwith contextlib.suppress(ImportError):\n    import uvloop\n",
        [("contextlib", 1, False, False, NONE), ("uvloop", 3, True, False, NONE)],
    ),
    "import_module and __import__ literals": (
        "import importlib\nmod = importlib.import_module('plotly.express')\nx = __import__('dotenv')\n"
        "y = importlib.import_module(name)\nz = importlib.import_module('.local', 'pkg')\nw = __import__(f'x{1}')\n",
        [
            ("importlib", 1, False, False, NONE),
            ("plotly.express", 2, False, True, NONE),
            ("dotenv", 3, False, True, NONE),
        ],
    ),
    "ignore comments": (
        "import jwt  # manifest-guard: ignore[MG304]\nimport internal_tool  # manifest-guard: ignore\n"
        "from x import (\n    a,\n    b,  # manifest-guard: ignore[mg304, MG305]\n)\n",
        [
            ("jwt", 1, False, False, frozenset({"MG304"})),
            ("internal_tool", 2, False, False, frozenset({"*"})),
            ("x.a", 3, False, False, frozenset({"MG304", "MG305"})),
            ("x.b", 3, False, False, frozenset({"MG304", "MG305"})),
        ],
    ),
}


@pytest.mark.parametrize("name", PYTHON_CASES)
def test_python_imports(name: str) -> None:
    source, expected = PYTHON_CASES[name]
    assert sorted(summary(read(source))) == sorted(expected)


def notebook(*cells: object, nbformat: int = 4) -> bytes:
    return json.dumps(
        {"cells": list(cells), "metadata": {}, "nbformat": nbformat, "nbformat_minor": 5}, indent=1
    ).encode()


def code_cell(source: object) -> dict[str, object]:
    return {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": source}


def test_notebook_imports_point_at_the_ipynb_line() -> None:
    data = notebook(
        {"cell_type": "markdown", "metadata": {}, "source": ["import not_code\n"]},
        code_cell(
            ["%matplotlib inline\n", "!pip install seaborn\n", "import seaborn as sns\n", "from sklearn import svm"]
        ),
        code_cell("import yaml\nimport cv2"),
    )
    lines = data.decode().splitlines()
    found = {use.module: use.line for use in notebook_imports(data, "nb.ipynb")}
    assert set(found) == {"seaborn", "sklearn.svm", "yaml", "cv2"}
    assert "import seaborn as sns" in lines[found["seaborn"] - 1]
    assert "from sklearn import svm" in lines[found["sklearn.svm"] - 1]
    assert '"source": "import yaml' in lines[found["yaml"] - 1]  # a string source is one JSON line


def test_notebook_cell_magics() -> None:
    data = notebook(
        code_cell(["%%bash\n", "import not_python\n"]),
        code_cell(["%%writefile helper.py\n", "import written_not_run\n"]),
        code_cell(["%%time\n", "import timed\n"]),
        code_cell(["%%capture\n", "import captured\n"]),
        code_cell(["x = 1 +\n", "import broken_cell\n"]),  # a cell that does not parse is skipped, the rest are read
    )
    assert sorted(use.module for use in notebook_imports(data, "nb.ipynb")) == ["captured", "timed"]


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"{",
        b"[]",
        b'{"cells": 3}',
        b'{"cells": [1, null, {"cell_type": "code", "source": 5}]}',
        b"\xff\xfe",
        b'{"cells": [{"cell_type": "code", "source": ["import a\\n", 3]}]}',
    ],
)
def test_bad_notebooks_give_no_imports(data: bytes) -> None:
    assert notebook_imports(data, "nb.ipynb") == []


MODULES = st.from_regex(r"[a-z_][a-z0-9_]{0,8}(\.[a-z_][a-z0-9_]{0,8}){0,2}", fullmatch=True).filter(
    lambda name: all(not __import__("keyword").iskeyword(part) for part in name.split("."))
)
STATEMENT = st.one_of(
    MODULES.map(lambda m: (f"import {m}", m, False)),
    st.tuples(MODULES, MODULES).map(
        lambda pair: (f"from {pair[0]} import {pair[1].split('.')[0]}", f"{pair[0]}.{pair[1].split('.')[0]}", False)
    ),
    MODULES.map(lambda m: (f"try:\n    import {m}\nexcept ImportError:\n    pass", m, True)),
    MODULES.map(lambda m: (f"if TYPE_CHECKING:\n    import {m}", None, False)),
    MODULES.map(lambda m: (f"def f():\n    return __import__({m!r})", m, False)),
)


@settings(max_examples=examples(300))
@given(st.lists(STATEMENT, max_size=12))
def test_generated_programs_give_exactly_their_imports(statements: list[tuple[str, str | None, bool]]) -> None:
    source = "\n".join(text for text, _, _ in statements) + "\n"
    found = sorted((use.module, use.optional) for use in read(source))
    assert found == sorted((module, optional) for _, module, optional in statements if module is not None)
    assert all(1 <= use.line <= source.count("\n") for use in read(source))


@settings(max_examples=examples(300))
@given(st.binary(max_size=400))
def test_notebook_reader_never_raises_on_random_bytes(data: bytes) -> None:
    assert isinstance(notebook_imports(data, "nb.ipynb"), list)


CELL_SOURCE = st.one_of(
    st.text(max_size=80),
    st.lists(
        st.sampled_from(
            [
                "import a\n",
                "%time x\n",
                "!ls\n",
                "%%bash\n",
                "from b import c\n",
                "  \n",
                "(\n",
                "try:\n",
                "    import d\n",
                "except ImportError:\n",
                "    pass\n",
                "\x00",
                "\ufeff",
            ]
        ),
        max_size=8,
    ),
    st.integers(),
    st.none(),
)


@settings(max_examples=examples(300))
@given(
    st.lists(
        st.fixed_dictionaries({"cell_type": st.sampled_from(["code", "markdown", "raw", 7]), "source": CELL_SOURCE}),
        max_size=5,
    )
)
def test_notebook_reader_never_raises_and_lines_stay_in_the_file(cells: list[dict[str, object]]) -> None:
    data = notebook(*cells)
    line_count = data.count(b"\n") + 1
    for use in notebook_imports(data, "nb.ipynb"):
        assert 1 <= use.line <= line_count


# --------------------------------------------------------------------- distribution -> import names


@pytest.mark.parametrize(
    ("distribution", "module"),
    [
        ("pyyaml", "yaml"),
        ("pillow", "PIL.Image"),
        ("opencv-python-headless", "cv2"),
        ("scikit-learn", "sklearn"),
        ("beautifulsoup4", "bs4"),
        ("python-dotenv", "dotenv"),
        ("pyjwt", "jwt"),
        ("python-dateutil", "dateutil.parser"),
        ("google-cloud-storage", "google.cloud.storage"),
        ("protobuf", "google.protobuf.message"),
        ("flask-sqlalchemy", "flask_sqlalchemy"),
        ("azure-storage-blob", "azure.storage.blob"),
        ("databricks-sdk", "databricks.sdk.core"),
        ("psycopg2-binary", "psycopg2"),
        ("setuptools", "pkg_resources"),
    ],
)
def test_provided_imports_cover_the_usual_aliases(distribution: str, module: str) -> None:
    assert covers(provided_imports(distribution), module)


def test_provided_imports_do_not_cover_other_distributions() -> None:
    assert not covers(provided_imports("google-cloud-bigquery"), "google.cloud.storage")
    assert not covers(provided_imports("pyyaml"), "PIL")
    assert covers(provided_imports("internal-tools", {"Internal_Tools": ["acme"]}), "acme.x")  # overrides, any spelling


@pytest.mark.parametrize(
    ("module", "judged"),
    [
        ("numpy.linalg", "numpy"),
        ("google.cloud.storage.blob", "google.cloud.storage"),
        ("google.protobuf", "google.protobuf"),
        ("azure.storage.blob", "azure.storage.blob"),
        ("azure.identity", "azure.identity"),
        ("databricks.sdk.core", "databricks.sdk"),
        ("twisted.internet", "twisted"),
        ("backports.zoneinfo", "backports.zoneinfo"),
        ("google", "google"),
    ],
)
def test_judged_name_descends_below_namespace_packages(module: str, judged: str) -> None:
    assert judged_name(module) == judged


def test_namespaces_come_from_the_generated_table() -> None:
    assert {"google", "google.cloud", "azure", "databricks", "sagemaker", "llama_index"} <= namespace_packages()
    assert "twisted" not in namespace_packages()  # daphne's twisted/plugins/ does not make Twisted a namespace


def test_suggestions_name_the_distribution_for_the_judged_import() -> None:
    assert suggest_distributions("yaml") == ("pyyaml",)
    assert suggest_distributions("google.cloud.storage") == ("google-cloud-storage",)
    assert suggest_distributions("cv2")[0] == "opencv-python"
    assert suggest_distributions("requests") == ()  # identity names are not in the table


def test_stdlib_per_python_version() -> None:
    assert "tomllib" in stdlib_modules(11) and "tomllib" not in stdlib_modules(10)
    assert "distutils" in stdlib_modules(11) and "distutils" not in stdlib_modules(12)
    assert "imp" in stdlib_modules(None)  # unknown version: any supported one
    assert removed_from_stdlib("distutils", 12) == "3.12"
    assert removed_from_stdlib("cgi", 13) == "3.13"
    assert removed_from_stdlib("json", 13) is None and removed_from_stdlib("distutils", None) is None
