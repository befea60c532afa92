"""md5 and size of git blobs, remembered by blob id, so an unchanged file is never read twice.

A blob id names its content, so the cache can never be stale: it lives in the repository's common git
dir (``<git-common-dir>/manifest-guard/blob-md5``, shared by linked worktrees) as lines of
``<blob id> <md5> <size>``. New entries are appended with one ``write`` on an ``O_APPEND`` file, so
concurrent runs interleave whole batches; a torn or foreign line fails the strict format and is ignored.
Past ``MAX_ENTRIES`` the file is compacted (temp file and rename) to the entries the run used plus the
newest. Every I/O error only disables the cache: it is an optimisation, never a source of truth.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile

CACHE_FILE = os.path.join("manifest-guard", "blob-md5")
# The same format for the CRLF checkout of each blob: ``<blob id> <md5 of the CRLF form> <0|1>``, the flag
# telling whether ``text=auto`` converts it (see ``foundation.line_endings``); only blobs whose listed
# checksum did not match their own md5 are ever entered.
CRLF_CACHE_FILE = os.path.join("manifest-guard", "blob-crlf-md5")
MAX_ENTRIES = 250_000
_LINE = re.compile(r"^(?:[0-9a-f]{40}|[0-9a-f]{64}) [0-9a-f]{32} [0-9]{1,15}$")


def append_lines(path: str, lines: list[str]) -> None:
    """Append ASCII lines with one ``write`` on an ``O_APPEND`` file: concurrent writers interleave whole
    batches, never parts of lines."""
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(descriptor, "".join(f"{line}\n" for line in lines).encode("ascii"))
    finally:
        os.close(descriptor)


class BlobCache:
    """A blob id (hex) -> (md5, size) map loaded from and appended to one file."""

    def __init__(self, path: str | None, crlf: BlobCache | None = None) -> None:
        self.path = path
        self.crlf = crlf  # the CRLF checkout forms, kept and saved alongside
        self._entries: dict[str, tuple[str, int]] = {}
        self._new: dict[str, tuple[str, int]] = {}
        self._used: set[str] = set()
        if path is not None:
            self._load(path)

    @classmethod
    def in_git_dir(cls, common_dir: str) -> BlobCache:
        return cls(os.path.join(common_dir, CACHE_FILE), crlf=cls(os.path.join(common_dir, CRLF_CACHE_FILE)))

    def _load(self, path: str) -> None:
        try:
            with open(path, encoding="ascii", errors="replace") as stream:
                text = stream.read()
        except OSError:
            return
        for line in text.splitlines():
            if _LINE.match(line):
                blob, md5, size = line.split(" ")
                self._entries[blob] = (md5, int(size))

    def get(self, blob: str) -> tuple[str, int] | None:
        found = self._entries.get(blob)
        if found is not None:
            self._used.add(blob)
        return found

    def put(self, blob: str, md5: str, size: int) -> None:
        if blob not in self._entries:
            self._new[blob] = (md5, size)
        self._entries[blob] = (md5, size)
        self._used.add(blob)

    def save(self) -> None:
        """Append this run's new entries (compacting when the file has grown too big)."""
        if self.crlf is not None:
            self.crlf.save()
        if self.path is None or not self._new:
            return
        with contextlib.suppress(OSError):
            os.makedirs(os.path.dirname(self.path), exist_ok=True)
            if len(self._entries) > MAX_ENTRIES:
                self._compact(self.path)
            else:
                append_lines(self.path, [f"{blob} {md5} {size}" for blob, (md5, size) in self._new.items()])
            self._new.clear()

    def _compact(self, path: str) -> None:
        keep = [blob for blob in self._entries if blob in self._used]
        room = max(0, MAX_ENTRIES // 2 - len(keep))
        keep += [blob for blob in list(self._entries)[-room:] if blob not in self._used] if room else []
        payload = "".join(f"{blob} {self._entries[blob][0]} {self._entries[blob][1]}\n" for blob in keep)
        descriptor, temp = tempfile.mkstemp(prefix=".blob-md5-", dir=os.path.dirname(path))
        try:
            with os.fdopen(descriptor, "w", encoding="ascii") as stream:
                stream.write(payload)
            os.replace(temp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temp)
            raise
