"""Files that serve the people and tools working on an app, not the deployed app: a new one that the
manifest does not list is most often left out on purpose.

Seen in real repositories that commit Connect manifests: a ``CHANGELOG.md``, ``Makefile``,
``.Rbuildignore`` or ``tests/testthat/`` added beside an app and deliberately kept out of its manifest.
Connect never needs them unless the app reads them, so ``check`` warns instead of failing, and ``fix``
does not add them.
"""

from __future__ import annotations

import functools
from typing import Final

import pathspec

from manifest_guard.catalogue.documentation_files import named_kind

# gitignore patterns, relative to the app directory.
DEVELOPMENT_PATTERNS: Final = (
    # build and task runners, containers
    "Makefile", "makefile", "GNUmakefile", "justfile", "Justfile", "Taskfile.yml", "Dockerfile", "*.Dockerfile",
    ".dockerignore", "docker-compose.yml", "docker-compose.yaml", "compose.yml", "compose.yaml",
    # tests and linters
    "/tests/", "/test/", "/testthat/", "test_*.py", "*_test.py", "conftest.py", "pytest.ini", "tox.ini",
    ".coveragerc", ".flake8", ".pylintrc", "ruff.toml", ".ruff.toml", "mypy.ini", ".lintr",
    # R package and renv tooling (an app that is a package, like golem's, reads DESCRIPTION: it lists it)
    ".Rbuildignore", ".renvignore", ".Rprofile", "/DESCRIPTION",
    # editors
    ".vscode/", ".idea/", "*.code-workspace",
    # Posit's extension gallery and its internal examples gallery read these, not the content
    "connect-extension.toml", "connect-extension.qmd", "connect-extension.json", "/.internal.yml",
)  # fmt: skip
# Named documentation (README, CHANGELOG, ...: ``documentation_files``) in these forms is never the app's
# own input; Markdown in general can be (Quarto renders it).
DOCUMENTATION_SUFFIXES: Final = (".md", ".txt", ".rst", ".markdown")


IMAGE_SUFFIXES: Final = (".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp")


def development_kind(path: str, app: str = "") -> str | None:
    """``"documentation"``, ``"development"`` or ``"thumbnail"`` (an image at the top named after the app's
    directory, as galleries show them) for such a file (app-relative path; ``app`` is the app's directory),
    else None."""
    name = path.rpartition("/")[2]
    app_name = app.rpartition("/")[2]
    if app_name and name.lower().endswith(IMAGE_SUFFIXES) and name.rpartition(".")[0] == app_name:
        return "thumbnail"
    bare = "." not in name and name == name.upper().replace("-", "_")  # LICENSE, NOTICE
    if named_kind(name) and (bare or name.lower().endswith(DOCUMENTATION_SUFFIXES)):
        return "documentation"
    return "development" if _development_spec().match_file(path) else None


@functools.cache
def _development_spec() -> pathspec.GitIgnoreSpec:
    """Compiled on first use: most checks never meet a new unlisted file."""
    return pathspec.GitIgnoreSpec.from_lines(DEVELOPMENT_PATTERNS)
