"""The ``json`` format: one versioned document that scripts can rely on.

Its shape is fixed by ``schemas/check-output.schema.json`` (version 1): add keys only with a new
version, never rename or drop them, and never mix human prose into it beyond the messages.
"""

from __future__ import annotations

import json
from typing import Any, Final, TextIO

from manifest_guard.catalogue.findings import Finding, ManifestResult, Report
from manifest_guard.reporters import tally, utf8_safe

VERSION: Final = 1


def manifest_entry(result: ManifestResult, *, command: str, show_diff: bool) -> dict[str, Any]:
    entry: dict[str, Any] = {"path": result.path, "appmode": result.appmode, "status": result.status}
    if show_diff and result.diff is not None:
        entry["diff"] = result.diff
    if command == "fix":
        entry["changes"] = list(result.changes)
    return entry


def finding_entry(finding: Finding) -> dict[str, Any]:
    return {
        "code": finding.code,
        "name": finding.name,
        "severity": finding.severity.value,
        "manifest": finding.manifest,
        "path": finding.path,
        "line": finding.line,
        "column": finding.column,
        "subject": finding.subject,
        "message": finding.message,
        "fixable": finding.fixable,
    }


def document(report: Report, *, show_diff: bool = False) -> dict[str, Any]:
    """The JSON document as a dict, keys in their documented order."""
    counts = tally(report)
    return {
        "version": VERSION,
        "status": report.status,
        "command": report.command,
        "manifests": [manifest_entry(m, command=report.command, show_diff=show_diff) for m in report.manifests],
        "findings": [finding_entry(f) for f in report.findings],
        "errors": list(report.errors),
        "summary": {
            "errors": counts.errors,
            "warnings": counts.warnings,
            "fixable": counts.fixable,
            "manifests": counts.manifests,
        },
    }


def render(report: Report, stream: TextIO, *, show_diff: bool = False) -> None:
    stream.write(utf8_safe(json.dumps(document(report, show_diff=show_diff), indent=2, ensure_ascii=False)) + "\n")
