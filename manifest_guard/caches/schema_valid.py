"""Manifests already found schema-valid, remembered by a digest of their bytes and the tool fingerprint.

Schema validation (MG002, MG004, MG005) depends only on the manifest's bytes and on the tool (the
schema, the validating code, jsonschema: all in ``tool_fingerprint``), so an unchanged manifest
(the common hook run: a code file changed, the manifest did not) need not be validated again, nor
jsonschema imported (~35 ms of a ~250 ms run). Stored next to the blob cache as one hex digest per line,
appended with one ``O_APPEND`` write; a line that is not a digest is ignored, any I/O error only means
validating again.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re

from manifest_guard.caches.blob_md5 import append_lines
from manifest_guard.caches.tool_fingerprint import tool_fingerprint

CACHE_FILE = os.path.join("manifest-guard", "schema-valid")
MAX_ENTRIES = 50_000
_DIGEST = re.compile(r"^[0-9a-f]{64}$")


class ValidManifests:
    """Digests of manifests that gave no MG002/MG004/MG005 finding."""

    def __init__(self, path: str | None) -> None:
        self.path = path
        self._known: set[str] | None = None
        self._new: list[str] = []

    @classmethod
    def in_git_dir(cls, common_dir: str) -> ValidManifests:
        return cls(os.path.join(common_dir, CACHE_FILE))

    @staticmethod
    def _key(raw: bytes) -> str:
        return hashlib.sha256(tool_fingerprint().encode("ascii") + raw).hexdigest()

    def _load(self) -> set[str]:
        if self._known is None:
            self._known = set()
            if self.path is not None:
                with contextlib.suppress(OSError, ValueError), open(self.path, encoding="ascii") as stream:
                    self._known = {line for line in stream.read().splitlines() if _DIGEST.match(line)}
        return self._known

    def known(self, raw: bytes) -> bool:
        return self._key(raw) in self._load()

    def remember(self, raw: bytes) -> None:
        key = self._key(raw)
        if key not in self._load():
            self._load().add(key)
            self._new.append(key)

    def save(self) -> None:
        if self.path is None or not self._new:
            return
        with contextlib.suppress(OSError):
            os.makedirs(os.path.dirname(self.path), exist_ok=True)
            if len(self._load()) > MAX_ENTRIES:  # start over: the next runs re-validate what they meet
                os.unlink(self.path)
            append_lines(self.path, self._new)
            self._new.clear()
