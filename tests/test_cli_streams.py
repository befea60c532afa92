"""The report reaches stdout whatever stdout is: an ASCII-only encoding gets escapes, a full disk is one
error line and exit 2, a reader that closed the pipe ends the run quietly. Real processes, real repositories."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import cli_environment, git, put, run_manifest_guard
from tests.gitapp import APP

FULL_DISK_ERROR = "manifest-guard: error: cannot write the report to standard output: No space left on device"


def stage_non_ascii_file(repo: Path) -> None:
    put(repo / APP, {"café.py": "X = 1\n"})
    git(repo, "add", "-A")


def test_an_ascii_only_stdout_gets_escapes_instead_of_an_internal_error(repo: Path) -> None:
    stage_non_ascii_file(repo)
    result = run_manifest_guard(["check"], repo, env={"PYTHONIOENCODING": "ascii"})
    assert result.code == 1, result
    assert f"{APP}/caf\\xe9.py: new file not listed" in result.stdout
    assert result.stderr == ""


def test_the_c_locale_without_utf8_mode_gets_escapes(repo: Path) -> None:
    """File names decode to surrogates there (ASCII file system encoding): escaped as well."""
    stage_non_ascii_file(repo)
    result = run_manifest_guard(
        ["check"], repo, env={"LANG": "C", "LC_ALL": "C", "PYTHONUTF8": "0", "PYTHONIOENCODING": "ascii:strict"}
    )
    assert result.code == 1, result
    assert f"{APP}/caf\\udcc3\\udca9.py: new file not listed" in result.stdout


def test_a_report_written_to_a_full_disk_is_one_error_line_and_exit_2(repo: Path) -> None:
    stage_non_ascii_file(repo)
    with open("/dev/full", "w") as full:
        completed = subprocess.run([sys.executable, "-m", "manifest_guard", "check"], cwd=repo, env=cli_environment(),
                                   stdout=full, stderr=subprocess.PIPE, text=True, check=False)  # fmt: skip
    assert completed.returncode == 2
    assert completed.stderr.splitlines() == [FULL_DISK_ERROR]


def test_a_clean_report_to_a_full_disk_fails_too(repo: Path) -> None:
    with open("/dev/full", "w") as full:
        completed = subprocess.run([sys.executable, "-m", "manifest_guard", "check"], cwd=repo, env=cli_environment(),
                                   stdout=full, stderr=subprocess.PIPE, text=True, check=False)  # fmt: skip
    assert completed.returncode == 2
    assert completed.stderr == f"{FULL_DISK_ERROR}\n"


def test_a_closed_pipe_ends_the_run_quietly(repo: Path) -> None:
    stage_non_ascii_file(repo)
    process = subprocess.Popen([sys.executable, "-m", "manifest_guard", "check"], cwd=repo, env=cli_environment(),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # long before the interpreter has started: every write meets a closed pipe
    stderr = process.stderr.read()
    assert process.wait(timeout=60) == 2
    assert stderr == ""
