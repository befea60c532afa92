"""The ``Requires-Dist`` table of ``manifest_guard/data/import_names.json``: what each distribution requires.

manifest-guard uses it to tell a missing dependency from a transitive one (``pydantic`` comes through
``fastapi``), so each entry keeps what decides whether pip installs the requirement: the PEP 503 name, the
extras it asks for and its environment marker. Version specifiers are dropped (the check is about names).

An entry is written ``name``, ``name[extra,extra]`` or ``name[extra]; marker`` (extras PEP 685 normalised and
sorted, the marker as ``packaging`` prints it). Two kinds of requirement are left out:

* those whose marker is false on Linux for every Python 3.8-3.14 and for every extra it names
  (``pywin32; sys_platform == "win32"``, click's ``colorama; platform_system == "Windows"``): Connect runs
  on Linux, so they can never be installed there;
* those that only development extras bring (``dev``, ``test``, ``docs``, ``lint``, ``ci``, ``mypy``...; see
  :data:`DEVELOPMENT_EXTRA`): an app deployed to Connect does not ask for ``pandas[test]``, and they were
  two thirds of all entries.

Used by ``scripts/generate_import_names.py``; needs ``packaging`` (a manifest-guard dependency).
"""

from __future__ import annotations

import concurrent.futures
import email.parser
import re
import sys
from collections.abc import Callable, Iterable, Mapping

PYTHON_MINORS = range(8, 15)
EXTRA_IN_MARKER = re.compile(r"""\bextra\s*==\s*['"]([^'"]+)['"]""")
DEVELOPMENT_EXTRA = re.compile(
    r"^(?:dev|devel|develop|development|test|tests|testing|doc|docs|documentation|lint|linting|ci|check|checks"
    r"|mypy|typing|types|style|format|pre-commit|build|release|bench|benchmark|benchmarks|example|examples"
    r"|coverage|cov|qa|quality|(?:dev|test|tests|docs|examples)-.+|.+-(?:dev|test|tests|testing))$"
)
MAX_ROUNDS = 6  # dependencies of dependencies followed this deep beyond the listed distributions


def canonicalize(name: str) -> str:
    """PEP 503 normalised name (extras are normalised the same way, PEP 685)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def linux_environments(extras: Iterable[str]) -> list[dict[str, str]]:
    """Marker environments of CPython on Linux x86_64, for each Python 3 minor and each extra."""
    environments = []
    for minor in PYTHON_MINORS:
        for patch in ("0", "99"):
            for extra in ("", *extras):
                environments.append({
                    "implementation_name": "cpython", "implementation_version": f"3.{minor}.{patch}",
                    "os_name": "posix", "platform_machine": "x86_64", "platform_python_implementation": "CPython",
                    "platform_release": "", "platform_system": "Linux", "platform_version": "",
                    "python_full_version": f"3.{minor}.{patch}", "python_version": f"3.{minor}",
                    "sys_platform": "linux", "extra": extra,
                })  # fmt: skip
    return environments


def possible_on_linux(marker: object) -> bool:
    """Whether a ``packaging`` marker holds on Linux for some Python 3.8-3.14 and some extra it names."""
    extras = EXTRA_IN_MARKER.findall(str(marker))
    return any(marker.evaluate(environment) for environment in linux_environments(extras))  # type: ignore[attr-defined]


def development_only(marker: object) -> bool:
    """Whether every extra the marker names is a development extra (and it names one)."""
    extras = EXTRA_IN_MARKER.findall(str(marker))
    return bool(extras) and all(DEVELOPMENT_EXTRA.match(canonicalize(extra)) for extra in extras)


def compact_requirements(metadata: str) -> tuple[list[str], list[str]]:
    """(entries, problems) for the ``Requires-Dist`` lines of a METADATA text (see the module doc)."""
    from packaging.requirements import InvalidRequirement, Requirement

    message = email.parser.HeaderParser().parsestr(metadata)
    entries: list[str] = []
    problems: list[str] = []
    for line in message.get_all("Requires-Dist") or []:
        try:
            requirement = Requirement(line)
        except InvalidRequirement as exc:
            problems.append(f"unparsable Requires-Dist {line!r}: {exc}")
            continue
        if requirement.marker is not None and (
            not possible_on_linux(requirement.marker) or development_only(requirement.marker)
        ):
            continue
        entry = canonicalize(requirement.name)
        if requirement.extras:
            entry += "[" + ",".join(sorted({canonicalize(extra) for extra in requirement.extras})) + "]"
        if requirement.marker is not None:
            entry += f"; {requirement.marker}"
        if entry not in entries:
            entries.append(entry)
    return sorted(entries), problems


def unconditional_names(entries: Iterable[str]) -> list[str]:
    """The distribution names of compact entries that no extra gates (``name; extra == "docs"`` is left out:
    following the test, docs and dev extras of every distribution would fetch thousands more)."""
    return [re.split(r"[\[;]", entry, maxsplit=1)[0].strip() for entry in entries
            if not EXTRA_IN_MARKER.search(entry)]  # fmt: skip


def close_over_dependencies(
    known: Mapping[str, list[str]],
    fetch: Callable[[str], tuple[list[str] | None, str]],
    jobs: int,
) -> tuple[dict[str, list[str]], dict[str, str]]:
    """Add the requirements of every distribution required (unconditionally) but not yet known, round after round.

    ``fetch(name)`` returns (entries or None when unavailable, a note). Returns the completed table and, for
    each distribution fetched, its note (the wheel read, or why it failed).
    """
    table = dict(known)
    notes: dict[str, str] = {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        for depth in range(1, MAX_ROUNDS + 1):
            wanted = sorted({name for entries in table.values() for name in unconditional_names(entries)} - set(table)
                            - set(notes))  # fmt: skip
            if not wanted:
                break
            print(f"  requirements, round {depth}: {len(wanted)} dependencies not listed", file=sys.stderr)
            for name, (entries, note) in zip(wanted, pool.map(fetch, wanted)):
                notes[name] = note
                if entries is not None:
                    table[name] = entries
    return table, notes
