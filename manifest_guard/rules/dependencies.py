"""MG301-MG307: can Connect install what the app imports from the package file it is given?

Read statically in whatever environment the hook runs in: the app's packages are never needed.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from manifest_guard.catalogue.appmodes import appmode_of
from manifest_guard.catalogue.codes import Severity
from manifest_guard.catalogue.findings import Finding
from manifest_guard.engine.edits import Proposal
from manifest_guard.readers.appmodules import AppModules
from manifest_guard.readers.dependency_closure import Closure, Root, close
from manifest_guard.readers.dev_files import DEFAULT_DEV_FILES, DevFiles
from manifest_guard.readers.distributions import (
    FRAMEWORKS,
    PLATFORM_PROVIDED,
    RUNTIME_ONLY,
    UNDOCUMENTED_RUNTIME,
    covers,
    judged_name,
    provided_imports,
    removed_from_stdlib,
    stdlib_modules,
    suggest_distributions,
)
from manifest_guard.readers.entrypoint_forms import CHECKED_MODES
from manifest_guard.readers.imports import ImportUse, notebook_imports, python_imports
from manifest_guard.readers.pysource import target_minor
from manifest_guard.readers.requirements import Requirement, RequirementsFile, read_requirements, redact
from manifest_guard.repository.trees import join
from manifest_guard.rules.freshness import AppState, package_file_of, python_version_of
from manifest_guard.rules.uncommitted_modules import uncommitted_message, uncommitted_module_file

REQUIREMENTS_SUFFIXES = (".txt", ".in")
TEST_DIRECTORIES = ("tests", "test", "testing")


@dataclass
class _App:
    state: AppState
    bundle: frozenset[str]
    package: str
    proposals: list[Proposal]
    modules: AppModules  # shared with the entrypoint rule: each file is parsed once

    def shown(self, path: str) -> str:
        return self.state.display(join(self.state.app, path))

    def report(self, code: str, path: str, line: int, message: str, subject: str, severity: Severity) -> None:
        manifest = self.state.display(self.state.manifest)
        self.proposals.append(Proposal(Finding(code, manifest, self.shown(path), line, message, severity,
                                               subject=subject)))  # fmt: skip

    def read(self, path: str) -> bytes | None:
        return self.state.read(path) if path in self.bundle else None

    def size(self, path: str) -> int | None:
        return self.state.tree.size(join(self.state.app, path)) if path in self.bundle else None


class _Installed:
    """What pip installs for the app beyond its declared distributions, and what Connect itself provides;
    followed through the requirements table only when a rule first needs it (most apps never do)."""

    def __init__(self, declared: list[Requirement], appmode: str, python_version: object,
                 dependency_map: Mapping[str, Iterable[str]]) -> None:  # fmt: skip
        self.roots = [Root(r.key, r.extras, r.marker, r.specifier) for r in declared if r.key and not r.local]
        self.appmode = appmode
        self.python_version = python_version if isinstance(python_version, str) else None
        self.dependency_map = dependency_map
        self._imports: dict[str, frozenset[str]] = {}

    @functools.cached_property
    def declared(self) -> Closure:
        return close(self.roots, self.python_version)

    @functools.cached_property
    def platform(self) -> Closure:
        return close([Root(name) for name in PLATFORM_PROVIDED.get(self.appmode, ())], self.python_version)

    def provides(self, distribution: str, module: str) -> bool:
        if distribution not in self._imports:
            self._imports[distribution] = provided_imports(distribution, self.dependency_map)
        return covers(self._imports[distribution], module)

    def chain_to(self, module: str) -> tuple[str, ...] | None:
        """The shortest chain from a declared distribution to one that provides ``module``, if any."""
        chains = [chain for name, chain in self.declared.brought(root.key for root in self.roots).items()
                  if self.provides(name, module)]  # fmt: skip
        return min(chains, key=lambda chain: (len(chain), chain)) if chains else None

    def from_platform(self, module: str) -> bool:
        """Whether what Connect installs to run this appmode (the Jupyter kernel for notebooks) provides it."""
        return any(self.provides(name, module) for name in self.platform.chains)


def check_dependencies(state: AppState, modules: AppModules) -> list[Proposal]:
    """MG301-MG307 for the manifest's package file and the app's imports."""
    package = package_file_of(state.document)
    appmode = appmode_of(state.document)
    if package is None:
        return []
    app = _App(state, frozenset(modules.files), package, [], modules)
    if package not in app.bundle:
        manifest = state.display(state.manifest)
        line = state.loaded.line_of(("python", "package_manager", "package_file"))
        message = (f"{app.shown(package)}: the package file is not in the bundle; Connect installs the app's "
                   "packages from it: commit the package file (fix does not remove it)")  # fmt: skip
        return [Proposal(Finding("MG301", manifest, manifest, line, message, subject=package))]
    if not package.endswith(REQUIREMENTS_SUFFIXES) or appmode not in CHECKED_MODES:
        return []  # pyproject.toml, uv.lock, environment.yml: not a pip requirements file
    requirements = read_requirements(app.read, package, size=app.size)
    if requirements is None:
        return []
    for problem in requirements.problems:
        app.report("MG302", problem.path, problem.line, problem.message, f"{problem.path}:{problem.line}",
                   Severity.ERROR)  # fmt: skip
    for requirement in requirements.declared:
        if requirement.local:
            written = redact(f"-e {requirement.text}" if requirement.editable else requirement.text)
            message = (f"{written!r} is a local path or file: URL; Connect builds the app on the server and cannot "
                       "install it")  # fmt: skip
            app.report("MG303", requirement.path, requirement.line, message, redact(requirement.text), Severity.ERROR)
    if requirements.too_big:
        return app.proposals  # MG302 says so; what it declares is unknown, so nothing is missing or unused
    if requirements.unresolved:
        state.warn(f"{app.shown(package)}: includes {redact(requirements.unresolved[0])}, which is not read; "
                   "MG304-MG307 skipped for this app")  # fmt: skip
        return app.proposals
    installed = _Installed(requirements.declared, appmode, python_version_of(state.document), state.dependency_map)
    _framework(app, appmode, requirements, installed)
    _coverage(app, requirements, installed)
    return app.proposals


def _framework(app: _App, appmode: str, requirements: RequirementsFile, installed: _Installed) -> None:
    """MG306, satisfied by a declared distribution or by one a declared distribution requires (a wrapper
    such as fastapitableau requires fastapi)."""
    wanted = FRAMEWORKS.get(appmode)
    declared = {requirement.key for requirement in requirements.declared}
    if not wanted or declared & wanted or wanted & set(installed.declared.chains):
        return
    listed = sorted(wanted)
    names = " or ".join(listed) if len(listed) <= 4 else f"a web framework ({', '.join(listed[:4])}, ...)"
    message = (f"{app.shown(app.package)}: {appmode} needs {names}, and neither {app.package} nor what its "
               f"distributions require provides it; {_consequence(appmode, installed.declared)}")  # fmt: skip
    app.report("MG306", app.package, 1, message, appmode, Severity.WARNING)


def _consequence(appmode: str, closure: Closure) -> str:
    """What happens on Connect, claimed as certain only where it is (see the README's Dependencies section)."""
    if appmode in UNDOCUMENTED_RUNTIME:
        return (f"Connect does not document installing {UNDOCUMENTED_RUNTIME[appmode]} itself, so the content may "
                f"not start: declare {UNDOCUMENTED_RUNTIME[appmode]}")  # fmt: skip
    if closure.unknown:
        unknown = sorted(closure.unknown)
        named = ", ".join(unknown[:3]) + (f" and {len(unknown) - 3} more" if len(unknown) > 3 else "")
        return (f"unless {named} (whose requirements manifest-guard does not know) brings it, the app will not "
                "start on Connect")  # fmt: skip
    return "the app will not start on Connect"


def _is_test_file(path: str) -> bool:
    parts = path.split("/")
    name = parts[-1]
    return any(part in TEST_DIRECTORIES for part in parts[:-1]) or name.startswith("test_") or name == "conftest.py" \
        or name.endswith("_test.py")


CODE_SUFFIXES = (".py", ".ipynb")


def _file_imports(app: _App, path: str) -> list[ImportUse]:
    if path.endswith(".py"):
        parsed = app.modules.parse(path)
        return python_imports(parsed, app.modules.source(path), path) if isinstance(parsed, ast.Module) else []
    return notebook_imports(app.read(path) or b"", path) if path.endswith(".ipynb") else []


def _imports(app: _App) -> list[ImportUse]:
    """Imports of the app's code: not tests, and not development files unless the app imports them."""
    patterns = app.state.dev_files
    dev = DevFiles(DEFAULT_DEV_FILES if patterns is None else patterns)
    found: list[ImportUse] = []
    development: list[str] = []
    for path in sorted(app.bundle):
        if not path.endswith(CODE_SUFFIXES) or _is_test_file(path):
            continue  # only code has imports: a 10,000-file data app is not matched file by file
        if dev.matches(path):
            development.append(path)
            continue
        found.extend(_file_imports(app, path))
    imported = {use.module for use in found}
    for path in development:
        if dev.imported_by_app(path, imported):
            found.extend(_file_imports(app, path))
    return found


def _local_names(app: _App) -> tuple[set[str], dict[str, set[str]]]:
    """Top-level names the app's own code provides, and the names beside each directory's files."""
    beside: dict[str, set[str]] = {}
    for path in app.bundle:
        directory, _, name = path.rpartition("/")
        names = beside.setdefault(directory, set())
        names.add(name.split(".")[0])
        while directory:
            parent, _, child = directory.rpartition("/")
            beside.setdefault(parent, set()).add(child)
            directory = parent
    root = set(beside.get("", set())) | set(app.state.known_first_party)
    return root, beside


def _coverage(app: _App, requirements: RequirementsFile, installed: _Installed) -> None:
    minor = target_minor(python_version_of(app.state.document))
    stdlib = stdlib_modules(minor) | {"__future__", "__main__"}
    root, beside = _local_names(app)
    provided = {requirement.key: provided_imports(requirement.key, app.state.dependency_map)
                for requirement in requirements.declared if requirement.key}  # fmt: skip
    uses = _imports(app)
    reported: set[str] = set()
    for use in uses:
        top = use.top
        local = root | beside.get(use.path.rpartition("/")[0], set())
        if top in stdlib or top in local or use.optional:
            continue
        if any(covers(names, use.module) for names in provided.values()) or installed.from_platform(use.module):
            continue
        subject = judged_name(use.module)
        if subject in reported:
            continue
        chain = installed.chain_to(use.module)
        if use.silenced("MG304" if chain is None else "MG307"):
            continue
        reported.add(subject)
        if chain is not None:
            app.report("MG307", use.path, use.line, _transitive_message(app, subject, chain), subject, Severity.WARNING)
            continue
        uncommitted = uncommitted_module_file(app.state, use)
        if uncommitted is not None:
            message = uncommitted_message(app.state, use, uncommitted)
            app.report("MG308", use.path, use.line, message, use.top, Severity.ERROR)
            continue
        app.report("MG304", use.path, use.line, _missing_message(app, use, subject, minor), subject, Severity.WARNING)
    if requirements.frozen:
        return  # a lock file lists every transitive dependency: "unused" would be noise
    for requirement in requirements.declared:
        key = requirement.key
        if key is None or key in RUNTIME_ONLY or requirement.local:
            continue
        if any(covers(provided[key], use.module) for use in uses if not use.silenced("MG305")):
            continue
        message = (f"{requirement.name} is declared but nothing in the app imports it (and it is not a known "
                   "run-time-only package)")  # fmt: skip
        app.report("MG305", requirement.path, requirement.line, message, key, Severity.WARNING)


def _transitive_message(app: _App, subject: str, chain: tuple[str, ...]) -> str:
    route = f"{chain[0]}, which requires {chain[1]}" if len(chain) == 2 else f"{chain[0]} ({' -> '.join(chain)})"
    return (f"`{subject}` is imported and comes through {route}, but {app.package} does not declare it; declare "
            f"{chain[-1]} so that a release of {chain[0]} that drops it cannot break the app")  # fmt: skip


def _missing_message(app: _App, use: ImportUse, subject: str, minor: int | None) -> str:
    message = f"`{subject}` is imported, but no distribution in {app.package} provides it"
    removed = removed_from_stdlib(use.top, minor)
    if removed is not None:
        message += f" ({use.top} left the standard library in Python {removed})"
    candidates = suggest_distributions(subject)
    if candidates:
        message += f"; declare {' or '.join(candidates[:3])}"
    else:
        message += f"; declare the distribution that provides it (often named {subject.replace('.', '-')!r})"
    return message
