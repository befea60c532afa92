"""What one run asks of the checker: kept apart from ``checker`` so that a run answered from the result
cache never imports the rules."""

from __future__ import annotations

from dataclasses import dataclass

from manifest_guard.settings.config import Config
from manifest_guard.settings.selection import RuleSelection


@dataclass(frozen=True)
class CheckOptions:
    config: Config
    selection: RuleSelection
    want_diff: bool = False
    want_fixed: bool = True  # check without --diff never needs the rewritten bytes (a 10,000-file dump)
