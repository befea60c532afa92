"""The app's Python modules as Connect's import system would find them: only bundled files count.

Connect runs the app with its directory on ``sys.path``; a module ``a.b`` is found the way
Python's path finder finds it there (regular package, then module file, then namespace package).
Modules are parsed on demand and cached; nothing is imported.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from manifest_guard.readers.bindings import ModuleFacts, module_facts
from manifest_guard.readers.pysource import SyntaxProblem, Unjudged, parse_source

_COMPILED_SUFFIXES = (".so", ".pyd")


@dataclass(frozen=True)
class FoundModule:
    """Where ``import <name>`` would load code from, relative to the app directory."""

    name: str
    path: str | None  # the source file; None for a namespace package or a compiled module
    is_package: bool
    parents: tuple[str, ...]  # __init__.py files of the enclosing packages, which run first

    @property
    def package(self) -> str:
        """The package relative imports in this module start from."""
        return self.name if self.is_package else self.name.rpartition(".")[0]


def is_dotted_name(text: str) -> bool:
    """``a.b.c`` where every part is a Python identifier."""
    return bool(text) and all(part.isidentifier() for part in text.split("."))


class AppModules:
    """Module lookup and parsing over one app's bundled files."""

    def __init__(self, files: Iterable[str], read: Callable[[str], bytes], python_version: object) -> None:
        self.files = set(files)
        self.directories = {
            path.rsplit("/", depth)[0] for path in self.files for depth in range(1, path.count("/") + 1)
        }
        self._read = read
        self._python_version = python_version
        self._sources: dict[str, bytes] = {}
        self._parsed: dict[str, ast.Module | SyntaxProblem | Unjudged] = {}
        self._facts: dict[str, ModuleFacts | None] = {}

    def _compiled(self, base: str) -> bool:
        directory, _, stem = base.rpartition("/")
        prefix = f"{directory}/{stem}." if directory else f"{stem}."
        return f"{base}.pyc" in self.files or any(
            path.startswith(prefix) and path.endswith(_COMPILED_SUFFIXES) and "/" not in path[len(prefix) :]
            for path in self.files
        )

    def find(self, name: str) -> FoundModule | None:
        """The module ``import name`` would load from the bundle, or None."""
        if not is_dotted_name(name):
            return None
        parts = name.split(".")
        directory = ""
        parents: list[str] = []
        for index, part in enumerate(parts):
            last = index == len(parts) - 1
            base = f"{directory}/{part}" if directory else part
            init = f"{base}/__init__.py"
            if init in self.files:
                if last:
                    return FoundModule(name, init, True, tuple(parents))
                parents.append(init)
            elif f"{base}.py" in self.files or self._compiled(base):
                if not last:
                    return None  # a module cannot hold submodules
                source = f"{base}.py" if f"{base}.py" in self.files else None
                return FoundModule(name, source, False, tuple(parents))
            elif base in self.directories:
                if last:
                    return FoundModule(name, None, True, tuple(parents))
            else:
                return None
            directory = base
        return None  # unreachable: the loop returns on its last part

    def absolute(self, current: FoundModule, module: str, level: int) -> str | None:
        """The dotted name of ``from <level dots><module> import ...`` written in ``current``."""
        if not level:
            return module
        package = current.package.split(".") if current.package else []
        if level - 1 > len(package):
            return None
        base = package[: len(package) - (level - 1)]
        return ".".join([*base, *([module] if module else [])]) or None

    def source(self, path: str) -> bytes:
        """The file's bytes, read once."""
        if path not in self._sources:
            self._sources[path] = self._read(path)
        return self._sources[path]

    def parse(self, path: str) -> ast.Module | SyntaxProblem | Unjudged:
        if path not in self._parsed:
            self._parsed[path] = parse_source(self.source(path), self._python_version)
        return self._parsed[path]

    def facts(self, path: str) -> ModuleFacts | None:
        """What the file binds, or None when it does not parse (or was not judged)."""
        if path not in self._facts:
            parsed = self.parse(path)
            try:
                self._facts[path] = module_facts(parsed) if isinstance(parsed, ast.Module) else None
            except RecursionError:
                self._facts[path] = None
        return self._facts[path]
