"""``manifest-guard check [PATH...]``: report stale or invalid manifests; never writes anything."""

from __future__ import annotations

import argparse

from manifest_guard.commands.options import add_common_options
from manifest_guard.hookscope import hook_work

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
    parser = argparse.ArgumentParser(prog=prog, description=DESCRIPTION)
    add_common_options(parser, SOURCES)
    return parser


def run(args: argparse.Namespace) -> int:
    scope = hook_work(args.hook, args.source, args.changed_since, args.paths, args.config)
    from manifest_guard import console
    from manifest_guard.commands.common import check_all, exit_code, open_run, render_report
    from manifest_guard.findings import ManifestResult, Report
    from manifest_guard.trees import join
    from manifest_guard.workspace import MANIFEST

    if args.hook and scope is None:  # the change touches no app: silent in text, an empty report otherwise
        if args.output_format != "text":
            render_report(Report(command="check"), args)
        return 0
    session = open_run(args, scope)
    try:
        report, _ = check_all(session, "check")
    finally:
        session.workspace.close()
    for app in session.missing:
        shown = session.workspace.display(join(app.path, MANIFEST))
        console.error(f"{shown}: missing: the app is declared in the configuration; `manifest-guard fix` writes it")
        report.manifests.append(ManifestResult(shown, None, "missing"))
    render_report(report, args)
    code = exit_code(report)
    return 1 if code == 0 and session.missing else code
