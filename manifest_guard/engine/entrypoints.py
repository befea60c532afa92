"""Entrypoint inference and the Shiny Express rewrite, as rsconnect-python does them.

The app's code is read with ``ast``; it is never imported or executed.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable

DEFAULT_MODULES = ("app", "application", "main", "api")
EXPRESS_PREFIX = "shiny.express.app:"
_APP_PREFIX = re.compile(r"^app[-_].+\.py$")
_APP_SUFFIX = re.compile(r".+[-_]app\.py$")
_MAGIC_COMMENT = re.compile(r"^#[ \t]*shiny_mode:[ \t]*(\S*)[ \t]*$", re.MULTILINE)


def infer_module(names: set[str]) -> str | None:
    """The default entrypoint module for a directory listing, or None when it is ambiguous.

    ``app``, ``application``, ``main``, ``api`` (first present wins); else the single ``.py``;
    else the single ``app[-_]*.py`` / ``*[-_]app.py``. Directories in the listing count too.
    """
    for module in DEFAULT_MODULES:
        if module + ".py" in names:
            return module
    python_files = [name for name in names if name.endswith(".py")]
    if len(python_files) == 1:
        return python_files[0][:-3]
    app_files = [name for name in python_files if _APP_PREFIX.match(name) or _APP_SUFFIX.match(name)]
    if len(app_files) == 1:
        return app_files[0][:-3]
    return None


def is_malformed(entrypoint: str) -> bool:
    """rsconnect-python's only check: at most one ``:``."""
    return len(entrypoint.split(":")) > 2


def express_app_file(entrypoint: str) -> str:
    """The file a Shiny entrypoint names: ``app`` -> ``app.py``, ``app.py`` kept."""
    return entrypoint if entrypoint.lower().endswith(".py") else entrypoint + ".py"


def express_mode_comment(text: str, warn: Callable[[str], None]) -> str | None:
    """``express`` / ``core`` from a ``# shiny_mode:`` comment in the first 1000 characters."""
    found = _MAGIC_COMMENT.search(text[:1000])
    if found is None:
        return None
    if found.group(1) in ("express", "core"):
        return found.group(1)
    warn(f'invalid shiny_mode: "{found.group(1)}"')
    return None


def is_express_source(data: bytes, warn: Callable[[str], None]) -> bool:
    """py-shiny's rule: the magic comment, else a top-level import of ``shiny.express``."""
    try:
        text = data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
    except UnicodeDecodeError:
        return False
    forced = express_mode_comment(text, warn)
    if forced is not None:
        return forced == "express"
    try:
        module = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    for statement in module.body:
        if isinstance(statement, ast.Import):
            if any(alias.name == "shiny.express" for alias in statement.names):
                return True
        elif isinstance(statement, ast.ImportFrom):
            if statement.module == "shiny.express":
                return True
            if statement.module == "shiny" and any(alias.name == "express" for alias in statement.names):
                return True
    return False


def escape_to_var_name(name: str) -> str:
    """py-shiny's escape: keep ``[A-Za-z0-9]``, write others (and a leading digit) as ``_<hex>_``."""
    escaped = []
    for index, char in enumerate(name):
        keep = char.isascii() and char.isalnum() and not (index == 0 and char.isdigit())
        escaped.append(char if keep else f"_{ord(char):x}_")
    return "".join(escaped)


def unescape_var_name(name: str) -> str:
    """The inverse of :func:`escape_to_var_name` (for checking ``shiny.express.app:`` entrypoints)."""
    return re.sub(r"_([0-9a-f]+)_", lambda match: chr(int(match.group(1), 16)), name)


def express_entrypoint(app_file: str) -> str:
    """The entrypoint Connect needs to run a Shiny Express file."""
    return EXPRESS_PREFIX + escape_to_var_name(app_file)
