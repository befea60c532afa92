"""The rule catalogue: every MG code with its name, default severity and whether ``fix`` repairs it.

Rule modules (one per code family) yield :class:`~manifest_guard.catalogue.findings.Finding` objects; the
registry here is the single source for names, defaults and the README's rule reference.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Final


class Severity(str, enum.Enum):
    """How a finding counts: errors fail the run, warnings only with ``--strict``, off is never reported."""

    ERROR = "error"
    WARNING = "warning"
    OFF = "off"


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: Severity
    fixable: bool
    summary: str
    implemented: bool = True


def _rule(code: str, name: str, severity: str, fixable: bool, summary: str, implemented: bool = True) -> Rule:
    return Rule(code, name, Severity(severity), fixable, summary, implemented)


RULES: Final[dict[str, Rule]] = {
    rule.code: rule
    for rule in (
        _rule("MG001", "invalid-json", "error", False, "the manifest is not UTF-8 JSON"),
        _rule("MG002", "schema", "error", False, "the manifest violates schemas/manifest.schema.json"),
        _rule("MG003", "duplicate-key", "error", False, "an object repeats a key"),
        _rule("MG004", "unknown-appmode", "error", False, "metadata.appmode is not one Connect knows"),
        _rule("MG005", "unsafe-path", "error", False, "a files key is not a safe relative path"),
        _rule("MG101", "checksum-mismatch", "error", True, "a listed file's content differs from its checksum"),
        _rule("MG102", "listed-file-missing", "error", True, "a listed file is not in the tree"),
        _rule("MG103", "unlisted-file", "error", True, "a file new in this change is not listed"),
        _rule("MG104", "python-requires-stale", "error", True, "environment.python.requires is out of date"),
        _rule("MG105", "unmerged-path", "error", False, "a path of the app has an unresolved merge conflict"),
        _rule("MG106", "manifest-deleted", "error", False, "the manifest was deleted while its app remains"),
        _rule("MG201", "entrypoint-invalid", "error", False, "the entrypoint is missing or malformed"),
        _rule("MG202", "entrypoint-module-not-found", "error", False, "the entrypoint module is not bundled"),
        _rule("MG203", "entrypoint-syntax-error", "error", False, "the entrypoint module does not parse"),
        _rule("MG204", "entrypoint-object-not-found", "error", False, "the entrypoint object is not bound"),
        _rule("MG205", "framework-mismatch", "error", False, "the app object belongs to another framework"),
        _rule("MG206", "shiny-express-entrypoint", "error", True, "Shiny Express entrypoint form is wrong"),
        _rule("MG207", "entry-document-missing", "error", False, "the file Connect starts or renders is not bundled"),
        _rule("MG208", "shiny-runtime-missing", "error", False, "a Shiny document does not declare Shiny"),
        _rule("MG209", "quarto-engine-missing", "error", False, "quarto.engines lacks an engine a document needs"),
        _rule("MG301", "package-file-missing", "error", False, "the package file is not in the bundle"),
        _rule("MG302", "requirements-syntax", "error", False, "a requirements line pip would reject"),
        _rule("MG303", "local-requirement", "error", False, "a requirement the server cannot install"),
        _rule("MG304", "missing-dependency", "warning", False, "an import no declared distribution provides"),
        _rule("MG305", "unused-dependency", "off", False, "a declared distribution nothing uses"),
        _rule("MG306", "framework-not-declared", "warning", False, "the appmode's framework is not declared"),
        _rule("MG307", "transitive-dependency", "off", False, "an import only a dependency of the declared provides"),
        _rule("MG308", "module-not-committed", "error", False, "an imported app module exists only in the work tree"),
        _rule("MG309", "r-packages-stale", "error", True, "the manifest's R packages disagree with renv.lock"),
        _rule("MG310", "renv-lock-invalid", "error", False, "renv.lock is not UTF-8 JSON"),
        _rule("MG311", "r-platform-mismatch", "warning", False, "platform is not renv.lock's R version"),
        _rule("MG312", "r-requires-stale", "warning", False, "environment.r.requires contradicts the app's R version"),
        _rule("MG401", "python-version-invalid", "error", False, "python.version is not X.Y or X.Y.Z"),
        _rule("MG402", "python-version-unsatisfied", "warning", False, "python.version is outside the requires range"),
        _rule("MG403", "version-source-invalid", "error", False, "an app's Python version source does not parse"),
        _rule("MG501", "secret-file", "error", False, "the bundle holds a likely secret"),
        _rule("MG502", "symlink-escape", "error", False, "a bundled symlink resolves outside the app directory"),
        _rule("MG503", "large-file", "warning", False, "a bundled file is over the size limit"),
        _rule("MG504", "bundle-too-large", "warning", False, "R content over rsconnect's file-count or size limit"),
    )
}  # fmt: skip


def rule(code: str) -> Rule:
    """The registered rule for ``code`` (a KeyError is a bug in a rule module)."""
    return RULES[code]


def matching_codes(selector: str) -> list[str]:
    """Codes a selector names: a full code or a prefix such as ``MG1`` (case-insensitive)."""
    wanted = selector.strip().upper()
    return [code for code in RULES if code.startswith(wanted)] if wanted else []
