"""Which rules run and how severe they are: defaults, then configuration, then the command line."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from manifest_guard.catalogue.codes import RULES, Severity, matching_codes
from manifest_guard.settings.config import Config


def _expand(selectors: Iterable[str]) -> set[str]:
    return {code for selector in selectors for code in matching_codes(selector)}


@dataclass(frozen=True)
class RuleSelection:
    """The effective severity of every code; ``OFF`` codes are never reported."""

    severities: Mapping[str, Severity]
    configured: frozenset[str]  # codes whose severity the configuration sets explicitly

    @classmethod
    def build(cls, config: Config, select: Sequence[str] | None = None, ignore: Sequence[str] = ()) -> RuleSelection:
        """``select`` (command line, else config) limits the rules; ``ignore`` (both) removes some.

        A rule that is off by default runs only when named by its full code in ``select`` or given
        a severity in the configuration; a prefix such as ``MG3`` does not switch it on.
        """
        chosen = select if select is not None else config.select
        exact = {selector.strip().upper() for selector in chosen or ()}
        enabled = _expand(chosen) if chosen is not None else set(RULES)
        ignored = _expand([*config.ignore, *ignore])
        severities: dict[str, Severity] = {}
        for code, rule in RULES.items():
            level = config.severity.get(code, rule.severity)
            if level is Severity.OFF and code in exact and code not in config.severity:
                level = Severity.WARNING
            if code not in enabled or code in ignored:
                level = Severity.OFF
            severities[code] = level
        return cls(severities, frozenset(config.severity))

    def severity(self, code: str, proposed: Severity, app_ignore: Iterable[str] = ()) -> Severity:
        """The severity a finding is reported with; a rule may propose a milder one (e.g. MG103
        without a base commit) unless the configuration fixes the code's severity."""
        level = self.severities[code]
        if level is Severity.OFF or code in _expand(app_ignore):
            return Severity.OFF
        if code in self.configured:
            return level
        return Severity.WARNING if Severity.WARNING in (level, proposed) else level

    def enabled(self, code: str) -> bool:
        return self.severities[code] is not Severity.OFF
