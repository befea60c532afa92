"""MG104 and MG403: ``environment.python.requires`` against the app's version sources, and those sources
themselves (``.python-version``, ``pyproject.toml``, ``setup.cfg``).

Constraints are compared by the Pythons they allow, and a disagreement follows the base like a
curated file list: one already there at the base is the author's choice (``~=3.11`` on purpose where
``.python-version`` says ``3.11``), so only a disagreement new in the change is an error.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from manifest_guard.catalogue.codes import Severity
from manifest_guard.catalogue.findings import Finding
from manifest_guard.engine.edits import Proposal, SetRequires
from manifest_guard.engine.environment import find_python_requires, malformed_version_sources
from manifest_guard.engine.python_constraint import same_pythons
from manifest_guard.foundation.errors import MalformedFile, UserError
from manifest_guard.repository.trees import Tree
from manifest_guard.rules.freshness import AppState, python_version_of

REQUIRES_PATH = ("environment", "python", "requires")


def current_requires(document: Mapping[str, Any]) -> Any:
    environment = document.get("environment")
    python = environment.get("python") if isinstance(environment, Mapping) else None
    return python.get("requires") if isinstance(python, Mapping) else None


def _ignore(_message: str) -> None:
    return None


def _disagreement_at(tree: Tree, state: AppState) -> tuple[Any, Any] | None:
    """The manifest's constraint and the version source's at ``tree``; None when either is unknown."""
    try:
        document = json.loads(tree.read_bytes(state.manifest)) if tree.is_file(state.manifest) else None
        wanted, _ = find_python_requires(tree, state.app, _ignore)
    except (ValueError, RecursionError, UserError):
        return None
    if not isinstance(document, dict) or wanted is None:
        return None
    return current_requires(document), wanted


def _known_at_base(state: AppState, current: Any, wanted: Any) -> bool:
    """The same disagreement (by the Pythons each side allows) was already committed at the base."""
    assert state.base is not None
    before = _disagreement_at(state.base, state)
    return before is not None and same_pythons(before[0], current) and same_pythons(before[1], wanted)


def _malformed(state: AppState, path: str, problem: MalformedFile) -> Proposal:
    manifest, shown = state.display(state.manifest), state.display(path)
    message = f"{shown}: {problem.detail}; rsconnect-python cannot read the app's Python version from it"
    return Proposal(Finding("MG403", manifest, shown, problem.line, message, subject=shown))


def check_requires(state: AppState) -> list[Proposal]:
    """MG403 for every version source that does not parse; MG104 when ``environment.python.requires``
    allows other Pythons than the source says and the disagreement is new (a warning with no base).

    A manifest whose requires is ``==<python.version>`` (rsconnect's --override-python-version)
    is left alone, and with no source file there is nothing to compare.
    """
    proposals = [_malformed(state, path, problem) for path, problem in malformed_version_sources(state.tree, state.app)]
    if proposals or not isinstance(state.document.get("python"), Mapping):
        return proposals
    wanted, source = find_python_requires(state.tree, state.app, state.warn)
    if wanted is None or source is None:
        return []
    current = current_requires(state.document)
    pinned = isinstance(current, str) and current == f"=={python_version_of(state.document)}"
    if pinned or same_pythons(current, wanted):
        return []
    if state.base is not None and _known_at_base(state, current, wanted):
        return []
    manifest = state.display(state.manifest)
    nearest = [REQUIRES_PATH, ("environment", "python"), ("environment",), ("python",)]
    line = next((line for path in nearest if (line := state.loaded.line_at(path)) is not None), 1)
    shown = "missing" if current is None else repr(current)
    message = f"environment.python.requires is {shown} but {state.display(source)} says {wanted!r}"
    severity = Severity.ERROR
    if state.base is None:
        message += " (no base commit to tell whether the difference is new)"
        severity = Severity.WARNING
    finding = Finding("MG104", manifest, manifest, line, message, severity, subject="environment.python.requires")
    return [Proposal(finding, SetRequires(wanted))]
