"""What pip installs besides the declared distributions: their requirements, and theirs, on Connect's Linux.

The bundled table (``data/requires.json``, generated with the import names from the wheels' ``Requires-Dist``)
says what each known distribution requires, with the extras and environment markers that decide whether
pip installs it. Following it from the declared requirements, honouring the extras each requirement asks
for and evaluating markers for Linux and the manifest's Python, gives every distribution the app's
environment will hold, each with the chain that brings it (``fastapi -> starlette -> anyio``). Nothing is
installed or downloaded.

Requirements describe the newest release. A declared requirement held below it (``dash<=2.5.1``) also
brings what the newest release of a former line required (``dash`` 2.x required ``dash-table``): the
table keeps those under ``former``. Deeper in the chain no version is known, so the newest release counts.
"""

from __future__ import annotations

import functools
import json
import re
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from manifest_guard.readers.distributions import DATA

if TYPE_CHECKING:
    from packaging.markers import Marker

ENTRY = re.compile(r"^(?P<name>[a-z0-9][a-z0-9-]*)(?:\[(?P<extras>[^\]]*)\])?(?:\s*;\s*(?P<marker>.+))?$")
# Python 3 minors a marker is evaluated for when the manifest does not say which one runs the app.
ANY_MINOR = range(8, 15)


@dataclass(frozen=True)
class Root:
    """A distribution pip is asked for: its PEP 503 name, the extras requested, the marker it carries."""

    key: str
    extras: tuple[str, ...] = ()
    marker: str | None = None
    specifier: str = ""


@dataclass
class Closure:
    """Every distribution reachable from the roots, each with its chain (root first, itself last)."""

    chains: dict[str, tuple[str, ...]] = field(default_factory=dict)
    unknown: set[str] = field(default_factory=set)  # reached, but the table does not know what they require

    def brought(self, roots: Iterable[str]) -> dict[str, tuple[str, ...]]:
        """The distributions reached that are not among ``roots``, with their chains."""
        skipped = set(roots)
        return {name: chain for name, chain in self.chains.items() if name not in skipped}


@functools.lru_cache(maxsize=1)
def _tables() -> tuple[dict[str, tuple[str, ...]], dict[str, dict[str, tuple[str, ...]]]]:
    """Loaded only when a rule follows requirements (about 300 KB: most checks never need it)."""
    data = json.loads((DATA / "requires.json").read_text(encoding="utf-8"))
    requires = {name: tuple(entries) for name, entries in data["requires"].items()}
    former = {name: {version: tuple(entries) for version, entries in releases.items()}
              for name, releases in data.get("former", {}).items()}  # fmt: skip
    return requires, former


def known_requirements(distribution: str) -> tuple[str, ...] | None:
    """The compact ``Requires-Dist`` entries of ``distribution``; None when the table does not know it."""
    return _tables()[0].get(distribution)


def former_requirements(distribution: str, specifier: str) -> tuple[str, ...]:
    """What former release lines of ``distribution`` required beyond its newest release, for those the
    declared ``specifier`` may install instead of the newest."""
    releases = _tables()[1].get(distribution, {})
    return tuple(entry for version, entries in releases.items() if may_install(specifier, version)
                 for entry in entries)  # fmt: skip


def may_install(specifier: str, version: str) -> bool:
    """Whether pip may install ``version`` (or an older release) rather than the newest one under
    ``specifier``: it must hold the version down (``<``, ``<=``, ``==``, ``~=``, ``===``) and set no lower
    bound above ``version``. ``<4`` while 3.x is the newest still counts: a lenient answer only turns a
    missing import into a transitive one."""
    from packaging.specifiers import InvalidSpecifier, SpecifierSet
    from packaging.version import InvalidVersion, Version

    try:
        specifiers = SpecifierSet(specifier)
        release = Version(version)
        held = False
        for clause in specifiers:
            bound = Version(clause.version.removesuffix(".*"))
            if clause.operator in ("<", "<=", "==", "~=", "==="):
                held = True
            if clause.operator in (">", ">=", "==", "~=", "===") and bound > release:
                return False
    except (InvalidSpecifier, InvalidVersion):
        return False
    return held


@functools.cache
def _marker(text: str) -> Marker | None:
    from packaging.markers import InvalidMarker, Marker

    try:
        return Marker(text)
    except InvalidMarker:
        return None


def linux_environments(python_version: str | None) -> tuple[dict[str, str], ...]:
    """Marker environments of CPython on Linux x86_64 for the manifest's Python (each 3.x when unknown)."""
    parts = (python_version or "").split(".")
    if len(parts) >= 2 and parts[0] == "3" and parts[1].isdigit():
        patch = parts[2] if len(parts) > 2 and parts[2].isdigit() else "0"
        versions = [(f"3.{int(parts[1])}", f"3.{int(parts[1])}.{patch}")]
    else:
        versions = [(f"3.{minor}", f"3.{minor}.{patch}") for minor in ANY_MINOR for patch in ("0", "99")]
    return tuple(
        {
            "implementation_name": "cpython", "implementation_version": full, "os_name": "posix",
            "platform_machine": "x86_64", "platform_python_implementation": "CPython", "platform_release": "",
            "platform_system": "Linux", "platform_version": "", "python_full_version": full,
            "python_version": short, "sys_platform": "linux",
        }
        for short, full in versions
    )  # fmt: skip


def _parse(entry: str) -> tuple[str, tuple[str, ...], str | None] | None:
    match = ENTRY.match(entry.strip())
    if match is None:
        return None
    extras = tuple(extra.strip() for extra in (match.group("extras") or "").split(",") if extra.strip())
    return match.group("name"), extras, match.group("marker")


def close(roots: Iterable[Root], python_version: str | None) -> Closure:
    """Follow the requirements of ``roots`` breadth first, so each chain is a shortest one."""
    environments = linux_environments(python_version)
    closure = Closure()
    done: dict[str, set[str]] = {}
    queue: deque[tuple[str, tuple[str, ...]]] = deque()
    specifiers: dict[str, str] = {}
    for root in roots:
        if _installed(root.marker, (), True, environments) and root.key not in closure.chains:
            closure.chains[root.key] = (root.key,)
            specifiers[root.key] = root.specifier
        if root.key in closure.chains:
            queue.append((root.key, root.extras))
    while queue:
        name, extras = queue.popleft()
        new = {"", *extras} - done.setdefault(name, set())
        if not new:
            continue
        done[name] |= new
        entries = known_requirements(name)
        if entries is None:
            closure.unknown.add(name)
            continue
        requested = tuple(extra for extra in new if extra)
        if name in specifiers:
            entries = (*entries, *former_requirements(name, specifiers[name]))
        for entry in entries:
            parsed = _parse(entry)
            if parsed is None:
                continue
            child, child_extras, marker = parsed
            if not _installed(marker, requested, "" in new, environments):
                continue
            if child not in closure.chains:
                closure.chains[child] = (*closure.chains[name], child)
            queue.append((child, child_extras))
    return closure


def _installed(marker_text: str | None, extras: tuple[str, ...], base: bool,
               environments: tuple[dict[str, str], ...]) -> bool:  # fmt: skip
    """Whether pip installs a requirement carrying this marker because of the extras newly requested of its
    parent, or of the parent itself (``base``).

    An unreadable marker counts as holding: the closure then claims too much rather than too little, and the
    worst outcome is an import reported as transitive rather than missing.
    """
    marker = _marker(marker_text) if marker_text is not None else None
    if marker is None:
        return base
    wanted = ([""] if base else []) + list(extras)
    return any(marker.evaluate({**environment, "extra": extra}) for environment in environments for extra in wanted)
