"""``manifest-guard rule [CODE]``: a rule's documentation, read from the same file as docs/rules.md."""

from __future__ import annotations

import argparse

from manifest_guard.foundation.arguments import Parser

DESCRIPTION = """\
Print the documentation of a rule (what it reports, why, an example, how to fix it), given its code
(MG101), a prefix that names one rule, or its name (checksum-mismatch). Without CODE, list every rule
with its default severity and whether `fix` repairs it.
"""


def build_parser(prog: str) -> argparse.ArgumentParser:
    parser = Parser(prog=prog, description=DESCRIPTION)
    parser.add_argument("code", nargs="?", metavar="CODE", help="a rule code or name (default: list every rule)")
    return parser


def run(args: argparse.Namespace) -> int:
    from manifest_guard.catalogue.codes import RULES
    from manifest_guard.catalogue.rule_docs import find_rule, rule_section
    from manifest_guard.foundation import console

    if args.code is None:
        for rule in RULES.values():
            fixable = ", fixable" if rule.fixable else ""
            console.result(f"{rule.code}  {rule.name:<30} {rule.severity.value}{fixable}: {rule.summary}")
        return 0
    console.result(rule_section(find_rule(args.code)).rstrip("\n"))
    return 0
