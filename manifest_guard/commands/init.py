"""``manifest-guard init``: from an unguarded repository to a guarded one in one command.

It finds the apps, writes the manifests they lack, declares the apps in the configuration and adds
the hook to ``.pre-commit-config.yaml``; every file it writes is one the next ``check`` is quiet about.
"""

from __future__ import annotations

import argparse

from manifest_guard.foundation.arguments import Parser

DESCRIPTION = """\
Set up manifest-guard in this git repository: find the Connect apps (directories with a Connect
manifest.json, or with requirements.txt and Python app code whose framework the code makes certain),
write the manifests they lack, declare the apps in [[tool.manifest-guard.apps]] and add the
manifest-guard hook to .pre-commit-config.yaml. Comments and layout of existing files are kept.
Running it again changes nothing. Prints what it did and what to commit.
"""


def build_parser(prog: str) -> argparse.ArgumentParser:
    parser = Parser(prog=prog, description=DESCRIPTION)
    parser.add_argument(
        "paths", nargs="*", metavar="DIRECTORY", help="app directories (default: search the repository)"
    )
    parser.add_argument("--dry-run", action="store_true", help="print what would be done; write nothing")
    parser.add_argument(
        "--rev",
        metavar="REV",
        help="pin the hook to this tag or commit of --repo (default: a local hook running the installed "
        "manifest-guard, which works before any release)",
    )
    parser.add_argument("--repo", metavar="URL", help="the hook repository for --rev (default: manifest-guard's own)")
    parser.add_argument("--no-hook", action="store_true", help="leave .pre-commit-config.yaml alone")
    parser.add_argument("--python-version", metavar="X.Y.Z", help="python.version for the manifests it writes")
    return parser


def run(args: argparse.Namespace) -> int:
    from manifest_guard.onboarding.setup import run_init

    return run_init(args)
