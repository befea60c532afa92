"""Run the CLI's ``main(argv)`` inside the test process: thousands of fuzz cases and fault injections per
minute, where a subprocess per case would take an hour. ``MANIFEST_GUARD_DEBUG`` is set, so a bug raises
its exception into the test (and hypothesis shrinks it) instead of becoming an "internal error" line."""

from __future__ import annotations

import contextlib
import io
import os
import re
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from tests.conftest import CliResult, cli_environment


class Hang(Exception):
    """The command ran past its time limit."""


def _call_in_fresh_thread(function: Callable[[], int], seconds: int) -> int:
    """Run ``function`` on a new thread: its stack starts as shallow as the real CLI's (pytest's and
    hypothesis's frames would otherwise eat into the recursion limit), and a hang is caught by a join
    with a timeout."""
    outcome: list[int] = []
    failure: list[BaseException] = []

    def target() -> None:
        try:
            outcome.append(function())
        except BaseException as error:  # handed to the test thread below
            failure.append(error)

    worker = threading.Thread(target=target, daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        raise Hang(f"no result after {seconds}s")
    if failure:
        raise failure[0]
    return outcome[0]


@contextlib.contextmanager
def _default_unraisable_hook() -> Iterator[None]:
    """Python's own hook, printing "Exception ignored in ..." to the captured stderr as the CLI would."""
    previous = sys.unraisablehook
    sys.unraisablehook = sys.__unraisablehook__
    try:
        yield
    finally:
        sys.unraisablehook = previous


@contextlib.contextmanager
def _working_directory(path: Path) -> Iterator[None]:
    """``contextlib.chdir`` (Python 3.11) for every supported version."""
    previous = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(previous)


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
    """``manifest-guard ARGS`` in ``cwd``; checks the exit-code contract (0, 1 or 2 with a message on stderr).
    The real process is what the hook, CI and stream tests run (``tests.conftest.run_manifest_guard``)."""
    from manifest_guard.cli import main

    stdout, stderr = io.StringIO(), io.StringIO()
    environment = cli_environment({"MANIFEST_GUARD_DEBUG": "1", "NO_COLOR": "1", **(env or {})})
    with _environment(environment), _working_directory(cwd), contextlib.redirect_stdout(stdout), \
            contextlib.redirect_stderr(stderr), _default_unraisable_hook():  # fmt: skip
        code = _call_in_fresh_thread(lambda: main(list(args)), timeout)
    result = CliResult(code, stdout.getvalue(), stderr.getvalue())
    assert code in codes, result
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr, result.stderr
    if code == 2:  # ``manifest-guard: error: ...``, or argparse's ``manifest-guard check: error: ...``
        assert re.search(r"^manifest-guard( [a-z-]+)?: error: ", result.stderr, re.MULTILINE), result
    return result


def stray_temp_files(root: Path) -> list[Path]:
    """manifest-guard's temp files left anywhere under ``root`` (there must never be any)."""
    return [path for path in root.rglob(".manifest-guard-*") if path.is_file()]
