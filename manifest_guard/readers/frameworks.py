"""Which web framework built an app object, judged from the code that constructs it.

The classifier follows names, imports inside the bundle, factories and subclasses, and answers
only when every path agrees on a known constructor; anything else (a middleware wrapper, a call
it cannot see into) is "unknown", so a framework mismatch is reported only when certain.
"""

from __future__ import annotations

import ast
import dataclasses
import enum
from collections.abc import Sequence
from dataclasses import dataclass, field

from manifest_guard.readers.appmodules import AppModules, FoundModule
from manifest_guard.readers.bindings import Binding, BindingKind, ModuleFacts, block_facts, import_aliases, scope_nodes

MAX_DEPTH = 16


class Protocol(enum.Enum):
    """How Connect must serve the object, which decides the appmodes that can run it."""

    WSGI = "a WSGI application"
    ASGI = "an ASGI application"
    DASH = "a Dash app"
    SHINY = "a Shiny app"
    GRADIO = "a Gradio app"
    COMPONENT = "a component, not an application"


_W, _A, _D, _S = Protocol.WSGI, Protocol.ASGI, Protocol.DASH, Protocol.SHINY
_G, _C = Protocol.GRADIO, Protocol.COMPONENT
CONSTRUCTORS: dict[str, tuple[str, Protocol]] = {
    "flask.Flask": ("Flask", _W),
    "flask.Blueprint": ("Flask Blueprint", _C),
    "bottle.Bottle": ("Bottle", _W),
    "bottle.default_app": ("Bottle", _W),
    "falcon.App": ("Falcon", _W),
    "falcon.API": ("Falcon", _W),
    "django.core.wsgi.get_wsgi_application": ("Django", _W),
    "fastapi.FastAPI": ("FastAPI", _A),
    "fastapi.APIRouter": ("FastAPI APIRouter", _C),
    "starlette.applications.Starlette": ("Starlette", _A),
    "quart.Quart": ("Quart", _A),
    "quart.Blueprint": ("Quart Blueprint", _C),
    "sanic.Sanic": ("Sanic", _A),
    "litestar.Litestar": ("Litestar", _A),
    "falcon.asgi.App": ("Falcon ASGI", _A),
    "django.core.asgi.get_asgi_application": ("Django", _A),
    "dash.Dash": ("Dash", _D),
    "jupyter_dash.JupyterDash": ("Dash", _D),
    "shiny.App": ("Shiny", _S),
    "gradio.Blocks": ("Gradio", _G),
    "gradio.Interface": ("Gradio", _G),
    "gradio.ChatInterface": ("Gradio", _G),
    "gradio.TabbedInterface": ("Gradio", _G),
}  # fmt: skip


def _by_root_and_name() -> dict[tuple[str, str], str]:
    """``flask.app.Flask`` is ``flask.Flask``: constructors by package and final name, when unambiguous."""
    seen: dict[tuple[str, str], list[str]] = {}
    for dotted in CONSTRUCTORS:
        seen.setdefault((dotted.partition(".")[0], dotted.rpartition(".")[2]), []).append(dotted)
    return {key: names[0] for key, names in seen.items() if len(names) == 1}


_FALLBACK = _by_root_and_name()


def known_constructor(dotted: str) -> str | None:
    """The table's name for a dotted callable, or None when it is not a known constructor."""
    if dotted in CONSTRUCTORS:
        return dotted
    return _FALLBACK.get((dotted.partition(".")[0], dotted.rpartition(".")[2]))


@dataclass(frozen=True)
class AppKind:
    """A classified object: its framework, how it must be served, and the code that built it."""

    framework: str
    protocol: Protocol
    path: str  # app-relative file
    line: int

    def same(self, other: AppKind) -> bool:
        return (self.framework, self.protocol) == (other.framework, other.protocol)


@dataclass
class _Scope:
    module: FoundModule
    facts: ModuleFacts
    aliases: dict[str, str]
    local: ModuleFacts | None = None  # a factory's own bindings, looked up before the module's
    seen: set[tuple[str, str]] = field(default_factory=set)


def dotted_name(expression: ast.expr, aliases: dict[str, str]) -> str | None:
    """``gr.Blocks`` -> ``gradio.Blocks`` through the import aliases; None for anything else."""
    parts: list[str] = []
    while isinstance(expression, ast.Attribute):
        parts.append(expression.attr)
        expression = expression.value
    if not isinstance(expression, ast.Name) or expression.id not in aliases:
        return None
    return ".".join([aliases[expression.id], *reversed(parts)])


class Classifier:
    """Classifies objects of one app's modules (parsed through :class:`AppModules`)."""

    def __init__(self, modules: AppModules) -> None:
        self.modules = modules

    def scope(self, module: FoundModule) -> _Scope | None:
        facts = self.modules.facts(module.path) if module.path else None
        return _Scope(module, facts, facts.aliases) if facts is not None else None

    def object_kind(self, module: FoundModule, object_path: Sequence[str]) -> AppKind | None:
        """The kind of ``module:a.b`` (``app:app.server`` is the Dash app's Flask server)."""
        scope = self.scope(module)
        if scope is None or not object_path:
            return None
        kind = self._name(scope, object_path[0], 0)
        for attribute in object_path[1:]:
            kind = _attribute(kind, attribute)
        return kind

    def bound_apps(self, module: FoundModule) -> list[tuple[str, AppKind]]:
        """Every top-level name bound to a recognised application (not a component), in line order."""
        scope = self.scope(module)
        if scope is None:
            return []
        found = []
        for name in scope.facts.bindings:
            kind = self._name(dataclasses.replace(scope, seen=set()), name, 0)
            if kind is not None and kind.protocol is not Protocol.COMPONENT:
                found.append((name, kind))
        return sorted(found, key=lambda item: item[1].line)

    # --- names and bindings ---------------------------------------------------------------------

    def _name(self, scope: _Scope, name: str, depth: int) -> AppKind | None:
        if depth > MAX_DEPTH or not scope.module.path:
            return None
        bindings = scope.local.bindings.get(name) if scope.local is not None else None
        if not bindings:
            key = (scope.module.path, name)
            if key in scope.seen:
                return None
            scope.seen.add(key)
            bindings = scope.facts.bindings.get(name)
            scope = _Scope(scope.module, scope.facts, scope.facts.aliases, seen=scope.seen)
        if not bindings:
            return None
        kinds = [self._binding(scope, binding, depth + 1) for binding in bindings]
        first = kinds[0]
        if first is None or any(kind is None or not kind.same(first) for kind in kinds[1:]):
            return None
        return first

    def _binding(self, scope: _Scope, binding: Binding, depth: int) -> AppKind | None:
        if binding.kind in (BindingKind.VALUE, BindingKind.CONTEXT) and isinstance(binding.node, ast.expr):
            return self._expression(scope, binding.node, depth)
        if binding.kind is BindingKind.FUNCTION and isinstance(binding.node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return self._factory(scope, binding.node, depth)
        if binding.kind is BindingKind.IMPORT and binding.attribute:
            target = self._imported_module(scope, binding)
            inner = self.scope(target) if target is not None else None
            if inner is None:
                return None
            inner.seen = scope.seen
            return self._name(inner, binding.attribute, depth)
        return None

    def _imported_module(self, scope: _Scope, binding: Binding) -> FoundModule | None:
        absolute = self.modules.absolute(scope.module, binding.module, binding.level)
        return self.modules.find(absolute) if absolute else None

    # --- expressions ----------------------------------------------------------------------------

    def _expression(self, scope: _Scope, expression: ast.expr, depth: int) -> AppKind | None:
        if depth > MAX_DEPTH:
            return None
        if isinstance(expression, ast.Name):
            return self._name(scope, expression.id, depth + 1)
        if isinstance(expression, ast.Attribute):
            return _attribute(self._expression(scope, expression.value, depth + 1), expression.attr)
        if isinstance(expression, ast.Call):
            return self._call(scope, expression, depth + 1)
        return None

    def _call(self, scope: _Scope, call: ast.Call, depth: int) -> AppKind | None:
        dotted = dotted_name(call.func, scope.aliases)
        constructor = known_constructor(dotted) if dotted else None
        if constructor is not None:
            framework, protocol = CONSTRUCTORS[constructor]
            return AppKind(framework, protocol, scope.module.path or "", call.lineno)
        if dotted is not None and dotted.partition(".")[0] == "gradio" and dotted.endswith(".mount_gradio_app"):
            mounted = call.args[0] if call.args else _keyword(call, "app")
            return self._expression(scope, mounted, depth + 1) if mounted is not None else None
        if isinstance(call.func, ast.Name):
            return self._called_name(scope, call.func.id, depth + 1)
        return None

    def _called_name(self, scope: _Scope, name: str, depth: int) -> AppKind | None:
        """What calling a name returns: a factory's result, or an instance of a (sub)class."""
        bindings = (scope.local.bindings.get(name) if scope.local else None) or scope.facts.bindings.get(name)
        if not bindings or len(bindings) != 1 or depth > MAX_DEPTH:
            return None
        binding = bindings[0]
        if binding.kind is BindingKind.FUNCTION and isinstance(binding.node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return self._factory(scope, binding.node, depth + 1)
        if binding.kind is BindingKind.CLASS and isinstance(binding.node, ast.ClassDef):
            return self._subclass(scope, binding.node, depth + 1)
        if binding.kind is BindingKind.IMPORT and binding.attribute:
            target = self._imported_module(scope, binding)
            inner = self.scope(target) if target is not None else None
            return self._called_name(inner, binding.attribute, depth + 1) if inner is not None else None
        return None

    def _subclass(self, scope: _Scope, node: ast.ClassDef, depth: int) -> AppKind | None:
        kinds = []
        for base in node.bases:
            dotted = dotted_name(base, scope.aliases)
            constructor = known_constructor(dotted) if dotted else None
            if constructor is not None:
                framework, protocol = CONSTRUCTORS[constructor]
                kinds.append(AppKind(framework, protocol, scope.module.path or "", node.lineno))
            elif isinstance(base, ast.Name):
                inherited = self._called_name(scope, base.id, depth + 1)
                if inherited is not None:
                    kinds.append(inherited)
        return kinds[0] if len(kinds) == 1 else None

    def _factory(self, scope: _Scope, function: ast.FunctionDef | ast.AsyncFunctionDef, depth: int) -> AppKind | None:
        """The kind every ``return`` of a factory agrees on (Connect calls ``create_app``/``make_app``)."""
        if isinstance(function, ast.AsyncFunctionDef):
            return None  # calling it gives a coroutine, not an app
        local = block_facts(function.body)
        arguments = [*function.args.posonlyargs, *function.args.args, *function.args.kwonlyargs]
        for argument in arguments:
            parameter = Binding(argument.arg, BindingKind.OTHER, function.lineno)
            local.bindings.setdefault(argument.arg, []).append(parameter)
        aliases = {**scope.aliases, **import_aliases(b for bs in local.bindings.values() for b in bs)}
        inner = _Scope(scope.module, scope.facts, aliases, local, scope.seen)
        returns = [node for node in scope_nodes(function) if isinstance(node, ast.Return)]
        kinds = [self._expression(inner, node.value, depth + 1) if node.value is not None else None for node in returns]
        if not kinds or kinds[0] is None or any(kind is None or not kind.same(kinds[0]) for kind in kinds[1:]):
            return None
        return kinds[0]


def _keyword(call: ast.Call, name: str) -> ast.expr | None:
    return next((keyword.value for keyword in call.keywords if keyword.arg == name), None)


def _attribute(kind: AppKind | None, attribute: str) -> AppKind | None:
    """The one attribute whose kind is known: a Dash app's ``server`` is its Flask application."""
    if kind is not None and kind.protocol is Protocol.DASH and attribute == "server":
        return AppKind("Flask (a Dash app's server)", Protocol.WSGI, kind.path, kind.line)
    return None
