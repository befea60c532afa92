"""Whether a ``python.version`` lies inside an ``environment.python.requires`` constraint.

Shared by MG402 and by ``write``/``init``, which warn before writing a manifest that MG402 would report.
"""

from __future__ import annotations

from typing import Any


def outside_requires(version: str, requires: Any) -> bool:
    """True only when ``requires`` is a PEP 440 specifier set that ``version`` certainly does not satisfy.

    A missing or non-PEP 440 constraint is not judged: Connect's own reading of it is unknown."""
    if not isinstance(requires, str) or not requires.strip():
        return False
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    try:
        specifiers = SpecifierSet(requires)
    except InvalidSpecifier:
        return False
    return not specifiers.contains(version, prereleases=True)
