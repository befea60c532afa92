"""Which line-ending conversion git applies to each path on a Windows checkout, from ``.gitattributes``.

The manifest's author is assumed to use Git for Windows' default, ``core.autocrlf=true``: a path
with no ``text``/``eol`` attribute is then converted when git judges it text (``text=auto``), and
the attributes committed with the repository (``-text``, ``binary``, ``eol=lf``, ``eol=crlf``,
``text``) decide the rest as on that machine. ``git check-attr`` answers (every attribute file,
macro and precedence rule exactly as git applies them), once for all the paths a check asks about;
it is only asked about files whose listed checksum differs from their content's.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping, Sequence
from typing import Any

from manifest_guard.foundation.line_endings import Conversion
from manifest_guard.repository.git_environment import user_and_repository_files
from manifest_guard.repository.hook_scope import git_output

ATTRIBUTES = ("text", "eol", "crlf")


def conversion_of(values: Mapping[str, str]) -> Conversion:
    """git's decision (``convert_attrs``) for values as ``git check-attr`` prints them (``set``,
    ``unset``, ``unspecified`` or a value), under ``core.autocrlf=true``."""
    text = values.get("text", "unspecified")
    if text not in ("set", "unset", "input", "auto"):
        text = values.get("crlf", "unspecified")  # the attribute ``text`` replaced
    eol = values.get("eol", "unspecified")
    if text == "unset":
        return Conversion.BINARY
    if text == "input" or eol == "lf":
        return Conversion.AUTO_LF if text == "auto" else Conversion.TEXT_LF
    if text == "auto":
        return Conversion.AUTO
    if text == "set" or eol == "crlf":
        return Conversion.TEXT
    return Conversion.AUTO  # nothing said: core.autocrlf=true judges the content


def _parse(output: bytes) -> dict[str, dict[str, str]]:
    """``git check-attr -z`` output: ``path NUL attribute NUL value NUL`` triples."""
    fields = output.split(b"\0")
    found: dict[str, dict[str, str]] = {}
    for start in range(0, len(fields) - 2, 3):
        path, attribute, value = fields[start : start + 3]
        found.setdefault(os.fsdecode(path), {})[attribute.decode("ascii", "replace")] = os.fsdecode(value)
    return found


def _check_attr(root: str, paths: Sequence[str], cached: bool, index_file: str | None) -> dict[str, Conversion]:
    arguments = ["check-attr", "-z", "--stdin", *(["--cached"] if cached else []), *ATTRIBUTES]
    payload = b"".join(os.fsencode(path) + b"\0" for path in paths)
    values = _parse(git_output(root, *arguments, payload=payload, index_file=index_file))
    return {path: conversion_of(values.get(path, {})) for path in paths}


def worktree_conversions(root: str, paths: Sequence[str]) -> dict[str, Conversion]:
    """The conversions of work-tree paths, from the work tree's ``.gitattributes`` files."""
    return _check_attr(root, paths, cached=False, index_file=None) if paths else {}


def index_conversions(root: str, paths: Sequence[str], index_file: str | None) -> dict[str, Conversion]:
    """The conversions of staged paths, from the staged ``.gitattributes`` files."""
    return _check_attr(root, paths, cached=True, index_file=index_file) if paths else {}


def revision_conversions(root: str, commit: str, paths: Sequence[str]) -> dict[str, Conversion]:
    """The conversions of a commit's paths, from that commit's ``.gitattributes`` files, read into a
    temporary index outside the repository (``check-attr --source`` needs git 2.40)."""
    if not paths:
        return {}
    with tempfile.TemporaryDirectory(prefix="manifest-guard-") as scratch:
        index_file = os.path.join(scratch, "index")
        git_output(root, "read-tree", commit, index_file=index_file)
        return _check_attr(root, paths, cached=True, index_file=index_file)


def repository_attribute_files(repo: Any) -> list[str]:
    """``core.attributesFile`` (or git's default one) and ``info/attributes``: attribute files that
    apply to every tree and live outside them."""
    return user_and_repository_files(repo, "attributesfile", "attributes", "attributes")
