"""The Python environment a manifest describes.

Two kinds of facts live here: ``environment.python.requires``, read from the app's own files
exactly as rsconnect-python reads it, and the three values that describe the machine
(``python.version``, the pip version, ``locale``), which come from flags, else the interpreter.
"""

from __future__ import annotations

import configparser
import json
import locale
import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from manifest_guard.foundation.errors import MalformedFile, UserError
from manifest_guard.foundation.textdecode import decode_text
from manifest_guard.foundation.tomlfile import parse_toml
from manifest_guard.repository.trees import Tree, join

DEFAULT_LOCALE = "en_US.UTF-8"
VERSION_SOURCES = (".python-version", "pyproject.toml", "setup.cfg")
_OPERATORS = r"(===|==|!=|<=|>=|<|>|~=)"
_VALID_CONSTRAINT = re.compile(rf"^({_OPERATORS}?\d+(\.[\d\*]+)*)+$")
_PIP_VERSION = re.compile(r"\d+\.\d+(\.\d+)?")

Warn = Callable[[str], None]


class InvalidConstraint(ValueError):
    """A ``.python-version`` entry Connect cannot use; rsconnect-python skips the file."""


def adapt_python_version(text: str) -> str:
    """Turn ``.python-version`` content into a PEP 440 constraint (``3.11`` -> ``~=3.11.0``)."""
    adapted = []
    for part in text.split(","):
        constraint = part.strip()
        if "@" in constraint or "-" in constraint or "/" in constraint:
            raise InvalidConstraint(f"python specific implementations are not supported: {constraint}")
        if "b" in constraint or "rc" in constraint or "a" in constraint:
            raise InvalidConstraint(f"pre-release versions are not supported: {constraint}")
        if _VALID_CONSTRAINT.match(constraint) is None:
            raise InvalidConstraint(f"Invalid python version: {constraint}")
        if re.search(_OPERATORS, constraint):
            adapted.append(constraint)
        elif "*" in constraint:
            adapted.append(f"=={constraint}")
        else:
            adapted.append("~=" + ".".join([*constraint.split(".")[:2], "0"]))
    return ",".join(adapted)


def _from_python_version_file(data: bytes, display: str) -> Any:
    return adapt_python_version(decode_text(data, display).strip())


def _from_pyproject(data: bytes, display: str) -> Any:
    project = parse_toml(data, display).get("project", {})
    if not isinstance(project, dict):
        raise MalformedFile(f"{display}: [project] is not a table", display, None, "[project] is not a table")
    return project.get("requires-python")


def _from_setup_cfg(data: bytes, display: str) -> Any:
    parser = configparser.ConfigParser()
    try:
        parser.read_string(decode_text(data, display), source=display)
        return parser.get("options", "python_requires", fallback=None)
    except configparser.Error as error:
        detail = "invalid setup.cfg: " + " ".join(str(error).split())
        raise MalformedFile(f"{display}: {detail}", display, _error_line(error), detail) from None


def _error_line(error: configparser.Error) -> int | None:
    """The first line configparser blames (its errors carry it in one of two shapes)."""
    line = getattr(error, "lineno", None)
    if isinstance(line, int):
        return line
    errors = getattr(error, "errors", None)
    return errors[0][0] if errors and isinstance(errors[0][0], int) else None


_READERS = {
    ".python-version": _from_python_version_file,
    "pyproject.toml": _from_pyproject,
    "setup.cfg": _from_setup_cfg,
}


def detect_python_requires(tree: Tree, app: str, warn: Warn) -> Any:
    """``environment.python.requires`` from the first source that gives a usable value, else None.

    The value is passed through as read (rsconnect-python does not validate pyproject.toml or
    setup.cfg values, and a TOML integer stays an integer); only ``.python-version`` is adapted.
    """
    return find_python_requires(tree, app, warn)[0]


def find_python_requires(tree: Tree, app: str, warn: Warn) -> tuple[Any, str | None]:
    """The requires value and the tree path of the file it came from (``(None, None)`` if none)."""
    for name in VERSION_SOURCES:
        path = join(app, name)
        if not tree.is_file(path):
            continue
        display = tree.display(path)
        try:
            value = _READERS[name](tree.read_bytes(path), display)
        except InvalidConstraint as error:
            warn(f"{display}: invalid Python version constraint, ignoring it: {str(error)!r}")
            continue
        if value:
            return value, path
    return None, None


def malformed_version_sources(tree: Tree, app: str) -> list[tuple[str, MalformedFile]]:
    """Every version source of the app (tree path, problem) that does not decode or parse, whether or
    not it is the one rsconnect-python reads."""
    problems = []
    for name in VERSION_SOURCES:
        path = join(app, name)
        if tree.is_file(path):
            try:
                _READERS[name](tree.read_bytes(path), tree.display(path))
            except MalformedFile as problem:
                problems.append((path, problem))
            except InvalidConstraint:
                continue  # usable text, unusable value: find_python_requires warns and skips it
    return problems


@dataclass(frozen=True)
class MachineInfo:
    """The values of a manifest that describe the publishing machine, not the app."""

    python_version: str
    pip_version: str
    locale: str


_PROBE = """
import json, locale, sys
try:
    from importlib.metadata import version
    pip = version("pip")
except Exception:
    pip = None
print(json.dumps({"python": "%d.%d.%d" % sys.version_info[:3], "pip": pip,
                  "locale": ".".join(x or "" for x in locale.getlocale())}))
"""


def _probe_interpreter(python: str) -> dict[str, Any]:
    """Ask another interpreter for its version, pip and locale; runs only a fixed snippet (-I)."""
    try:
        result = subprocess.run([python, "-I", "-c", _PROBE], capture_output=True, text=True, timeout=60, check=False)
    except (OSError, subprocess.SubprocessError) as error:
        raise UserError(f"--python {python}: cannot run it: {error}") from None
    try:
        answer = json.loads(result.stdout)
        if result.returncode != 0 or not isinstance(answer, dict):
            raise ValueError
    except ValueError:
        detail = result.stderr.strip().splitlines()[-1:] or ["no answer"]
        raise UserError(f"--python {python}: not a working Python interpreter ({detail[0]})") from None
    return answer


def _running_interpreter() -> dict[str, Any]:
    try:
        from importlib.metadata import PackageNotFoundError, version

        pip: str | None = version("pip")
    except PackageNotFoundError:
        pip = None
    return {
        "python": "{}.{}.{}".format(*sys.version_info[:3]),
        "pip": pip,
        "locale": ".".join(part or "" for part in locale.getlocale()),
    }


def machine_info(
    python: str | None, python_version: str | None, pip_version: str | None, locale_name: str | None
) -> MachineInfo:
    """Flags first, then the interpreter (``--python`` or this one), then documented defaults."""
    needs_probe = python_version is None or pip_version is None or locale_name is None
    probed: dict[str, Any] = {}
    if needs_probe:
        probed = _probe_interpreter(python) if python else _running_interpreter()
    if pip_version is None:
        found = _PIP_VERSION.search(str(probed.get("pip") or ""))
        if found is None:
            where = python or sys.executable
            raise UserError(f"cannot find pip's version in {where}; pass --pip-version")
        pip_version = found.group()
    if locale_name is None:
        locale_name = str(probed.get("locale") or "")
        if locale_name in ("", "."):
            locale_name = DEFAULT_LOCALE
    return MachineInfo(
        python_version=python_version or str(probed["python"]),
        pip_version=pip_version,
        locale=locale_name,
    )


def normalise_python_version(value: str, option: str) -> str:
    """``X.Y`` -> ``X.Y.0``; ``X.Y.Z`` kept; anything else is an error (rsconnect's rule)."""
    parts = value.split(".")
    if len(parts) in (2, 3) and all(part.strip().lstrip("+-").isdigit() for part in parts):
        return value if len(parts) == 3 else value + ".0"
    raise UserError(f"{option}: {value!r} is not a valid python version; expected 3.x or 3.x.y")
