"""Budgets for the property tests: fixed in CI, scaled up with ``FUZZ_SCALE=N`` for a longer run."""

from __future__ import annotations

import os


def examples(count: int) -> int:
    """How many cases a property test runs: ``count`` times ``FUZZ_SCALE`` (default 1)."""
    return count * max(1, int(os.environ.get("FUZZ_SCALE", "1") or "1"))
