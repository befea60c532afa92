"""What an entrypoint string names, for each Python and notebook appmode.

Module appmodes (Connect imports ``module`` and looks up ``object``) take ``module``,
``module:object``, ``pkg.mod:obj`` or a file name ``app.py``; script appmodes (Connect runs a
file) take ``app.py``, ``dir/app.py`` or a module name; notebooks take the ``.ipynb`` file (or
``""`` for a Voila app serving every notebook); Shiny Express takes ``shiny.express.app:<escaped file>``.
"""

from __future__ import annotations

from dataclasses import dataclass

from manifest_guard.engine.entrypoints import EXPRESS_PREFIX, escape_to_var_name, unescape_var_name
from manifest_guard.engine.safe_paths import unsafe_path_reason
from manifest_guard.readers.appmodules import is_dotted_name

MODULE_MODES = frozenset({"python-api", "python-fastapi", "python-dash", "python-shiny", "python-gradio"})
SCRIPT_MODES = frozenset({"python-streamlit", "python-bokeh", "python-panel"})
NOTEBOOK_MODES = frozenset({"jupyter-static", "jupyter-voila"})
CHECKED_MODES = MODULE_MODES | SCRIPT_MODES | NOTEBOOK_MODES
DEFAULT_OBJECTS = ("app", "application", "create_app", "make_app")


@dataclass(frozen=True)
class Target:
    """What the entrypoint names. ``module`` is dotted (None for notebooks and files that are not
    importable names); ``file`` is set when the entrypoint names a file directly."""

    module: str | None
    file: str | None
    object_path: tuple[str, ...] = ()
    express: bool = False
    every_notebook: bool = False  # jupyter-voila with "": every bundled notebook is served


class Malformed(ValueError):
    """The entrypoint cannot name anything Connect can run (MG201); the message says why."""


def _file_path(text: str) -> str:
    reason = unsafe_path_reason(text)
    if reason is not None:
        raise Malformed(f"the file name {text!r} {reason}")
    return text


def _express(appmode: str, escaped: str) -> Target:
    if appmode != "python-shiny":
        raise Malformed(f"{EXPRESS_PREFIX} entrypoints run Shiny Express apps; the appmode is {appmode}")
    try:
        file = unescape_var_name(escaped)
    except (ValueError, OverflowError):
        file = ""
    if not escaped or not file or escape_to_var_name(file) != escaped:
        raise Malformed(f"{escaped!r} is not py-shiny's escape of a file name (app.py is written app_2e_py)")
    return Target(None, _file_path(file), express=True)


def _module_part(text: str, allow_file_names: bool) -> tuple[str | None, str | None]:
    """(dotted module, file) of the part before ``:``."""
    if text.endswith(".py") and len(text) > 3:
        file = _file_path(text)
        module = file[:-3].replace("/", ".")
        if is_dotted_name(module):
            return module, file
        if allow_file_names:
            return None, file
        raise Malformed(f"{text!r} is not an importable module name: its parts must be Python identifiers")
    if not is_dotted_name(text):
        raise Malformed(f"{text!r} is not a module name: write module, module:object or file.py with identifiers")
    return text, None


def parse_entrypoint(appmode: str, entrypoint: str) -> Target:
    """The target of a string entrypoint under ``appmode`` (one of :data:`CHECKED_MODES`)."""
    if appmode in NOTEBOOK_MODES:
        if appmode == "jupyter-voila" and entrypoint == "":
            return Target(None, None, every_notebook=True)
        if not entrypoint.endswith(".ipynb"):
            raise Malformed(f"{appmode} needs a notebook file name ending in .ipynb")
        return Target(None, _file_path(entrypoint))
    if not entrypoint:
        raise Malformed(f"{appmode} needs an entrypoint")
    if entrypoint.startswith(EXPRESS_PREFIX):
        return _express(appmode, entrypoint[len(EXPRESS_PREFIX) :])
    parts = entrypoint.split(":")
    if len(parts) > 2:
        raise Malformed("more than one ':'; write module:object")
    if appmode in SCRIPT_MODES and len(parts) == 2:
        raise Malformed(f"{appmode} runs a script; name the file (app.py) without ':object'")
    module_text = parts[0]
    if not module_text:
        raise Malformed("the module before ':' is empty")
    object_path: tuple[str, ...] = ()
    if len(parts) == 2:
        if not is_dotted_name(parts[1]):
            raise Malformed(f"the object {parts[1]!r} is not a Python name (or dotted attribute path)")
        object_path = tuple(parts[1].split("."))
    module, file = _module_part(module_text, allow_file_names=appmode in SCRIPT_MODES)
    return Target(module, file, object_path)
