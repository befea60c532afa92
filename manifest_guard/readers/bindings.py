"""The names a module binds at import time, read from its AST.

Connect imports the entrypoint module and looks an attribute up on it; this module answers
"would that attribute exist?" and "what expression produced it?" without running anything.
Module level means the module body and every compound statement that runs with it (``if``,
``try``, ``with``, ``for``, ``while``, ``match``), never function or class bodies, and never the
body of ``if __name__ == "__main__":`` (which does not run on import).
"""

from __future__ import annotations

import ast
import enum
import functools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field


class BindingKind(enum.Enum):
    VALUE = "value"  # name = <expression>
    CONTEXT = "context"  # with <expression> as name
    FUNCTION = "function"  # def / async def
    CLASS = "class"
    IMPORT = "import"  # import a.b as name / from m import x as name
    OTHER = "other"  # for-loop target, except-as, walrus, unpacking, global: bound, value unknown


@dataclass(frozen=True)
class Binding:
    name: str
    kind: BindingKind
    line: int
    node: ast.AST | None = None  # the value / context expression, or the def / class statement
    module: str = ""  # IMPORT: the module imported from ("" for ``from . import x``)
    level: int = 0  # IMPORT: leading dots of a relative import
    attribute: str = ""  # IMPORT: the name taken from the module ("" for ``import a.b as name``)


@dataclass(frozen=True)
class StarImport:
    module: str
    level: int
    line: int


@dataclass
class ModuleFacts:
    """What a module binds on import and what it imports."""

    bindings: dict[str, list[Binding]] = field(default_factory=dict)
    star_imports: list[StarImport] = field(default_factory=list)
    dynamic: bool = False  # module __getattr__, globals()/vars() writes, exec: any name may exist
    main_only: dict[str, int] = field(default_factory=dict)  # names bound only under __main__
    imported_roots: set[str] = field(default_factory=set)  # top-level packages imported anywhere
    dunder_all: tuple[str, ...] | None = None

    def first(self, name: str) -> Binding | None:
        found = self.bindings.get(name)
        return found[0] if found else None

    @functools.cached_property
    def aliases(self) -> dict[str, str]:
        """Local name -> dotted name for absolute imports bound at module level (``gr`` -> ``gradio``)."""
        return import_aliases(binding for bindings in self.bindings.values() for binding in bindings)


_DYNAMIC_CALLS = {"globals", "exec"}  # and vars() without arguments: the module namespace itself


def import_aliases(bindings: Iterable[Binding]) -> dict[str, str]:
    """Dotted names of absolute imports; a name imported twice from different places is left out."""
    aliases: dict[str, str] = {}
    conflicting: set[str] = set()
    for binding in bindings:
        if binding.kind is not BindingKind.IMPORT or binding.level:
            continue
        dotted = f"{binding.module}.{binding.attribute}" if binding.attribute else binding.module
        if aliases.setdefault(binding.name, dotted) != dotted:
            conflicting.add(binding.name)
    for name in conflicting:
        del aliases[name]
    return aliases


def _is_main_guard(test: ast.expr) -> bool:
    if not isinstance(test, ast.Compare) or len(test.ops) != 1 or not isinstance(test.ops[0], ast.Eq):
        return False
    sides = [test.left, test.comparators[0]]
    names = [side for side in sides if isinstance(side, ast.Name) and side.id == "__name__"]
    strings = [side for side in sides if isinstance(side, ast.Constant) and side.value == "__main__"]
    return len(names) == 1 and len(strings) == 1


def _target_names(target: ast.expr) -> Iterator[ast.Name]:
    if isinstance(target, ast.Name):
        yield target
    elif isinstance(target, (ast.Tuple, ast.List)):
        for element in target.elts:
            yield from _target_names(element)
    elif isinstance(target, ast.Starred):
        yield from _target_names(target.value)


def _pattern_names(pattern: ast.AST) -> Iterator[str]:
    for node in ast.walk(pattern):
        name = getattr(node, "name", None)
        if isinstance(node, (ast.MatchAs, ast.MatchStar)) and isinstance(name, str):
            yield name
        if isinstance(node, ast.MatchMapping) and node.rest:
            yield node.rest


def scope_nodes(node: ast.AST) -> Iterator[ast.AST]:
    """``node`` and every node below it in the same scope (not inside def, lambda or class bodies)."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        for child in ast.iter_child_nodes(current):
            if not isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
                stack.append(child)


class _Collector:
    def __init__(self) -> None:
        self.facts = ModuleFacts()

    def bind(self, binding: Binding, main_only: bool) -> None:
        if main_only:
            self.facts.main_only.setdefault(binding.name, binding.line)
        else:
            self.facts.bindings.setdefault(binding.name, []).append(binding)

    def bind_target(self, target: ast.expr, value: ast.expr | None, kind: BindingKind, main_only: bool) -> None:
        if isinstance(target, ast.Name):
            known = value is not None
            self.bind(Binding(target.id, kind if known else BindingKind.OTHER, target.lineno, value), main_only)
            return
        if isinstance(target, (ast.Tuple, ast.List)):
            values = value.elts if isinstance(value, (ast.Tuple, ast.List)) else None
            starred = any(isinstance(node, ast.Starred) for node in [*target.elts, *(values or [])])
            if values is not None and len(values) == len(target.elts) and not starred:
                for element, element_value in zip(target.elts, values):
                    self.bind_target(element, element_value, kind, main_only)
                return
        for name in _target_names(target):
            self.bind(Binding(name.id, BindingKind.OTHER, name.lineno), main_only)

    def imports(self, statement: ast.Import | ast.ImportFrom, main_only: bool) -> None:
        if isinstance(statement, ast.Import):
            for alias in statement.names:
                if alias.asname:
                    binding = Binding(alias.asname, BindingKind.IMPORT, statement.lineno, module=alias.name)
                else:
                    root = alias.name.partition(".")[0]
                    binding = Binding(root, BindingKind.IMPORT, statement.lineno, module=root)
                self.bind(binding, main_only)
            return
        module = statement.module or ""
        for alias in statement.names:
            if alias.name == "*":
                self.facts.star_imports.append(StarImport(module, statement.level, statement.lineno))
                continue
            binding = Binding(alias.asname or alias.name, BindingKind.IMPORT, statement.lineno,
                              module=module, level=statement.level, attribute=alias.name)  # fmt: skip
            self.bind(binding, main_only)

    def statements(self, body: Iterable[ast.stmt], main_only: bool) -> None:
        for statement in body:
            self.statement(statement, main_only)

    def statement(self, statement: ast.stmt, main_only: bool) -> None:
        if isinstance(statement, ast.Assign):
            for target in statement.targets:
                self.bind_target(target, statement.value, BindingKind.VALUE, main_only)
        elif isinstance(statement, ast.AnnAssign):
            if statement.value is not None:  # a bare annotation binds nothing
                self.bind_target(statement.target, statement.value, BindingKind.VALUE, main_only)
        elif isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
            self.bind(Binding(statement.name, BindingKind.FUNCTION, statement.lineno, statement), main_only)
            if statement.name == "__getattr__" and not main_only:
                self.facts.dynamic = True
        elif isinstance(statement, ast.ClassDef):
            self.bind(Binding(statement.name, BindingKind.CLASS, statement.lineno, statement), main_only)
        elif isinstance(statement, (ast.Import, ast.ImportFrom)):
            self.imports(statement, main_only)
        elif isinstance(statement, (ast.With, ast.AsyncWith)):
            for item in statement.items:
                if item.optional_vars is not None:
                    self.bind_target(item.optional_vars, item.context_expr, BindingKind.CONTEXT, main_only)
            self.statements(statement.body, main_only)
        elif isinstance(statement, ast.If):
            self.statements(statement.body, main_only or _is_main_guard(statement.test))
            self.statements(statement.orelse, main_only)
        elif isinstance(statement, (ast.For, ast.AsyncFor)):
            self.bind_target(statement.target, None, BindingKind.OTHER, main_only)
            self.statements(statement.body, main_only)
            self.statements(statement.orelse, main_only)
        elif isinstance(statement, ast.While):
            self.statements(statement.body, main_only)
            self.statements(statement.orelse, main_only)
        elif isinstance(statement, ast.Try) or type(statement).__name__ == "TryStar":
            self.statements(getattr(statement, "body", []), main_only)
            for handler in getattr(statement, "handlers", []):
                if handler.name:
                    self.bind(Binding(handler.name, BindingKind.OTHER, handler.lineno), main_only)
                self.statements(handler.body, main_only)
            self.statements(getattr(statement, "orelse", []), main_only)
            self.statements(getattr(statement, "finalbody", []), main_only)
        elif type(statement).__name__ == "Match":  # Python 3.10+
            for case in getattr(statement, "cases", []):
                for name in _pattern_names(case.pattern):
                    self.bind(Binding(name, BindingKind.OTHER, case.pattern.lineno), main_only)
                self.statements(case.body, main_only)

    def walrus_and_dynamic(self, module: ast.Module) -> None:
        for node in scope_nodes(module):
            if isinstance(node, ast.NamedExpr) and isinstance(node.target, ast.Name):
                self.bind(Binding(node.target.id, BindingKind.OTHER, node.lineno), False)
        for node in ast.walk(module):
            if _touches_namespace(node):
                self.facts.dynamic = True
            elif isinstance(node, ast.Global):
                for name in node.names:
                    self.bind(Binding(name, BindingKind.OTHER, node.lineno), False)
            elif isinstance(node, ast.Import):
                self.facts.imported_roots.update(alias.name.partition(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                self.facts.imported_roots.add(node.module.partition(".")[0])

    def dunder_all(self) -> None:
        bindings = self.facts.bindings.get("__all__", [])
        if len(bindings) != 1 or not isinstance(bindings[0].node, (ast.List, ast.Tuple)):
            return
        elements = bindings[0].node.elts
        names = [item.value for item in elements if isinstance(item, ast.Constant) and isinstance(item.value, str)]
        if len(names) == len(elements):
            self.facts.dunder_all = tuple(names)


def _touches_namespace(node: ast.AST) -> bool:
    """``globals()``, ``vars()``, ``exec(...)`` or ``sys.modules``: names may appear that no statement binds."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        return node.func.id in _DYNAMIC_CALLS or (node.func.id == "vars" and not node.args)
    return isinstance(node, ast.Attribute) and node.attr == "modules" and _is_name(node.value, "sys")


def _is_name(node: ast.AST, name: str) -> bool:
    return isinstance(node, ast.Name) and node.id == name


def module_facts(module: ast.Module) -> ModuleFacts:
    """The bindings and imports of a parsed module."""
    collector = _Collector()
    collector.statements(module.body, False)
    collector.walrus_and_dynamic(module)
    collector.dunder_all()
    for name in collector.facts.bindings:
        collector.facts.main_only.pop(name, None)
    return collector.facts


def block_facts(body: Iterable[ast.stmt]) -> ModuleFacts:
    """The names a block of statements binds in its own scope (a function body, for factories)."""
    collector = _Collector()
    collector.statements(body, False)
    return collector.facts
