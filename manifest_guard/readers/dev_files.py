"""Development files: Python files in an app directory that Connect never runs (packaging, task
runners, documentation builds), so their imports are not the app's dependencies.

``setup.py`` imports setuptools, ``noxfile.py`` imports nox, ``docs/conf.py`` imports Sphinx themes:
none of those belongs in the app's requirements. A development file that the app's own code imports
(a Celery ``tasks.py``) is app code after all. Django's ``manage.py`` stays app code: it imports the
same Django the app needs and is part of running the project.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Final

import pathspec

# gitignore patterns, relative to the app directory (the ``dev-files`` configuration key replaces them).
DEFAULT_DEV_FILES: Final = (
    "/setup.py", "/noxfile.py", "/tasks.py", "/fabfile.py", "/dodo.py", "/pavement.py", "/toxfile.py",
    "docs/**/conf.py", "doc/**/conf.py",
)  # fmt: skip


def module_name(path: str) -> str:
    """``pkg/mod.py`` -> ``pkg.mod``; ``pkg/__init__.py`` -> ``pkg``."""
    stem = path[: -len(".py")] if path.endswith(".py") else path
    parts = stem.split("/")
    return ".".join(parts[:-1] if parts[-1] == "__init__" and len(parts) > 1 else parts)


class DevFiles:
    """Which app-relative paths are development files."""

    def __init__(self, patterns: Sequence[str]) -> None:
        lines = [pattern for pattern in patterns if pattern.strip()]
        self._spec = pathspec.GitIgnoreSpec.from_lines(lines) if lines else None

    def matches(self, path: str) -> bool:
        return self._spec is not None and self._spec.match_file(path)

    def imported_by_app(self, path: str, imported: Iterable[str]) -> bool:
        """Whether the app's code imports this development file (then it is app code)."""
        name = module_name(path)
        return any(module == name or module.startswith(name + ".") or name.startswith(module + ".")
                   for module in imported)  # fmt: skip
