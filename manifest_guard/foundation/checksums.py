"""MD5 checksums as Connect expects them: lowercase hex of the raw bytes, read in streamed chunks."""

from __future__ import annotations

import hashlib
from typing import BinaryIO

CHUNK_SIZE = 1 << 20


def new_md5() -> hashlib._Hash:
    """An md5 object that also works on FIPS builds (it is an integrity check, not security)."""
    return hashlib.md5(usedforsecurity=False)


def md5_of_stream(stream: BinaryIO) -> str:
    """Hash a file object without holding more than one chunk in memory."""
    digest = new_md5()
    while True:
        chunk = stream.read(CHUNK_SIZE)
        if not chunk:
            return digest.hexdigest()
        digest.update(chunk)


def md5_of_bytes(data: bytes) -> str:
    """Hash an in-memory buffer (the processed requirements text)."""
    digest = new_md5()
    digest.update(data)
    return digest.hexdigest()


def md5_of_text(text: str) -> str:
    """Hash a text's UTF-8 bytes (lone surrogates kept as the bytes they came from), encoding one chunk
    at a time: a 50 MB requirements text is not copied whole to be hashed."""
    digest = new_md5()
    for start in range(0, len(text), CHUNK_SIZE):
        digest.update(text[start : start + CHUNK_SIZE].encode("utf-8", "surrogateescape"))
    return digest.hexdigest()
