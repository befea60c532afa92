"""MG308: an import of the app's own module that exists on disk but was never ``git add``-ed.

Locally the app runs, because Python finds the file beside it; the checked tree (what is committed
and what Connect's git import deploys) does not hold it, so the deployed app fails with
``ModuleNotFoundError``. Such a name must never get MG304's "declare a distribution" advice.
"""

from __future__ import annotations

from manifest_guard.readers.imports import ImportUse
from manifest_guard.rules.freshness import AppState

_MODULE_SUFFIXES = (".py", ".so", ".pyd")


def uncommitted_module_file(state: AppState, use: ImportUse) -> str | None:
    """The app-relative file on disk (not in the checked tree) that ``import <use.top>`` would load,
    searched where Python would look: the app root and the importing file's directory."""
    disk_only = state.disk_only()
    if not disk_only:
        return None
    directory = use.path.rpartition("/")[0]
    for base in dict.fromkeys(["", directory]):
        stem = f"{base}/{use.top}" if base else use.top
        for path in sorted(disk_only):
            if path.startswith(stem + "/") and path.endswith(_MODULE_SUFFIXES):
                return f"{stem}/__init__.py" if f"{stem}/__init__.py" in disk_only else path
            if path.startswith(stem + ".") and path.endswith(_MODULE_SUFFIXES) and "/" not in path[len(stem):]:
                return path
    return None


def uncommitted_message(state: AppState, use: ImportUse, path: str) -> str:
    from manifest_guard.repository.trees import join

    shown = state.display(join(state.app, path))
    return (f"`{use.top}` is imported, and {shown} exists in the work tree but not in {state.source_label}: "
            f"`git add {shown}` (Connect deploys what is committed)")  # fmt: skip
