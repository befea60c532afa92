"""check and fix over real git repositories: staged vs unstaged content, history, fixes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

from tests.conftest import git, put
from tests.gitapp import APP, FLASK_APP, MACHINE, MANIFEST, check, check_json, codes, commit_all, write_manifest
from tests.inprocess import run_main
from tests.test_write_differential import locate_rsconnect


def test_fresh_manifest_passes(repo: Path) -> None:
    code, report = check_json(repo)
    assert code == 0
    assert report["status"] == "ok"
    assert report["findings"] == []
    assert [(m["path"], m["appmode"], m["status"]) for m in report["manifests"]] == [(MANIFEST, "python-api", "fresh")]
    text = check(repo)
    assert text.code == 0 and "fresh" in text.stdout


def test_staged_edit_is_a_checksum_mismatch(repo: Path) -> None:
    (repo / APP / "helpers.py").write_text("X = 2\n")
    git(repo, "add", f"{APP}/helpers.py")
    code, report = check_json(repo)
    assert code == 1
    assert codes(report) == [("MG101", "helpers.py")]
    finding = report["findings"][0]
    assert finding["manifest"] == MANIFEST and finding["path"] == MANIFEST
    manifest_lines = (repo / MANIFEST).read_text().splitlines()
    assert '"helpers.py"' in manifest_lines[finding["line"] - 1]
    assert f"{APP}/helpers.py" in finding["message"]


def test_unstaged_edit_is_seen_only_in_the_worktree(repo: Path) -> None:
    (repo / APP / "helpers.py").write_text("X = 3\n")
    assert check(repo).code == 0
    assert check(repo, "--source", "index").code == 0
    code, report = check_json(repo, "--source", "worktree")
    assert code == 1 and codes(report) == [("MG101", "helpers.py")]


def test_staged_add_is_an_unlisted_file(repo: Path) -> None:
    put(repo / APP, {"new_module.py": "Y = 1\n"})
    assert check(repo).code == 0  # untracked: not in the next commit
    git(repo, "add", f"{APP}/new_module.py")
    code, report = check_json(repo)
    assert code == 1 and codes(report) == [("MG103", "new_module.py")]
    assert report["findings"][0]["severity"] == "error"


def test_old_unlisted_files_are_the_authors_choice(repo: Path) -> None:
    manifest = json.loads((repo / MANIFEST).read_text())
    del manifest["files"]["helpers.py"]
    (repo / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
    commit_all(repo, "curate")
    assert check(repo).code == 0
    put(repo / APP, {"README.md": "# hello\n", "routes.py": "R = 1\n"})
    git(repo, "add", "-A")
    code, report = check_json(repo)
    assert code == 1 and codes(report) == [("MG103", "README.md"), ("MG103", "routes.py")]
    severities = {finding["subject"]: finding["severity"] for finding in report["findings"]}
    assert severities == {"README.md": "warning", "routes.py": "error"}  # Connect never needs a README


def test_without_a_base_unlisted_files_are_warnings(git_repo: Path) -> None:
    put(git_repo / APP, FLASK_APP)
    write_manifest(git_repo)
    put(git_repo / APP, {"extra.py": "Z = 1\n"})
    git(git_repo, "add", "-A")  # no commit yet: no base
    code, report = check_json(git_repo)
    assert code == 0
    assert codes(report) == [("MG103", "extra.py")]
    assert report["findings"][0]["severity"] == "warning"
    assert check(git_repo, "--strict").code == 1


def test_git_rm_is_a_listed_file_missing(repo: Path) -> None:
    git(repo, "rm", "-q", f"{APP}/helpers.py")
    code, report = check_json(repo)
    assert code == 1 and codes(report) == [("MG102", "helpers.py")]
    assert "not in the index" in report["findings"][0]["message"]


def test_deletion_from_the_index_only(repo: Path) -> None:
    git(repo, "rm", "-q", "--cached", f"{APP}/helpers.py")  # file kept on disk, gone from the commit
    code, report = check_json(repo)
    assert code == 1 and codes(report) == [("MG102", "helpers.py")]


def test_rename_is_missing_plus_unlisted(repo: Path) -> None:
    git(repo, "mv", f"{APP}/helpers.py", f"{APP}/utils.py")
    code, report = check_json(repo)
    assert code == 1 and codes(report) == [("MG102", "helpers.py"), ("MG103", "utils.py")]


def test_requirements_change(repo: Path) -> None:
    (repo / APP / "requirements.txt").write_text("flask==3.0.1\n")
    git(repo, "add", "-A")
    code, report = check_json(repo)
    assert code == 1 and codes(report) == [("MG101", "requirements.txt")]


def test_python_version_file_change(repo: Path) -> None:
    (repo / APP / ".python-version").write_text("3.12\n")
    git(repo, "add", "-A")
    code, report = check_json(repo)
    assert code == 1
    assert codes(report) == [("MG101", ".python-version"), ("MG104", "environment.python.requires")]
    requires = next(f for f in report["findings"] if f["code"] == "MG104")
    assert "'~=3.11.0'" in requires["message"] and "'~=3.12.0'" in requires["message"]
    assert f"{APP}/.python-version" in requires["message"]


def test_source_revision_sees_history(repo: Path) -> None:
    (repo / APP / "helpers.py").write_text("X = 4\n")
    commit_all(repo, "stale commit")
    assert check(repo, "--source", "HEAD~1").code == 0
    code, report = check_json(repo, "--source", "HEAD")
    assert code == 1 and codes(report) == [("MG101", "helpers.py")]
    assert check(repo, "--source", "no-such-rev").code == 2


def test_fix_gives_exactly_what_write_gives_and_is_idempotent(repo: Path, tmp_path: Path) -> None:
    (repo / APP / "app.py").write_text(FLASK_APP["app.py"] + "app.config['VERSION'] = 2\n")
    put(repo / APP, {"aaa_first.py": "A = 1\n", "zzz/last.py": "Z = 1\n"})
    (repo / APP / ".python-version").write_text("3.12\n")
    git(repo, "rm", "-q", f"{APP}/helpers.py")
    put(repo / APP, {"application.py": "from flask import Flask\napplication = Flask(__name__)\n"})
    git(repo, "add", "-A")
    fixed = run_main(["fix"], repo)
    assert fixed.code == 1, fixed.stderr
    assert "fixed" in fixed.stdout
    expected_dir = tmp_path / "expected"
    shutil.copytree(repo / APP, expected_dir)
    result = run_main(["write", "-o", *MACHINE, "-e", "app", "flask", str(expected_dir)], tmp_path)
    assert result.code == 0, result.stderr
    assert (repo / MANIFEST).read_bytes() == (expected_dir / "manifest.json").read_bytes()
    git(repo, "add", MANIFEST)
    before = os.stat(repo / MANIFEST).st_mtime_ns
    again = run_main(["fix"], repo)
    assert again.code == 0, again.stdout + again.stderr
    assert os.stat(repo / MANIFEST).st_mtime_ns == before
    assert check(repo).code == 0


def test_fix_keeps_unknown_keys_and_their_positions(repo: Path) -> None:
    manifest = json.loads((repo / MANIFEST).read_text())
    custom = {"x-team": {"owner": "data"}, **manifest}
    custom["metadata"]["content_category"] = "site"
    custom["environment"]["image"] = "ghcr.io/acme/py:3.11"
    custom["integration_requests"] = [{"name": "db"}]
    custom["files"]["helpers.py"]["note"] = "kept"
    (repo / MANIFEST).write_text(json.dumps(custom, indent=2) + "\n")
    commit_all(repo, "custom keys")
    (repo / APP / "helpers.py").write_text("X = 6\n")
    put(repo / APP, {"new.py": "N = 1\n"})
    git(repo, "add", "-A")
    assert run_main(["fix"], repo).code == 1
    after = json.loads((repo / MANIFEST).read_text())
    assert list(after) == list(custom)
    assert after["x-team"] == {"owner": "data"}
    assert after["environment"]["image"] == "ghcr.io/acme/py:3.11"
    assert after["metadata"]["content_category"] == "site"
    assert after["integration_requests"] == [{"name": "db"}]
    assert after["files"]["helpers.py"]["note"] == "kept"
    assert after["files"]["helpers.py"]["checksum"] != custom["files"]["helpers.py"]["checksum"]
    assert list(after["files"]) == ["requirements.txt", ".python-version", "app.py", "helpers.py", "new.py"]
    git(repo, "add", MANIFEST)
    assert run_main(["fix"], repo).code == 0


def test_fix_keeps_a_tab_indented_manifest_style(repo: Path) -> None:
    manifest = json.loads((repo / MANIFEST).read_text())
    (repo / MANIFEST).write_text(json.dumps(manifest, indent="\t") + "\n")
    commit_all(repo, "tabs")
    (repo / APP / "helpers.py").write_text("X = 7\n")
    git(repo, "add", "-A")
    assert run_main(["fix"], repo).code == 1
    text = (repo / MANIFEST).read_text()
    assert "\n\t\"version\": 1," in text and text.endswith("}\n")


def test_fix_stage_adds_the_manifest_and_passes(repo: Path) -> None:
    (repo / APP / "helpers.py").write_text("X = 8\n")
    git(repo, "add", "-A")
    result = run_main(["fix", "--stage"], repo)
    assert result.code == 0, result.stdout + result.stderr
    assert git(repo, "diff", "--name-only").strip() == ""
    assert check(repo).code == 0
    git(repo, "commit", "-q", "-m", "fixed")
    assert check(repo, "--source", "HEAD").code == 0


def test_fix_stage_refuses_unstaged_manifest_edits(repo: Path) -> None:
    (repo / APP / "helpers.py").write_text("X = 9\n")
    git(repo, "add", "-A")
    manifest = json.loads((repo / MANIFEST).read_text())
    manifest["metadata"]["content_category"] = "site"
    (repo / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
    before = (repo / MANIFEST).read_bytes()
    result = run_main(["fix", "--stage"], repo)
    assert result.code == 1
    assert "unstaged edits" in result.stderr
    assert (repo / MANIFEST).read_bytes() == before
    # without --stage the fix is applied on top of the unstaged edit, which survives
    assert run_main(["fix"], repo).code == 1
    after = json.loads((repo / MANIFEST).read_text())
    assert after["metadata"]["content_category"] == "site"
    assert after["files"]["helpers.py"]["checksum"] != manifest["files"]["helpers.py"]["checksum"]


def test_fix_never_touches_unstaged_app_edits(repo: Path) -> None:
    (repo / APP / "helpers.py").write_text("X = 10\n")
    git(repo, "add", "-A")
    (repo / APP / "helpers.py").write_text("X = 11  # unstaged\n")
    assert run_main(["fix"], repo).code == 1
    assert (repo / APP / "helpers.py").read_text() == "X = 11  # unstaged\n"
    staged_md5 = json.loads((repo / MANIFEST).read_text())["files"]["helpers.py"]["checksum"]
    import hashlib

    assert staged_md5 == hashlib.md5(b"X = 10\n").hexdigest()


def test_fix_refuses_duplicate_keys(repo: Path) -> None:
    text = (repo / MANIFEST).read_text().replace('"version": 1,', '"version": 1,\n  "version": 1,', 1)
    (repo / MANIFEST).write_text(text)
    (repo / APP / "helpers.py").write_text("X = 12\n")
    commit_all(repo)
    result = run_main(["fix", "--source", "worktree"], repo)
    assert result.code == 1
    assert "MG003" in result.stdout and "repeats keys" in result.stderr
    assert (repo / MANIFEST).read_text() == text


def test_changed_since_only_checks_changed_apps(repo: Path) -> None:
    put(repo / "apps/other", FLASK_APP)
    write_manifest(repo, "apps/other")
    commit_all(repo, "second app")
    git(repo, "tag", "base")
    (repo / "apps/other/helpers.py").write_text("X = 13\n")
    (repo / APP / "helpers.py").write_text("X = 13\n")
    git(repo, "add", "apps/other/helpers.py")
    git(repo, "commit", "-q", "-m", "change other")
    git(repo, "add", "-A")
    _, report = check_json(repo, "--changed-since", "base", "--source", "HEAD")
    assert [m["path"] for m in report["manifests"]] == ["apps/other/manifest.json"]
    _, report = check_json(repo, "--changed-since", "base")
    assert sorted(m["path"] for m in report["manifests"]) == ["apps/hello/manifest.json", "apps/other/manifest.json"]
    _, report = check_json(repo, "--changed-since", "HEAD")
    assert [m["path"] for m in report["manifests"]] == [MANIFEST]


def test_discovery_skips_pwa_and_extension_manifests(repo: Path) -> None:
    put(repo, {
        "web/manifest.json": json.dumps({"name": "PWA", "short_name": "p", "start_url": "/", "icons": []}),
        "ext/manifest.json": json.dumps({"manifest_version": 3, "name": "ext", "version": "1.0"}),
        "broken/manifest.json": '{"metadata": {"appmode": "python-api"',
    })  # fmt: skip
    commit_all(repo, "other manifests")
    code, report = check_json(repo)
    assert code == 1
    assert sorted(m["path"] for m in report["manifests"]) == [MANIFEST, "broken/manifest.json"]
    assert [(f["code"], f["manifest"]) for f in report["findings"]] == [("MG001", "broken/manifest.json")]
    assert check(repo, "web").code == 1  # named explicitly: checked, and it is not a Connect manifest


def test_named_paths(repo: Path) -> None:
    assert check(repo, APP).code == 0
    assert check(repo, MANIFEST).code == 0
    assert check(repo, "apps").code == 0
    missing = check(repo, "nowhere")
    assert missing.code == 2 and "nowhere" in missing.stderr


def test_rsconnect_written_manifest_is_fresh(git_repo: Path) -> None:
    put(git_repo, {**FLASK_APP, "requirements.txt": "flask==3.0.0\r\nrsconnect-python\r\n  gunicorn  \r\n"})
    subprocess.run([locate_rsconnect(), "write-manifest", "flask", "."], cwd=git_repo, check=True, capture_output=True)
    commit_all(git_repo)
    code, report = check_json(git_repo)
    assert (code, report["findings"]) == (0, [])


def test_git_index_file_is_honoured(repo: Path, tmp_path: Path) -> None:
    alternate = tmp_path / "alternate-index"
    shutil.copy(repo / ".git" / "index", alternate)
    (repo / APP / "helpers.py").write_text("X = 14\n")
    env = {"GIT_INDEX_FILE": str(alternate)}
    subprocess.run(["git", "add", f"{APP}/helpers.py"], cwd=repo, env={**os.environ, **env}, check=True)
    assert check(repo).code == 0  # the normal index is untouched
    result = check(repo, env=env)
    assert result.code == 1 and "MG101" in result.stdout


def test_diff_shows_the_fix(repo: Path) -> None:
    (repo / APP / "helpers.py").write_text("X = 15\n")
    git(repo, "add", "-A")
    result = check(repo, "--diff")
    assert result.code == 1
    assert f"--- a/{MANIFEST}" in result.stdout and f"+++ b/{MANIFEST}" in result.stdout
    assert (repo / MANIFEST).read_bytes() == git(repo, "show", f"HEAD:{MANIFEST}").encode()


def test_select_ignore_and_strict(repo: Path) -> None:
    (repo / APP / "helpers.py").write_text("X = 16\n")
    git(repo, "add", "-A")
    assert check(repo, "--ignore", "MG101").code == 0
    assert check(repo, "--select", "MG0,MG4").code == 0
    assert check(repo, "--select", "MG1").code == 1
    bad = check(repo, "--select", "XX9")
    assert bad.code == 2 and "XX9" in bad.stderr


def test_a_missing_package_file_is_reported_but_never_dropped(repo: Path) -> None:
    git(repo, "rm", "-q", f"{APP}/requirements.txt")
    code, report = check_json(repo)
    assert code == 1 and codes(report) == [("MG301", "requirements.txt")]
    assert report["findings"][0]["fixable"] is False
    before = (repo / MANIFEST).read_bytes()
    result = run_main(["fix"], repo)
    assert result.code == 1 and "commit the package file" in result.stdout
    assert (repo / MANIFEST).read_bytes() == before


def test_exported_git_dir_and_work_tree_are_honoured(repo: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (repo / APP / "helpers.py").write_text("X = 17\n")
    git(repo, "add", "-A")
    env = {"GIT_DIR": str(repo / ".git"), "GIT_WORK_TREE": str(repo)}
    result = run_main(["check", "--output-format", "json"], elsewhere, env)
    assert result.code == 1
    assert codes(json.loads(result.stdout)) == [("MG101", "helpers.py")]
