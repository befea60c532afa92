"""Command-line entry: ``main(argv) -> int``; bad input ends in a one-line error and exit 2."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Callable, Sequence
from typing import NamedTuple

from manifest_guard import __version__
from manifest_guard.foundation import console
from manifest_guard.foundation.arguments import Parser
from manifest_guard.foundation.errors import UserError
from manifest_guard.repository.git_environment import anchor_git_paths


class Command(NamedTuple):
    build_parser: Callable[[str], argparse.ArgumentParser]
    run: Callable[[argparse.Namespace], int]


def _write() -> Command:
    from manifest_guard.commands import write

    return Command(write.build_parser, write.run)


def _check() -> Command:
    from manifest_guard.commands import check

    return Command(check.build_parser, check.run)


def _fix() -> Command:
    from manifest_guard.commands import fix

    return Command(fix.build_parser, fix.run)


def _init() -> Command:
    from manifest_guard.commands import init

    return Command(init.build_parser, init.run)


def _rule() -> Command:
    from manifest_guard.commands import rule

    return Command(rule.build_parser, rule.run)


def _install() -> Command:
    from manifest_guard.commands import install

    return Command(install.build_parser, install.run)


COMMANDS: dict[str, Callable[[], Command]] = {
    "init": _init, "check": _check, "fix": _fix, "write": _write, "install": _install, "rule": _rule
}  # fmt: skip
SUMMARIES = {
    "init": "set up a repository: write missing manifests, declare the apps, add the pre-commit hook",
    "check": "report manifests that no longer describe their app (never writes the repository)",
    "fix": "rewrite stale manifests with the minimum change",
    "install": "install a plain git pre-commit hook (without the pre-commit framework)",
    "rule": "print a rule's documentation (MG101, checksum-mismatch), or list every rule",
    "write": "write manifest.json like `rsconnect write-manifest` (byte-identical)",
}


def _top_parser() -> argparse.ArgumentParser:
    listing = "\n".join(f"  {name:<8} {summary}" for name, summary in SUMMARIES.items())
    parser = Parser(
        prog=console.PROGRAM,
        description="Keep Posit Connect's manifest.json true to the code it describes.",
        epilog=f"commands:\n{listing}\n\nRun `{console.PROGRAM} COMMAND --help` for a command's options.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"{console.PROGRAM} {__version__}")
    parser.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default="auto",
        help="colour in text output (NO_COLOR / FORCE_COLOR are honoured)",
    )
    parser.add_argument("command", choices=sorted(COMMANDS), metavar="COMMAND", help="one of: " + ", ".join(COMMANDS))
    parser.add_argument("arguments", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns the exit code (0 clean, 1 findings, 2 usage or input error)."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    with contextlib.suppress(OSError):  # a deleted current directory fails later, with a message
        anchor_git_paths(os.getcwd())
    with console.report_stream():
        return _run(arguments)


def _run(arguments: list[str]) -> int:
    try:
        top = _top_parser().parse_args(arguments)
        command = COMMANDS[top.command]()
        parser = command.build_parser(f"{console.PROGRAM} {top.command}")
        options = parser.parse_intermixed_args(top.arguments)
        if getattr(options, "color", None) is None:
            options.color = top.color
        result = command.run(options)
        sys.stdout.flush()  # a report that cannot be delivered is an error, not a silent success
        return result
    except SystemExit as exit_request:
        code = exit_request.code
        return code if isinstance(code, int) else (0 if code is None else 2)
    except console.OutputClosed:
        return 2  # the reader went away (``| head``): nothing to report, like other command-line tools
    except UserError as failure:
        console.error(failure.message)
        return 2
    except KeyboardInterrupt:
        console.error("interrupted")
        return 130
    except RecursionError:
        console.error("input nested too deeply")
        return 2
    except Exception as failure:  # a bug: say so briefly, keep the details for debugging
        if os.environ.get("MANIFEST_GUARD_DEBUG"):
            raise
        console.error(f"internal error ({type(failure).__name__}: {failure}); this is a bug in manifest-guard, "
                      "please report it (set MANIFEST_GUARD_DEBUG=1 for the traceback)")  # fmt: skip
        return 2


def main_entry() -> None:
    """The console script."""
    code = main()
    with contextlib.suppress(OSError):  # the report stream already said what failed
        sys.stdout.flush()
    raise SystemExit(code)
