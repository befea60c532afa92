"""Render a report as text, json, github or sarif; each format module is imported only when used, so
``--help`` and the pre-commit hook never pay for the SARIF or GitHub code."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final, TextIO

from manifest_guard.catalogue.codes import Severity
from manifest_guard.catalogue.findings import Report
from manifest_guard.foundation import console

FORMATS: Final = ("text", "json", "github", "sarif")
COLOR_CHOICES: Final = ("auto", "always", "never")


@dataclass(frozen=True)
class Tally:
    """The counts every format's summary is made of, computed in one place so they always agree."""

    errors: int  # findings of severity error
    warnings: int  # findings of severity warning
    fixable: int  # findings that ``fix`` repairs
    manifests: int  # manifests the run looked at (``report.manifests``)
    total: int  # those plus any manifest only named by a finding
    affected: int  # manifests with at least one error or warning
    fixed: int  # manifests ``fix`` rewrote
    failures: int  # errors that prevented checking (``report.errors``)


def tally(report: Report) -> Tally:
    """Count the report's findings, manifests and failures."""
    counted = [f for f in report.findings if f.severity is not Severity.OFF]
    paths = {m.path for m in report.manifests}
    return Tally(
        errors=sum(f.severity is Severity.ERROR for f in counted),
        warnings=sum(f.severity is Severity.WARNING for f in counted),
        fixable=sum(f.fixable for f in counted),
        manifests=len(report.manifests),
        total=len(paths | {f.manifest for f in report.findings}),
        affected=len({f.manifest for f in counted}),
        fixed=sum(m.status == "fixed" for m in report.manifests),
        failures=len(report.errors),
    )


def utf8_safe(text: str) -> str:
    """``text`` with lone surrogates (undecodable file-name bytes) as ``\\udcXX`` escapes, so writing it
    to a UTF-8 stream cannot fail; inside a JSON string the escape is valid JSON for the same value."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def use_color(choice: str, stream: TextIO, environ: Mapping[str, str] | None = None) -> bool:
    """Whether to colour ``stream``: ``always``/``never`` win; ``auto`` honours NO_COLOR, then
    FORCE_COLOR (non-empty values only, per no-color.org), then ``TERM=dumb``, then isatty."""
    if choice == "always":
        return True
    if choice == "never":
        return False
    if choice != "auto":
        raise ValueError(f"unknown colour choice {choice!r} (expected one of {', '.join(COLOR_CHOICES)})")
    env = os.environ if environ is None else environ
    if env.get("NO_COLOR"):
        return False
    if env.get("FORCE_COLOR"):
        return True
    if env.get("TERM") == "dumb":
        return False
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):  # a closed or exotic stream is not a terminal
        return False


def render(
    report: Report,
    output_format: str,
    stream: TextIO,
    *,
    color: bool = False,
    show_diff: bool = False,
    quiet: bool = False,
    environ: Mapping[str, str] | None = None,
) -> None:
    """Write ``report`` to ``stream`` as ``output_format`` (one of :data:`FORMATS`).

    ``quiet`` only affects the human formats (text and github); ``environ`` (default ``os.environ``)
    is where the github format finds ``GITHUB_STEP_SUMMARY``.
    """
    env = os.environ if environ is None else environ
    if output_format == "text":
        from manifest_guard.reporters import text

        text.render(report, stream, color=color, show_diff=show_diff, quiet=quiet)
    elif output_format == "json":
        from manifest_guard.reporters import json_format

        json_format.render(report, stream, show_diff=show_diff)
    elif output_format == "github":
        from manifest_guard.reporters import github

        github.render(report, stream, show_diff=show_diff, quiet=quiet, environ=env)
    elif output_format == "sarif":
        from manifest_guard.reporters import sarif

        sarif.render(report, stream)
    else:
        raise ValueError(f"unknown output format {output_format!r} (expected one of {', '.join(FORMATS)})")


def render_report(report: Report, args: argparse.Namespace) -> None:
    """Print a command's run errors on stderr and its report on stdout, as the options in ``args`` ask."""
    for message in report.errors:
        console.error(message)
    color = use_color(args.color, sys.stdout, os.environ)
    render(report, args.output_format, sys.stdout, color=color, show_diff=args.diff, quiet=args.quiet)
