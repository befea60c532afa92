"""Strict UTF-8 decoding whose failure names the file, line and byte offset."""

from __future__ import annotations

from manifest_guard.foundation.errors import MalformedFile


def decode_text(data: bytes, display: str) -> str:
    """Decode UTF-8 strictly; an undecodable byte is an error naming the file, line and offset."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        detail = f"not valid UTF-8 (byte offset {error.start})"
        raise MalformedFile(f"{display}:{line}: {detail}", display, line, detail) from None
