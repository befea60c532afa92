"""MG501, MG503 and MG504: what the bundle must not carry to the server.

Both look only at the files the deploy will upload (the manifest's files after ``fix``), by name and
size; a ``.pem`` or ``.key`` file is also read (at most 1 MiB) to tell a private key from a certificate.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from manifest_guard.catalogue.appmodes import R_CONTENT_APPMODES, appmode_of
from manifest_guard.catalogue.codes import Severity
from manifest_guard.catalogue.findings import Finding
from manifest_guard.engine.edits import Proposal
from manifest_guard.engine.r_bundle import MAX_BUNDLE_BYTES, MAX_BUNDLE_FILES
from manifest_guard.repository.trees import join
from manifest_guard.rules.freshness import AppState

MIB = 1024 * 1024
KEY_SNIFF_LIMIT = MIB
# Base names that hold credentials whatever their content.
SECRET_NAMES = frozenset({".netrc", "_netrc", ".pypirc", ".git-credentials", "credentials.json", ".htpasswd"})
SECRET_PATTERNS = (
    re.compile(r"^\.env(rc)?([.\-_].+)?$", re.IGNORECASE),  # .env, .env.local, .env-prod, .envrc
    re.compile(r"^.+\.env$", re.IGNORECASE),  # prod.env (Docker's env-file naming)
    re.compile(r"^id_(rsa|dsa|ecdsa|ed25519)(_sk)?([.\-_].+)?$"),  # SSH private keys (id_rsa.pub is excluded below)
    re.compile(r"^client_secrets?.*\.json$", re.IGNORECASE),  # Google OAuth client secrets
    re.compile(r".+\.(p12|pfx)$", re.IGNORECASE),  # PKCS#12 key stores
)
KEY_FILES = re.compile(r".+\.(pem|key)$", re.IGNORECASE)
# Templates that document the variables without values: the word is a segment of the name, wherever it
# stands (.env.example, .example.env, sample.env, .env-template.local).
NOT_SECRETS = re.compile(
    r"\.pub$|(^|[.\-_])(example|sample|template|dist|defaults|schema)([.\-_]|$)", re.IGNORECASE
)
PEM_BLOCK = re.compile(rb"-----BEGIN ([A-Z0-9 ]+)-----")


_ANY_SECRET = re.compile("|".join(f"(?:{pattern.pattern})" for pattern in SECRET_PATTERNS), re.IGNORECASE)


def _name_says_secret(name: str) -> bool:
    if name in SECRET_NAMES:
        return not NOT_SECRETS.search(name)
    return _ANY_SECRET.match(name) is not None and not NOT_SECRETS.search(name)


def _key_file_is_secret(state: AppState, path: str) -> bool:
    """A ``.pem``/``.key`` file is a secret unless it holds only certificates or public keys."""
    full = join(state.app, path)
    if state.tree.size(full) > KEY_SNIFF_LIMIT:
        return True
    blocks = PEM_BLOCK.findall(state.tree.read_bytes(full))
    return not blocks or any(b"PRIVATE" in label for label in blocks)


def secret_reason(state: AppState, path: str) -> str | None:
    """Why ``path`` (app-relative) looks like a secret, or None."""
    name = path.rpartition("/")[2]
    if _name_says_secret(name):
        return "its name is that of a credentials file"
    if KEY_FILES.match(name) and not NOT_SECRETS.search(name) and _key_file_is_secret(state, path):
        return "it holds a private key"
    return None


def check_bundle_safety(state: AppState, deployed: Iterable[str]) -> list[Proposal]:
    """MG501 for likely secrets, MG503 for files over ``large-file-mb`` MiB, among the files a deploy uploads."""
    manifest = state.display(state.manifest)
    proposals: list[Proposal] = []

    def report(code: str, path: str, message: str, severity: Severity) -> None:
        line = state.loaded.line_of(("files", path))
        proposals.append(Proposal(Finding(code, manifest, manifest, line, message, severity, subject=path)))

    deployed = list(deployed)
    total = 0
    for path in deployed:
        shown = state.display(join(state.app, path))
        reason = secret_reason(state, path)
        if reason is not None:
            message = (f"{shown}: likely a secret ({reason}) and would be uploaded to the server with the app; "
                       "exclude it (.rscignore or `exclude`), remove it from git and rotate what it held")  # fmt: skip
            report("MG501", path, message, Severity.ERROR)
        size = state.tree.size(join(state.app, path))
        total += size
        if size > state.large_file_mb * MIB:
            message = (f"{shown}: {size / MIB:.1f} MB, over the {state.large_file_mb:g} MB limit (large-file-mb); "
                       "every deploy uploads it: exclude it and load it from storage, or raise the limit")  # fmt: skip
            report("MG503", path, message, Severity.WARNING)
    proposals.extend(_r_bundle_limits(state, len(deployed), total))
    return proposals


def _r_bundle_limits(state: AppState, count: int, total: int) -> list[Proposal]:
    """MG504: R content over the R rsconnect package's limits, which ``writeManifest()`` refuses."""
    if appmode_of(state.document) not in R_CONTENT_APPMODES:
        return []
    over = []
    if count > MAX_BUNDLE_FILES:
        over.append(f"{count:,} files, over its {MAX_BUNDLE_FILES:,}-file limit")
    if total > MAX_BUNDLE_BYTES:
        over.append(f"{total / MIB:,.0f} MiB, over its {MAX_BUNDLE_BYTES // MIB:,} MiB limit")
    if not over:
        return []
    manifest = state.display(state.manifest)
    message = (f"{manifest}: the bundle holds {' and '.join(over)}: rsconnect::writeManifest() refuses it "
               "(options rsconnect.max.bundle.files and rsconnect.max.bundle.size); exclude what the app does not "
               "need with .rscignore")  # fmt: skip
    line = state.loaded.line_of(("files",))
    return [Proposal(Finding("MG504", manifest, manifest, line, message, Severity.WARNING, subject="files"))]
