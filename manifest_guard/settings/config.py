"""``[tool.manifest-guard]`` configuration: found at the repository root, validated strictly.

An unknown key is an error naming the key and the file, so a typo never silently turns a rule off.
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from manifest_guard.catalogue.appmodes import WRITE_MODES
from manifest_guard.catalogue.codes import RULES, Severity, matching_codes
from manifest_guard.foundation.arguments import did_you_mean
from manifest_guard.foundation.errors import UserError
from manifest_guard.foundation.tomlfile import parse_toml

CONFIG_FILE: Final = ".manifest-guard.toml"
PYPROJECT: Final = "pyproject.toml"
TOOL_TABLE: Final = ("tool", "manifest-guard")
DEFAULT_LARGE_FILE_MB: Final = 100.0


@dataclass(frozen=True)
class AppConfig:
    """One ``[[tool.manifest-guard.apps]]`` entry: an app directory and how to build its manifest."""

    path: str  # POSIX, relative to the repository root; "" is the root itself
    mode: str | None = None
    entrypoint: str | None = None
    exclude: tuple[str, ...] = ()
    python_version: str | None = None
    ignore: tuple[str, ...] = ()


@dataclass(frozen=True)
class Config:
    """Everything configurable; the defaults are what a repository without configuration gets."""

    source: str | None = None  # the file it came from
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    strict: bool = False
    exclude: tuple[str, ...] = ()
    large_file_mb: float = DEFAULT_LARGE_FILE_MB
    known_first_party: tuple[str, ...] = ()
    dependency_map: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    severity: Mapping[str, Severity] = field(default_factory=dict)
    apps: tuple[AppConfig, ...] = ()
    dev_files: tuple[str, ...] | None = None  # None: the default development files

    def app(self, directory: str) -> AppConfig | None:
        """The entry for an app directory (repository-relative POSIX path), if declared."""
        return next((app for app in self.apps if app.path == directory), None)


class _Reader:
    """Typed access to one table, with errors that name the file and the dotted key."""

    def __init__(self, table: Mapping[str, Any], display: str, prefix: str) -> None:
        self.table = table
        self.display = display
        self.prefix = prefix

    def fail(self, key: str, problem: str) -> UserError:
        return UserError(f"{self.display}: {self.prefix}{key}: {problem}")

    def reject_unknown(self, known: Sequence[str]) -> None:
        for key in self.table:
            if key not in known:
                hint = f"; known keys: {', '.join(known)}"
                raise UserError(f"{self.display}: unknown configuration key {self.prefix}{key!s}{hint}")

    def string(self, key: str) -> str | None:
        value = self.table.get(key)
        if value is not None and not isinstance(value, str):
            raise self.fail(key, "must be a string")
        return value

    def strings(self, key: str) -> tuple[str, ...] | None:
        value = self.table.get(key)
        if value is None:
            return None
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise self.fail(key, "must be a list of strings")
        return tuple(value)

    def codes(self, key: str) -> tuple[str, ...] | None:
        selectors = self.strings(key)
        if selectors is None:
            return None
        for selector in selectors:
            if not matching_codes(selector):
                raise self.fail(key, f"{selector!r} matches no rule code{did_you_mean(selector.upper(), RULES)}")
        return tuple(selector.strip().upper() for selector in selectors)

    def boolean(self, key: str) -> bool | None:
        value = self.table.get(key)
        if value is not None and not isinstance(value, bool):
            raise self.fail(key, "must be true or false")
        return value

    def number(self, key: str) -> float | None:
        value = self.table.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
            raise self.fail(key, "must be a positive number")
        return float(value)


TOP_KEYS: Final = (
    "select", "ignore", "strict", "exclude", "large-file-mb", "known-first-party", "dependency-map",
    "severity", "apps", "dev-files",
)  # fmt: skip
APP_KEYS: Final = ("path", "mode", "entrypoint", "exclude", "python-version", "ignore")


def _app_path(reader: _Reader, value: str | None) -> str:
    if value is None:
        raise reader.fail("path", "is required (the app directory, relative to the repository root)")
    normal = posixpath.normpath(value.replace("\\", "/")) if value.strip() else "."
    if posixpath.isabs(normal) or normal == ".." or normal.startswith("../"):
        raise reader.fail("path", f"{value!r} must be a directory inside the repository")
    return "" if normal == "." else normal


def _apps(value: Any, display: str) -> tuple[AppConfig, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise UserError(f"{display}: apps: must be an array of tables ([[tool.manifest-guard.apps]])")
    apps: list[AppConfig] = []
    for index, table in enumerate(value):
        reader = _Reader(table, display, f"apps[{index}].")
        reader.reject_unknown(APP_KEYS)
        mode = reader.string("mode")
        if mode is not None and mode not in WRITE_MODES:
            raise reader.fail("mode", f"{mode!r} is not one of {', '.join(sorted(WRITE_MODES))}")
        app = AppConfig(
            path=_app_path(reader, reader.string("path")),
            mode=mode,
            entrypoint=reader.string("entrypoint"),
            exclude=reader.strings("exclude") or (),
            python_version=reader.string("python-version"),
            ignore=reader.codes("ignore") or (),
        )
        if any(existing.path == app.path for existing in apps):
            raise reader.fail("path", f"{app.path or '.'!r} is declared twice")
        apps.append(app)
    return tuple(apps)


def _severity(value: Any, display: str) -> dict[str, Severity]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise UserError(f"{display}: severity: must be a table of CODE = \"error\" | \"warning\" | \"off\"")
    result = {}
    for code, level in value.items():
        if code.upper() not in RULES:
            raise UserError(f"{display}: severity.{code}: not a rule code{did_you_mean(code.upper(), RULES)}")
        if level not in ("error", "warning", "off"):
            raise UserError(f"{display}: severity.{code}: must be \"error\", \"warning\" or \"off\"")
        result[code.upper()] = Severity(level)
    return result


def _dependency_map(value: Any, display: str) -> dict[str, tuple[str, ...]]:
    if value is None:
        return {}
    reader = _Reader(value if isinstance(value, dict) else {}, display, "dependency-map.")
    if not isinstance(value, dict):
        raise UserError(f"{display}: dependency-map: must be a table of distribution = [import names]")
    return {name: reader.strings(name) or () for name in value}


def config_from_table(table: Mapping[str, Any], display: str) -> Config:
    """Validate one configuration table (the body of ``[tool.manifest-guard]``)."""
    reader = _Reader(table, display, "")
    reader.reject_unknown(TOP_KEYS)
    return Config(
        source=display,
        select=reader.codes("select"),
        ignore=reader.codes("ignore") or (),
        strict=bool(reader.boolean("strict")),
        exclude=reader.strings("exclude") or (),
        large_file_mb=reader.number("large-file-mb") or DEFAULT_LARGE_FILE_MB,
        known_first_party=reader.strings("known-first-party") or (),
        dependency_map=_dependency_map(table.get("dependency-map"), display),
        severity=_severity(table.get("severity"), display),
        apps=_apps(table.get("apps"), display),
        dev_files=reader.strings("dev-files"),
    )


def _read(path: str) -> bytes:
    try:
        with open(path, "rb") as stream:
            return stream.read()
    except OSError as error:
        raise UserError(f"{path}: cannot read configuration: {error.strerror}") from None


def _tool_table(document: Mapping[str, Any], display: str) -> Mapping[str, Any] | None:
    tool = document.get("tool")
    if not isinstance(tool, dict):
        return None
    table = tool.get("manifest-guard")
    if table is not None and not isinstance(table, dict):
        raise UserError(f"{display}: tool.manifest-guard must be a table")
    return table


def load_config_file(path: str) -> Config:
    """A named file: a ``pyproject.toml`` (its tool table) or a bare ``.manifest-guard.toml``."""
    document = parse_toml(_read(path), path)
    if os.path.basename(path) == PYPROJECT:
        table = _tool_table(document, path)
        return config_from_table(table, path) if table is not None else Config(source=path)
    table = _tool_table(document, path)
    return config_from_table(table if table is not None and set(document) == {"tool"} else document, path)


def find_config(root: str) -> Config:
    """``.manifest-guard.toml`` at ``root`` wins; else ``[tool.manifest-guard]`` in its pyproject.toml."""
    dedicated = os.path.join(root, CONFIG_FILE)
    if os.path.isfile(dedicated):
        return load_config_file(dedicated)
    pyproject = os.path.join(root, PYPROJECT)
    if os.path.isfile(pyproject):
        table = _tool_table(parse_toml(_read(pyproject), pyproject), pyproject)
        if table is not None:
            return config_from_table(table, pyproject)
    return Config()
