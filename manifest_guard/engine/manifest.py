"""The manifest document: built in rsconnect-python's key order and written in its exact bytes."""

from __future__ import annotations

import contextlib
import json
import os
import re
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from manifest_guard.catalogue.exclusions import TEMP_FILE_PREFIX, TEMP_FILE_SUFFIX
from manifest_guard.engine.environment import MachineInfo
from manifest_guard.engine.package_file import PackageFile
from manifest_guard.foundation.errors import UserError


@dataclass(frozen=True)
class EnvironmentOptions:
    """The ``environment`` keys that come from flags rather than from the app."""

    image: str | None = None
    python_managed: bool | None = None  # only False is ever written
    r_managed: bool | None = None
    package_installer: str | None = None  # "pip" or "uv": sets the manager name and allow_uv


def python_manifest(
    *,
    appmode: str,
    entrypoint: str | None,
    machine: MachineInfo,
    package: PackageFile,
    requires: Any,
    options: EnvironmentOptions,
    files: Mapping[str, str],
    jupyter: Mapping[str, bool] | None = None,
) -> dict[str, Any]:
    """A Python-content manifest with keys in the order rsconnect-python inserts them."""
    metadata: dict[str, Any] = {"appmode": appmode}
    if entrypoint is not None:
        metadata["entrypoint"] = entrypoint
    package_manager: dict[str, Any] = {
        "name": options.package_installer or package.manager,
        "version": machine.pip_version,
        "package_file": package.name,
    }
    if options.package_installer is not None:
        package_manager["allow_uv"] = options.package_installer == "uv"
    data: dict[str, Any] = {
        "version": 1,
        "locale": machine.locale,
        "metadata": metadata,
        "python": {"version": machine.python_version, "package_manager": package_manager},
    }
    environment: dict[str, Any] = {}
    if requires:
        environment["python"] = {"requires": requires}
    if options.image:
        environment["image"] = options.image
    management = {
        key: False for key, managed in (("python", options.python_managed), ("r", options.r_managed))
        if managed is False
    }  # fmt: skip
    if management:
        environment["environment_management"] = management
    if environment:
        data["environment"] = environment
    data["files"] = {path: {"checksum": checksum} for path, checksum in files.items()}
    if jupyter:
        data["jupyter"] = dict(jupyter)
    return data


def dump_manifest(data: Mapping[str, Any]) -> bytes:
    """rsconnect-python's serialisation: 2-space indent, ASCII escapes, one trailing newline."""
    return (json.dumps(data, indent=2) + "\n").encode("ascii")


class ChangedUnderfoot(UserError):
    """The file changed (or vanished, or appeared) between the read and the write: nothing was written."""


class _Anything:
    """``expected`` when the caller does not care what the file holds (``write``)."""


ANYTHING = _Anything()


def _current(path: str) -> bytes | None:
    try:
        with open(path, "rb") as stream:
            return stream.read()
    except FileNotFoundError:
        return None


def write_atomically(
    path: str, content: bytes, expected: bytes | _Anything | None = ANYTHING, shown: str | None = None
) -> bool:
    """Replace ``path`` with ``content`` via a temp file and rename; keeps the file's mode.

    With ``expected`` (the bytes read earlier, None for "absent") the replace happens only if the file
    still holds them, checked after the temp file is complete, so a concurrent edit, deletion or other
    writer is never overwritten. Returns False when the file already holds ``content``. The temp file
    never outlives the call; readers see the old bytes or the new ones, never a torn file. Messages name
    the file as ``shown`` (default ``path``).
    """
    name = shown or path
    directory = os.path.dirname(path) or "."
    try:
        mode = os.stat(path).st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    except OSError as error:
        raise UserError(f"{name}: cannot write: {error.strerror}") from None
    try:
        fd, temp = tempfile.mkstemp(prefix=TEMP_FILE_PREFIX, suffix=TEMP_FILE_SUFFIX, dir=directory)
    except OSError as error:
        raise UserError(f"{name}: cannot write: {error.strerror}") from None
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(content)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temp, mode)
        if not isinstance(expected, _Anything):
            now = _current(path)
            if now == content:
                os.unlink(temp)
                return False
            if now != expected:
                os.unlink(temp)
                what = "was deleted" if now is None else "appeared" if expected is None else "changed"
                raise ChangedUnderfoot(f"{name}: not rewritten: it {what} while manifest-guard ran; run it again")
        os.replace(temp, path)
    except BaseException as error:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        if isinstance(error, OSError):
            raise UserError(f"{name}: cannot write: {error.strerror}") from None
        raise
    return True


def merge_files(
    existing: Mapping[str, Any], fresh: Mapping[str, str], add: Iterable[str] | None = None
) -> dict[str, Any]:
    """The minimal update of a ``files`` object (for ``fix``).

    Entries still present keep their order, value object and any extra keys, with the checksum
    refreshed; entries gone from ``fresh`` are dropped; each path of ``add`` (default: every new
    path) is inserted right after the nearest path that precedes it in ``fresh``'s order, so a
    list in rsconnect's order stays in it and a ``write``-made list comes out as ``write`` makes it.
    """
    wanted = set(fresh) if add is None else set(add)
    result: list[tuple[str, Any]] = []
    for path, entry in existing.items():
        if path not in fresh:
            continue
        value = dict(entry) if isinstance(entry, Mapping) else {}
        value["checksum"] = fresh[path]
        result.append((path, value))
    order = list(fresh)
    for index, path in enumerate(order):
        if path in existing or path not in wanted:
            continue
        present = [entry_path for entry_path, _ in result]
        anchor = next((order[i] for i in range(index - 1, -1, -1) if order[i] in present), None)
        position = 0 if anchor is None else present.index(anchor) + 1
        result.insert(position, (path, {"checksum": fresh[path]}))
    return dict(result)


def dump_like(data: Mapping[str, Any], original: str) -> bytes:
    """Serialise ``data`` in the style of ``original`` (indent, ASCII escapes, final newline), so a
    ``fix`` of a Publisher (tab-indented) or hand-formatted manifest changes only what it must."""
    indent: str | int | None = 2
    match = re.search(r"\n([ \t]+)\S", original)
    if match:
        whitespace = match.group(1)
        indent = "\t" if whitespace.startswith("\t") else len(whitespace)
    elif "\n" not in original.strip():
        indent = None
    ascii_only = original.isascii()
    text = json.dumps(data, indent=indent, ensure_ascii=ascii_only)
    if original.endswith("\n") or not original:
        text += "\n"
    return text.encode("utf-8")
