"""MG201-MG206: would Connect find and start the entrypoint? Answered from the bundle's source with
``ast``; the app is never imported or run.

The order follows what Connect does: parse the entrypoint, find the module or file in the bundle,
compile it (and its parent packages), look the object up, then serve it under the appmode.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from manifest_guard.catalogue.appmodes import appmode_of
from manifest_guard.catalogue.findings import Finding
from manifest_guard.engine.edits import Proposal, SetEntrypoint
from manifest_guard.engine.entrypoints import express_entrypoint, infer_module, is_express_source
from manifest_guard.readers.appmodules import AppModules, FoundModule
from manifest_guard.readers.bindings import Binding, BindingKind, ModuleFacts
from manifest_guard.readers.entrypoint_forms import (
    CHECKED_MODES,
    DEFAULT_OBJECTS,
    MODULE_MODES,
    SCRIPT_MODES,
    Malformed,
    Target,
    parse_entrypoint,
)
from manifest_guard.readers.frameworks import AppKind, Classifier, Protocol
from manifest_guard.readers.notebooks import notebook_problem
from manifest_guard.readers.pysource import SyntaxProblem, Unjudged
from manifest_guard.repository.trees import join
from manifest_guard.rules.freshness import AppState

# What each module appmode cannot serve, and the appmode that would (None: no appmode would).
REJECTED: dict[str, dict[Protocol, str | None]] = {
    "python-api": {Protocol.ASGI: "python-fastapi", Protocol.SHINY: "python-shiny", Protocol.DASH: "python-dash",
                   Protocol.GRADIO: "python-gradio", Protocol.COMPONENT: None},
    "python-fastapi": {Protocol.WSGI: "python-api", Protocol.DASH: "python-dash", Protocol.GRADIO: "python-gradio",
                       Protocol.COMPONENT: None},
    "python-dash": {Protocol.ASGI: "python-fastapi", Protocol.SHINY: "python-shiny", Protocol.GRADIO: "python-gradio",
                    Protocol.COMPONENT: None},
    "python-shiny": {Protocol.WSGI: "python-api", Protocol.DASH: "python-dash", Protocol.GRADIO: "python-gradio",
                     Protocol.COMPONENT: None},
    "python-gradio": {Protocol.WSGI: "python-api", Protocol.DASH: "python-dash", Protocol.SHINY: "python-shiny",
                      Protocol.COMPONENT: None},
}  # fmt: skip
SERVES = {
    "python-api": "serves WSGI applications",
    "python-fastapi": "serves ASGI applications",
    "python-dash": "expects a Dash app",
    "python-shiny": "expects a Shiny App",
    "python-gradio": "expects a Gradio app",
}
APPMODE_FOR = {
    Protocol.WSGI: "python-api",
    Protocol.ASGI: "python-fastapi",
    Protocol.DASH: "python-dash",
    Protocol.SHINY: "python-shiny",
    Protocol.GRADIO: "python-gradio",
}
# A script appmode's packages: a file importing none of them is not that kind of script.
SCRIPT_PACKAGES = {
    "python-streamlit": {"streamlit"},
    "python-bokeh": {"bokeh", "panel", "holoviews", "hvplot"},
    "python-panel": {"panel", "bokeh", "holoviews", "hvplot"},
    "python-gradio": {"gradio"},
}
ENTRYPOINT_PATH = ("metadata", "entrypoint")
SCHEMA_ENTRYPOINT_SUBJECT = "$.metadata.entrypoint"


def claims(finding: Finding, appmode: str | None) -> bool:
    """Whether a schema finding (MG002) is about the entrypoint of a mode MG201 covers: reported as MG201."""
    if finding.code != "MG002" or appmode not in CHECKED_MODES:
        return False
    return finding.subject == SCHEMA_ENTRYPOINT_SUBJECT or (
        finding.subject == "$.metadata" and "'entrypoint' is a required property" in finding.message
    )


@dataclass
class _Context:
    state: AppState
    appmode: str
    entrypoint: str
    modules: AppModules
    proposals: list[Proposal]

    @property
    def line(self) -> int:
        """The entrypoint's line, looked up only when a finding needs it (positions are computed lazily)."""
        return self.state.loaded.line_of(ENTRYPOINT_PATH)

    @property
    def manifest(self) -> str:
        return self.state.display(self.state.manifest)

    def shown(self, path: str) -> str:
        return self.state.display(join(self.state.app, path))

    def report(self, code: str, message: str, edit: SetEntrypoint | None = None) -> None:
        finding = Finding(code, self.manifest, self.manifest, self.line, message, subject="metadata.entrypoint")
        self.proposals.append(Proposal(finding, edit))

    def syntax(self, path: str, problem: SyntaxProblem) -> None:
        shown = self.shown(path)
        message = f"{problem.message}; Connect cannot import the entrypoint {self.entrypoint!r}"
        finding = Finding("MG203", self.manifest, shown, problem.line, message, column=problem.column, subject=path)
        self.proposals.append(Proposal(finding))


def check_entrypoint(state: AppState, modules: AppModules) -> list[Proposal]:
    """MG201-MG206 for the manifest's entrypoint, looked up among the app's bundled modules."""
    appmode = appmode_of(state.document)
    metadata = state.document.get("metadata")
    entrypoint = metadata.get("entrypoint") if isinstance(metadata, Mapping) else None
    if appmode not in CHECKED_MODES or not isinstance(entrypoint, str) or _schema_reports(appmode, entrypoint):
        return []  # the schema's finding on the entrypoint is reported as MG201 (see ``claims``)
    context = _Context(state, appmode, entrypoint, modules, [])
    try:
        target = parse_entrypoint(appmode, entrypoint)
    except Malformed as problem:
        context.report("MG201", f"entrypoint {entrypoint!r}: {problem}")
        return context.proposals
    try:
        if target.every_notebook or (target.file is not None and target.file.endswith(".ipynb")):
            _check_notebooks(context, target)
        elif target.express:
            _check_express_target(context, target)
        elif appmode in MODULE_MODES and not (appmode == "python-gradio" and not target.object_path):
            _check_module(context, target)
        else:
            _check_script(context, target)
    except RecursionError:  # pathological code: say nothing rather than guess
        pass
    return context.proposals


def _schema_reports(appmode: str, entrypoint: str) -> bool:
    """The entrypoint problems the schema already reports (missing, empty, not a notebook)."""
    if appmode == "jupyter-voila":
        return entrypoint != "" and not entrypoint.endswith(".ipynb")
    if appmode == "jupyter-static":
        return not entrypoint.endswith(".ipynb")
    return entrypoint == ""


# --- MG202: finding what the entrypoint names ---------------------------------------------------------


def _not_found(context: _Context, what: str, wanted: Sequence[str]) -> None:
    message = f"entrypoint {context.entrypoint!r}: {what} is not in the bundle"
    in_tree = [path for path in wanted if context.state.tree.is_file(join(context.state.app, path))]
    if in_tree:
        message += f" ({context.shown(in_tree[0])} is excluded from it)"
    else:
        lowered = {path.lower(): path for path in context.modules.files}
        near = next((lowered[path.lower()] for path in wanted if path.lower() in lowered), None)
        top_level = {path.split("/")[0] for path in context.modules.files}
        inferred = infer_module(top_level) if near is None and context.appmode in MODULE_MODES | SCRIPT_MODES else None
        scripts = sorted(name for name in top_level if name.endswith(".py"))
        if near is not None:
            message += f"; did you mean {near!r}? (names are case-sensitive on Connect)"
        elif inferred is not None:
            message += f"; the bundle has {inferred}.py"
        elif scripts and context.appmode in MODULE_MODES | SCRIPT_MODES:
            message += "; its top-level Python files: " + ", ".join(scripts[:5]) + (", ..." if len(scripts) > 5 else "")
    context.report("MG202", message)


def _module_files(module: str) -> list[str]:
    base = module.replace(".", "/")
    return [f"{base}.py", f"{base}/__init__.py"]


def _find_module(context: _Context, module: str) -> FoundModule | None:
    found = context.modules.find(module)
    if found is None:
        _not_found(context, f"module {module!r} ({' or '.join(_module_files(module))})", _module_files(module))
    return found


def _parse_chain(context: _Context, paths: Sequence[str]) -> bool:
    """MG203 for the first of ``paths`` that does not compile; False when the chain is not usable."""
    for path in paths:
        parsed = context.modules.parse(path)
        if isinstance(parsed, SyntaxProblem):
            context.syntax(path, parsed)
            return False
        if isinstance(parsed, Unjudged):
            context.state.warn(f"{context.shown(path)}: entrypoint checks skipped: {parsed.reason}")
            return False
    return True


# --- module appmodes: MG203, MG204, MG205, MG206 --------------------------------------------------------


def _check_module(context: _Context, target: Target) -> None:
    assert target.module is not None
    found = _find_module(context, target.module)
    if found is None or not _parse_chain(context, [*found.parents, *([found.path] if found.path else [])]):
        return
    if found.path is None:
        if found.is_package:
            context.report("MG204", f"entrypoint {context.entrypoint!r}: {target.module!r} is a namespace package "
                                    "(a directory without __init__.py), so it binds no application object")  # fmt: skip
        return  # a compiled module: nothing to read
    if context.appmode == "python-shiny" and _express_file(context, found.path):
        replacement = express_entrypoint(found.path)
        context.report("MG206", f"{context.shown(found.path)} is a Shiny Express app but the entrypoint "
                                f"{context.entrypoint!r} runs it as Shiny Core; Connect needs {replacement!r}",
                       SetEntrypoint(replacement))  # fmt: skip
        return
    facts = context.modules.facts(found.path)
    if facts is None:
        return
    name = _object_name(context, found, facts, target)
    if name is None:
        return
    kind = Classifier(context.modules).object_kind(found, [name, *target.object_path[1:]])
    if kind is not None:
        _framework_finding(context, ":".join([target.module, ".".join([name, *target.object_path[1:]])]), kind)


def _object_name(context: _Context, found: FoundModule, facts: ModuleFacts, target: Target) -> str | None:
    """The module-level name Connect will take, or None after reporting MG204 (or when it cannot be known)."""
    assert found.path is not None
    names = target.object_path[:1] or DEFAULT_OBJECTS
    problems = []
    for name in names:
        problem = _binding_problem(context, found, facts, name, set())
        if problem is None:
            return name
        if problem == "unknown":
            return None
        problems.append(problem)
    wanted = repr(names[0]) if target.object_path else "any of " + ", ".join(names)
    shown = context.shown(found.path)
    reason = problems[0] if target.object_path else ""
    where = f"; {reason}" if reason and reason != "not bound" else ""
    main_only = [name for name in names if name in facts.main_only]
    if main_only and not where:
        where = (f"; {main_only[0]!r} is only bound under `if __name__ == \"__main__\":` (line "
                 f"{facts.main_only[main_only[0]]}), which does not run when Connect imports the module")  # fmt: skip
    context.report("MG204", f"entrypoint {context.entrypoint!r}: {shown} does not bind {wanted} at module level{where}")
    return None


def _binding_problem(
    context: _Context, found: FoundModule, facts: ModuleFacts, name: str, seen: set[str]
) -> str | None:
    """None when ``name`` is bound, "unknown" when it may be (dynamic module, outside star import), else why not."""
    assert found.path is not None
    if found.path in seen:
        return "not bound"  # an import cycle back to a module still being imported: the name is not there yet
    seen = {*seen, found.path}
    bindings = facts.bindings.get(name, [])
    if bindings:
        problems = [
            _reexport_problem(context, found, binding.module, binding.level, binding.attribute, seen)
            if binding.kind is BindingKind.IMPORT and binding.attribute
            else None
            for binding in bindings
        ]
        if None in problems:
            return None
        return "unknown" if "unknown" in problems else problems[0]
    if facts.dynamic:
        return "unknown"
    for star in facts.star_imports:
        absolute = context.modules.absolute(found, star.module, star.level)
        source = context.modules.find(absolute) if absolute else None
        if source is None or source.path is None:
            return "unknown"  # from <outside the bundle> import *: anything may come in
        inner = context.modules.facts(source.path)
        if inner is None:
            return "unknown"
        if inner.dunder_all is not None and name not in inner.dunder_all:
            continue
        if name.startswith("_") and inner.dunder_all is None:
            continue
        if _binding_problem(context, source, inner, name, seen) in (None, "unknown"):
            return "unknown" if inner.dynamic else None
    return "not bound"


def _reexport_problem(context: _Context, found: FoundModule, module: str, level: int, name: str,
                      seen: set[str]) -> str | None:  # fmt: skip
    """Whether ``from <module> import <name>`` in ``found`` really yields ``name``."""
    absolute = context.modules.absolute(found, module, level)
    if absolute is None:
        return "unknown"
    source = context.modules.find(absolute)
    if source is None:
        if level or _in_bundle_root(context, absolute):
            return f"it is imported from {absolute!r}, which is not in the bundle"
        return None  # an installed package: assume it provides the name
    if source.path is None:
        if context.modules.find(f"{absolute}.{name}") is not None:
            return _submodule_problem(context, absolute, name)
        return f"the namespace package {absolute!r} has no {name!r}" if source.is_package else "unknown"
    inner = context.modules.facts(source.path)
    if inner is None:
        return "unknown"
    bindings = inner.bindings.get(name, [])
    own = [binding for binding in bindings if not _imports_itself(context, source, binding, absolute)]
    if source.is_package and not own and context.modules.find(f"{absolute}.{name}") is not None:
        return _submodule_problem(context, absolute, name)  # ``from pkg import x`` falls back to pkg/x.py
    problem = _binding_problem(context, source, inner, name, seen)
    if problem == "not bound":
        if source.is_package and context.modules.find(f"{absolute}.{name}") is not None:
            return _submodule_problem(context, absolute, name)
        return f"it is imported from {context.shown(source.path)}, which does not bind {name!r}"
    return problem


def _imports_itself(context: _Context, package: FoundModule, binding: Binding, absolute: str) -> bool:
    """``from . import x`` in a package's __init__.py: it binds the submodule x, not an object."""
    if binding.kind is not BindingKind.IMPORT or not binding.attribute:
        return False
    return context.modules.absolute(package, binding.module, binding.level) == absolute


def _submodule_problem(context: _Context, package: str, name: str) -> str:
    submodule = context.modules.find(f"{package}.{name}")
    path = submodule.path if submodule is not None and submodule.path else f"{package}.{name}"
    return f"{name!r} is the module {context.shown(path)}, not an object in it"


def _in_bundle_root(context: _Context, absolute: str) -> bool:
    """An absolute import whose top-level package is in the bundle resolves there, not in site-packages."""
    return context.modules.find(absolute.partition(".")[0]) is not None


def _framework_finding(context: _Context, named: str, kind: AppKind) -> None:
    rejected = REJECTED.get(context.appmode, {})
    if kind.protocol not in rejected:
        return
    built = f"{context.shown(kind.path)}:{kind.line}"
    if kind.protocol is Protocol.COMPONENT:
        message = (f"entrypoint {named!r} is a {kind.framework} ({built}), not an application; point the "
                   "entrypoint at the application that registers it")  # fmt: skip
    else:
        message = (f"entrypoint {named!r} is {kind.protocol.value} built by {kind.framework} ({built}), but "
                   f"{context.appmode} {SERVES[context.appmode]}")  # fmt: skip
        if kind.protocol is Protocol.DASH and context.appmode == "python-api":
            message += "; use appmode python-dash, or point the entrypoint at the Dash app's Flask server (app.server)"
        elif rejected[kind.protocol] is not None:
            message += f"; use appmode {rejected[kind.protocol]}"
    context.report("MG205", message)


# --- Shiny Express: MG206 -----------------------------------------------------------------------------------


def _express_file(context: _Context, path: str) -> bool:
    return is_express_source(context.state.read(path), context.state.warn)


def _check_express_target(context: _Context, target: Target) -> None:
    assert target.file is not None
    if target.file not in context.modules.files:
        _not_found(context, f"the Shiny Express file {target.file!r}", [target.file])
        return
    if not _parse_chain(context, [target.file]):
        return
    if not _express_file(context, target.file):
        module = target.file[:-3].replace("/", ".") if target.file.endswith(".py") else target.file
        message = (f"{context.shown(target.file)} is not a Shiny Express app (no top-level shiny.express import "
                   f"or '# shiny_mode: express' comment) but the entrypoint runs it as one; Connect needs {module!r}")
        context.report("MG206", message, SetEntrypoint(module))


# --- script appmodes: MG202, MG203, MG205 ------------------------------------------------------------------


def _script_candidates(context: _Context, target: Target) -> list[str]:
    if target.file is not None:
        return [target.file]
    assert target.module is not None
    base = target.module.replace(".", "/")
    candidates = [f"{base}.py"]
    if context.appmode in ("python-bokeh", "python-panel"):
        candidates.append(f"{base}/main.py")  # a Bokeh directory app
    return candidates


def _check_script(context: _Context, target: Target) -> None:
    candidates = _script_candidates(context, target)
    path = next((candidate for candidate in candidates if candidate in context.modules.files), None)
    if path is None:
        _not_found(context, " or ".join(repr(candidate) for candidate in candidates), candidates)
        return
    if not _parse_chain(context, [path]):
        return
    facts = context.modules.facts(path)
    packages = SCRIPT_PACKAGES[context.appmode]
    if facts is None or facts.imported_roots & packages:
        return
    found = FoundModule(path[:-3].replace("/", "."), path, False, ())
    apps = Classifier(context.modules).bound_apps(found)
    if not apps:
        return
    name, kind = apps[0]
    built = f"{context.shown(kind.path)}:{kind.line}"
    message = (f"entrypoint {context.entrypoint!r}: {context.shown(path)} builds {kind.protocol.value} with "
               f"{kind.framework} ({name!r}, {built}) and never imports {' or '.join(sorted(packages))}; "
               f"{context.appmode} runs it as a script; use appmode {APPMODE_FOR[kind.protocol]}")  # fmt: skip
    context.report("MG205", message)


# --- notebooks: MG202, MG203 -----------------------------------------------------------------------------


def _check_notebooks(context: _Context, target: Target) -> None:
    if target.every_notebook:
        notebooks = sorted(path for path in context.modules.files if path.endswith(".ipynb"))
        if not notebooks:
            context.report("MG202", "entrypoint '': Voila serves every notebook in the bundle, and it has none")
    else:
        assert target.file is not None
        if target.file not in context.modules.files:
            _not_found(context, f"the notebook {target.file!r}", [target.file])
            return
        notebooks = [target.file]
    for path in notebooks:
        problem = notebook_problem(context.state.read(path))
        if problem is not None:
            shown = context.shown(path)
            message = f"{problem.message}; Connect cannot render it"
            finding = Finding("MG203", context.manifest, shown, problem.line, message, column=problem.column,
                              subject=path)  # fmt: skip
            context.proposals.append(Proposal(finding))

