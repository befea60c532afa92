"""Which import names a declared distribution provides, without installing anything.

Layers, unioned: the configuration's ``dependency-map``, the bundled table generated from real wheels
(``scripts/generate_import_names.py``), affix rules (``python-X`` -> ``X``, ``google-cloud-X`` ->
``google.cloud.X``, ...), and the identity guess (``flask-sqlalchemy`` -> ``flask_sqlalchemy``).
The direction is distribution -> imports: an import is covered when any declared distribution may
provide it, so forks and namespace packages need no disambiguation.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data"
# Namespace packages the generated table does not list (their distributions are not in its sources); the
# table's ``namespace_packages`` adds the rest (google, google.cloud, azure.storage, databricks, ...).
EXTRA_NAMESPACES = frozenset({"backports", "zope", "jaraco", "sphinxcontrib"})
# Distributions apps need at run time without importing them: servers, drivers named in URLs, I/O engines,
# kernels, optional accelerators. They are never "unused" (MG305).
RUNTIME_ONLY = frozenset({
    "gunicorn", "uvicorn", "hypercorn", "waitress", "daphne", "granian", "uvloop", "httptools", "websockets",
    "python-multipart", "email-validator", "psycopg2", "psycopg2-binary", "psycopg", "psycopg-binary", "asyncpg",
    "pymysql", "mysqlclient", "mysql-connector-python", "aiomysql", "aiosqlite", "cx-oracle", "oracledb", "pyodbc",
    "pymssql", "snowflake-sqlalchemy", "sqlalchemy-bigquery", "databricks-sql-connector", "redshift-connector",
    "openpyxl", "xlrd", "xlsxwriter", "odfpy", "pyxlsb", "pyarrow", "fastparquet", "tables", "lxml", "html5lib",
    "fsspec", "s3fs", "gcsfs", "adlfs", "kaleido", "watchdog", "ipykernel", "ipywidgets", "voila", "jupyter",
    "nbformat", "nbconvert", "notebook", "jupyterlab", "setuptools", "wheel", "pip", "certifi", "cryptography",
    "python-dotenv", "orjson", "ujson", "brotli", "gevent", "eventlet", "greenlet", "rsconnect-python", "rsconnect",
    "matplotlib-inline", "ipython", "tzdata", "pytz", "numexpr", "bottleneck", "jinja2",
    "itsdangerous", "werkzeug", "click", "anyio", "sniffio", "h11", "pydantic-core", "typing-extensions",
    "shinywidgets", "vl-convert-python", "db-dtypes", "pandas-gbq", "statsmodels", "tabulate",
})  # fmt: skip
# The package that serves each appmode (MG306): one of them must be declared.
FRAMEWORKS: Mapping[str, frozenset[str]] = {
    "python-dash": frozenset({"dash"}),
    "python-streamlit": frozenset({"streamlit"}),
    "python-bokeh": frozenset({"bokeh", "panel", "holoviews", "hvplot"}),
    "python-panel": frozenset({"panel"}),
    "python-shiny": frozenset({"shiny"}),
    "python-gradio": frozenset({"gradio"}),
    "jupyter-voila": frozenset({"voila"}),
    "python-fastapi": frozenset({"fastapi", "starlette", "quart", "sanic", "litestar", "falcon", "django", "shiny",
                                 "vetiver", "connexion", "fasthtml", "python-fasthtml", "reflex", "nicegui"}),
    "python-api": frozenset({"flask", "bottle", "falcon", "django", "pyramid", "dash", "cherrypy", "web-py",
                             "hug", "connexion", "pycnic", "flasgger", "vetiver", "plumber"}),
}  # fmt: skip
# What Connect installs itself, beyond the package file, to run an appmode: its admin guide says it "also
# installs packages that it uses to deploy and render your content", and notebooks are executed by a Jupyter
# kernel and rendered by nbconvert (evidence in the README's Dependencies section). Imports these provide,
# directly or through their requirements (IPython, traitlets), are neither missing nor transitive.
PLATFORM_PROVIDED: Mapping[str, tuple[str, ...]] = {
    "jupyter-static": ("ipykernel", "nbconvert"),
    "jupyter-voila": ("ipykernel", "nbconvert"),
}
# Appmodes whose serving package Connect is not documented to provide, nor documented not to: MG306 says
# what may happen instead of claiming the content will not start.
UNDOCUMENTED_RUNTIME: Mapping[str, str] = {"jupyter-voila": "voila"}
_AFFIXES = (
    (re.compile(r"^python-(.+)$"), r"\1"), (re.compile(r"^py-(.+)$"), r"\1"), (re.compile(r"^(.+)-python$"), r"\1"),
    (re.compile(r"^(.+)-py$"), r"\1"), (re.compile(r"^(.+)-binary$"), r"\1"), (re.compile(r"^(.+)-headless$"), r"\1"),
    (re.compile(r"^django-(.+)$"), r"\1"), (re.compile(r"^(.+)-client$"), r"\1"), (re.compile(r"^(.+)-sdk$"), r"\1"),
    (re.compile(r"^opencv-.+$"), "cv2"), (re.compile(r"^types-(.+)$"), r"\1"),
)  # fmt: skip
_DOTTED_FAMILIES = ("google-cloud-", "google-", "azure-", "opentelemetry-", "snowflake-", "jaraco-", "backports-")


def module_name(distribution: str) -> str:
    """The identity guess: ``Flask-SQLAlchemy`` -> ``flask_sqlalchemy``."""
    return re.sub(r"[-_.]+", "_", distribution).lower()


@functools.lru_cache(maxsize=1)
def _import_names_data() -> dict[str, dict[str, list[str]]]:
    data: dict[str, dict[str, list[str]]] = json.loads((DATA / "import_names.json").read_text(encoding="utf-8"))
    return data


@functools.lru_cache(maxsize=1)
def bundled_table() -> dict[str, tuple[str, ...]]:
    """The generated distribution -> import names table (only the entries identity gets wrong)."""
    return {name: tuple(imports) for name, imports in _import_names_data()["distributions"].items()}


@functools.lru_cache(maxsize=1)
def namespace_packages() -> frozenset[str]:
    """Every namespace level, dotted (``google``, ``google.cloud``, ``azure.storage``)."""
    return frozenset(_import_names_data()["namespace_packages"]) | EXTRA_NAMESPACES


@functools.lru_cache(maxsize=1)
def _stdlib_versions() -> dict[str, frozenset[str]]:
    data = json.loads((DATA / "stdlib_modules.json").read_text(encoding="utf-8"))
    return {version: frozenset(names) for version, names in data["versions"].items()}


def stdlib_modules(python_minor: int | None) -> frozenset[str]:
    """The standard library of Python 3.<minor>, or of every supported version when it is unknown."""
    versions = _stdlib_versions()
    wanted = versions.get(f"3.{python_minor}") if python_minor is not None else None
    return wanted if wanted is not None else frozenset().union(*versions.values())


def removed_from_stdlib(module: str, python_minor: int | None) -> str | None:
    """``"3.12"`` when ``module`` was in an older standard library but not in 3.<minor>'s."""
    if python_minor is None:
        return None
    by_minor = {int(version.split(".")[1]): names for version, names in _stdlib_versions().items()}
    if module in by_minor.get(python_minor, frozenset({module})):
        return None
    had = [minor for minor, names in by_minor.items() if module in names and minor < python_minor]
    if not had:
        return None
    gone = [minor for minor, names in by_minor.items() if minor > max(had) and module not in names]
    return f"3.{min(gone)}" if gone else None


def provided_imports(distribution: str, overrides: Mapping[str, Iterable[str]] = {}) -> frozenset[str]:
    """Every import name ``distribution`` (a PEP 503 name) may provide."""
    names: set[str] = set()
    for key, imports in overrides.items():
        if re.sub(r"[-_.]+", "-", key).lower() == distribution:
            names.update(imports)
    names.update(bundled_table().get(distribution, ()))
    names.add(module_name(distribution))
    for pattern, replacement in _AFFIXES:
        if pattern.match(distribution):
            names.add(module_name(pattern.sub(replacement, distribution)))
    for family in _DOTTED_FAMILIES:
        if distribution.startswith(family) and len(distribution) > len(family):
            root = family.rstrip("-").replace("-", ".")
            names.add(f"{root}.{module_name(distribution[len(family):])}")
    return frozenset(names)


def covers(provided: Iterable[str], module: str) -> bool:
    """Whether one of ``provided`` is ``module``, a package above it, or (for namespaces) below it."""
    return any(name == module or module.startswith(name + ".") or name.startswith(module + ".") for name in provided)


def suggest_distributions(subject: str) -> tuple[str, ...]:
    """Distributions known to provide the judged import ``subject`` (for messages; never written)."""
    found = {distribution for distribution, imports in bundled_table().items() if covers(imports, subject)}
    return tuple(sorted(found, key=lambda name: (len(name), name)))  # opencv-python before its variants


def judged_name(module: str) -> str:
    """What an import is judged and reported by: the top-level name, or the first level below the deepest
    namespace package above it (``google.cloud.storage.blob`` -> ``google.cloud.storage``)."""
    parts = module.split(".")
    namespaces = namespace_packages()
    depth = 1
    while depth < len(parts) and ".".join(parts[:depth]) in namespaces:
        depth += 1
    return ".".join(parts[:depth])
