"""Where messages go: results to stdout, diagnostics to stderr, with one prefix for all.

While a command runs, stdout is a :func:`report_stream`: a character the stream's encoding cannot
hold is written as an escape (``\\xe9``) instead of failing the run, and a write that fails (a full
disk, a closed pipe) becomes one error instead of a traceback.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING, Final

from manifest_guard.foundation.errors import UserError

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer

PROGRAM: Final = "manifest-guard"
_SPECIAL: Final = {9: "\\t", 10: "\\n", 13: "\\r"}
# C0, DEL and C1 controls: a file name holding ESC or CSI must not drive the terminal or split a line.
_CONTROLS: Final = {code: _SPECIAL.get(code, f"\\x{code:02x}") for code in (*range(0x20), *range(0x7F, 0xA0))}


class OutputFailed(UserError):
    """The report could not be written to standard output (exit 2)."""


class OutputClosed(OutputFailed):
    """Standard output was closed by its reader (``| head``): nothing more to say, end quietly."""


def warn(message: str) -> None:
    """A diagnostic that does not change the exit code."""
    _diagnostic(f"{PROGRAM}: warning: {message}")


def error(message: str) -> None:
    """The one-line report of a failure that ends the command with exit 2."""
    _diagnostic(f"{PROGRAM}: error: {message}")


def one_line(text: str) -> str:
    """``text`` with control characters shown as escapes (``\\t``, ``\\x1b``), so one message stays one line."""
    return text.translate(_CONTROLS)


def _diagnostic(line: str) -> None:
    with contextlib.suppress(OSError):  # stderr itself unwritable: there is nowhere left to say it
        print(one_line(line), file=sys.stderr)


def result(message: str) -> None:
    """A result line, on stdout."""
    print(message)


class _StdoutSink(io.RawIOBase):
    """File descriptor 1 as raw bytes. The first failed write raises :class:`OutputFailed`; later
    writes are dropped, so the flush at interpreter exit cannot fail a second time."""

    def __init__(self, fd: int) -> None:
        super().__init__()
        self._fd = fd
        self.failed = False

    def writable(self) -> bool:
        return True

    def fileno(self) -> int:
        return self._fd

    def isatty(self) -> bool:
        return os.isatty(self._fd)

    def write(self, data: ReadableBuffer) -> int:
        if self.failed:
            return memoryview(data).nbytes
        try:
            return os.write(self._fd, data)
        except BrokenPipeError:
            self.failed = True
            raise OutputClosed("standard output was closed") from None
        except OSError as failure:
            self.failed = True
            raise OutputFailed(f"cannot write the report to standard output: {failure.strerror}") from None


@contextlib.contextmanager
def report_stream() -> Iterator[None]:
    """Make ``sys.stdout`` escape unencodable characters and report failed writes as :class:`OutputFailed`.

    Only a real text stream on a file descriptor is replaced (a test's ``StringIO`` stays as it is);
    the original stream is restored afterwards.
    """
    original = sys.stdout
    try:
        fd = original.fileno() if isinstance(original, io.TextIOWrapper) else None
    except (OSError, ValueError):  # io.UnsupportedOperation is both
        fd = None
    if fd is None:
        yield
        return
    with contextlib.suppress(OSError, ValueError):
        original.flush()
    stream = io.TextIOWrapper(
        io.BufferedWriter(_StdoutSink(fd)),
        encoding=original.encoding,
        errors="backslashreplace",
        line_buffering=bool(original.line_buffering),
    )
    sys.stdout = stream
    try:
        yield
    finally:
        sys.stdout = original
        with contextlib.suppress(OutputFailed):
            stream.flush()


def under_pre_commit() -> bool:
    """pre-commit sets PRE_COMMIT=1 for its hooks; manifest-guard may then not be on PATH at all."""
    import os

    return os.environ.get("PRE_COMMIT") == "1"


def fix_command() -> str:
    """How the user runs ``fix`` from where this run was started."""
    return "pre-commit run manifest-guard --all-files" if under_pre_commit() else f"{PROGRAM} fix"
