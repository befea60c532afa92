"""Unusual repository states must never let a stale or broken manifest through: merge conflicts, emptied or
deleted manifests, `files` lists, symlinked manifests, submodules. Every case is a real git repository."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.conftest import cli_environment, git, put
from tests.gitapp import APP, MACHINE, MANIFEST, check, check_json, codes, commit_all, write_manifest
from tests.inprocess import run_main


def fix(repo: Path, *args: str) -> tuple[int, dict]:
    result = run_main(["fix", "--output-format", "json", *args], repo)
    return result.code, json.loads(result.stdout)


def staged(repo: Path) -> str:
    """The index as ``git ls-files --stage`` shows it: modes, blob ids and conflict stages."""
    return git(repo, "ls-files", "--stage")


def merge(repo: Path, branch: str) -> None:
    """Merge ``branch`` into the current branch and expect git to stop on a conflict."""
    completed = subprocess.run(["git", "merge", "-q", branch], cwd=repo, env=cli_environment(), capture_output=True)
    assert completed.returncode != 0 and b"CONFLICT" in completed.stdout, completed


def diverge(repo: Path, path: str, ours: str, theirs: str) -> None:
    """Commit ``theirs`` to ``path`` on branch ``other`` and ``ours`` on main (fixing the manifest on each)."""
    git(repo, "checkout", "-q", "-b", "other")
    (repo / path).write_text(theirs)
    run_main(["fix", "--stage"], repo)
    commit_all(repo, "theirs")
    git(repo, "checkout", "-q", "main")
    (repo / path).write_text(ours)
    run_main(["fix", "--stage"], repo)
    commit_all(repo, "ours")


# --- unmerged paths -------------------------------------------------------------------------------


def test_an_unmerged_app_file_is_reported_and_the_manifest_never_edited(repo: Path) -> None:
    diverge(repo, f"{APP}/helpers.py", "X = 'ours'\n", "X = 'theirs'\n")
    merge(repo, "other")
    manifest, index = (repo / MANIFEST).read_bytes(), staged(repo)
    for args in ((), ("--hook",), (APP,)):
        code, report = check_json(repo, *args)
        assert (code, codes(report)) == (1, [("MG105", "helpers.py")]), args
        assert "resolve the conflict" in report["findings"][0]["message"]
    assert "is not in the index" not in check(repo).stdout
    for args in (("--stage",), ()):
        code, report = fix(repo, *args)
        assert (code, codes(report)) == (1, [("MG105", "helpers.py")])
    assert (repo / MANIFEST).read_bytes() == manifest
    assert staged(repo) == index  # nothing staged, the conflict stages untouched


def test_an_unmerged_manifest_is_reported_by_every_way_of_checking(repo: Path) -> None:
    document = json.loads((repo / MANIFEST).read_text())
    git(repo, "checkout", "-q", "-b", "other")
    (repo / MANIFEST).write_text(json.dumps({**document, "locale": "de_DE.UTF-8"}, indent=2) + "\n")
    commit_all(repo, "theirs")
    git(repo, "checkout", "-q", "main")
    (repo / MANIFEST).write_text(json.dumps({**document, "locale": "fr_FR.UTF-8"}, indent=2) + "\n")
    commit_all(repo, "ours")
    merge(repo, "other")
    manifest, index = (repo / MANIFEST).read_bytes(), staged(repo)
    for args in ((), ("--hook",), (MANIFEST,), (APP,)):
        code, report = check_json(repo, *args)
        assert (code, codes(report)) == (1, [("MG105", "manifest.json")]), args
    code, report = fix(repo, "--stage")
    assert (code, codes(report)) == (1, [("MG105", "manifest.json")])
    assert (repo / MANIFEST).read_bytes() == manifest and staged(repo) == index


# --- discovery ------------------------------------------------------------------------------------


def _static_site(repo: Path) -> str:
    """A committed static Connect app: ``index.html`` beside the manifest, like a web-app manifest."""
    manifest = {"version": 1, "metadata": {"appmode": "static", "primary_html": "index.html"}, "files": {}}
    put(repo / "site", {"index.html": "<p>hi</p>\n", "manifest.json": json.dumps(manifest, indent=2) + "\n"})
    commit_all(repo, "static site")
    return "site/manifest.json"


@pytest.mark.parametrize(
    "content",
    [b"", b"{\n  \"version\":", b"{\n  \"version\": 1,\n  \"locale\": \"en_US.UTF-", b"[" * 50, b'"x"', b"{}",
     b'{"version": 1}'],
    ids=["empty", "15-bytes", "40-bytes", "brackets", "string", "empty-object", "no-metadata"],
)  # fmt: skip
def test_a_manifest_broken_over_a_valid_one_is_reported(repo: Path, content: bytes) -> None:
    site = _static_site(repo)
    for path in (MANIFEST, site):
        (repo / path).write_bytes(content)
    git(repo, "add", "-A")
    code, report = check_json(repo, "--hook")
    assert code == 1
    found = sorted((finding["manifest"], finding["code"]) for finding in report["findings"])
    assert {manifest for manifest, _ in found} == {MANIFEST, site}, found
    assert {code for _, code in found} <= {"MG001", "MG002"}


def test_a_deleted_manifest_is_reported_while_its_app_remains(repo: Path) -> None:
    git(repo, "rm", "-q", MANIFEST)
    code, report = check_json(repo, "--hook")
    assert (code, codes(report)) == (1, [("MG106", "manifest.json")])
    assert report["manifests"][0]["status"] == "missing"
    assert check_json(repo, APP)[0] == 1 and check_json(repo, MANIFEST)[0] == 1
    assert fix(repo, "--stage")[0] == 1 and not (repo / MANIFEST).exists()
    git(repo, "commit", "-q", "-m", "manifest gone")
    assert check_json(repo, "--source", "HEAD", "--changed-since", "HEAD~1")[0] == 1
    git(repo, "rm", "-q", "-r", APP)
    assert check(repo, "--hook").code == 0  # the whole app went: nothing left to deploy


def test_broken_manifests_beside_app_code_are_discovered(git_repo: Path) -> None:
    put(git_repo, {
        "py/manifest.json": b"\xff\xfe{not utf-8",
        "py/requirements.txt": "flask\n",
        "obj/manifest.json": '{"version": 1}',
        "obj/app.py": "app = None\n",
        "quarto/manifest.json": "[" * 5000 + "]" * 5000,
        "quarto/report.qmd": "# hi\n",
        "data/manifest.json": '{"metadata": {"appmode": "python-api"',
        "data/prices.csv": "a,b\n",
        "pwa/manifest.json": json.dumps({"name": "p", "icons": []}),
        "pwa/index.html": "<p>hi</p>\n",
        "pwa/app.py": "x = 1\n",
        "extension/manifest.json": json.dumps({"manifest_version": 3, "name": "e"}),
        "extension/background.js": "1;\n",
    })  # fmt: skip
    commit_all(git_repo)
    code, report = check_json(git_repo)
    assert code == 1
    assert sorted((f["manifest"], f["code"]) for f in report["findings"]) == [
        ("data/manifest.json", "MG001"), ("obj/manifest.json", "MG002"), ("py/manifest.json", "MG001"),
        ("quarto/manifest.json", "MG001"),
    ]  # fmt: skip


# --- `files` shapes and fix's report --------------------------------------------------------------


def test_a_files_list_still_reports_new_files(repo: Path) -> None:
    document = json.loads((repo / MANIFEST).read_text())
    (repo / MANIFEST).write_text(json.dumps({**document, "files": sorted(document["files"])}, indent=2) + "\n")
    commit_all(repo, "files as a list")
    (repo / APP / "helpers.py").write_text("X = 2\n")
    (repo / APP / "extra.py").write_text("Y = 1\n")
    git(repo, "add", "-A")
    code, report = check_json(repo, "--hook")
    assert (code, codes(report)) == (1, [("MG103", "extra.py")])
    assert report["findings"][0]["fixable"] is False
    before = (repo / MANIFEST).read_bytes()
    assert fix(repo, "--stage")[0] == 1 and (repo / MANIFEST).read_bytes() == before


def test_fix_does_not_list_the_numeric_checksum_it_repaired(repo: Path) -> None:
    document = json.loads((repo / MANIFEST).read_text())
    document["files"]["helpers.py"]["checksum"] = 12345
    (repo / MANIFEST).write_text(json.dumps(document, indent=2) + "\n")
    git(repo, "add", "-A")
    assert ("MG002", '$.files["helpers.py"].checksum') in codes(check_json(repo)[1])
    code, report = fix(repo, "--stage")
    assert (code, report["findings"]) == (0, [])
    assert git(repo, "show", f":{MANIFEST}") == git(repo, "show", f"HEAD:{MANIFEST}")  # the fresh checksum staged
    assert check_json(repo)[0] == 0


# --- symlinked manifests --------------------------------------------------------------------------


def test_a_symlinked_manifest_is_written_through_to_its_target(repo: Path) -> None:
    target = repo / "configs" / "hello.json"
    target.parent.mkdir()
    os.replace(repo / MANIFEST, target)
    os.symlink("../../configs/hello.json", repo / MANIFEST)
    commit_all(repo, "shared manifest")
    (repo / APP / "extra.py").write_text("Y = 1\n")
    git(repo, "add", "-A")
    by_file, by_app = check_json(repo, MANIFEST), check_json(repo, APP)
    assert by_file == by_app and codes(by_file[1]) == [("MG103", "extra.py")]
    code, _ = fix(repo, "--stage")
    assert code == 0
    assert os.readlink(repo / MANIFEST) == "../../configs/hello.json"
    assert staged(repo).count("120000") == 1  # the link is still a link in the index
    assert "extra.py" in git(repo, "show", ":configs/hello.json")
    assert check_json(repo)[0] == 0


def test_a_manifest_linked_outside_the_repository_is_not_rewritten(repo: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside.json"
    os.replace(repo / MANIFEST, outside)
    os.symlink(outside, repo / MANIFEST)
    commit_all(repo, "linked out")
    (repo / APP / "extra.py").write_text("Y = 1\n")
    git(repo, "add", "-A")
    before = outside.read_bytes()
    for args in ((), ("--hook",), (MANIFEST,), (APP,)):
        code, report = check_json(repo, *args)
        assert (code, codes(report)) == (1, [("MG001", "manifest.json")]), args
        assert "outside the repository" in report["findings"][0]["message"]
    assert fix(repo, "--stage")[0] == 1
    assert os.path.islink(repo / MANIFEST) and outside.read_bytes() == before


# --- submodules -----------------------------------------------------------------------------------


def _with_submodule(repo: Path, tmp_path: Path) -> None:
    library = put(tmp_path / "library", {"lib.py": "V = 1\n", "README.md": "lib\n"})
    git(library, "init", "-q", "-b", "main")
    commit_all(library, "library")
    git(repo, "-c", "protocol.file.allow=always", "submodule", "add", "-q", str(library), f"{APP}/vendor")


def test_a_submodule_is_an_unbundled_entry_in_every_source(repo: Path, tmp_path: Path) -> None:
    _with_submodule(repo, tmp_path)
    result = run_main(["write", "-o", *MACHINE, "flask", APP], repo)
    assert result.code == 0 and "submodule" in result.stderr
    assert not [path for path in json.loads((repo / MANIFEST).read_text())["files"] if path.startswith("vendor")]
    commit_all(repo, "vendored library")
    for source in ("index", "worktree", "HEAD"):
        result = check(repo, "--source", source)
        assert result.code == 0 and "submodule" in result.stderr, (source, result)
    before = (repo / MANIFEST).read_bytes()
    assert fix(repo, "--stage")[0] == 0 and (repo / MANIFEST).read_bytes() == before
    assert fix(repo, "--source", "worktree")[0] == 0 and (repo / MANIFEST).read_bytes() == before


def test_listed_submodule_files_are_missing_in_every_source(repo: Path, tmp_path: Path) -> None:
    _with_submodule(repo, tmp_path)
    write_manifest(repo)
    document = json.loads((repo / MANIFEST).read_text())
    document["files"]["vendor/lib.py"] = {"checksum": "0" * 32}
    (repo / MANIFEST).write_text(json.dumps(document, indent=2) + "\n")
    commit_all(repo, "lists a submodule file")
    for source in ("index", "worktree", "HEAD"):
        code, report = check_json(repo, "--source", source)
        assert (code, codes(report)) == (1, [("MG102", "vendor/lib.py")]), source
        assert "submodule" in report["findings"][0]["message"]
    assert fix(repo, "--stage")[0] == 0
    assert "vendor" not in git(repo, "show", f":{MANIFEST}")
