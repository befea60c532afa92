"""TOML reading with errors that name the file and position instead of raising."""

from __future__ import annotations

import sys
from typing import Any

from manifest_guard.foundation.errors import UserError
from manifest_guard.foundation.textdecode import decode_text

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python < 3.11 only
    import tomli as tomllib


def parse_toml(data: bytes, display: str) -> dict[str, Any]:
    """Parse a TOML document; malformed input is a one-line error, never a crash."""
    text = decode_text(data, display)
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise UserError(f"{display}: invalid TOML: {error}") from None
    except RecursionError:
        raise UserError(f"{display}: invalid TOML: nested too deeply") from None
