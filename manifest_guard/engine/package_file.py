"""The Python package file: which file it is and the exact text rsconnect-python hashes for it.

rsconnect-python does not hash the requirements file's bytes; it hashes a processed copy (lines
mentioning ``rsconnect`` dropped, `` @ file:`` references cut, whitespace stripped, CRLF kept,
``setuptools ...post`` pins dropped). Reproducing that text exactly is what makes ``write``
byte-identical, and what lets ``check`` accept manifests that rsconnect-python wrote.
"""

from __future__ import annotations

import datetime
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from manifest_guard.foundation.checksums import md5_of_text
from manifest_guard.foundation.errors import UserError
from manifest_guard.foundation.textdecode import decode_text
from manifest_guard.foundation.tomlfile import parse_toml


@dataclass(frozen=True)
class PackageFile:
    """The manifest's ``python.package_manager`` source: name, manager and hashed contents."""

    name: str
    manager: str
    contents: str
    generated: bool

    @property
    def checksum(self) -> str:
        return md5_of_text(self.contents)


def _without_rsconnect_lines(text: str) -> str:
    return "\n".join(line for line in text.split("\n") if "rsconnect" not in line)


def _strip_ref(line: str) -> str:
    ending = "\r" if line.endswith("\r") else ""
    return line.split(" @ file:", 1)[0].strip() + ending


def _is_setuptools_post(line: str) -> bool:
    return line.startswith("setuptools") and "post" in line


def _finished_line(line: str) -> str | None:
    """One line as rsconnect-python leaves it, or None when it drops the line."""
    line = _strip_ref(line)
    return None if line and _is_setuptools_post(line) else line


def _processed_line(line: str) -> str | None:
    return None if "rsconnect" in line else _finished_line(line)


CHUNK_CHARACTERS = 1 << 20
_FINISH_WORDS = (" @ file:", "setuptools")
_PROCESS_WORDS = (*_FINISH_WORDS, "rsconnect")


def _unchanged(chunk: str, words: tuple[str, ...]) -> bool:
    """True when no line of ``chunk`` is changed by the steps above: none holds one of ``words`` and every
    line is already stripped (but for one final CR, which ``_strip_ref`` keeps). Decided at C speed."""
    if any(word in chunk for word in words):
        return False
    if "\r" in chunk:
        body = chunk[:-1] if chunk.endswith("\r") else chunk
        chunk = body.replace("\r\n", "\n")
    lines = chunk.split("\n")
    return list(map(str.strip, lines)) == lines


def _rewrite_lines(text: str, words: tuple[str, ...], rewrite: Callable[[str], str | None]) -> str:
    """``"\\n".join(rewrite(line) for line in text.split("\\n"))`` (None drops a line), a chunk of lines at
    a time: a chunk that ``words`` and blanks say is unchanged is copied whole, so a big, clean
    requirements file costs a few C-level passes, and memory for one chunk's lines."""
    pieces: list[str] = []
    changed = False
    start = 0
    while start <= len(text):
        end = text.find("\n", start + CHUNK_CHARACTERS)
        end = len(text) if end < 0 else end
        chunk = text[start:end]
        if _unchanged(chunk, words):
            pieces.append(chunk)
        else:
            changed = True
            kept = [line for line in map(rewrite, chunk.split("\n")) if line is not None]
            if kept:
                pieces.append("\n".join(kept))
        start = end + 1
    return "\n".join(pieces) if changed else text


def finish_contents(text: str) -> str:
    """The last step every source goes through before hashing."""
    return _rewrite_lines(text, _FINISH_WORDS, _finished_line)


def processed_requirements(data: bytes, display: str) -> str:
    """The text rsconnect-python hashes for an existing requirements file."""
    text = decode_text(data, display)
    del data  # the caller passes the bytes straight in: a big file's bytes are freed before the rewrite
    return _rewrite_lines(text, _PROCESS_WORDS, _processed_line)


def _timestamp_header(what: str) -> str:
    return f"# {what} by rsconnect-python on {datetime.datetime.now(datetime.timezone.utc)}\n"


def _filter_generated(lines: Iterable[str]) -> str:
    return "\n".join(line for line in lines if "rsconnect" not in line and not line.startswith("[notice]"))


def contents_from_pyproject(data: bytes, display: str) -> str:
    """A requirements text made from ``[project].dependencies``, as rsconnect-python generates it."""
    document = parse_toml(data, display)
    project = document.get("project", {})
    if not isinstance(project, dict):
        raise UserError(f"{display}: [project] is not a table")
    dependencies = project.get("dependencies", [])
    if not isinstance(dependencies, list):
        raise UserError(f"{display}: project.dependencies must be a list of strings")
    body = _filter_generated("\n".join(str(dependency) for dependency in dependencies).split("\n"))
    return finish_contents(_timestamp_header("requirements.txt generated from pyproject.toml") + body)


def contents_from_uv_lock(lock_path: str, display: str) -> str:
    """A requirements text exported from ``uv.lock`` with ``uv export``, as rsconnect-python does."""
    uv = shutil.which("uv")
    if uv is None:
        raise UserError(f"{display}: exporting uv.lock needs the `uv` command on PATH")
    with tempfile.TemporaryDirectory() as scratch:
        output = os.path.join(scratch, "requirements.txt.lock")
        command = [
            uv, "export", "--format", "requirements-txt", "--frozen", "--no-hashes", "--no-annotate",
            "--offline", "--no-header", "--no-emit-project", "--output-file", output,
        ]  # fmt: skip
        try:
            result = subprocess.run(
                command, cwd=os.path.dirname(lock_path) or ".", capture_output=True, text=True, check=False
            )
        except OSError as error:
            raise UserError(f"{display}: cannot run uv: {error.strerror}") from None
        if result.returncode != 0:
            detail = result.stderr.strip().splitlines()[-1:] or [f"exit code {result.returncode}"]
            raise UserError(f"{display}: uv export failed: {detail[0]}")
        with open(output, "rb") as stream:
            exported = decode_text(stream.read(), display)
    body = _filter_generated(exported.split("\n"))
    return finish_contents(_timestamp_header("requirements.txt.lock generated from uv.lock") + body)
