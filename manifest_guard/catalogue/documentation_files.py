"""Kinds of documentation file that curated manifests leave out on purpose (README, CHANGELOG, ...).

Posit's own gallery lists a chosen subset of each app's files and never its README or CHANGELOG: a
new file of a kind the manifest already leaves out is probably left out on purpose too.
"""

from __future__ import annotations

from typing import Final

_NAMED: Final = {
    "README": "README", "CHANGELOG": "CHANGELOG", "CHANGES": "CHANGELOG", "HISTORY": "CHANGELOG",
    "NEWS": "CHANGELOG", "CONTRIBUTING": "CONTRIBUTING", "LICENSE": "LICENSE", "LICENCE": "LICENSE",
    "COPYING": "LICENSE", "NOTICE": "LICENSE", "AUTHORS": "AUTHORS", "CODE_OF_CONDUCT": "CONTRIBUTING",
    "SECURITY": "SECURITY",
}  # fmt: skip
_MARKDOWN: Final = (".md", ".markdown")


def named_kind(name: str) -> str | None:
    """README, CHANGELOG, LICENSE, ... for a file name (not a path) named as such, whatever its extension."""
    return _NAMED.get(name.partition(".")[0].upper().replace("-", "_"))


def documentation_kinds(path: str) -> frozenset[str]:
    """The documentation kinds of a file (``README.md``: README and Markdown); empty for anything else."""
    name = path.rpartition("/")[2]
    named = named_kind(name)
    kinds = {named} if named else set()
    if name.lower().endswith(_MARKDOWN):
        kinds.add("Markdown")
    return frozenset(kinds)
