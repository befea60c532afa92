"""The ``sarif`` format: SARIF 2.1.0 for GitHub code scanning and other result stores.

Every registered rule is described (not only those found) so ``ruleIndex`` is stable across runs;
``partialFingerprints`` hash what identifies a finding, never its line or wording, so an alert
survives edits above it and rephrased messages.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, Final, TextIO
from urllib.parse import quote

from manifest_guard import __version__
from manifest_guard.catalogue.codes import RULES, Rule, Severity
from manifest_guard.catalogue.findings import Finding, Report
from manifest_guard.foundation.console import PROGRAM
from manifest_guard.reporters import utf8_safe

SCHEMA_URI: Final = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI: Final = "https://github.com/manifest-guard/manifest-guard"
FINGERPRINT_KEY: Final = "manifestGuard/v1"
SRCROOT: Final = "%SRCROOT%"
_LEVELS: Final = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.OFF: "none"}
_RULE_INDEX: Final = {code: index for index, code in enumerate(RULES)}


def help_uri(rule: Rule) -> str:
    """The README anchor GitHub makes of the heading ``MG101 checksum-mismatch``."""
    return f"{INFORMATION_URI}#{rule.code.lower()}-{rule.name}"


def descriptor(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "defaultConfiguration": {"level": _LEVELS[rule.severity]},
        "helpUri": help_uri(rule),
        "properties": {"fixable": rule.fixable},
    }


def fingerprint(finding: Finding) -> str:
    """sha256 of code, manifest, path and subject (NUL-separated so fields cannot run together)."""
    identity = "\0".join((finding.code, finding.manifest, finding.path, finding.subject))
    return hashlib.sha256(identity.encode("utf-8", "surrogatepass")).hexdigest()


def uri(path: str) -> str:
    """A POSIX relative path as a URI reference: ``%``, ``:``, spaces and non-ASCII percent-encoded
    (an undecodable file name by its original bytes)."""
    try:
        return quote(path, safe="/", errors="surrogateescape")
    except UnicodeEncodeError:
        return quote(path, safe="/", errors="surrogatepass")


def result(finding: Finding) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": {"uri": uri(finding.path), "uriBaseId": SRCROOT}}
    if finding.line is not None:
        region: dict[str, int] = {"startLine": finding.line}
        if finding.column is not None:
            region["startColumn"] = finding.column
        physical["region"] = region
    return {
        "ruleId": finding.code,
        "ruleIndex": _RULE_INDEX[finding.code],
        "level": _LEVELS[finding.severity],
        "message": {"text": finding.message},
        "locations": [{"physicalLocation": physical}],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint(finding)},
    }


def document(report: Report) -> dict[str, Any]:
    """The SARIF log as a dict: one run, every rule, one result per finding."""
    invocation: dict[str, Any] = {"executionSuccessful": report.status != "error"}
    if report.errors:
        invocation["toolExecutionNotifications"] = [{"level": "error", "message": {"text": e}} for e in report.errors]
    run = {
        "tool": {
            "driver": {
                "name": PROGRAM,
                "version": __version__,
                "informationUri": INFORMATION_URI,
                "rules": [descriptor(rule) for rule in RULES.values()],
            }
        },
        "originalUriBaseIds": {SRCROOT: {"description": {"text": "The repository root (or the working directory)."}}},
        "invocations": [invocation],
        "results": [result(finding) for finding in report.findings],
    }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def render(report: Report, stream: TextIO) -> None:
    stream.write(utf8_safe(json.dumps(document(report), indent=2, ensure_ascii=False)) + "\n")
