"""``manifest-guard install``: a plain git pre-commit hook for repositories without pre-commit."""

from __future__ import annotations

import argparse
import os
import shlex
import stat
import sys
from typing import Final

from manifest_guard.engine.manifest import write_atomically
from manifest_guard.foundation import console
from manifest_guard.foundation.arguments import Parser
from manifest_guard.foundation.errors import UserError
from manifest_guard.repository.hook_scope import git_output, repository_root

MARKER: Final = "# installed by manifest-guard install"
DESCRIPTION = """\
Write .git/hooks/pre-commit (or the hooks directory core.hooksPath names) so that every commit
runs `manifest-guard fix --hook --stage`: stale manifests of the apps the commit touches are
rewritten and staged, and the commit goes through with them. A hook that manifest-guard did not
write is never replaced without --force.
"""


def build_parser(prog: str) -> argparse.ArgumentParser:
    parser = Parser(prog=prog, description=DESCRIPTION)
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true", help="install `check --hook`: reject stale commits, never write")
    mode.add_argument(
        "--no-stage", action="store_true", help="install `fix --hook`: rewrite, then fail so you review and stage"
    )
    parser.add_argument("--force", action="store_true", help="replace a hook manifest-guard did not write")
    return parser


# Git runs hooks at the repository root; ``python -m`` would put it first on sys.path, so a user
# module named like a standard one (token.py, json.py) would shadow it. Drop that entry first.
_BOOTSTRAP: Final = "import sys; del sys.path[0]; from manifest_guard.cli import main_entry; main_entry()"


def hook_script(arguments: list[str]) -> str:
    """The hook: this interpreter, run by absolute path, so it works whatever PATH git has."""
    command = " ".join(shlex.quote(part) for part in [sys.executable, "-c", _BOOTSTRAP, *arguments])
    return f'#!/bin/sh\n{MARKER}; re-run it to update, delete this file to remove\nexec {command} "$@"\n'


def _hooks_directory(root: str) -> str:
    path = os.fsdecode(git_output(root, "rev-parse", "--git-path", "hooks").strip())
    return path if os.path.isabs(path) else os.path.join(root, path)


def run(args: argparse.Namespace) -> int:
    root = repository_root(os.getcwd())
    if root is None:
        raise UserError("install: not inside a git work tree")
    if args.check:
        arguments = ["check", "--hook"]
    elif args.no_stage:
        arguments = ["fix", "--hook"]
    else:
        arguments = ["fix", "--hook", "--stage"]
    hooks = _hooks_directory(root)
    path = os.path.join(hooks, "pre-commit")
    if os.path.lexists(path) and not args.force:
        try:
            with open(path, encoding="utf-8", errors="replace") as stream:
                ours = MARKER in stream.read(4096)
        except OSError as error:
            raise UserError(f"{path}: cannot read the existing hook: {error.strerror}") from None
        if not ours:
            raise UserError(f"{path}: a pre-commit hook already exists; pass --force to replace it")
    try:
        os.makedirs(hooks, exist_ok=True)
    except OSError as error:
        raise UserError(f"{hooks}: cannot create the hooks directory: {error.strerror}") from None
    write_atomically(path, hook_script(arguments).encode("utf-8"))
    mode = os.stat(path).st_mode
    os.chmod(path, mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    console.result(f"installed {path}: runs `manifest-guard {' '.join(arguments)}` on every commit")
    return 0
