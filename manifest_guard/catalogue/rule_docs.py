"""Each rule's documentation, read from ``docs/rules.md`` (installed with the package) by its heading.

One file is the source for the documentation site and for ``manifest-guard rule``, so they cannot differ.
"""

from __future__ import annotations

import re
from importlib import resources

from manifest_guard.catalogue.codes import RULES, Rule, matching_codes
from manifest_guard.foundation.arguments import did_you_mean
from manifest_guard.foundation.errors import UserError

DOCS_PACKAGE = "manifest_guard.docs"
RULES_FILE = "rules.md"
_HEADING = re.compile(r"^(#{2,3}) (MG[0-9]{3}) ", re.MULTILINE)


def rules_text() -> str:
    return (resources.files(DOCS_PACKAGE) / RULES_FILE).read_text(encoding="utf-8")


def sections(text: str) -> dict[str, str]:
    """Code -> its section: the heading and everything up to the next heading of the same or a higher level."""
    found: dict[str, str] = {}
    for match in _HEADING.finditer(text):
        level = len(match.group(1))
        end_pattern = re.compile(rf"^#{{1,{level}}} ", re.MULTILINE)
        end = end_pattern.search(text, match.end())
        found[match.group(2)] = text[match.start() : end.start() if end else len(text)].rstrip() + "\n"
    return found


def find_rule(query: str) -> Rule:
    """The rule a code, a prefix naming one rule, or a rule name designates; else a did-you-mean error."""
    wanted = query.strip()
    by_name = {rule.name: rule for rule in RULES.values()}
    if wanted.lower() in by_name:
        return by_name[wanted.lower()]
    codes = matching_codes(wanted)
    if len(codes) == 1:
        return RULES[codes[0]]
    if len(codes) > 1:
        raise UserError(f"{query!r} names {len(codes)} rules ({', '.join(codes)}); give one code")
    spelled = wanted.upper() if wanted[:2].lower() == "mg" else wanted.lower()
    hint = did_you_mean(spelled, [*RULES, *by_name]) or "; `manifest-guard rule` lists every rule"
    raise UserError(f"{query!r} is not a rule code or name{hint}")


def rule_section(rule: Rule) -> str:
    """The documentation of ``rule``: its section of docs/rules.md."""
    found = sections(rules_text()).get(rule.code)
    if found is None:  # a packaging bug: tests keep every code documented
        raise UserError(f"{rule.code}: no documentation installed ({DOCS_PACKAGE}/{RULES_FILE})")
    return found
