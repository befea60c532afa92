"""``manifest-guard check [PATH...]``: report stale or invalid manifests; never writes anything."""

from __future__ import annotations

import argparse

from manifest_guard.commands.options import add_common_options, scope_with_work
from manifest_guard.foundation.arguments import Parser

DESCRIPTION = """\
Check that each Connect manifest.json still describes its app: schema, file list, checksums,
Python requirement and version. Without PATH, every tracked manifest.json that has
metadata.appmode is checked (PWA and browser-extension manifests are skipped). Exit 0 clean,
1 findings (warnings only with --strict), 2 usage, configuration or I/O error.
"""
SOURCES = (
    "what to check: 'index' (staged content, the default in a git repository), 'worktree' "
    "(files on disk, the default elsewhere) or a revision such as HEAD or origin/main"
)


def build_parser(prog: str) -> argparse.ArgumentParser:
    parser = Parser(prog=prog, description=DESCRIPTION)
    add_common_options(parser, SOURCES)
    return parser


def run(args: argparse.Namespace) -> int:
    work, scope = scope_with_work(args, "check")
    if not work:
        return 0
    from manifest_guard.catalogue.findings import ManifestResult
    from manifest_guard.checking.run import check_all, exit_code, open_run
    from manifest_guard.foundation import console
    from manifest_guard.reporters import render_report
    from manifest_guard.repository.trees import join
    from manifest_guard.repository.workspace import MANIFEST

    session = open_run(args, scope)
    try:
        report, _ = check_all(session, "check")
    finally:
        session.workspace.close()
    for app in session.missing:
        shown = session.workspace.display(join(app.path, MANIFEST))
        console.error(
            f"{shown}: missing: the app is declared in the configuration; `{console.fix_command()}` writes it"
        )
        report.manifests.append(ManifestResult(shown, None, "missing"))
    render_report(report, args)
    code = exit_code(report)
    return 1 if code == 0 and session.missing else code
