"""Read one file of a wheel on a package index without downloading the wheel.

``scripts/generate_import_names.py`` needs each distribution's ``METADATA`` (its ``Requires-Dist``).
Downloading every wheel costs gigabytes (torch alone is hundreds of MB), and the index used here serves
no PEP 658 ``.metadata`` files, so the wheel is read in place: a zip file keeps its directory at the end,
and HTTP range requests fetch only that directory and the one member wanted (a few KB per wheel).

The wheel read is the one ``pip download --no-deps --only-binary=:all:`` would pick on this interpreter:
the newest release's wheel whose tags this interpreter supports, else a Windows, macOS or pure-Python
wheel of the same release (metadata rarely differs between a release's wheels). A release without any
wheel falls back to the release metadata of the index's JSON API, which is what its sdist declares.
"""

from __future__ import annotations

import functools
import io
import json
import re
import ssl
import urllib.parse
import urllib.request
import zipfile
from dataclasses import dataclass

DEFAULT_JSON_API = "https://pypi.org/pypi"
TIMEOUT_SECONDS = 20
ATTEMPTS = 3  # the index sometimes stalls a response; a retry on a fresh connection gets through
BLOCK = 64 * 1024  # bytes fetched per range request; the zip directory of most wheels fits in one
USER_AGENT = "manifest-guard-generate-import-names"
FALLBACK_PLATFORMS = ("win_amd64", "macosx", "any")


@functools.lru_cache(maxsize=1)
def _opener() -> urllib.request.OpenerDirector:
    """One opener for every request: building an SSL context loads the CA bundle, which costs about a second
    of CPU each time on a busy machine."""
    return urllib.request.build_opener(urllib.request.HTTPSHandler(context=ssl.create_default_context()))


@dataclass(frozen=True)
class RemoteMetadata:
    """The ``METADATA`` text of a distribution's newest release, and where it was read."""

    version: str
    source: str  # the wheel's file name, or "json-api" when the release has no wheel
    text: str


class _RangeFile(io.RawIOBase):
    """A read-only, seekable view of a remote file, fetched block by block with HTTP range requests."""

    def __init__(self, url: str, size: int) -> None:
        super().__init__()
        self.url = url
        self.size = size
        self.position = 0
        self.blocks: dict[int, bytes] = {}

    def seekable(self) -> bool:
        return True

    def readable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self.position, io.SEEK_END: self.size}[whence]
        self.position = max(0, base + offset)
        return self.position

    def _block(self, index: int) -> bytes:
        if index not in self.blocks:
            start = index * BLOCK
            end = min(self.size, start + BLOCK) - 1
            headers = {"Range": f"bytes={start}-{end}", "User-Agent": USER_AGENT}
            request = urllib.request.Request(self.url, headers=headers)
            with _opener().open(request, timeout=TIMEOUT_SECONDS) as response:
                data = response.read()
                partial = response.status == 206
            self.blocks[index] = data if partial else data[start : end + 1]  # a 200 sends the whole file
        return self.blocks[index]

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        wanted = min(len(buffer), self.size - self.position)
        filled = 0
        while filled < wanted:
            index, offset = divmod(self.position, BLOCK)
            chunk = self._block(index)[offset : offset + wanted - filled]
            if not chunk:
                break
            buffer[filled : filled + len(chunk)] = chunk
            filled += len(chunk)
            self.position += len(chunk)
        return filled


def _get_json(url: str) -> dict[str, object]:
    request = urllib.request.Request(url, headers={"Accept": "application/json", "User-Agent": USER_AGENT})
    with _opener().open(request, timeout=TIMEOUT_SECONDS) as response:
        data: dict[str, object] = json.load(response)
    return data


def _choose_wheel(files: list[dict[str, object]]) -> dict[str, object] | None:
    """The wheel pip would install here, else the first Windows / macOS / pure-Python wheel."""
    from packaging.tags import sys_tags
    from packaging.utils import InvalidWheelFilename, parse_wheel_filename

    wheels: list[tuple[dict[str, object], frozenset[str]]] = []
    for entry in files:
        name = str(entry.get("filename", ""))
        if not name.endswith(".whl") or entry.get("yanked"):
            continue
        try:
            tags = frozenset(str(tag) for tag in parse_wheel_filename(name)[3])
        except InvalidWheelFilename:
            continue
        wheels.append((entry, tags))
    for tag in (str(tag) for tag in sys_tags()):  # most preferred first, as pip ranks them
        for entry, tags in wheels:
            if tag in tags:
                return entry
    for platform in FALLBACK_PLATFORMS:
        for entry, tags in wheels:
            if any(tag.rsplit("-", 1)[-1].startswith(platform) for tag in tags):
                return entry
    return wheels[0][0] if wheels else None


def _metadata_member(names: list[str]) -> str | None:
    found = [name for name in names if re.fullmatch(r"[^/]+\.dist-info/METADATA", name)]
    return found[0] if found else None


def _json_api_metadata(info: dict[str, object]) -> str:
    """A METADATA-shaped text holding the release's ``Requires-Dist`` from the JSON API."""
    lines = [f"Name: {info.get('name', '')}", f"Version: {info.get('version', '')}"]
    requires = info.get("requires_dist") or []
    assert isinstance(requires, list)
    lines += [f"Requires-Dist: {requirement}" for requirement in requires]
    return "\n".join(lines) + "\n"


def remote_metadata(name: str, json_api: str = DEFAULT_JSON_API, former_lines: int = 0) -> list[RemoteMetadata]:
    """``METADATA`` of the newest release of ``name``, read from its wheel on the index (see the module doc),
    then that of the newest release of each of the ``former_lines`` release lines before it (a line is a
    major version, or a minor one below 1.0: ``dash`` 3.x, then 2.18.2 and 1.21.0)."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            return _remote_metadata(name, json_api, former_lines)
        except (OSError, TimeoutError):
            if attempt == ATTEMPTS:
                raise
    raise AssertionError("unreachable")


def _former_releases(releases: dict[str, object], current: str, count: int) -> list[str]:
    """The newest release of each of the ``count`` release lines before ``current``'s (no pre-releases,
    nothing fully yanked)."""
    from packaging.version import InvalidVersion, Version

    def line(version: Version) -> tuple[int, ...]:
        return (version.major,) if version.major else (0, version.minor)

    try:
        newest = Version(current)
    except InvalidVersion:
        return []
    best: dict[tuple[int, ...], Version] = {}
    for text, files in releases.items():
        try:
            version = Version(text)
        except InvalidVersion:
            continue
        usable = isinstance(files, list) and any(isinstance(f, dict) and not f.get("yanked") for f in files)
        if version.is_prerelease or not usable or line(version) >= line(newest):
            continue
        if version > best.get(line(version), Version("0.dev0")):
            best[line(version)] = version
    return [str(best[key]) for key in sorted(best, reverse=True)[:count]]


def _read_release(api_url: str, info: dict[str, object], version: str, files: list[object]) -> RemoteMetadata:
    wheel = _choose_wheel([entry for entry in files if isinstance(entry, dict)])
    if wheel is None:
        return RemoteMetadata(version, "json-api", _json_api_metadata(info)) if version == info.get("version") \
            else RemoteMetadata(version, "none", "")  # fmt: skip
    url = urllib.parse.urljoin(api_url, str(wheel["url"]))
    size = wheel.get("size")
    if not isinstance(size, int):
        raise OSError(f"{api_url}: no size for {wheel['filename']}")
    with zipfile.ZipFile(io.BufferedReader(_RangeFile(url, size), buffer_size=BLOCK)) as archive:
        member = _metadata_member(archive.namelist())
        if member is None:
            raise OSError(f"{wheel['filename']}: no *.dist-info/METADATA")
        text = archive.read(member).decode("utf-8", errors="replace")
    return RemoteMetadata(version, str(wheel["filename"]), text)


def _remote_metadata(name: str, json_api: str, former_lines: int) -> list[RemoteMetadata]:
    api_url = f"{json_api.rstrip('/')}/{urllib.parse.quote(name)}/json"
    project = _get_json(api_url)
    info = project.get("info")
    files = project.get("urls")
    releases = project.get("releases") or {}
    if not isinstance(info, dict) or not isinstance(files, list) or not isinstance(releases, dict):
        raise OSError(f"{api_url}: unexpected JSON API answer")
    version = str(info.get("version", ""))
    found = [_read_release(api_url, info, version, files)]
    for former in _former_releases(releases, version, former_lines):
        release_files = releases.get(former)
        found.append(_read_release(api_url, info, former, release_files if isinstance(release_files, list) else []))
    return found
