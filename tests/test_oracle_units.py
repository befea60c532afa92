"""The engine's small rules against rsconnect-python 1.32.0's own functions, on generated inputs.

rsconnect-python is installed in the test environment as the oracle; these tests call its
functions directly (never our app code paths through it) and demand identical answers.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from manifest_guard.engine.entrypoints import escape_to_var_name, infer_module, is_express_source, unescape_var_name
from manifest_guard.engine.environment import InvalidConstraint, adapt_python_version
from manifest_guard.engine.package_file import processed_requirements

rsconnect_bundle = pytest.importorskip("rsconnect.bundle", reason="rsconnect-python 1.32.0 is the oracle")
from rsconnect import pyproject as rs_pyproject  # noqa: E402
from rsconnect import shiny_express as rs_shiny  # noqa: E402
from rsconnect.exception import RSConnectException  # noqa: E402
from rsconnect.subprocesses import inspect_environment as rs_inspect  # noqa: E402

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
VERSIONISH = st.text(alphabet="0123456789.*,<>=!~ abrc@-/t\n", max_size=20)
REQUIREMENT_LINE = st.one_of(
    st.sampled_from(
        [
            "flask==3.0",
            "  numpy  ",
            "# a comment",
            "",
            "rsconnect-python==1.32.0",
            "foo @ file:///tmp/foo",
            "bar @ https://example.com/bar.whl",
            "setuptools==1.0.post1",
            "setuptools>=65",
            "-r other.txt",
            "pandas; python_version < '3.12'",
            "\t\tx==1  ",
            "é-package",
        ]
    ),
    st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=30),
)


def _rsconnect_processed(directory: Path, name: str) -> str:
    """rsconnect's pipeline: output_file() then the post-processing in inspect_environment.main()."""
    result = rs_inspect.output_file(str(directory), name, "pip")
    lines = [rs_inspect.strip_ref(line) for line in result["contents"].split("\n")]
    return "\n".join(line for line in lines if not rs_inspect.exclude(line))


@SETTINGS
@given(lines=st.lists(REQUIREMENT_LINE, max_size=12), endings=st.sampled_from(["\n", "\r\n", "\r"]))
@example(lines=["flask==3.0", "x @ file:/y", "setuptools==1.0.post1", "bar"], endings="\r\n")
def test_processed_requirements_match_rsconnect(tmp_path: Path, lines: list[str], endings: str) -> None:
    data = endings.join(lines).encode("utf-8")
    (tmp_path / "requirements.txt").write_bytes(data)
    assert processed_requirements(data, "requirements.txt") == _rsconnect_processed(tmp_path, "requirements.txt")


@SETTINGS
@given(text=VERSIONISH)
@example(text="3.11")
@example(text=">=3.9, <3.12")
@example(text="3.11,>=3.9")
@example(text="pypy-3.9")
def test_python_version_adaptation_matches_rsconnect(text: str) -> None:
    try:
        expected: str | None = rs_pyproject.adapt_python_requires(text)
    except rs_pyproject.InvalidVersionConstraintError:
        expected = None
    try:
        ours: str | None = adapt_python_version(text)
    except InvalidConstraint:
        ours = None
    assert ours == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3.11", "~=3.11.0"),
        ("3.11.4", "~=3.11.0"),
        ("3.11.4.5", "~=3.11.0"),
        ("3", "~=3.0"),
        ("3.*", "==3.*"),
        ("3.11.*", "==3.11.*"),
        (">=3.9, <3.12", ">=3.9,<3.12"),
        ("3.11,>=3.9", "~=3.11.0,>=3.9"),
        ("~=3.10", "~=3.10"),
        ("==3.10.2", "==3.10.2"),
    ],
)
def test_python_version_adaptation_table(text: str, expected: str) -> None:
    assert adapt_python_version(text) == expected


@pytest.mark.parametrize("text", ["pypy-3.9", "3.13t", ">= 3.9", "3.11rc1", "bad", "cpython@3.11", "3.11\n3.12"])
def test_invalid_python_versions(text: str) -> None:
    with pytest.raises(InvalidConstraint):
        adapt_python_version(text)


FILE_NAME = st.text(alphabet="abpimnx_-.APY1 é", min_size=1, max_size=12).filter(lambda n: "/" not in n)


@SETTINGS
@given(names=st.sets(FILE_NAME, max_size=8))
@example(names={"app.py", "main.py"})
@example(names={"x_app.py", "app-y.py"})
@example(names={"App.py", "other.py"})
@example(names={"app.pyw", "other.py"})
def test_entrypoint_inference_matches_rsconnect(tmp_path: Path, names: set[str]) -> None:
    directory = tmp_path / "d"
    directory.mkdir(exist_ok=True)
    for old in directory.iterdir():
        old.unlink()
    for name in names:
        if name not in (".", ".."):
            (directory / name).write_text("")
    listing = set(p.name for p in directory.iterdir())
    try:
        expected: str | None = rsconnect_bundle.get_default_entrypoint(str(directory))
    except RSConnectException:
        expected = None
    assert infer_module(listing) == expected


@SETTINGS
@given(name=st.text(max_size=15))
def test_express_escape_matches_py_shiny(name: str) -> None:
    escaped = escape_to_var_name(name)
    assert escaped == rs_shiny.escape_to_var_name(name)
    assert unescape_var_name(escaped) == name


EXPRESS_SOURCES = [
    "from shiny.express import ui\n",
    "import shiny.express\n",
    "from shiny import express\n",
    "from shiny import ui, express as e\n",
    "import shiny.express as sx\n",
    "def f():\n    from shiny.express import ui\n",
    "if True:\n    import shiny.express\n",
    "from shiny import App, ui\n",
    "# shiny_mode: express\nfrom shiny import App\n",
    "# shiny_mode: core\nfrom shiny.express import ui\n",
    "#shiny_mode:\texpress   \n",
    "# shiny_mode: weird\nimport shiny.express\n",
    "\ufefffrom shiny.express import ui\n",
    "from shiny.express import ui\r\n",
    "x = (\n",
    "from shiny.express import ui\n" + "x\x00",
    "# " + "x" * 1000 + "\n# shiny_mode: express\n",
]


@pytest.mark.parametrize("source", EXPRESS_SOURCES)
def test_express_detection_matches_py_shiny(tmp_path: Path, source: str) -> None:
    (tmp_path / "app.py").write_bytes(source.encode("utf-8"))
    expected = rs_shiny.is_express_app("app.py", str(tmp_path))
    assert is_express_source(source.encode("utf-8"), lambda _message: None) == expected


VERSION_SOURCES = [
    {".python-version": "3.11\n"},
    {".python-version": "  3.10.2  \n", "pyproject.toml": '[project]\nrequires-python = ">=3.8"\n'},
    {".python-version": "pypy-3.9\n", "pyproject.toml": '[project]\nrequires-python = ">=3.10"\n'},
    {".python-version": "", "setup.cfg": "[options]\npython_requires = >=3.8\n"},
    {"pyproject.toml": '[project]\nrequires-python = ""\n', "setup.cfg": "[options]\npython_requires = >=3.7\n"},
    {"pyproject.toml": "[project]\nrequires-python = 3\n"},
    {"pyproject.toml": '[project]\nname = "x"\n'},
    {"pyproject.toml": "[tool.x]\ny = 1\n", "setup.cfg": "[metadata]\nname = x\n"},
    {"setup.cfg": "[options]\npython_requires =\n    >=3.9\n    <4\n"},
    {".python-version": "3.11\n3.12\n", "setup.cfg": "[options]\npython_requires = ~=3.11\n"},
    {},
]


@pytest.mark.parametrize("files", VERSION_SOURCES, ids=lambda files: "+".join(files) or "none")
def test_python_requires_detection_matches_rsconnect(tmp_path: Path, files: dict[str, str]) -> None:
    from manifest_guard.engine.environment import detect_python_requires
    from manifest_guard.repository.trees import WorkTree

    for name, text in files.items():
        (tmp_path / name).write_text(text)
    expected = rs_pyproject.detect_python_version_requirement(str(tmp_path))
    assert detect_python_requires(WorkTree(str(tmp_path)), "", lambda _message: None) == expected
