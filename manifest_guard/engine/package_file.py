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
from collections.abc import Iterable
from dataclasses import dataclass

from manifest_guard.foundation.checksums import md5_of_bytes
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
        return md5_of_bytes(self.contents.encode("utf-8", "surrogateescape"))


def _without_rsconnect_lines(text: str) -> str:
    return "\n".join(line for line in text.split("\n") if "rsconnect" not in line)


def _strip_ref(line: str) -> str:
    ending = "\r" if line.endswith("\r") else ""
    return line.split(" @ file:", 1)[0].strip() + ending


def _is_setuptools_post(line: str) -> bool:
    return line.startswith("setuptools") and "post" in line


def finish_contents(text: str) -> str:
    """The last step every source goes through before hashing."""
    lines = (_strip_ref(line) for line in text.split("\n"))
    return "\n".join(line for line in lines if not (line and _is_setuptools_post(line)))


def processed_requirements(data: bytes, display: str) -> str:
    """The text rsconnect-python hashes for an existing requirements file."""
    return finish_contents(_without_rsconnect_lines(decode_text(data, display)))


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
