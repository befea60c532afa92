"""The caches never answer what a fresh run would not: a replayed result is keyed on everything its
computation read (symlink targets outside the app, the base, the tool, the interpreter and the
libraries), the schema-valid cache on the tool, and ``MANIFEST_GUARD_NO_CACHE=1`` turns them all off."""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from manifest_guard.caches import tool_fingerprint
from manifest_guard.catalogue.findings import Finding
from tests.conftest import CliResult, git, put, run_manifest_guard
from tests.fuzzing import examples
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


@pytest.fixture
def computed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The manifests checked by running the rules (a replayed one is not in it)."""
    from manifest_guard.checking import checker

    checked: list[str] = []
    original = checker.check_manifest

    def counting(workspace: Any, manifest: str, *args: Any) -> Any:
        checked.append(manifest)
        return original(workspace, manifest, *args)

    monkeypatch.setattr(checker, "check_manifest", counting)
    return checked


def test_a_result_stored_with_other_library_versions_is_not_replayed(
    repo: Path, monkeypatch: pytest.MonkeyPatch, computed: list[str]
) -> None:
    assert check(repo).code == 0 and computed == [MANIFEST]
    computed.clear()
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


# Inside GitTree only these touch the snapshot; every other method asks through the recorded accessors.
SNAPSHOT = {"_entries", "_sorted", "_under", "_has_under", "_entry_answer", "_listing_digest"}
# attribute_files_digest feeds the first-level key (git check-attr reads every .gitattributes), not a recorded read.
SNAPSHOT_READERS = {"__init__", *SNAPSHOT, "_entry", "_is_directory", "_listed", "answers", "gives",
                    "attribute_files_digest"}  # fmt: skip


def test_every_read_of_a_git_tree_goes_through_a_recorded_question() -> None:
    import ast

    from manifest_guard.repository import git_trees

    module = ast.parse(Path(git_trees.__file__).read_text())
    tree_class = next(node for node in module.body if isinstance(node, ast.ClassDef) and node.name == "GitTree")
    readers = {
        method.name
        for method in tree_class.body
        if isinstance(method, ast.FunctionDef)
        and any(isinstance(node, ast.Attribute) and node.attr in SNAPSHOT for node in ast.walk(method))
    }
    assert readers <= SNAPSHOT_READERS, readers - SNAPSHOT_READERS


def test_a_listing_answers_every_question_below_it() -> None:
    from manifest_guard.repository.tree_reads import TreeReads

    asked = TreeReads(
        entries={"apps/a/app.py", "apps/a", "apps/ab/x.py", ".python-version"},
        directories={"apps/a", "apps/a/sub", "apps", "lib"},
        listings={"apps/a", "apps/a/sub"},
    )
    assert asked.essential() == TreeReads(
        entries={"apps/a", "apps/ab/x.py", ".python-version"}, directories={"apps", "lib"}, listings={"apps/a"}
    )
    assert TreeReads(entries={"x"}, listings={""}).essential() == TreeReads(listings={""})


def test_switching_back_and_forth_replays_each_state(repo: Path, computed: list[str]) -> None:
    """A key keeps its recent variants: returning to an earlier index is answered from the store."""
    first = check(repo)
    put(repo / APP, {"helpers.py": "X = 2\n"})
    git(repo, "add", "-A")
    second = check(repo)
    put(repo / APP, {"helpers.py": "X = 1\n"})
    git(repo, "add", "-A")
    assert check(repo) == first and len(computed) == 2
    put(repo / APP, {"helpers.py": "X = 2\n"})
    git(repo, "add", "-A")
    assert check(repo) == second and len(computed) == 2


# ------------------------------------------------------------------------------------ the property

PYTHON = ["from flask import Flask\napp = Flask(__name__)\n", "import yaml\nfrom flask import Flask\napp = Flask()\n",
          "import shared\napp = shared.app\n", "app = (\n", "X = 1\n"]  # fmt: skip
CONTENTS = {
    ".py": PYTHON,
    ".txt": ["flask==3.0.0\n", "flask\nrequests>=2\n", "", "not a requirement line ((\n"],
    ".python-version": ["3.11\n", "3.12\n", ">=3.9\n", ""],
    ".rscignore": ["helpers.py\n", "*.txt\n"],
    ".md": ["# notes\n", "more notes\n"],
}
FILES = ["apps/a/app.py", "apps/a/helpers.py", "apps/a/requirements.txt", "apps/a/.python-version",
         "apps/a/notes.txt", "apps/a/.rscignore", "apps/b/app.py", "apps/b/requirements.txt",
         "apps/b/.python-version", "apps/b/shared.py", "apps/b/README.md", "lib/shared.py", ".python-version",
         "lib/requirements.txt"]  # fmt: skip
LINKS = ["apps/a/.python-version", "apps/a/requirements.txt", "apps/b/shared.py", "apps/b/.python-version",
         "apps/a/helpers.py"]  # fmt: skip
CONFIGS = [None, '[tool.manifest-guard]\nignore = ["MG103"]\n', '[tool.manifest-guard]\nexclude = ["*.md"]\n',
           '[tool.manifest-guard]\nknown-first-party = ["shared"]\n', "[tool.manifest-guard\n"]  # fmt: skip
CHECKS = [[], [], [], ["--source", "HEAD"], ["--hook"], ["--changed-since", "HEAD~1"]]


def _content(path: str) -> st.SearchStrategy[str]:
    for suffix, choices in CONTENTS.items():
        if path.endswith(suffix):
            return st.sampled_from(choices)
    return st.sampled_from(CONTENTS[".md"])


OUTSIDE = [".python-version", "lib/shared.py", "lib/requirements.txt"]  # read through the template's symlinks
# Weighted: most steps change a file (often one outside the apps), the rest move things around.
KINDS = ["edit", "edit", "outside", "outside", "outside", "link", "link", "delete", "rename", "config", "write",
         "commit", "uncommit"]  # fmt: skip
OPERATION_ARGUMENTS: dict[str, st.SearchStrategy[tuple[str | None, ...]]] = {
    "edit": st.sampled_from(FILES).flatmap(lambda path: st.tuples(st.just(path), _content(path))),
    "outside": st.sampled_from(OUTSIDE).flatmap(lambda path: st.tuples(st.just(path), _content(path))),
    "link": st.tuples(st.sampled_from(LINKS), st.sampled_from(FILES)),
    "delete": st.tuples(st.sampled_from(FILES)),
    "rename": st.tuples(st.sampled_from(FILES), st.sampled_from(FILES)),
    "config": st.tuples(st.sampled_from(CONFIGS)),
    "write": st.tuples(st.sampled_from(["apps/a", "apps/b"])),
    "commit": st.just(()),
    "uncommit": st.just(()),
}
OPERATIONS = st.sampled_from(KINDS).flatmap(
    lambda kind: OPERATION_ARGUMENTS[kind].map(lambda arguments: ("edit" if kind == "outside" else kind, *arguments))
)


def _remove(path: Path) -> None:
    if path.is_symlink() or path.is_file():
        path.unlink()


def _apply(repo: Path, operation: tuple[str | None, ...]) -> None:
    """One change to the repository, staged (``uncommit`` moves the base back a commit)."""
    kind, *arguments = operation
    target = repo / str(arguments[0]) if arguments and arguments[0] is not None else repo
    if kind == "edit":
        _remove(target)
        put(repo, {str(arguments[0]): str(arguments[1])})
    elif kind == "link":
        _remove(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.symlink_to(os.path.relpath(repo / str(arguments[1]), target.parent))
    elif kind == "delete":
        _remove(target)
    elif kind == "rename" and (target.is_symlink() or target.exists()) and arguments[0] != arguments[1]:
        (repo / str(arguments[1])).parent.mkdir(parents=True, exist_ok=True)
        _remove(repo / str(arguments[1]))
        os.replace(target, repo / str(arguments[1]))
    elif kind == "config":
        _remove(repo / "pyproject.toml")
        if arguments[0] is not None:
            put(repo, {"pyproject.toml": str(arguments[0])})
    elif kind == "write":
        run_main(["write", "-o", *MACHINE, "flask", str(arguments[0])], repo)
    elif kind == "commit":
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "--allow-empty", "-m", "step")
    elif kind == "uncommit" and git(repo, "rev-list", "--count", "HEAD").strip() != "1":
        git(repo, "reset", "-q", "--soft", "HEAD~1")
    git(repo, "add", "-A")


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two committed apps reading files outside them through symlinks, with manifests and stored results
    (copied for every case)."""
    repo = tmp_path_factory.mktemp("template") / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "commit.gpgsign", "false")
    put(repo, CONTENTS_FIRST)
    for app in ("apps/a", "apps/b"):
        run_main(["write", "-o", *MACHINE, "flask", app], repo)
    _apply(repo, ("link", "apps/a/.python-version", ".python-version"))  # after write, which refuses them
    _apply(repo, ("link", "apps/b/requirements.txt", "lib/requirements.txt"))
    commit_all(repo)
    git(repo, "commit", "-q", "--allow-empty", "-m", "second")  # HEAD~1 exists for --changed-since
    for arguments in CHECKS:  # every case starts with stored results, so its first check can replay one
        run_main(["check", "--output-format", "json", *arguments], repo)
    return repo


CONTENTS_FIRST = {
    "apps/a/app.py": PYTHON[0], "apps/a/helpers.py": "X = 1\n", "apps/a/requirements.txt": "flask==3.0.0\n",
    "apps/a/.python-version": "3.11\n", "apps/b/app.py": PYTHON[0], "apps/b/requirements.txt": "flask==3.0.0\n",
    "apps/b/README.md": "# b\n", "lib/shared.py": PYTHON[0], ".python-version": "3.11\n",
    "lib/requirements.txt": "flask==3.0.0\n",
}  # fmt: skip


@settings(max_examples=examples(20))
@given(steps=st.lists(st.tuples(OPERATIONS, st.sampled_from(range(len(CHECKS)))), min_size=1, max_size=6))
def test_a_cached_check_always_reports_what_a_fresh_one_does(template: Path, steps: list[tuple]) -> None:
    root = Path(tempfile.mkdtemp(prefix="manifest-guard-soundness-"))
    try:
        repo = root / "repo"
        shutil.copytree(template, repo, symlinks=True)
        for operation, check_index in steps:
            _apply(repo, operation)
            arguments = ["check", "--output-format", "json", *CHECKS[check_index]]
            cached = run_main(arguments, repo)
            assert cached == run_main(arguments, repo, NO_CACHE), (operation, CHECKS[check_index])
    finally:
        shutil.rmtree(root, ignore_errors=True)


def test_an_unreadable_install_only_turns_the_caches_into_misses(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def unreadable(root: Path) -> str:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tool_fingerprint, "package_digest", unreadable)
    first = check(repo)
    tool_fingerprint.tool_fingerprint.cache_clear()  # another run: another fingerprint, nothing replayed
    assert check(repo) == first and first.code == 0
    assert tool_fingerprint.tool_fingerprint() != tool_fingerprint.tool_fingerprint.__wrapped__()
