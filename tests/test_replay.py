"""scripts/replay_history.py: the ground truth from plain git, the comparison with check's findings, the replay."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import shlex
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tests.conftest import git, put
from tests.gitapp import APP, MANIFEST, commit_all, make_flask_repo

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "replay_history.py"


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("replay_history", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["replay_history"] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


replay = _load()


def md5(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()


@pytest.mark.parametrize(
    ("blob", "expected"),
    [
        (b"a\nb\n", b"a\r\nb\r\n"),
        (b"a\r\nb\n", b"a\r\nb\r\n"),  # only lone LFs change
        (b"a\r\nb\r\n", None),  # already the CRLF form
        (b"no newline", None),
        (b"\x89PNG\0\n\x1a\n", None),  # NUL in the first 8000 bytes: binary, never converted
        (b"x" * 8000 + b"\0\n", b"x" * 8000 + b"\0\r\n"),  # a NUL past the probe does not make it binary
    ],
)
def test_crlf_form_is_gits_lf_to_crlf_checkout(blob: bytes, expected: bytes | None) -> None:
    assert replay.crlf_form(blob) == expected


def test_processed_requirements_follows_rsconnects_inspector() -> None:
    text = b"flask==3.0\r\nrsconnect-python\r\n  foo @ file:///tmp/foo.whl  \r\nsetuptools==1.0.post1\r\nbar   "
    assert replay.processed_requirements(text) == b"flask==3.0\r\nfoo\r\nbar"
    assert replay.processed_requirements(b"\xff\xfe") is None


def _truth_repo(root: Path) -> tuple[Path, dict[str, str]]:
    """One commit whose manifest lists a file in every ground-truth state."""
    files: dict[str, str | bytes] = {
        "fresh.py": "X = 1\n",
        "windows.R": "x <- 1\ny <- 2\n",
        "binary.dat": b"\0\nLF in a binary file\n",
        "stale.py": "Y = 2\n",
        "requirements.txt": "flask\nrsconnect-python\n",
        "link.py": "Z = 3\n",
    }
    put(root, files)
    (root / "alias.py").symlink_to("link.py")
    checksums = {
        "fresh.py": md5(b"X = 1\n"),
        "windows.R": md5(b"x <- 1\r\ny <- 2\r\n"),
        "binary.dat": md5(b"\0\r\nLF in a binary file\r\n"),  # what a wrong conversion would give
        "stale.py": md5(b"Y = 1\n"),
        "requirements.txt": md5(b"flask\n"),
        "gone.py": md5(b"gone\n"),
        "alias.py": md5(b"Z = 3\n"),
        "manifest.json": "0" * 32,
        "../outside.py": "0" * 32,
    }
    manifest = {
        "version": 1,
        "metadata": {"appmode": "python-api", "entrypoint": "fresh"},
        "python": {"version": "3.11.4", "package_manager": {"name": "pip", "package_file": "requirements.txt"}},
        "files": {name: {"checksum": checksum} for name, checksum in checksums.items()},
    }
    put(root, {"manifest.json": json.dumps(manifest)})
    git(root, "init", "-q", "-b", "main")
    commit_all(root)
    return root, checksums


def test_ground_truth_gives_each_listed_file_its_state(tmp_path: Path) -> None:
    repo, _ = _truth_repo(tmp_path / "repo")
    reader = replay.GitReader(repo)
    try:
        truth = replay.manifest_truth(reader, reader.tree("HEAD"), "manifest.json")
    finally:
        reader.close()
    assert truth.status == "present"
    assert truth.appmode == "python-api"
    assert truth.files == {
        "fresh.py": "fresh",
        "windows.R": "fresh-crlf",
        "binary.dat": "stale",
        "stale.py": "stale",
        "requirements.txt": "fresh-processed",
        "gone.py": "missing",
        "alias.py": "skipped",
        "manifest.json": "skipped",
        "../outside.py": "skipped",
    }


def test_ground_truth_of_a_deleted_or_broken_manifest(tmp_path: Path) -> None:
    repo, _ = _truth_repo(tmp_path / "repo")
    (repo / "manifest.json").write_text("{not json")
    commit_all(repo, "break it")
    reader = replay.GitReader(repo)
    try:
        assert replay.manifest_truth(reader, reader.tree("HEAD"), "manifest.json").status == "unreadable"
        assert replay.manifest_truth(reader, reader.tree("HEAD"), "other/manifest.json").status == "deleted"
    finally:
        reader.close()


def test_scope_is_the_manifests_whose_directory_the_commit_touches(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    connect = json.dumps({"metadata": {"appmode": "python-api"}, "files": {}})
    pwa = '{"name": "pwa"}'
    put(repo, {"a/manifest.json": connect, "ab/x.py": "", "web/manifest.json": pwa, "b/manifest.json": connect})
    git(repo, "init", "-q", "-b", "main")
    commit_all(repo)
    reader = replay.GitReader(repo)
    try:
        tree = reader.tree("HEAD")
        assert replay.manifests_in_scope(reader, [tree], ["ab/x.py", "web/icon.png"]) == []
        assert replay.manifests_in_scope(reader, [tree], ["a/x.py", "b/manifest.json"]) == [
            "a/manifest.json",
            "b/manifest.json",
        ]
    finally:
        reader.close()


def _finding(code: str, subject: str, severity: str = "error") -> dict[str, str]:
    return {"code": code, "subject": subject, "severity": severity, "message": f"{subject}: {code}"}


def test_compare_finds_false_errors_missed_findings_and_errors_to_review() -> None:
    truth = replay.ManifestTruth("app/manifest.json", "python-api", "present", package_file="requirements.txt")
    truth.files = {
        "fresh.py": "fresh",
        "windows.R": "fresh-crlf",
        "requirements.txt": "missing",
        "stale.py": "stale",
        "missed.py": "stale",
        "gone.py": "missing",
        "kept.py": "fresh",
    }
    findings = [
        _finding("MG101", "windows.R"),  # fresh in its CRLF form: false
        _finding("MG101", "stale.py"),  # right
        _finding("MG102", "kept.py"),  # the file is in the tree: false
        _finding("MG301", "python.package_manager.package_file"),  # the missing package file: right
        _finding("MG103", "new.py"),  # the truth says nothing: review
        _finding("MG304", "yaml", "warning"),  # warnings are counted, not judged
    ]
    verdicts = {(v.kind, v.code, v.subject) for v in replay.compare(truth, findings, "stale")}
    assert verdicts == {
        ("false-error", "MG101", "windows.R"),
        ("false-error", "MG102", "kept.py"),
        ("missed-MG101", "MG101", "missed.py"),
        ("missed-MG102", "MG102", "gone.py"),
        ("review", "MG103", "new.py"),
    }


def test_compare_agrees_with_a_right_report() -> None:
    truth = replay.ManifestTruth("manifest.json", "shiny", "present")
    truth.files = {"app.R": "fresh", "old.R": "stale", "gone.R": "missing"}
    findings = [_finding("MG101", "old.R"), _finding("MG102", "gone.R")]
    assert replay.compare(truth, findings, "stale") == []


def test_compare_scores_an_unchecked_manifest_but_not_one_check_could_not_read() -> None:
    truth = replay.ManifestTruth("manifest.json", "shiny", "present")
    truth.files = {"old.R": "stale", "gone.R": "missing"}
    unchecked = {(v.kind, v.subject, v.message) for v in replay.compare(truth, [], None)}
    assert unchecked == {
        ("missed-MG101", "old.R", "manifest not checked"),
        ("missed-MG102", "gone.R", "manifest not checked"),
    }
    assert replay.compare(truth, [], "error") == []


def _history(root: Path) -> Path:
    """A fresh Flask app, then a commit that edits a listed file without refreshing the manifest."""
    repo = make_flask_repo(root)
    (repo / APP / "helpers.py").write_text("X = 2\n")
    commit_all(repo, "edit helpers")
    return repo


def test_replay_runs_check_per_commit_and_leaves_the_repository_alone(
    git_repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = _history(git_repo)
    before = sorted(path.relative_to(repo) for path in (repo / ".git").rglob("*"))
    rows_file = tmp_path / "rows.json"
    assert replay.main([str(repo), "--json", str(rows_file)]) == 0
    table = capsys.readouterr().out
    assert f"| {replay.repo_name(repo)} | 2 | 2 | 2 | 0 | MG101 1 |" in table
    assert "| 0 | 0 | 0 | 0 | 0 |" in table  # no false error, nothing missed, every manifest checked
    rows = json.loads(rows_file.read_text())
    assert [row["files"]["helpers.py"] for row in rows] == ["fresh", "stale"]
    assert [row["tool_status"] for row in rows] == ["fresh", "stale"]
    assert sorted(path.relative_to(repo) for path in (repo / ".git").rglob("*")) == before
    assert git(repo, "status", "--porcelain") == ""


def test_replay_reports_what_the_tool_missed(git_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = _history(git_repo)
    silent = {"manifests": [{"path": MANIFEST, "status": "fresh"}], "findings": [], "errors": []}
    tool = f"{shlex.quote(sys.executable)} -c {shlex.quote(f'print({json.dumps(json.dumps(silent))})')} --"
    assert replay.main([str(repo), "--manifest-guard", tool]) == 1
    out = capsys.readouterr().out
    assert "missed MG101 (1)" in out
    assert f"`{MANIFEST}` MG101 `helpers.py` (truth: stale) x1" in out


def test_replay_usage_errors_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert replay.main([str(tmp_path / "nowhere")]) == 2
    assert replay.main([str(tmp_path), "--max-commits", "0"]) == 2
    assert "not a directory" in capsys.readouterr().err
