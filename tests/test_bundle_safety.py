"""MG501 (secret files) and MG503 (large files) through the CLI on real git repositories, firing and quiet."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.conftest import git, put
from tests.gitapp import APP, FLASK_APP, MANIFEST, check_json, commit_all, write_manifest

PRIVATE_KEY = "-----BEGIN RSA PRIVATE KEY-----\nMIIEow==\n-----END RSA PRIVATE KEY-----\n"
OPENSSH_KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbg==\n-----END OPENSSH PRIVATE KEY-----\n"
CERTIFICATE = "-----BEGIN CERTIFICATE-----\nMIIB==\n-----END CERTIFICATE-----\n"
PUBLIC_KEY = "-----BEGIN PUBLIC KEY-----\nMFkw==\n-----END PUBLIC KEY-----\n"


def app_with(root: Path, files: dict[str, str | bytes]) -> Path:
    put(root / APP, {**FLASK_APP, **files})
    write_manifest(root)
    commit_all(root)
    return root


def findings(root: Path, code: str, *args: str) -> list[dict]:  # type: ignore[type-arg]
    _, report = check_json(root, "--select", code, *args)
    return report["findings"]


SECRETS = {
    ".env": "API_KEY=abc\n",
    ".env.production": "API_KEY=abc\n",
    ".envrc": "export TOKEN=abc\n",
    "prod.env": "TOKEN=abc\n",
    "config/.env.local": "TOKEN=abc\n",
    "id_rsa": OPENSSH_KEY,
    "keys/id_ed25519": OPENSSH_KEY,
    ".netrc": "machine example.com login a password b\n",
    ".pypirc": "[pypi]\npassword = x\n",
    ".git-credentials": "https://u:p@example.com\n",
    "credentials.json": "{}\n",
    "client_secret_1234.apps.googleusercontent.com.json": "{}\n",
    "store.p12": "binary",
    "store.PFX": "binary",
    "server.key": PRIVATE_KEY,
    "tls/bundle.pem": CERTIFICATE + PRIVATE_KEY,
    "opaque.key": "not PEM at all\n",  # a .key file that is not a certificate: assume the worst
}
NOT_SECRETS = {
    ".env.example": "API_KEY=\n",
    ".env.sample": "API_KEY=\n",
    ".env-template": "API_KEY=\n",
    ".example.env": "API_KEY=\n",
    "sample.env": "API_KEY=\n",
    "id_rsa.pub": "ssh-rsa AAAA user@host\n",
    "cacert.pem": CERTIFICATE + CERTIFICATE,
    "public.pem": PUBLIC_KEY,
    "environment.py": "X = 1\n",
    ".envoy.yaml": "static_resources: {}\n",
    "keys.py": "KEYS = []\n",
    "credentials.py": "X = 1\n",
}


@pytest.mark.parametrize("name", SECRETS)
def test_mg501_fires_on_a_likely_secret_in_the_bundle(git_repo: Path, name: str) -> None:
    app_with(git_repo, {name: SECRETS[name]})
    (finding,) = findings(git_repo, "MG501")
    assert (finding["subject"], finding["severity"], finding["path"]) == (name, "error", MANIFEST)
    assert finding["message"].startswith(f"{APP}/{name}: likely a secret")
    manifest_lines = (git_repo / MANIFEST).read_text().splitlines()
    assert f'"{name}"' in manifest_lines[finding["line"] - 1]  # points at its entry in `files`


def test_mg501_quiet_on_templates_public_keys_and_certificates(git_repo: Path) -> None:
    app_with(git_repo, NOT_SECRETS)
    assert findings(git_repo, "MG501") == []


def test_mg501_quiet_when_the_secret_is_not_bundled(git_repo: Path) -> None:
    """Ignored by git (never committed), excluded by .rscignore or config: not uploaded, not reported."""
    put(git_repo, {".gitignore": ".env\n", "pyproject.toml": '[tool.manifest-guard]\nexclude = ["secrets/"]\n'})
    app_with(git_repo, {".env": "A=1\n", ".rscignore": "id_rsa\n", "id_rsa": OPENSSH_KEY})
    put(git_repo / APP, {"secrets/.netrc": "x\n"})  # added after the manifest, excluded by the config
    commit_all(git_repo)
    listed = json.loads((git_repo / MANIFEST).read_text())["files"]
    assert ".env" not in listed and "id_rsa" not in listed
    assert findings(git_repo, "MG501") == []
    assert findings(git_repo, "MG501", "--source", "worktree") == []


def test_mg501_sees_the_staged_secret_and_its_staged_removal(git_repo: Path) -> None:
    app_with(git_repo, {})
    put(git_repo / APP, {".env": "TOKEN=abc\n"})
    git(git_repo, "add", f"{APP}/.env")
    (finding,) = findings(git_repo, "MG501", "--source", "index")  # a new file the fix would add: reported now
    assert finding["subject"] == ".env"
    git(git_repo, "rm", "-q", "--cached", f"{APP}/.env")
    assert findings(git_repo, "MG501", "--source", "index") == []


def test_mg501_can_be_ignored_for_an_app(git_repo: Path) -> None:
    put(git_repo, {"pyproject.toml": f'[[tool.manifest-guard.apps]]\npath = "{APP}"\nignore = ["MG501"]\n'})
    app_with(git_repo, {"server.key": PRIVATE_KEY})
    assert findings(git_repo, "MG501") == []


def test_mg503_fires_over_the_configured_limit(git_repo: Path) -> None:
    put(git_repo, {"pyproject.toml": "[tool.manifest-guard]\nlarge-file-mb = 0.01\n"})  # 10.24 KiB
    app_with(git_repo, {"data/big.bin": os.urandom(20_000), "data/small.bin": os.urandom(10_000)})
    (finding,) = findings(git_repo, "MG503")
    assert (finding["subject"], finding["severity"]) == ("data/big.bin", "warning")
    assert "0.0 MB, over the 0.01 MB limit" in finding["message"]
    assert findings(git_repo, "MG503", "--source", "worktree")[0]["subject"] == "data/big.bin"


def test_mg503_default_limit_is_100_mib(git_repo: Path) -> None:
    app_with(git_repo, {})
    big = git_repo / APP / "model.bin"
    with big.open("wb") as stream:  # sparse: 100 MiB + 1 byte without using the disk
        stream.truncate(100 * 1024 * 1024 + 1)
    with (git_repo / APP / "exactly.bin").open("wb") as stream:
        stream.truncate(100 * 1024 * 1024)
    reported = findings(git_repo, "MG503", "--source", "worktree")
    assert [(f["subject"], f["severity"]) for f in reported] == [("model.bin", "warning")]
    assert "100.0 MB, over the 100 MB limit" in reported[0]["message"]
