"""TOML reading with errors that name the file and position instead of raising."""

from __future__ import annotations

import re
import sys
from typing import Any

from manifest_guard.foundation.errors import MalformedFile
from manifest_guard.foundation.textdecode import decode_text

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python < 3.11 only
    import tomli as tomllib

_POSITION = re.compile(r"\(at line (\d+), column \d+\)")


def parse_toml(data: bytes, display: str) -> dict[str, Any]:
    """Parse a TOML document; malformed input is a one-line error with its line, never a crash."""
    text = decode_text(data, display)
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        position = _POSITION.search(str(error))
        detail = f"invalid TOML: {error}"
        raise MalformedFile(f"{display}: {detail}", display, int(position.group(1)) if position else None,
                            detail) from None  # fmt: skip
    except RecursionError:
        detail = "invalid TOML: nested too deeply"
        raise MalformedFile(f"{display}: {detail}", display, None, detail) from None
