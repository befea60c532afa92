"""Every released Python 3 version, as data: constraints are compared by the versions they allow.

``~=3.10`` and ``>=3.10`` read differently and allow the same Pythons 3; only a table of what exists
can tell. The last patch of each minor is from pyenv's list of CPython releases; a newer patch of a
maintained minor changes no comparison a real constraint makes.
"""

from __future__ import annotations

from typing import Final

# minor -> last patch released (3.0.0 ... 3.0.1, 3.1.0 ... 3.1.5, ...); pre-releases are never matched.
LAST_PATCH: Final[dict[int, int]] = {
    0: 1, 1: 5, 2: 6, 3: 7, 4: 10, 5: 10, 6: 15, 7: 17, 8: 20, 9: 25, 10: 20, 11: 15, 12: 13, 13: 13, 14: 4,
}  # fmt: skip


def released_pythons() -> tuple[str, ...]:
    """Every final release of Python 3, oldest first (``3.0.0`` ... ``3.14.4``)."""
    return tuple(f"3.{minor}.{patch}" for minor, last in LAST_PATCH.items() for patch in range(last + 1))
