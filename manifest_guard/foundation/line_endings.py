"""The other line-ending form of a file, exactly as git converts it, and its md5.

A manifest written on Windows lists the md5 of each file as git checked it out there: with
``core.autocrlf=true`` (Git for Windows' default) or ``eol=crlf``, every text file's LF endings
become CRLF, while git stores LF. Connect's git import accepts such manifests, so ``check`` must
accept that form too. These are git's own rules (``convert.c``), reproduced byte for byte:

- a file is binary when it has a NUL byte or a lone CR anywhere, or fewer than 128 printable
  bytes per non-printable one (a final Ctrl-Z does not count): the whole file is looked at, not
  only its first 8000 bytes as ``git diff`` does;
- checkout turns each LF not already preceded by CR into CRLF; under ``text=auto`` (and
  ``core.autocrlf=true`` without attributes) only for text files with no CR at all, under
  ``text`` / ``eol=crlf`` for every file with a lone LF;
- the reverse (what ``git add`` stores for a CRLF file on disk) drops each CR that precedes a LF.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from manifest_guard.foundation.checksums import new_md5

# Bytes git counts as non-printable (CR and LF are counted apart; BS, TAB, ESC and FF are printable).
_NONPRINTABLE = bytes(byte for byte in range(32) if byte not in b"\b\t\x1b\x0c\r\n") + b"\x7f"
_CTRL_Z = 0x1A
CRLF = "CRLF"
LF = "LF"


class Conversion(enum.Enum):
    """What git does to a path's line endings on a Windows machine (``core.autocrlf=true``)."""

    BINARY = "binary"  # -text, binary: the same bytes everywhere, whatever ``git add`` is given
    TEXT_LF = "text-lf"  # eol=lf, text=input: checked out as stored; ``git add`` drops the CR of each CRLF
    AUTO_LF = "auto-lf"  # text=auto eol=lf: the same, for files git judges text
    AUTO = "auto"  # text=auto or no attribute: CRLF checkout of text files whose only line endings are LF
    TEXT = "text"  # text, eol=crlf: CRLF checkout of every LF not preceded by CR


@dataclass(frozen=True)
class OtherForm:
    """The md5 of a file's other line-ending form and which form that is (``CRLF`` or ``LF``)."""

    md5: str
    ending: str


@dataclass(frozen=True)
class ScanResult:
    """What one pass over a file's bytes found: git's counts and the md5s of both converted forms."""

    crlf_md5: str  # every lone LF turned into CRLF (the content itself when there is none)
    lf_md5: str | None  # every CRLF turned into LF (None when not asked for)
    lone_lf: int
    lone_cr: int
    crlf: int
    binary: bool

    def auto_converts_to_crlf(self) -> bool:
        """Whether ``text=auto`` / ``core.autocrlf=true`` checks this file out with CRLF endings."""
        return self.lone_lf > 0 and self.lone_cr == 0 and self.crlf == 0 and not self.binary

    def crlf_form(self, conversion: Conversion) -> str | None:
        """The md5 of the CRLF checkout, or None when git would check the bytes out unchanged."""
        if conversion is Conversion.TEXT and self.lone_lf > 0:
            return self.crlf_md5
        if conversion is Conversion.AUTO and self.auto_converts_to_crlf():
            return self.crlf_md5
        return None

    def lf_form(self, conversion: Conversion) -> str | None:
        """The md5 of what ``git add`` would store for these bytes, or None when it stores them unchanged."""
        if self.lf_md5 is None or self.crlf == 0 or conversion is Conversion.BINARY:
            return None
        if conversion in (Conversion.AUTO, Conversion.AUTO_LF) and self.binary:
            return None
        return self.lf_md5


def to_crlf(data: bytes) -> bytes:
    """Each LF not preceded by CR becomes CRLF; existing CRLF pairs and lone CRs stay."""
    return data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def to_lf(data: bytes) -> bytes:
    """Each CR that precedes a LF is dropped; lone CRs stay."""
    return data.replace(b"\r\n", b"\n")


class LineEndingScan:
    """Feed a file's bytes in chunks of any size; ``finish`` returns the :class:`ScanResult`.

    A chunk ending in CR is held back until the next one tells whether it starts a CRLF pair, so
    the counts and conversions never depend on where the chunks were cut.
    """

    def __init__(self, with_lf: bool = False) -> None:
        self._held = b""
        self._crlf_digest = new_md5()
        self._lf_digest = new_md5() if with_lf else None
        self._size = self._cr = self._lf = self._pairs = self._nul = self._nonprintable = 0
        self._last = -1

    def update(self, chunk: bytes) -> None:
        if not chunk:
            return
        data = self._held + chunk
        self._held = b""
        if data.endswith(b"\r"):
            data, self._held = data[:-1], b"\r"
        self._consume(data)

    def _consume(self, data: bytes) -> None:
        if not data:
            return
        self._size += len(data)
        self._pairs += data.count(b"\r\n")
        self._cr += data.count(b"\r")
        self._lf += data.count(b"\n")
        self._nul += data.count(b"\0")
        self._nonprintable += len(data) - len(data.translate(None, _NONPRINTABLE))
        self._last = data[-1]
        self._crlf_digest.update(to_crlf(data))
        if self._lf_digest is not None:
            self._lf_digest.update(to_lf(data))

    def finish(self) -> ScanResult:
        self._consume(self._held)
        self._held = b""
        nonprintable = self._nonprintable - (1 if self._last == _CTRL_Z else 0)
        printable = self._size - self._nonprintable - self._cr - self._lf
        lone_cr = self._cr - self._pairs
        binary = lone_cr > 0 or self._nul > 0 or (printable >> 7) < nonprintable
        return ScanResult(
            crlf_md5=self._crlf_digest.hexdigest(),
            lf_md5=None if self._lf_digest is None else self._lf_digest.hexdigest(),
            lone_lf=self._lf - self._pairs,
            lone_cr=lone_cr,
            crlf=self._pairs,
            binary=binary,
        )


def scan_bytes(data: bytes, with_lf: bool = False) -> ScanResult:
    scan = LineEndingScan(with_lf)
    scan.update(data)
    return scan.finish()


def other_form_of_bytes(data: bytes, conversion: Conversion, with_lf: bool) -> tuple[bytes, str] | None:
    """The other line-ending form of an in-memory file (the package file): CRLF checkout first,
    else (``with_lf``, for bytes read from a work tree) what git would store."""
    result = scan_bytes(data, with_lf)
    if result.crlf_form(conversion) is not None:
        return to_crlf(data), CRLF
    if with_lf and result.lf_form(conversion) is not None:
        return to_lf(data), LF
    return None
