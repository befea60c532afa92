"""What changed between two versions of a requirements file, in one line: ``pandas 2.2.1 -> 2.2.2, + polars``.

Entries are keyed by canonical name and marker (PEP 503 / PEP 685), so reordering, case, extras
spelling and ``==0.29`` vs ``==0.29.0`` are not changes.
"""

from __future__ import annotations

from manifest_guard.readers.requirements import Requirement, RequirementsFile


def _key(requirement: Requirement) -> tuple[str, str]:
    return (requirement.key or requirement.text, requirement.marker or "")


def _shown(requirement: Requirement) -> str:
    extras = f"[{','.join(requirement.extras)}]" if requirement.extras else ""
    return f"{requirement.name or requirement.text}{extras}"


def _version(requirement: Requirement) -> str:
    from packaging.specifiers import SpecifierSet

    try:
        specifiers = list(SpecifierSet(requirement.specifier))
    except ValueError:
        return requirement.specifier
    if len(specifiers) == 1 and specifiers[0].operator in ("==", "==="):
        return specifiers[0].version
    return requirement.specifier or "any"


def _same(old: Requirement, new: Requirement) -> bool:
    from packaging.specifiers import SpecifierSet

    try:
        same_specifier = SpecifierSet(old.specifier) == SpecifierSet(new.specifier)
    except ValueError:
        same_specifier = old.specifier == new.specifier
    return same_specifier and (old.extras, old.url, old.hashes) == (new.extras, new.url, new.hashes)


def describe_changes(old: RequirementsFile, new: RequirementsFile) -> str:
    """``""`` when the declared sets are equal, else the changes, removals and additions."""
    before = {_key(requirement): requirement for requirement in old.declared}
    after = {_key(requirement): requirement for requirement in new.declared}
    parts = []
    for key in sorted(before.keys() & after.keys()):
        was, now = before[key], after[key]
        if not _same(was, now):
            change = f"{_version(was)} -> {_version(now)}" if _version(was) != _version(now) else "hashes/extras/URL"
            parts.append(f"{_shown(now)} {change}")
    parts.extend(f"- {_shown(before[key])}" for key in sorted(before.keys() - after.keys()))
    parts.extend(f"+ {_shown(after[key])}" for key in sorted(after.keys() - before.keys()))
    return ", ".join(parts)
