"""Manifests written on Windows: files committed with LF, checksums of their CRLF checkout.

Each repository is real: the app is committed with LF endings, checked out again with
``core.autocrlf=true`` (what Git for Windows does), and the manifest is written there, by this tool
and by rsconnect-python. ``.gitattributes`` makes some files always CRLF (``eol=crlf``), some never
converted (``binary``, ``-text``).
"""

from __future__ import annotations

import hashlib
import json
import subprocess
from pathlib import Path

import pytest

from tests.conftest import git, put
from tests.gitapp import APP, FLASK_APP, MACHINE, MANIFEST, check, codes, commit_all
from tests.inprocess import run_main
from tests.test_write_differential import locate_rsconnect

BINARY = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\n" + bytes(range(256)) + b"\n\n"
WINDOWS_APP = {
    **FLASK_APP,
    "requirements.txt": "flask==3.0.0\npandas>=2\n",
    "data/table.csv": "a,b\n1,2\n",  # eol=crlf: CRLF on every machine
    "static/logo.png": BINARY,  # binary: never converted
    "static/notes.md": "# Notes\n\nkept as stored\n",  # -text: never converted
    "empty/__init__.py": "",  # nothing to convert
}
ATTRIBUTES = "*.csv eol=crlf\n*.png binary\nnotes.md -text\n"
LF_ONLY = ["app.py", "helpers.py", ".python-version"]


def md5(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()


def check_json(repo: Path, *args: str) -> tuple[int, dict]:
    """``check --output-format json``, run in process (the subprocess runs are in the other tests)."""
    result = run_main(["check", "--output-format", "json", *args], repo)
    return result.code, json.loads(result.stdout)


def listed(repo: Path) -> dict[str, str]:
    return {path: entry["checksum"] for path, entry in json.loads((repo / MANIFEST).read_text())["files"].items()}


def checkout_again(repo: Path, autocrlf: str) -> None:
    """Check every committed file out again as a machine with ``core.autocrlf=autocrlf`` would."""
    git(repo, "config", "core.autocrlf", autocrlf)
    git(repo, "rm", "-q", "--cached", "-r", ".")
    git(repo, "reset", "-q", "--hard")


def windows_repo(repo: Path) -> Path:
    """The app committed with LF, then checked out with CRLF and its manifest written and committed there."""
    put(repo, {".gitattributes": ATTRIBUTES})
    put(repo / APP, WINDOWS_APP)
    git(repo, "config", "core.autocrlf", "false")
    commit_all(repo, "app")
    checkout_again(repo, "true")
    assert (repo / APP / "app.py").read_bytes() == FLASK_APP["app.py"].replace("\n", "\r\n").encode()
    written = run_main(["write", "-o", *MACHINE, "flask", APP], repo)
    assert written.code == 0, written.stderr
    commit_all(repo, "manifest written on Windows")
    return repo


def test_the_manifest_lists_the_crlf_checkout_as_rsconnect_does(git_repo: Path, tmp_path: Path) -> None:
    repo = windows_repo(git_repo)
    files = listed(repo)
    for name in LF_ONLY:
        assert files[name] == md5(WINDOWS_APP[name].replace("\n", "\r\n").encode()), name
    assert files["static/logo.png"] == md5(BINARY)
    assert files["static/notes.md"] == md5(b"# Notes\n\nkept as stored\n")
    assert files["empty/__init__.py"] == md5(b"")
    reference = tmp_path / "reference"
    subprocess.run(["cp", "-r", str(repo / APP), str(reference)], check=True)
    subprocess.run([locate_rsconnect(), "write-manifest", "flask", "--overwrite", str(reference)],
                   check=True, capture_output=True)  # fmt: skip
    rsconnect_files = json.loads((reference / "manifest.json").read_text())["files"]
    assert rsconnect_files == json.loads((repo / MANIFEST).read_text())["files"]


def test_check_finds_a_windows_manifest_fresh_in_every_source_and_checkout(git_repo: Path) -> None:
    repo = windows_repo(git_repo)
    for source in ("index", "worktree", "HEAD"):
        code, report = check_json(repo, "--source", source)
        assert (code, report["findings"]) == (0, []), source
    checkout_again(repo, "false")  # a Linux machine: LF on disk
    assert (repo / APP / "app.py").read_bytes() == FLASK_APP["app.py"].encode()
    for source in ("index", "worktree", "HEAD"):
        code, report = check_json(repo, "--source", source)
        assert (code, report["findings"]) == (0, []), source


def test_a_real_edit_is_caught_and_named_in_the_manifests_form(git_repo: Path) -> None:
    repo = windows_repo(git_repo)
    checkout_again(repo, "false")
    (repo / APP / "helpers.py").write_text("X = 2\n")
    (repo / APP / "requirements.txt").write_text("flask==3.0.0\npandas>=2\npolars\n")
    git(repo, "add", "-A")
    for source in ("index", "worktree"):
        code, report = check_json(repo, "--source", source)
        assert code == 1 and codes(report) == [("MG101", "helpers.py"), ("MG101", "requirements.txt")], source
    message = next(f["message"] for f in check_json(repo)[1]["findings"] if f["subject"] == "helpers.py")
    assert "its earlier content with CRLF line endings" in message
    assert md5(b"X = 2\r\n")[:12] in message and "with CRLF line endings, the form the manifest uses" in message


def test_binary_and_minus_text_files_must_list_their_bytes(git_repo: Path) -> None:
    repo = windows_repo(git_repo)
    manifest = json.loads((repo / MANIFEST).read_text())
    manifest["files"]["static/logo.png"]["checksum"] = md5(BINARY.replace(b"\n", b"\r\n"))
    manifest["files"]["static/notes.md"]["checksum"] = md5(b"# Notes\r\n\r\nkept as stored\r\n")
    (repo / MANIFEST).write_text(json.dumps(manifest, indent=2))
    git(repo, "add", MANIFEST)
    code, report = check_json(repo)
    assert code == 1 and codes(report) == [("MG101", "static/logo.png"), ("MG101", "static/notes.md")]


def test_fix_keeps_the_crlf_form_and_never_switches_a_fresh_entry(git_repo: Path) -> None:
    repo = windows_repo(git_repo)
    checkout_again(repo, "false")
    before = listed(repo)
    put(repo / APP, {"helpers.py": "X = 3\n", "views.py": "V = 1\n", "static/icon.png": BINARY + b"!"})
    git(repo, "add", "-A")
    fixed = run_main(["fix", "--stage"], repo)
    assert fixed.code == 0, fixed.stdout + fixed.stderr
    after = listed(repo)
    assert after["helpers.py"] == md5(b"X = 3\r\n")
    assert after["views.py"] == md5(b"V = 1\r\n")
    assert after["static/icon.png"] == md5(BINARY + b"!")
    assert {path: after[path] for path in before if path != "helpers.py"} == {
        path: checksum for path, checksum in before.items() if path != "helpers.py"
    }
    assert check(repo).code == 0
    again = run_main(["fix"], repo)
    assert again.code == 0 and listed(repo) == after


def test_a_linux_manifest_stays_lf_and_is_fresh_in_a_crlf_work_tree(git_repo: Path) -> None:
    put(git_repo, {".gitattributes": ATTRIBUTES})
    put(git_repo / APP, WINDOWS_APP)
    written = run_main(["write", "-o", *MACHINE, "flask", APP], git_repo)
    assert written.code == 0, written.stderr
    commit_all(git_repo)
    checkout_again(git_repo, "true")
    for source in ("index", "worktree"):
        code, report = check_json(git_repo, "--source", source)
        assert (code, report["findings"]) == (0, []), source
    assert b"\r\n" in (git_repo / MANIFEST).read_bytes()  # the manifest is a text file too
    put(git_repo / APP, {"views.py": "V = 1\r\n"})
    git(git_repo, "add", "-A")
    fixed = run_main(["fix", "--stage"], git_repo)
    assert fixed.code == 0, fixed.stdout + fixed.stderr
    assert listed(git_repo)["views.py"] == md5(b"V = 1\n")  # what git stores, like the rest
    on_disk = (git_repo / MANIFEST).read_bytes()
    assert b"\r\n" in on_disk and b"\r\n" not in git(git_repo, "show", f":{MANIFEST}").encode()
    assert git(git_repo, "diff", "--name-only") == ""  # nothing left unstaged
    assert check(git_repo).code == 0


def test_write_then_check_in_a_crlf_checkout_is_clean(git_repo: Path) -> None:
    put(git_repo / APP, WINDOWS_APP)
    git(git_repo, "config", "core.autocrlf", "true")
    commit_all(git_repo)
    checkout_again(git_repo, "true")
    written = run_main(["write", "-o", *MACHINE, "flask", APP], git_repo)
    assert written.code == 0, written.stderr
    git(git_repo, "add", MANIFEST)
    assert listed(git_repo)["app.py"] == md5(FLASK_APP["app.py"].replace("\n", "\r\n").encode())
    for source in ("index", "worktree"):
        code, report = check_json(git_repo, "--source", source)
        assert (code, report["findings"]) == (0, []), source
    hook = check(git_repo, "--hook")
    assert hook.code == 0, hook.stdout


def test_the_crlf_form_is_read_once_per_blob_and_attributes_only_when_it_matches(
    git_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from manifest_guard.repository import git_trees

    repo = windows_repo(git_repo)
    checkout_again(repo, "false")
    assert check_json(repo) == (0, check_json(repo)[1])
    cache = (repo / ".git" / "manifest-guard" / "blob-crlf-md5").read_text().splitlines()
    assert len(cache) == len(LF_ONLY) + 1  # the CRLF-listed text files and the csv (the package file is read whole)

    (repo / APP / "extra.txt").write_text("staged but not in the manifest\n")
    git(repo, "add", "-A")
    first = run_main(["check", "--diff"], repo).stdout  # --diff: never replayed from the result cache
    assert "MG103" in first and md5(b"staged but not in the manifest\r\n")[:12] in first

    def no_reads(*_args: object, **_kwargs: object) -> object:
        raise AssertionError("a blob whose CRLF form is cached was read again")

    monkeypatch.setattr(git_trees, "stream_loose_blob", no_reads)
    monkeypatch.setattr(git_trees, "stream_blobs", no_reads)
    assert run_main(["check", "--diff"], repo).stdout == first


def test_a_stale_lf_manifest_never_asks_git_for_attributes(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from manifest_guard.repository import line_endings

    def no_lookup(*_args: object, **_kwargs: object) -> object:
        raise AssertionError("attributes read for a checksum that is no CRLF form")

    monkeypatch.setattr(line_endings, "_check_attr", no_lookup)
    (repo / APP / "helpers.py").write_text("X = 5\n")
    (repo / APP / "requirements.txt").write_text("flask==3.0.1\n")
    git(repo, "add", "-A")
    code, report = check_json(repo)
    assert code == 1 and codes(report) == [("MG101", "helpers.py"), ("MG101", "requirements.txt")]
    assert "line endings" not in json.dumps(report)
