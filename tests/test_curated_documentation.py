"""Curated manifests: a new documentation file of a kind the manifest already leaves out is a warning;
a new module, data file or asset stays an error."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from manifest_guard.catalogue.documentation_files import documentation_kinds
from tests.conftest import git, put
from tests.gitapp import APP, FLASK_APP, MACHINE, MANIFEST
from tests.inprocess import run_main

DOCUMENTED = {**FLASK_APP, "README.md": "# Hello\n", "CHANGELOG": "1.0\n", "data.csv": "a\n1\n"}


def unlisted(repo: Path) -> tuple[int, list[tuple[str, str]]]:
    result = run_main(["check", "--output-format", "json", "--select", "MG103"], repo)
    report: dict[str, Any] = json.loads(result.stdout)
    return result.code, sorted((finding["subject"], finding["severity"]) for finding in report["findings"])


def curated_app(repo: Path, leave_out: tuple[str, ...]) -> Path:
    put(repo / APP, DOCUMENTED)
    assert run_main(["write", "-o", *MACHINE, "flask", APP], repo).code == 0
    manifest = json.loads((repo / MANIFEST).read_text())
    for name in leave_out:
        del manifest["files"][name]
    (repo / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "curated")
    return repo


def test_new_files_of_a_kind_left_out_are_warnings_others_errors(git_repo: Path) -> None:
    curated_app(git_repo, ("README.md", "CHANGELOG"))
    put(git_repo / APP, {"docs/guide.md": "guide\n", "CHANGES.rst": "2.0\n", "sub/README.txt": "x\n",
                         "LICENSE": "MIT\n", "utils.py": "LOGO = 'logo.png'\n", "data2.csv": "b\n2\n",
                         "logo.png": b"\x89PNG"})
    git(git_repo, "add", "-A")
    code, found = unlisted(git_repo)
    assert code == 1
    # LICENSE: never the app's input, whatever the manifest leaves out
    assert found == [("CHANGES.rst", "warning"), ("LICENSE", "warning"), ("data2.csv", "error"),
                     ("docs/guide.md", "warning"), ("logo.png", "error"), ("sub/README.txt", "warning"),
                     ("utils.py", "error")]  # fmt: skip
    assert run_main(["fix"], git_repo).code == 1
    listed = json.loads((git_repo / MANIFEST).read_text())["files"]
    assert {"utils.py", "data2.csv", "logo.png"} <= set(listed)
    assert not {"docs/guide.md", "CHANGES.rst", "sub/README.txt", "LICENSE"} & set(listed)


def test_a_manifest_that_lists_its_documentation_still_gets_an_error(git_repo: Path) -> None:
    curated_app(git_repo, ())
    put(git_repo / APP, {"NOTES.md": "notes\n"})
    git(git_repo, "add", "-A")
    assert unlisted(git_repo) == (1, [("NOTES.md", "error")])


def test_documentation_kinds() -> None:
    assert documentation_kinds("README.md") == {"README", "Markdown"}
    assert documentation_kinds("docs/Contributing.rst") == {"CONTRIBUTING"}
    assert documentation_kinds("LICENCE.txt") == {"LICENSE"}
    assert documentation_kinds("readme_helpers.py") == frozenset() and documentation_kinds("app.py") == frozenset()


def test_a_new_file_in_a_directory_the_manifest_leaves_out_is_a_warning(git_repo: Path) -> None:
    """Front-end sources beside a listed build: src/ is left out on purpose, dist/ is listed."""
    put(git_repo / APP, {"src/App.vue": "<template/>\n", "src/ui/Card.vue": "<template/>\n", "dist/app.js": "x\n"})
    curated_app(git_repo, ("src/App.vue", "src/ui/Card.vue"))
    put(git_repo / APP, {"src/ui/Badge.vue": "<template/>\n", "dist/chunk.js": "y\n", "lib/util.py": "Z = 1\n"})
    git(git_repo, "add", "-A")
    assert unlisted(git_repo) == (1, [("dist/chunk.js", "error"), ("lib/util.py", "error"),
                                      ("src/ui/Badge.vue", "warning")])  # fmt: skip
    assert run_main(["fix", "--stage"], git_repo).code == 0
    files = json.loads((git_repo / MANIFEST).read_text())["files"]
    assert "src/ui/Badge.vue" not in files and "dist/chunk.js" in files


def test_files_left_out_of_a_manifest_added_in_the_same_change_are_warnings(git_repo: Path) -> None:
    put(git_repo, {"README.md": "repo\n"})
    git(git_repo, "add", "-A")
    git(git_repo, "commit", "-q", "-m", "start")
    put(git_repo / APP, DOCUMENTED)
    assert run_main(["write", "-o", *MACHINE, "flask", APP], git_repo).code == 0
    manifest = json.loads((git_repo / MANIFEST).read_text())
    del manifest["files"]["data.csv"]
    (git_repo / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
    git(git_repo, "add", "-A")
    assert unlisted(git_repo) == (0, [("data.csv", "warning")])
    git(git_repo, "commit", "-q", "-m", "app")
    put(git_repo / APP, {"more.csv": "m\n"})
    git(git_repo, "add", "-A")
    assert unlisted(git_repo) == (1, [("more.csv", "error")])
