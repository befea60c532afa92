"""``manifest-guard fix [PATH...]``: rewrite stale manifests with the minimum change."""

from __future__ import annotations

import argparse

from manifest_guard.commands.options import add_common_options, scope_with_work
from manifest_guard.foundation.arguments import Parser

DESCRIPTION = """\
Rewrite each stale Connect manifest.json in place with the minimum change (files entries,
environment.python.requires); every other key keeps its value and position, and a fresh
manifest is not touched. Exit 1 when a file was changed (review and re-stage it), 0 when
nothing needed fixing; with --stage the rewritten manifests are `git add`ed and the exit is 0.
"""
SOURCES = "what to check: 'index' (staged content, the default in a git repository) or 'worktree'"


def build_parser(prog: str) -> argparse.ArgumentParser:
    parser = Parser(prog=prog, description=DESCRIPTION)
    add_common_options(parser, SOURCES)
    parser.add_argument("--stage", action="store_true", help="git add the rewritten manifests (exit 0)")
    return parser


def run(args: argparse.Namespace) -> int:
    work, scope = scope_with_work(args, "fix")
    if not work:
        return 0
    from manifest_guard.fixing.rewrite import run_fix

    return run_fix(args, scope)
