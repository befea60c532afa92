"""The human format: one line per finding grouped per manifest, optional diffs and fix changes, one summary.

Lines keep the compiler shape ``path:line[:column]: CODE name message`` so editors and terminals make
them clickable; severity shows as colour (red errors, yellow warnings) and in the summary counts.
"""

from __future__ import annotations

from typing import Final, TextIO

from manifest_guard.catalogue.codes import Severity
from manifest_guard.catalogue.findings import Finding, ManifestResult, Report
from manifest_guard.foundation.console import fix_command, one_line
from manifest_guard.reporters import tally, utf8_safe

RESET: Final = "\x1b[0m"
BOLD: Final = "\x1b[1m"
RED: Final = "\x1b[31m"
GREEN: Final = "\x1b[32m"
YELLOW: Final = "\x1b[33m"
CYAN: Final = "\x1b[36m"

_SEVERITY_STYLE: Final = {Severity.ERROR: BOLD + RED, Severity.WARNING: BOLD + YELLOW, Severity.OFF: ""}

Group = tuple[str, "ManifestResult | None", list[Finding]]


def printable(text: str) -> str:
    """``text`` with control characters shown as escapes, so one finding stays one line."""
    return utf8_safe(one_line(text))


def paint(text: str, style: str, color: bool) -> str:
    return f"{style}{text}{RESET}" if color and style else text


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def location(finding: Finding) -> str:
    """``path:line:column`` with the parts that are known."""
    if finding.line is None:
        return finding.path
    if finding.column is None:
        return f"{finding.path}:{finding.line}"
    return f"{finding.path}:{finding.line}:{finding.column}"


def finding_line(finding: Finding, color: bool = False) -> str:
    code = paint(finding.code, _SEVERITY_STYLE[finding.severity], color)
    return f"{paint(printable(location(finding)), BOLD, color)}: {code} {finding.name} {printable(finding.message)}"


def grouped(report: Report) -> list[Group]:
    """Findings per manifest in the report's manifest order, then those of manifests it does not list."""
    by_manifest: dict[str, list[Finding]] = {}
    for finding in report.findings:
        by_manifest.setdefault(finding.manifest, []).append(finding)
    groups: list[Group] = [(m.path, m, by_manifest.pop(m.path, [])) for m in report.manifests]
    groups.extend((path, None, findings) for path, findings in by_manifest.items())
    return groups


def diff_lines(diff: str, color: bool) -> list[str]:
    """The unified diff's lines, headers bold, hunks cyan, additions green, removals red."""
    lines = []
    for line in diff.splitlines():
        if line.startswith(("+++", "---")):
            style = BOLD
        elif line.startswith("@@"):
            style = CYAN
        elif line.startswith("+"):
            style = GREEN
        elif line.startswith("-"):
            style = RED
        else:
            style = ""
        lines.append(paint(printable(line), style, color))
    return lines


def summary_line(report: Report) -> str:
    """One line: what was found (and fixable) in how many manifests, what fix did, what failed."""
    counts = tally(report)
    parts: list[str] = []
    if report.command == "fix" and counts.fixed:
        parts.append(f"fixed {counts.fixed} of {plural(counts.total, 'manifest')}")
    found = [plural(n, noun) for n, noun in ((counts.errors, "error"), (counts.warnings, "warning")) if n]
    if found:
        part = f"{', '.join(found)} in {counts.affected} of {plural(counts.total, 'manifest')}"
        if report.command == "check" and counts.fixable:
            part += f" ({counts.fixable} fixable with `{fix_command()}`)"
        parts.append(part)
    elif not parts:
        if counts.total == 0:
            parts.append("no manifests checked")
        elif counts.failures:
            parts.append(f"{plural(counts.total, 'manifest')} checked")
        else:
            parts.append(f"{plural(counts.total, 'manifest')} checked, all fresh")
    if counts.failures:
        parts.append(f"{plural(counts.failures, 'error')} prevented checking")
    return "; ".join(parts)


def _summary_style(report: Report) -> str:
    counts = tally(report)
    if report.failing() or counts.failures:
        return BOLD + RED
    if counts.warnings or counts.fixed:
        return BOLD + YELLOW
    return BOLD + GREEN


def render(
    report: Report, stream: TextIO, *, color: bool = False, show_diff: bool = False, quiet: bool = False
) -> None:
    """Write the text report; ``quiet`` keeps only the finding lines."""
    out: list[str] = []
    for path, result, findings in grouped(report):
        out.extend(finding_line(finding, color) for finding in findings)
        if quiet or result is None:
            continue
        if report.command == "fix" and result.changes:
            out.append(paint(f"fixed {printable(path)}:", BOLD, color))
            out.extend(f"  {printable(change)}" for change in result.changes)
        if show_diff and result.diff:
            out.extend(diff_lines(result.diff, color))
    if not quiet:
        out.append(paint(summary_line(report), _summary_style(report), color))
    if out:
        stream.write("\n".join(out) + "\n")
