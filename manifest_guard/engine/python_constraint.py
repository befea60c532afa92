"""Python constraints compared by meaning: the set of released Pythons 3 each one allows.

``environment.python.requires`` is written by hand as often as by rsconnect-python; ``~=3.10``
and ``>=3.10`` must count as the same constraint, ``~=3.11.0`` and ``~=3.11`` as different ones.
"""

from __future__ import annotations

import functools
from typing import Any

from manifest_guard.catalogue.python_releases import released_pythons


@functools.lru_cache(maxsize=256)
def _allowed(text: str) -> frozenset[str] | None:
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    try:
        specifiers = SpecifierSet(text)
    except InvalidSpecifier:
        return None
    return frozenset(specifiers.filter(released_pythons()))


def allowed_pythons(constraint: Any) -> frozenset[str] | None:
    """The released Pythons 3 a PEP 440 constraint allows; None when it is not one (or allows none,
    which says nothing about what its author meant)."""
    if not isinstance(constraint, str) or not constraint.strip():
        return None
    allowed = _allowed(constraint.strip())
    return allowed or None


def same_pythons(first: Any, second: Any) -> bool:
    """Whether two constraints allow the same Pythons 3; the text decides when either is not PEP 440."""
    if first == second:
        return True
    first_allowed, second_allowed = allowed_pythons(first), allowed_pythons(second)
    return first_allowed is not None and first_allowed == second_allowed
