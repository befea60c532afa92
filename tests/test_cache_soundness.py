"""The caches never answer what a fresh run would not: a replayed result is keyed on everything its
computation read (symlink targets outside the app, the base, the tool, the interpreter and the
libraries), the schema-valid cache on the tool, and ``MANIFEST_GUARD_NO_CACHE=1`` turns them all off."""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from manifest_guard.caches import tool_fingerprint
from manifest_guard.catalogue.findings import Finding
from tests.conftest import CliResult, git, put, run_manifest_guard
from tests.gitapp import APP, MACHINE, MANIFEST, commit_all, write_manifest
from tests.inprocess import run_main

NO_CACHE = {"MANIFEST_GUARD_NO_CACHE": "1"}
CACHE_DIRECTORY = Path(".git") / "manifest-guard"


@pytest.fixture(autouse=True)
def fresh_fingerprint() -> Iterator[None]:
    """Tests below change what the fingerprint is made of; each starts and ends with the real one."""
    tool_fingerprint.tool_fingerprint.cache_clear()
    yield
    tool_fingerprint.tool_fingerprint.cache_clear()


def check(repo: Path, *args: str, env: dict[str, str] | None = None) -> CliResult:
    return run_main(["check", "--output-format", "json", *args], repo, env)


def codes(result: CliResult) -> list[str]:
    return sorted(finding["code"] for finding in json.loads(result.stdout)["findings"])


def test_a_change_behind_a_symlink_outside_the_app_is_seen(git_repo: Path) -> None:
    """``app/.python-version -> ../../.python-version``: the root file is an input of the app's result."""
    put(git_repo, {".python-version": "3.11\n"})
    put(git_repo / APP, {"app.py": "from flask import Flask\napp = Flask(__name__)\n",
                         "requirements.txt": "flask==3.0.0\n", ".python-version": "3.11\n"})  # fmt: skip
    write_manifest(git_repo)  # write refuses a symlink that leaves the app: it comes after
    (git_repo / APP / ".python-version").unlink()
    (git_repo / APP / ".python-version").symlink_to(Path("..", "..", ".python-version"))
    commit_all(git_repo)
    assert "MG104" not in codes(check(git_repo))
    put(git_repo, {".python-version": "3.12\n"})
    git(git_repo, "add", "-A")
    fresh = check(git_repo, env=NO_CACHE)
    assert "MG104" in codes(fresh)
    assert check(git_repo) == fresh


def test_a_result_stored_by_another_python_is_not_replayed(git_repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What parses depends on the running Python: a manifest for 3.12 with a ``type`` statement is not
    judged by 3.11 but is a syntax error for a Python that claims 3.12 and cannot parse it."""
    put(git_repo / APP, {"app.py": "from flask import Flask\ntype Alias = int\napp = Flask(__name__)\n",
                         "requirements.txt": "flask==3.0.0\n"})  # fmt: skip
    result = run_manifest_guard(["write", "-o", "--python-version", "3.12.1", *MACHINE[2:], "flask", APP], git_repo)
    assert result.code == 0, result.stderr
    commit_all(git_repo)
    if sys.version_info >= (3, 12):
        pytest.skip("needs a Python that cannot parse a type statement")
    assert "MG203" not in codes(check(git_repo))
    tool_fingerprint.tool_fingerprint.cache_clear()
    monkeypatch.setattr(sys, "version_info", (3, 12, 1, "final", 0))
    fresh = check(git_repo, env=NO_CACHE)
    assert "MG203" in codes(fresh)
    assert check(git_repo) == fresh


def test_a_result_stored_with_other_library_versions_is_not_replayed(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from manifest_guard.checking import checker

    assert check(repo).code == 0
    computed: list[str] = []
    original = checker.check_manifest

    def counting(*args: object, **kwargs: object) -> object:
        computed.append("once")
        return original(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(checker, "check_manifest", counting)
    assert check(repo).code == 0 and computed == []  # replayed
    for library in ("packaging", "pathspec", "jsonschema", "GitPython"):
        versions = {**tool_fingerprint.library_versions(), library: "0.0.1"}
        tool_fingerprint.tool_fingerprint.cache_clear()
        with monkeypatch.context() as patched:
            patched.setattr(tool_fingerprint, "library_versions", lambda versions=versions: versions)
            assert check(repo).code == 0
        assert len(computed) == 1, library
        computed.clear()


def test_the_schema_valid_cache_does_not_outlive_a_change_of_the_validator(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A validator edited in place (development, a patched install) validates every manifest again."""
    from manifest_guard.rules import document

    assert check(repo, "--diff").code == 0  # --diff: the result cache is not consulted; schema-valid is
    original = document._schema_findings

    def stricter(loaded: object, manifest: str) -> list[Finding]:
        return [*original(loaded, manifest), Finding("MG002", manifest, manifest, 1, "stricter", subject="$")]  # type: ignore[arg-type]

    monkeypatch.setattr(document, "_schema_findings", stricter)
    real_digest = tool_fingerprint.package_digest
    monkeypatch.setattr(tool_fingerprint, "package_digest", lambda root: "edited " + real_digest(root))
    tool_fingerprint.tool_fingerprint.cache_clear()  # as a new process would compute it
    assert codes(check(repo, "--diff")) == ["MG002"]


def test_the_code_digest_is_of_content_not_of_sizes_or_times(tmp_path: Path) -> None:
    package = put(tmp_path / "pkg", {"a.py": "X = 1\n", "data/t.json": "{}", "notes.txt": "not code"})
    before = tool_fingerprint.package_digest(package)
    stat = (package / "a.py").stat()
    (package / "a.py").write_text("X = 2\n")  # same size, same times: another digest
    import os

    os.utime(package / "a.py", ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert tool_fingerprint.package_digest(package) != before
    (package / "a.py").write_text("X = 1\n")
    os.utime(package / "a.py", ns=(1, 1))  # same content, other times: the same digest
    (package / "notes.txt").write_text("not code, edited")
    assert tool_fingerprint.package_digest(package) == before
    (package / "data" / "t.json").write_text("[]")
    assert tool_fingerprint.package_digest(package) != before


def test_no_cache_neither_reads_nor_writes_a_cache(repo: Path) -> None:
    caches = repo / CACHE_DIRECTORY
    shutil.rmtree(caches, ignore_errors=True)
    fresh = run_manifest_guard(["check", "--output-format", "json"], repo, NO_CACHE)
    assert fresh.code == 0 and not caches.exists()
    assert run_manifest_guard(["check", "--output-format", "json"], repo) == fresh
    stored = list((caches / "results").iterdir())
    assert stored and (caches / "blob-md5").is_file() and (caches / "schema-valid").is_file()
    for path in stored:  # a tampered store: replayed by a cached run, never read without the cache
        path.write_text(path.read_text().replace('"fresh"', '"stale"'))
    assert run_manifest_guard(["check", "--output-format", "json"], repo) != fresh
    (caches / "blob-md5").write_text("")
    assert run_manifest_guard(["check", "--output-format", "json"], repo, NO_CACHE) == fresh
    assert (caches / "blob-md5").read_text() == ""
