"""Strict UTF-8 decoding whose failure names the file, line and byte offset."""

from __future__ import annotations

from manifest_guard.foundation.errors import UserError


def decode_text(data: bytes, display: str) -> str:
    """Decode UTF-8 strictly; an undecodable byte is an error naming the file and offset."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise UserError(f"{display}:{line}: not valid UTF-8 (byte offset {error.start})") from None
