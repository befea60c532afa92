"""The options ``check`` and ``fix`` share, kept free of heavy imports: a hook run whose change
touches no app parses them and returns before the engine is imported."""

from __future__ import annotations

import argparse

from manifest_guard.catalogue.codes import RULES, matching_codes
from manifest_guard.foundation.arguments import did_you_mean
from manifest_guard.repository.hook_scope import HookScope, hook_work

OUTPUT_FORMATS = ("text", "json", "github", "sarif")


def _codes(value: str) -> list[str]:
    """``--select`` / ``--ignore`` values: comma-separated codes or prefixes, each matching a rule."""
    selectors = [part.strip().upper() for part in value.split(",") if part.strip()]
    for selector in selectors:
        if not matching_codes(selector):
            hint = did_you_mean(selector, RULES) or "; `manifest-guard rule` lists them"
            raise argparse.ArgumentTypeError(f"{selector!r} matches no rule code{hint}")
    return selectors


def add_common_options(parser: argparse.ArgumentParser, sources: str) -> None:
    parser.add_argument("paths", nargs="*", metavar="PATH", help="app directories or manifest files (default: all)")
    parser.add_argument(
        "--hook",
        action="store_true",
        help="pre-commit mode: the index, only apps the staged change touches (all when nothing is staged)",
    )
    parser.add_argument("--source", metavar="SOURCE", help=sources)
    parser.add_argument(
        "--changed-since", metavar="REV", help="only apps with a change between REV and the source (also the base)"
    )
    parser.add_argument("--output-format", choices=OUTPUT_FORMATS, default="text", help="report format")
    parser.add_argument("--diff", action="store_true", help="show the unified diff of each manifest's fix")
    parser.add_argument("--select", type=_codes, action="append", metavar="CODES", help="only these codes/prefixes")
    parser.add_argument("--ignore", type=_codes, action="append", default=[], metavar="CODES", help="skip these codes")
    parser.add_argument("--strict", action="store_true", help="warnings fail the run too")
    parser.add_argument("-q", "--quiet", action="store_true", help="print findings only")
    parser.add_argument("--config", metavar="FILE", help="configuration file (default: found at the repository root)")
    parser.add_argument(
        "--color", choices=("auto", "always", "never"), help="colour in text output (also accepted before the command)"
    )


def scope_with_work(args: argparse.Namespace, command: str) -> tuple[bool, HookScope | None]:
    """(whether there is work, the hook scope). A hook run whose change touches no app has none:
    it prints nothing in text and an empty report in the other formats, without loading the engine."""
    scope = hook_work(args.hook, args.source, args.changed_since, args.paths, args.config)
    if not args.hook or scope is not None:
        return True, scope
    if args.output_format != "text":
        from manifest_guard.catalogue.findings import Report
        from manifest_guard.reporters import render_report

        render_report(Report(command="fix" if command == "fix" else "check"), args)
    return False, None
