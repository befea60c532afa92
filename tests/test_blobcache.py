"""The md5 cache keyed by blob id: hits, never trusted beyond its strict format, safe under concurrent
runs, bounded, and never a reason to fail."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from manifest_guard.caches import blob_md5 as blobcache
from manifest_guard.caches.blob_md5 import BlobCache
from manifest_guard.repository.git_trees import hash_blobs
from tests.conftest import cli_environment, git, put
from tests.gitapp import APP, MANIFEST
from tests.inprocess import run_main

CACHE = Path(".git") / "manifest-guard" / "blob-md5"


def cache_lines(repo: Path) -> list[str]:
    return (repo / CACHE).read_text().splitlines()


def test_a_check_fills_the_cache_and_the_next_one_reads_nothing(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert run_main(["check"], repo).code == 0
    lines = cache_lines(repo)
    blob = git(repo, "rev-parse", f":{APP}/app.py").strip()
    content = (repo / APP / "app.py").read_bytes()
    assert f"{blob} {hashlib.md5(content).hexdigest()} {len(content)}" in lines

    from manifest_guard.repository import git_trees as gittrees

    def no_reads(*_args: object) -> object:
        raise AssertionError("a cached blob was read again")

    monkeypatch.setattr(gittrees, "hash_blobs", no_reads)
    assert run_main(["check"], repo).code == 0
    assert cache_lines(repo) == lines  # nothing new to append


def test_a_changed_file_is_hashed_once_and_appended(repo: Path) -> None:
    run_main(["check"], repo)
    before = cache_lines(repo)
    put(repo / APP, {"helpers.py": "X = 42\n"})
    git(repo, "add", "-A")
    assert run_main(["check"], repo).code == 1
    assert cache_lines(repo)[: len(before)] == before and len(cache_lines(repo)) == len(before) + 1


def test_bad_cache_lines_are_ignored_not_trusted(repo: Path) -> None:
    """A torn line, a foreign format or a wrong-length digest is not used; the blob is hashed again."""
    blob = git(repo, "rev-parse", f":{APP}/helpers.py").strip()
    (repo / CACHE).parent.mkdir(parents=True)
    (repo / CACHE).write_text(f"{blob} 0123\n{blob}\ngarbage\n\x00\x00\n{blob} {'0' * 32} 5 extra\n")
    result = run_main(["check"], repo)
    assert result.code == 0, result.stdout  # a wrong cached checksum would have made helpers.py stale


def test_the_cache_never_fails_a_run(repo: Path) -> None:
    (repo / ".git" / "manifest-guard").write_text("a file where the directory should be")
    assert run_main(["check"], repo).code == 0


def test_concurrent_runs_append_whole_lines(repo: Path) -> None:
    for number in range(30):
        put(repo / APP, {f"data/f{number}.txt": f"{number}\n" * number})
    git(repo, "add", "-A")
    runs = [subprocess.Popen([sys.executable, "-m", "manifest_guard", "check", "-q"], cwd=repo, env=cli_environment(),
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) for _ in range(4)]  # fmt: skip
    for run in runs:
        run.wait(timeout=120)
        assert run.returncode == 1  # the new files are unlisted
    cache = BlobCache(str(repo / CACHE))
    lines = cache_lines(repo)
    assert all(blobcache._LINE.match(line) for line in lines)
    listing = git(repo, "ls-files", "-s", APP).splitlines()
    # the package file's raw md5 is asked first (when it is the listed one, the file is not read again)
    staged = {line.split()[1] for line in listing if not line.endswith("manifest.json")}
    assert set(cache._entries) == staged  # every blob once, however many runs appended it


def test_the_cache_is_compacted_past_its_bound(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(blobcache, "MAX_ENTRIES", 10)
    path = tmp_path / "blob-md5"
    path.write_text("".join(f"{index:040x} {'0' * 32} {index}\n" for index in range(12)))
    cache = BlobCache(str(path))
    assert cache.get(f"{3:040x}") == ("0" * 32, 3)
    cache.put("f" * 40, "1" * 32, 7)
    cache.save()
    kept = BlobCache(str(path))._entries
    assert len(kept) <= 5 and f"{3:040x}" in kept and "f" * 40 in kept


def test_hash_blobs_streams_big_blobs(repo: Path) -> None:
    data = bytes(range(256)) * (3 * 4096 + 7)  # ~3 MiB: several chunks
    put(repo / APP, {"big.bin": data})
    blob = git(repo, "hash-object", "-w", f"{APP}/big.bin").strip()
    small = git(repo, "rev-parse", f":{APP}/app.py").strip()
    found = dict(hash_blobs(str(repo), [bytes.fromhex(blob), bytes.fromhex(small)]))
    assert found[bytes.fromhex(blob)] == (hashlib.md5(data).hexdigest(), len(data))
    assert found[bytes.fromhex(small)][1] == len((repo / APP / "app.py").read_bytes())
    assert (repo / MANIFEST).exists()


def test_loose_blobs_are_inflated_here_and_packed_ones_left_to_git(repo: Path) -> None:
    from manifest_guard.repository.git_trees import hash_loose_blob

    data = bytes(range(256)) * 20_000  # 5 MiB of compressible data: many inflate steps
    put(repo / APP, {"data.bin": data})
    blob = bytes.fromhex(git(repo, "hash-object", "-w", f"{APP}/data.bin").strip())
    objects = str(repo / ".git" / "objects")
    assert hash_loose_blob(objects, blob) == (hashlib.md5(data).hexdigest(), len(data))
    tree = bytes.fromhex(git(repo, "rev-parse", "HEAD^{tree}").strip())
    assert hash_loose_blob(objects, tree) is None  # not a blob
    loose = Path(objects) / blob.hex()[:2] / blob.hex()[2:]
    good = loose.read_bytes()
    loose.chmod(0o644)
    loose.write_bytes(good[: len(good) // 2])  # truncated: git must answer (and will fail loudly)
    assert hash_loose_blob(objects, blob) is None
    loose.write_bytes(good)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "data")
    git(repo, "gc", "-q", "--prune=now")
    assert hash_loose_blob(objects, blob) is None  # packed now
    assert dict(hash_blobs(str(repo), [blob]))[blob] == (hashlib.md5(data).hexdigest(), len(data))
    assert run_main(["check"], repo).code == 0  # data.bin (old, unlisted) is hashed from the pack by git


def test_a_schema_valid_manifest_is_not_validated_again(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from manifest_guard.rules import document

    assert run_main(["check"], repo).code == 0
    assert len((repo / ".git" / "manifest-guard" / "schema-valid").read_text().split()) == 1

    def no_validation(*_args: object) -> object:
        raise AssertionError("validated again")

    monkeypatch.setattr(document, "_schema_findings", no_validation)
    assert run_main(["check"], repo).code == 0
    put(repo / APP, {"manifest.json": (repo / MANIFEST).read_text().replace('"version": 1', '"version": 2')})
    git(repo, "add", "-A")
    with pytest.raises(AssertionError, match="validated again"):  # new bytes: validated
        run_main(["check"], repo)


def test_an_invalid_manifest_is_never_remembered_and_a_new_schema_validates_again(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from manifest_guard.caches import tool_fingerprint

    valid = (repo / MANIFEST).read_text()
    put(repo / APP, {"manifest.json": valid.replace('"python-api"', '"python-flask"')})
    git(repo, "add", "-A")
    for _ in range(2):
        assert [
            f["code"] for f in json.loads(run_main(["check", "--output-format", "json"], repo).stdout)["findings"]
        ] == ["MG004"]
    put(repo / APP, {"manifest.json": valid})
    git(repo, "add", "-A")
    run_main(["check"], repo)
    remembered = (repo / ".git" / "manifest-guard" / "schema-valid").read_text().split()
    assert len(remembered) == 1
    monkeypatch.setattr(tool_fingerprint, "schema_digest", lambda: "another schema")
    tool_fingerprint.tool_fingerprint.cache_clear()
    try:
        run_main(["check", "--diff"], repo)  # --diff: never answered from the result cache
    finally:
        tool_fingerprint.tool_fingerprint.cache_clear()
    assert len((repo / ".git" / "manifest-guard" / "schema-valid").read_text().split()) == 2


def check_output(repo: Path, *args: str) -> tuple[int, str, str]:
    result = run_main(["check", "--output-format", "json", *args], repo)
    return result.code, result.stdout, result.stderr


def stored_variants(repo: Path) -> int:
    results = repo / ".git" / "manifest-guard" / "results"
    return sum(len(json.loads(path.read_text())["variants"]) for path in results.iterdir())


def test_a_check_result_is_reused_only_while_every_input_is_the_same(repo: Path) -> None:
    """Same index, base, config and tool: the stored result; any of them changed: computed again."""
    put(repo / APP, {"new.txt": "new\n", "link.txt": "x\n"})
    git(repo, "add", "-A")
    first = check_output(repo)
    assert '"MG103"' in first[1] and stored_variants(repo) == 1
    assert check_output(repo) == first  # reused
    git(repo, "commit", "-q", "-m", "new files")  # same index, new base: the files are no longer new
    second = check_output(repo)
    assert second != first and '"MG103"' not in second[1] and stored_variants(repo) == 2
    put(repo, {"pyproject.toml": '[tool.manifest-guard]\nignore = ["MG3"]\n'})  # new configuration
    check_output(repo)
    assert stored_variants(repo) == 3
    check_output(repo, "--select", "MG1")  # new options
    assert stored_variants(repo) == 4


def test_warnings_are_replayed_and_diff_and_the_work_tree_are_never_cached(repo: Path) -> None:
    results = repo / ".git" / "manifest-guard" / "results"
    put(repo / APP, {".python-version": ""})  # "no Python version constraint" warning
    git(repo, "add", "-A")
    first = check_output(repo)
    assert "warning:" in first[2] and check_output(repo) == first
    stored = len(list(results.iterdir()))
    run_main(["check", "--diff"], repo)
    run_main(["check", "--source", "worktree"], repo)
    assert len(list(results.iterdir())) == stored


def test_a_new_version_of_the_tool_computes_again(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from manifest_guard.caches import results as resultcache

    check_output(repo)
    monkeypatch.setattr(resultcache, "tool_fingerprint", lambda: "another build")
    check_output(repo)
    assert stored_variants(repo) == 2
