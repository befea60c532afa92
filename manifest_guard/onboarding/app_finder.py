"""Which directories of a repository are Connect apps, and which ``write`` mode each one's code calls for.

``init`` answers only what the code makes certain: a module that binds a Flask, FastAPI, Dash, Shiny
or Gradio app, a Shiny Express or Streamlit script, a Panel ``servable()`` or a Bokeh ``curdoc()``.
Anything else is listed as skipped with the reason, so the user runs ``write`` with the mode they know.
"""

from __future__ import annotations

import ast
import json
import posixpath
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from manifest_guard.catalogue.appmodes import WRITE_MODES
from manifest_guard.catalogue.exclusions import IGNORED_TOP_LEVEL, VIRTUALENV_NAMES
from manifest_guard.engine.entrypoints import infer_module, is_express_source
from manifest_guard.readers.appmodules import AppModules
from manifest_guard.readers.frameworks import Classifier, Protocol

MANIFEST = "manifest.json"
REQUIREMENTS = "requirements.txt"
_MODE_OF_APPMODE = {appmode: mode for mode, appmode in reversed(list(WRITE_MODES.items()))}
_MODE_OF_PROTOCOL = {
    Protocol.ASGI: "fastapi",
    Protocol.DASH: "dash",
    Protocol.SHINY: "shiny",
    Protocol.GRADIO: "gradio",
}
_DEFAULT_OBJECTS = ("app", "application")


@dataclass(frozen=True)
class FoundApp:
    """An app directory (repository-relative, ``""`` for the root) and what ``init`` will do with it."""

    path: str
    mode: str | None = None
    entrypoint: str | None = None  # None: ``write``'s own inference finds it
    has_manifest: bool = False
    skipped: str | None = None  # why no manifest can be written for it


@dataclass(frozen=True)
class _Detected:
    mode: str
    module: str
    object_name: str | None  # None for script modes


def _parent(path: str) -> str:
    return posixpath.dirname(path)


def _skipped_directory(directory: str) -> bool:
    return any(part in IGNORED_TOP_LEVEL or part in VIRTUALENV_NAMES for part in directory.split("/") if part)


def _manifest_mode(raw: bytes) -> tuple[bool, str | None]:
    """(is a Connect manifest, its write mode when Python content)."""
    try:
        value = json.loads(raw)
    except (ValueError, RecursionError):
        return False, None
    if not isinstance(value, dict) or not isinstance(value.get("metadata"), dict):
        return False, None
    appmode = value["metadata"].get("appmode")
    return True, _MODE_OF_APPMODE.get(appmode) if isinstance(appmode, str) else None


def _imports(tree: ast.Module) -> set[str]:
    """Top-level package names imported anywhere in the module."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.partition(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.partition(".")[0])
    return names


def _calls_attribute(tree: ast.Module, attribute: str) -> bool:
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            function = node.func
            name = function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", None)
            if name == attribute:
                return True
    return False


def _script_mode(tree: ast.Module) -> str | None:
    imported = _imports(tree)
    if "streamlit" in imported:
        return "streamlit"
    if "panel" in imported and _calls_attribute(tree, "servable"):
        return "panel"
    if "bokeh" in imported and _calls_attribute(tree, "curdoc"):
        return "bokeh"
    return None


def _detect(modules: AppModules, classifier: Classifier, module: str, data: bytes) -> _Detected | None:
    found = modules.find(module)
    if found is None or not found.path:
        return None
    if is_express_source(data, lambda _message: None):
        return _Detected("shiny", module, None)
    parsed = modules.parse(found.path)
    if not isinstance(parsed, ast.Module):
        return None
    apps = classifier.bound_apps(found)
    if apps:
        name, kind = next(((n, k) for n, k in apps if n in _DEFAULT_OBJECTS), apps[0])
        mode = "flask" if kind.framework == "Flask" else _MODE_OF_PROTOCOL.get(kind.protocol, "api")
        return _Detected(mode, module, name)
    script = _script_mode(parsed)
    return _Detected(script, module, None) if script else None


def detect_app(directory: str, files: list[str], read: Callable[[str], bytes]) -> FoundApp:
    """The mode and entrypoint of the app in ``directory`` (``files`` are its repository paths)."""
    prefix = f"{directory}/" if directory else ""
    relative = [path[len(prefix):] for path in files]
    top_level = sorted(name for name in relative if "/" not in name and name.endswith(".py"))
    if not top_level:
        return FoundApp(directory, skipped="no Python file at the top of the directory")
    modules = AppModules(relative, lambda path: read(prefix + path), None)
    classifier = Classifier(modules)
    default = infer_module(set(top_level))
    ordered = ([default + ".py"] if default else []) + [name for name in top_level if name != f"{default}.py"]
    detected = [found for name in ordered if (found := _detect(modules, classifier, name[:-3], read(prefix + name)))]
    if not detected:
        return FoundApp(directory, skipped="no app object or app script recognised; run `manifest-guard write MODE`")
    chosen = detected[0]
    others = {item.mode for item in detected[1:]} - {chosen.mode}
    if others and chosen.module != default:
        listing = ", ".join(sorted({f"{item.module}.py ({item.mode})" for item in detected}))
        return FoundApp(directory, skipped=f"several apps ({listing}); run `manifest-guard write MODE -e ENTRYPOINT`")
    return FoundApp(directory, chosen.mode, _entrypoint(chosen, default))


def _entrypoint(detected: _Detected, default: str | None) -> str | None:
    if detected.object_name is None:
        return None if detected.module == default else f"{detected.module}.py"
    if detected.module == default and detected.object_name in _DEFAULT_OBJECTS:
        return None
    return f"{detected.module}:{detected.object_name}"


def find_apps(files: Iterable[str], read: Callable[[str], bytes]) -> list[FoundApp]:
    """Every app directory among the repository's ``files``: one with a Connect manifest, or with a
    requirements.txt; directories inside an app are part of it."""
    ordered = sorted(files)
    candidates: dict[str, bool] = {}
    for path in ordered:
        name = posixpath.basename(path)
        directory = _parent(path)
        if _skipped_directory(directory):
            continue
        if name == MANIFEST:
            is_connect, _mode = _manifest_mode(read(path))
            if is_connect:
                candidates[directory] = True
        elif name == REQUIREMENTS:
            candidates.setdefault(directory, False)
    apps: list[FoundApp] = []
    taken: list[str] = []
    for directory in sorted(candidates, key=lambda d: (d.count("/") if d else -1, d)):
        if any(directory == outer or not outer or directory.startswith(outer + "/") for outer in taken):
            continue
        inside = [path for path in ordered if not directory or path.startswith(directory + "/")]
        if candidates[directory]:
            _is_connect, mode = _manifest_mode(read(posixpath.join(directory, MANIFEST)))
            apps.append(FoundApp(directory, mode, None, has_manifest=True))
            taken.append(directory)
            continue
        found = detect_app(directory, inside, read)
        apps.append(found)
        if found.skipped is None:
            taken.append(directory)
    return sorted(apps, key=lambda app: app.path)
