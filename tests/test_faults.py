"""Fault injection: whatever fails while ``fix`` runs, the manifest is the old one or the new one, never torn,
never a concurrent writer's work overwritten, and no temp file is left behind.

Faults come two ways: from the kernel (a file-size limit makes writes fail with EFBIG, a held
``index.lock``, real concurrent processes) and injected at each step of the write (mkstemp, write,
fsync, chmod, replace) for errors the test machine cannot produce on demand (ENOSPC, EROFS, EIO;
read-only permissions do not stop root)."""

from __future__ import annotations

import errno
import json
import os
import resource
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from manifest_guard.engine import manifest as manifest_module
from tests.conftest import cli_environment, git, put
from tests.gitapp import APP, MANIFEST
from tests.inprocess import run_main, stray_temp_files


def make_stale(repo: Path, text: str = "X = 2\n") -> bytes:
    """Change an app file (staged), so ``fix`` has a checksum to rewrite; returns the manifest's bytes."""
    put(repo / APP, {"helpers.py": text})
    git(repo, "add", "-A")
    return (repo / MANIFEST).read_bytes()


def fixed_bytes(repo: Path, tmp_path: Path) -> bytes:
    """What ``fix`` writes, computed on a copy of the repository."""
    copy = tmp_path / "copy"
    tmp_path.mkdir(parents=True, exist_ok=True)
    subprocess.run(["cp", "-a", str(repo), str(copy)], check=True)
    run_main(["fix"], copy)
    return (copy / MANIFEST).read_bytes()


# ------------------------------------------------------------------ injected at each step of the write

STEPS = ("mkstemp", "write", "fsync", "chmod", "replace")


def inject(monkeypatch: pytest.MonkeyPatch, step: str, error: BaseException) -> None:
    """Make ``step`` of write_atomically raise ``error``."""

    def failing(*_args: Any, **_kwargs: Any) -> Any:
        raise error

    if step == "mkstemp":
        monkeypatch.setattr(manifest_module.tempfile, "mkstemp", failing)
    elif step == "write":
        real_fdopen = os.fdopen

        def fdopen(fd: int, *args: Any, **kwargs: Any) -> Any:
            stream = real_fdopen(fd, *args, **kwargs)
            stream.write = failing  # type: ignore[method-assign]
            return stream

        monkeypatch.setattr(manifest_module.os, "fdopen", fdopen)
    else:
        monkeypatch.setattr(manifest_module.os, step, failing)


@pytest.mark.parametrize("step", STEPS)
@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EROFS, errno.EACCES, errno.EIO, errno.EDQUOT])
def test_a_failed_write_leaves_the_old_manifest_and_no_temp_file(
    repo: Path, monkeypatch: pytest.MonkeyPatch, step: str, code: int
) -> None:
    before = make_stale(repo)
    inject(monkeypatch, step, OSError(code, os.strerror(code)))
    result = run_main(["fix"], repo)
    assert result.code == 2
    assert f"{MANIFEST}: cannot write: {os.strerror(code)}" in result.stderr
    assert (repo / MANIFEST).read_bytes() == before
    assert stray_temp_files(repo) == []


@pytest.mark.parametrize("step", ["write", "fsync", "replace"])
def test_an_interrupt_during_the_write_leaves_the_old_manifest_and_no_temp_file(
    repo: Path, monkeypatch: pytest.MonkeyPatch, step: str
) -> None:
    before = make_stale(repo)
    inject(monkeypatch, step, KeyboardInterrupt())
    assert run_main(["fix"], repo, codes=(130,)).stderr == "manifest-guard: error: interrupted\n"
    assert (repo / MANIFEST).read_bytes() == before
    assert stray_temp_files(repo) == []


def test_a_real_file_size_limit_fails_the_write_cleanly(repo: Path) -> None:
    """The kernel refuses the write (EFBIG, as a full disk refuses with ENOSPC) in a real subprocess."""
    before = make_stale(repo)
    limit = len(before) // 2

    def limit_file_size() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # get EFBIG instead of being killed
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    completed = subprocess.run([sys.executable, "-m", "manifest_guard", "fix"], cwd=repo, env=cli_environment(),
                               capture_output=True, text=True, preexec_fn=limit_file_size, check=False)  # fmt: skip
    assert completed.returncode == 2, completed.stderr
    assert completed.stderr.strip() == f"manifest-guard: error: {MANIFEST}: cannot write: File too large"
    assert (repo / MANIFEST).read_bytes() == before
    assert stray_temp_files(repo) == []


# ------------------------------------------------------------------ the manifest changes under fix's feet


def during_write(monkeypatch: pytest.MonkeyPatch, action: Callable[[], None]) -> None:
    """Run ``action`` (another process's doing) after fix read the manifest, while it writes the temp file."""
    real_mkstemp = manifest_module.tempfile.mkstemp

    def mkstemp(*args: Any, **kwargs: Any) -> Any:
        action()
        return real_mkstemp(*args, **kwargs)

    monkeypatch.setattr(manifest_module.tempfile, "mkstemp", mkstemp)


def test_a_manifest_deleted_during_fix_stays_deleted(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_stale(repo)
    during_write(monkeypatch, (repo / MANIFEST).unlink)
    result = run_main(["fix"], repo)
    assert result.code == 1
    assert f"{MANIFEST}: not rewritten: it was deleted while manifest-guard ran; run it again" in result.stderr
    assert not (repo / MANIFEST).exists()
    assert stray_temp_files(repo) == []


def test_a_manifest_edited_during_fix_keeps_the_edit(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_stale(repo)
    edited = b'{"version": 1, "edited": "by someone else"}\n'
    during_write(monkeypatch, lambda: (repo / MANIFEST).write_bytes(edited))
    result = run_main(["fix"], repo)
    assert result.code == 1
    assert "not rewritten: it changed while manifest-guard ran" in result.stderr
    assert (repo / MANIFEST).read_bytes() == edited
    assert stray_temp_files(repo) == []


def test_a_manifest_fixed_by_another_run_meanwhile_is_left_alone(
    repo: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    make_stale(repo)
    wanted = fixed_bytes(repo, tmp_path)
    during_write(monkeypatch, lambda: (repo / MANIFEST).write_bytes(wanted))
    result = run_main(["fix"], repo)
    assert "not rewritten" not in result.stderr
    assert (repo / MANIFEST).read_bytes() == wanted
    assert stray_temp_files(repo) == []


# ------------------------------------------------------------------ git's index lock


def test_fix_stage_refuses_while_the_index_is_locked(repo: Path) -> None:
    before = make_stale(repo)
    lock = repo / ".git" / "index.lock"
    lock.write_bytes(b"")
    result = run_main(["fix", "--stage"], repo)
    assert result.code == 1
    assert f"{MANIFEST}: not rewritten: the index is locked (" in result.stderr
    assert (repo / MANIFEST).read_bytes() == before and lock.exists()  # nothing written, the lock left alone
    assert run_main(["check"], repo).code == 1  # reading the index needs no lock
    lock.unlink()
    assert run_main(["fix", "--stage"], repo).code == 0


def test_fix_stage_says_when_the_lock_appears_after_the_write(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The lock is taken between fix's look at it and ``git add``: the file is rewritten, the message says
    it is not staged, the exit is 1."""
    from manifest_guard.fixing import rewrite as fixing

    make_stale(repo)
    lock = repo / ".git" / "index.lock"
    monkeypatch.setattr(fixing, "_index_lock", lambda _run: (lock.write_bytes(b""), None)[1])
    result = run_main(["fix", "--stage"], repo)
    assert result.code == 1
    assert f"{MANIFEST}: rewritten but not staged (git add failed: fatal: Unable to create" in result.stderr
    lock.unlink()
    assert json.loads((repo / MANIFEST).read_bytes())  # the new manifest, whole
    assert git(repo, "status", "--porcelain", "--", MANIFEST).startswith(" M")  # rewritten, not staged


# ------------------------------------------------------------------ real concurrent runs


def poll(path: Path, seen: set[bytes], done: threading.Event) -> None:
    """Read ``path`` in a loop until ``done``, collecting every content seen."""
    while not done.is_set():
        try:
            seen.add(path.read_bytes())
        except FileNotFoundError:
            seen.add(b"<missing>")


def test_concurrent_fix_runs_agree_and_never_tear_the_manifest(repo: Path, tmp_path: Path) -> None:
    """Four ``fix`` processes at once, several rounds, a reader polling the file all along: every read is
    the old or the new manifest, every run ends 0/1 without an error, and the result is what one run gives."""
    for round_number in range(3):
        before = make_stale(repo, f"X = {round_number + 10}\n")
        wanted = fixed_bytes(repo, tmp_path / str(round_number))
        seen: set[bytes] = set()
        done = threading.Event()
        reader = threading.Thread(target=poll, args=(repo / MANIFEST, seen, done))
        reader.start()
        processes = [
            subprocess.Popen([sys.executable, "-m", "manifest_guard", "fix", *(["--stage"] if n % 2 else [])],
                             cwd=repo, env=cli_environment(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for n in range(4)
        ]  # fmt: skip
        outputs = [process.communicate(timeout=120) for process in processes]
        done.set()
        reader.join()
        for process, (_, stderr) in zip(processes, outputs):
            assert process.returncode in (0, 1), stderr
            allowed = ("rewritten but not staged", "not rewritten", "already fixed in the work tree but not staged")
            assert "error:" not in stderr or any(reason in stderr for reason in allowed), stderr
        assert seen <= {before, wanted}
        assert (repo / MANIFEST).read_bytes() == wanted
        assert stray_temp_files(repo) == []
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "-m", f"round {round_number}")


def test_a_temp_file_of_another_run_is_never_part_of_the_app(repo: Path) -> None:
    """What a concurrent run's walk can meet: another run's temp file beside the manifest (and one
    that is a FIFO, which would otherwise be "not a regular file")."""
    put(repo / APP, {".manifest-guard-k2j4h1x0.tmp": "{\n", "sub/.manifest-guard-zz.tmp": "x"})
    os.mkfifo(repo / APP / ".manifest-guard-fifo0000.tmp")
    git(repo, "add", "-A", "--", f"{APP}/sub")
    for args in (["check", "--source", "worktree"], ["check"], ["fix", "--source", "worktree"]):
        result = run_main(args, repo)
        assert result.code == 0, (args, result)
        assert ".manifest-guard-" not in result.stdout + result.stderr
    written = run_main(["write", "-o", "--python-version", "3.11.4", "--pip-version", "24.0", "flask", APP], repo)
    assert written.code == 0, written
    assert not [path for path in json.loads((repo / MANIFEST).read_text())["files"] if "manifest-guard" in path]


def test_concurrent_fix_runs_on_the_work_tree_never_see_each_other(repo: Path) -> None:
    """Each run's walk of the app directory happens while the others create and rename their temp files."""
    for round_number in range(3):
        put(repo / APP, {"helpers.py": f"X = {round_number + 20}\n", f"new{round_number}.py": "Y = 1\n"})
        processes = [
            subprocess.Popen([sys.executable, "-m", "manifest_guard", "fix", "--source", "worktree"],
                             cwd=repo, env=cli_environment(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(5)
        ]  # fmt: skip
        outputs = [process.communicate(timeout=120) for process in processes]
        for process, (stdout, stderr) in zip(processes, outputs):
            assert process.returncode in (0, 1), stderr
            assert "error:" not in stderr or "not rewritten" in stderr, stderr
            assert ".manifest-guard-" not in stdout + stderr
        listed = json.loads((repo / MANIFEST).read_text())["files"]
        assert f"new{round_number}.py" in listed and not [path for path in listed if "manifest-guard" in path]
        assert run_main(["check", "--source", "worktree"], repo).code == 0
        assert stray_temp_files(repo) == []


def test_a_file_deleted_between_the_walk_and_its_checksum_is_left_out(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The race a concurrent process makes, made certain: the walk sees the file, then it is gone."""
    from manifest_guard.repository import trees

    put(repo / APP, {"gone.py": "X = 1\n"})
    real_walk = trees.WorkTree.walk

    def walk_then_delete(self: trees.WorkTree, directory: str, prune: Callable[[str], bool]) -> Any:
        entries = list(real_walk(self, directory, prune))
        (repo / APP / "gone.py").unlink(missing_ok=True)
        return iter(entries)

    monkeypatch.setattr(trees.WorkTree, "walk", walk_then_delete)
    result = run_main(["write", "-o", "--python-version", "3.11.4", "--pip-version", "24.0", "flask", APP], repo)
    assert result.code == 0, result
    assert "gone.py" not in json.loads((repo / MANIFEST).read_text())["files"]
