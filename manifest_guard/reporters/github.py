"""The ``github`` format: workflow-command annotations plus the full table in the job summary.

GitHub shows only 10 annotations of each type per step and drops the rest silently, so the job
summary (``$GITHUB_STEP_SUMMARY``) carries every finding; escaping follows actions/toolkit ``command.ts``.
"""

from __future__ import annotations

import html
import os
import re
from collections.abc import Mapping
from typing import Final, TextIO

from manifest_guard.catalogue.codes import Severity
from manifest_guard.catalogue.findings import Finding, Report
from manifest_guard.foundation.console import PROGRAM, warn
from manifest_guard.reporters import utf8_safe
from manifest_guard.reporters.text import location, summary_line

ANNOTATION_LIMIT: Final = 10  # per type and step (actions/toolkit docs/problem-matchers.md)
SUMMARY_LIMIT: Final = 1024 * 1024  # bytes per step summary; GitHub refuses a larger file
_COMMANDS: Final = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.OFF: "notice"}
_NEWLINE: Final = re.compile(r"\r\n|\r|\n")
_BACKTICKS: Final = re.compile(r"`+")


def escape_data(text: str) -> str:
    """A workflow command's message, as ``escapeData`` in actions/toolkit."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A workflow command's property value, as ``escapeProperty`` in actions/toolkit."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(name: str, message: str, properties: Mapping[str, str] | None = None) -> str:
    """``::name key=value,...::message``; empty values are left out, as the toolkit does."""
    props = ",".join(f"{key}={escape_property(value)}" for key, value in (properties or {}).items() if value)
    return f"::{name}{' ' + props if props else ''}::{escape_data(message)}"


def annotation(finding: Finding) -> str:
    properties = {"file": finding.path}
    if finding.line is not None:
        properties["line"] = str(finding.line)
        if finding.column is not None:
            properties["col"] = str(finding.column)
    properties["title"] = f"{finding.code} {finding.name}"
    return command(_COMMANDS[finding.severity], finding.message, properties)


def cell(text: str) -> str:
    """Table-cell text: ``|`` escaped and line breaks as ``<br>``, so one finding stays one row."""
    return _NEWLINE.sub("<br>", text.replace("|", "\\|"))


def code_span(text: str) -> str:
    """``text`` as a Markdown code span that survives backticks inside it."""
    fence = "`" * (max((len(run) for run in _BACKTICKS.findall(text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _fence(text: str) -> str:
    return "`" * max(3, max((len(run) for run in _BACKTICKS.findall(text)), default=0) + 1)


def _row(finding: Finding) -> str:
    values = (finding.code, finding.name, finding.severity.value, code_span(location(finding)), finding.message)
    return "| " + " | ".join(cell(value) for value in values) + " |"


def _markdown(report: Report, *, show_diff: bool, rows: int, omitted_note: str = "") -> str:
    lines = [f"## {PROGRAM} {report.command}", ""]
    if report.findings:
        lines += ["| Code | Name | Severity | Location | Message |", "| --- | --- | --- | --- | --- |"]
        lines += [_row(finding) for finding in report.findings[:rows]]
        lines.append("")
    if omitted_note:
        lines += [omitted_note, ""]
    if report.errors:
        lines += ["Errors that prevented checking:", ""]
        lines += [f"- {cell(error)}" for error in report.errors]
        lines.append("")
    if report.command == "fix":
        for result in report.manifests:
            if result.changes:
                lines += [f"Fixed {code_span(result.path)}:", ""]
                lines += [f"- {cell(change)}" for change in result.changes]
                lines.append("")
    lines += [f"**{summary_line(report)}**", ""]
    if show_diff:
        for result in report.manifests:
            if result.diff:
                fence = _fence(result.diff)
                lines += [f"<details><summary>Diff of {html.escape(result.path)}</summary>", ""]
                lines += [f"{fence}diff", result.diff.rstrip("\n"), fence, "", "</details>", ""]
    return "\n".join(lines) + "\n"


def job_summary(report: Report, *, show_diff: bool = False, limit: int = SUMMARY_LIMIT) -> str:
    """The Markdown section for ``$GITHUB_STEP_SUMMARY``, cut to ``limit`` bytes: diffs go first,
    then the table's last rows, with a note saying how many were left out."""

    def size(text: str) -> int:
        return len(text.encode("utf-8"))

    everything = len(report.findings)
    text = _markdown(report, show_diff=show_diff, rows=everything)
    if size(text) <= limit:
        return text
    dropped = "Diffs and " if show_diff and any(m.diff for m in report.manifests) else ""
    if dropped:
        text = _markdown(report, show_diff=False, rows=everything, omitted_note="_Diffs left out (size limit)._")
        if size(text) <= limit:
            return text

    def note(left_out: int) -> str:
        return f"_{dropped}{left_out} of {everything} findings left out (size limit): see the step's log._"

    budget = limit - size(_markdown(report, show_diff=False, rows=0, omitted_note=note(everything)))
    kept = 0
    for finding in report.findings:
        cost = size(_row(finding)) + 1
        if cost > budget:
            break
        budget -= cost
        kept += 1
    return _markdown(report, show_diff=False, rows=kept, omitted_note=note(everything - kept))


def append_job_summary(path: str, report: Report, *, show_diff: bool) -> None:
    """Append (never truncate: other steps' tools write there too) this run's section to ``path``."""
    try:
        existing = os.path.getsize(path) if os.path.exists(path) else 0
        section = job_summary(report, show_diff=show_diff, limit=max(0, SUMMARY_LIMIT - existing - 1))
        if existing:
            with open(path, "rb") as handle:
                handle.seek(-1, os.SEEK_END)
                if handle.read(1) != b"\n":
                    section = "\n" + section
        with open(path, "a", encoding="utf-8", errors="backslashreplace", newline="") as handle:
            handle.write(section)
    except OSError as exc:
        warn(f"cannot write the job summary to {path}: {exc.strerror or exc}")


def _limit_notices(report: Report, summary: bool) -> list[str]:
    notices = []
    for severity in (Severity.ERROR, Severity.WARNING):
        count = sum(f.severity is severity for f in report.findings)
        if count > ANNOTATION_LIMIT:
            kind = _COMMANDS[severity]
            where = "the job summary" if summary else "this step's log"
            notices.append(
                command(
                    "notice",
                    f"GitHub shows only {ANNOTATION_LIMIT} {kind} annotations per step; "
                    f"all {count} {kind}s are listed in {where}.",
                )
            )
    return notices


def render(
    report: Report,
    stream: TextIO,
    *,
    show_diff: bool = False,
    quiet: bool = False,
    environ: Mapping[str, str] | None = None,
) -> None:
    """Annotations, diffs in collapsed groups and the summary line on ``stream``; the job summary
    appended when GitHub asks for one."""
    env = os.environ if environ is None else environ
    summary_path = env.get("GITHUB_STEP_SUMMARY", "")
    lines = [annotation(finding) for finding in report.findings]
    lines += _limit_notices(report, bool(summary_path))
    if show_diff and not quiet:
        for result in report.manifests:
            if result.diff:
                lines += [command("group", f"Diff of {result.path}"), result.diff.rstrip("\n"), "::endgroup::"]
    if not quiet:
        lines.append(summary_line(report))
    if lines:
        stream.write(utf8_safe("\n".join(lines) + "\n"))
    if summary_path:
        append_job_summary(summary_path, report, show_diff=show_diff)
