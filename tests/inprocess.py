"""Run the CLI's ``main(argv)`` inside the test process: thousands of fuzz cases and fault injections per
minute, where a subprocess per case would take an hour. ``MANIFEST_GUARD_DEBUG`` is set, so a bug raises
its exception into the test (and hypothesis shrinks it) instead of becoming an "internal error" line."""

from __future__ import annotations

import contextlib
import io
import os
import signal
from collections.abc import Iterator, Sequence
from pathlib import Path

from tests.conftest import CliResult, cli_environment


class Hang(Exception):
    """The command ran past its time limit."""


@contextlib.contextmanager
def _time_limit(seconds: int) -> Iterator[None]:
    def expire(_signum: int, _frame: object) -> None:
        raise Hang(f"no result after {seconds}s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@contextlib.contextmanager
def _environment(values: dict[str, str]) -> Iterator[None]:
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(values)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def run_main(
    args: Sequence[str],
    cwd: Path,
    env: dict[str, str] | None = None,
    timeout: int = 60,
    codes: Sequence[int] = (0, 1, 2),
) -> CliResult:
    """``manifest-guard ARGS`` in ``cwd``; checks the exit-code contract (0, 1 or 2 with a message on stderr)."""
    from manifest_guard.cli import main

    stdout, stderr = io.StringIO(), io.StringIO()
    environment = cli_environment({"MANIFEST_GUARD_DEBUG": "1", "NO_COLOR": "1", **(env or {})})
    with (_environment(environment), contextlib.chdir(cwd), contextlib.redirect_stdout(stdout),
          contextlib.redirect_stderr(stderr), _time_limit(timeout)):  # fmt: skip
        code = main(list(args))
    result = CliResult(code, stdout.getvalue(), stderr.getvalue())
    assert code in codes, result
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr, result.stderr
    if code == 2:
        assert "manifest-guard: error: " in result.stderr, result
    return result


def stray_temp_files(root: Path) -> list[Path]:
    """manifest-guard's temp files left anywhere under ``root`` (there must never be any)."""
    return [path for path in root.rglob(".manifest-guard-*") if path.is_file()]
