"""What a check produces: findings per manifest and the run's overall outcome, ready for a reporter."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from manifest_guard.catalogue.codes import RULES, Severity

ManifestStatus = Literal["fresh", "stale", "invalid", "fixed", "error", "missing"]
RunStatus = Literal["ok", "findings", "error"]


@dataclass(frozen=True)
class Finding:
    """One problem. ``path``/``line``/``column`` locate it (the line is in ``path``); paths are
    POSIX, relative to the repository root (or the current directory outside a repository)."""

    code: str
    manifest: str
    path: str
    line: int | None
    message: str
    severity: Severity = Severity.ERROR
    column: int | None = None
    subject: str = ""  # what the finding is about (a files key, a JSON path): stable across runs
    repairable: bool | None = None  # None: as the rule says; False: fix cannot repair this instance

    @property
    def name(self) -> str:
        return RULES[self.code].name

    @property
    def fixable(self) -> bool:
        return RULES[self.code].fixable if self.repairable is None else self.repairable


@dataclass
class ManifestResult:
    """The outcome for one manifest; ``diff`` is the unified diff ``fix`` would apply (when asked)."""

    path: str
    appmode: str | None
    status: ManifestStatus
    diff: str | None = None
    changes: list[str] = field(default_factory=list)  # what fix changed, one line each


@dataclass
class Report:
    """Everything one ``check`` or ``fix`` run found, in discovery order."""

    command: Literal["check", "fix"]
    manifests: list[ManifestResult] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # one-line failures (I/O, unreadable app)
    strict: bool = False

    def failing(self) -> list[Finding]:
        """Findings that make the run fail: errors, and warnings too under ``--strict``."""
        counted = (Severity.ERROR, Severity.WARNING) if self.strict else (Severity.ERROR,)
        return [finding for finding in self.findings if finding.severity in counted]

    @property
    def status(self) -> RunStatus:
        if self.errors:
            return "error"
        return "findings" if self.findings else "ok"
