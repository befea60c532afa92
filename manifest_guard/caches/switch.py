"""``MANIFEST_GUARD_NO_CACHE=1``: a run that neither reads nor writes any cache, so anyone can compare a
cached answer with a fresh one (and rule the caches out when something looks wrong)."""

from __future__ import annotations

import os

NO_CACHE_VARIABLE = "MANIFEST_GUARD_NO_CACHE"


def caches_enabled() -> bool:
    """False when the variable is set to anything but empty or ``0``."""
    return os.environ.get(NO_CACHE_VARIABLE, "").strip() in ("", "0")
