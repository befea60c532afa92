"""Which ``files`` keys a manifest may hold: relative POSIX paths that stay inside the app directory."""

from __future__ import annotations

import functools
import re

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_DRIVE = re.compile(r"[A-Za-z]:")


@functools.lru_cache(maxsize=1 << 16)  # asked for every listed file by several rules
def unsafe_path_reason(key: str) -> str | None:
    """Why ``key`` cannot name a file inside the bundle, or None when it can.

    Connect unpacks the bundle on a POSIX server under the app directory: a key that leaves that
    directory, only means something on Windows, or names no file at all is a deploy waiting to break.
    """
    if not key:
        return "is empty"
    if "\x00" in key:
        return "has a NUL character"
    control = _CONTROL.search(key)
    if control:
        return f"has a control character ({control.group()!r})"
    if key.startswith("/"):
        return "is absolute"
    if _DRIVE.match(key):
        return f"starts with a Windows drive ({key[:2]!r})"
    if "\\" in key:
        return "has a backslash"
    segments = key.split("/")
    if ".." in segments:
        return "has a '..' segment"
    if segments[0] == "." and len(segments) > 1:
        return "starts with './'"
    if "." in segments:
        return "has a '.' segment"
    if key.endswith("/"):
        return "ends with '/'"
    if "" in segments:
        return "has an empty segment"
    return None
