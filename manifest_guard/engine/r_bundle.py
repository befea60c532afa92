"""The file set of R, R Markdown, Quarto and static content: the R rsconnect package's bundle rules.

``rsconnect::writeManifest()`` lists every file under the app directory except what its
``ignoreBundleFiles`` drops, and it applies that list in every directory, not only at the top
level as rsconnect-python does:

- the names ``rsconnect``, ``rsconnect-python``, ``manifest.json``, ``renv``, ``packrat``, ``.git``,
  ``.gitignore``, ``.svn``, ``.Rhistory``, ``.Rproj.user``, ``.DS_Store``, ``.quarto``, ``app_cache``;
- knitr cache directories (``report_cache`` beside ``report.Rmd``), Python environments (a directory
  with ``bin/python`` or ``Scripts/python.exe``), names that start or end with ``~``, ``*.Rproj``;
- ``.rscignore`` patterns (gitignore syntax).

``__pycache__`` is dropped too: rsconnect lists it as ``"__pycache__/"``, a name no entry has, so R
bundles it; compiled Python is never content Connect needs. The limits (10,000 files, 3,000 MiB)
are rsconnect's defaults for ``rsconnect.max.bundle.files`` and ``rsconnect.max.bundle.size``.
"""

from __future__ import annotations

import re
from typing import Final

from manifest_guard.catalogue.exclusions import is_own_temp_file
from manifest_guard.engine.ignore_patterns import Exclusions, IgnorePatterns
from manifest_guard.repository.trees import Tree, join

R_IGNORED_NAMES: Final = frozenset(
    {"rsconnect", "rsconnect-python", "manifest.json", "renv", "packrat", ".git", ".gitignore", ".svn",
     ".Rhistory", ".Rproj.user", ".DS_Store", ".quarto", "app_cache", "__pycache__"}
)  # fmt: skip
PYTHON_ENVIRONMENT_MARKERS: Final = ("bin/python", "Scripts/python.exe", "Scripts/pythond.exe", "Scripts/pythonw.exe")
MAX_BUNDLE_FILES: Final = 10_000
MAX_BUNDLE_BYTES: Final = 3000 * 1024**2
_KNITR_CACHE: Final = re.compile(r"^(.+)_cache$")


class RFileSetRules(Exclusions):
    """R rsconnect's exclusion decision for one app, asked per app-relative path.

    Each directory's answers are computed once: the knitr-cache and Python-environment tests look at
    a name's siblings and contents in the tree."""

    def __init__(self, tree: Tree, app: str, package_file: str | None, excludes: IgnorePatterns | None) -> None:
        super().__init__(excludes)
        self._tree = tree
        self._app = app
        self._package_file = package_file
        self._dropped: dict[str, bool] = {}  # app-relative path of a directory entry -> dropped by R's rules
        self._lower_names: dict[str, set[str]] = {}

    def _siblings_lower(self, directory: str) -> set[str]:
        names = self._lower_names.get(directory)
        if names is None:
            listed = self._tree.names_in(join(self._app, directory) if directory else self._app)
            names = {name.lower() for name in listed}
            self._lower_names[directory] = names
        return names

    def _entry_dropped(self, directory: str, name: str) -> bool:
        path = f"{directory}/{name}" if directory else name
        known = self._dropped.get(path)
        if known is not None:
            return known
        dropped = (
            name in R_IGNORED_NAMES
            or name.startswith("~")
            or name.endswith("~")
            or name.endswith(".Rproj")
            or self._is_knitr_cache(directory, name)
            or self._is_python_environment(path)
        )
        self._dropped[path] = dropped
        return dropped

    def _is_knitr_cache(self, directory: str, name: str) -> bool:
        match = _KNITR_CACHE.match(name)
        return match is not None and f"{match.group(1)}.rmd".lower() in self._siblings_lower(directory)

    def _is_python_environment(self, path: str) -> bool:
        full = join(self._app, path)
        return self._tree.is_dir(full) and any(
            self._tree.entry_kind(join(full, marker)) is not None for marker in PYTHON_ENVIRONMENT_MARKERS
        )

    def excluded_by_default(self, path: str) -> bool:
        """R's fixed exclusions at every depth, the package file, and this tool's temporary files."""
        parts = path.split("/")
        if is_own_temp_file(parts[-1]) or path == self._package_file:
            return True
        return any(self._entry_dropped("/".join(parts[:depth]), name) for depth, name in enumerate(parts))
