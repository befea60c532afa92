"""Trees: where the files of an app come from (the work tree here; the git index and revisions later).

Every tree speaks in POSIX paths relative to its root, so the bundle rules never touch the
filesystem directly and can run unchanged on staged content or on a commit.
"""

from __future__ import annotations

import enum
import os
import stat
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from manifest_guard.foundation.checksums import CHUNK_SIZE, md5_of_stream
from manifest_guard.foundation.errors import UserError
from manifest_guard.foundation.line_endings import (
    CRLF,
    LF,
    Conversion,
    LineEndingScan,
    OtherForm,
    ScanResult,
    other_form_of_bytes,
)


class EntryKind(enum.Enum):
    """What a path in a tree is, without following symlinks."""

    FILE = "file"
    SYMLINK = "symlink"
    SPECIAL = "special"  # FIFO, socket, device: never opened
    GITLINK = "gitlink"  # a submodule or nested repository: its files belong to another repository


class TargetKind(enum.Enum):
    """What a symlink resolves to, seen from inside a boundary directory."""

    FILE = "file"
    DIRECTORY = "directory"
    MISSING = "missing"
    SPECIAL = "special"
    OUTSIDE = "outside"


@dataclass(frozen=True)
class TreeEntry:
    """One non-directory path of a tree."""

    path: str
    kind: EntryKind


def join(*parts: str) -> str:
    """Join tree paths, treating "" as the root (called for every file of every app: kept cheap)."""
    if len(parts) == 2:
        first, second = parts
        return f"{first}/{second}" if first and second else first or second
    return "/".join([part for part in parts if part])


def relative_to(path: str, directory: str) -> str:
    """``path`` relative to ``directory`` (a prefix of it); "" is the root."""
    return path[len(directory) + 1 :] if directory else path


class Tree(Protocol):
    """The questions the engine asks about a set of files."""

    def walk(self, directory: str, prune: Callable[[str], bool]) -> Iterator[TreeEntry]:
        """Every non-directory entry under ``directory``; ``prune(dir_path)`` skips a subtree."""

    def names_in(self, directory: str) -> set[str]:
        """Names directly inside ``directory``: files and directories (like ``os.listdir``)."""

    def entry_kind(self, path: str) -> EntryKind | None:
        """What ``path`` is without following a symlink; None if absent or a directory (GITLINK for a submodule)."""

    def is_file(self, path: str) -> bool:
        """True for a regular file, or a symlink that resolves to one inside the tree."""

    def is_dir(self, path: str) -> bool:
        """True for a directory (a symlink to one counts, as in ``os.path.isdir``)."""

    def read_bytes(self, path: str) -> bytes:
        """The content of a file (through a symlink that stays inside the tree)."""

    def md5(self, path: str) -> str:
        """The md5 hex digest of a file's content, streamed."""

    def size(self, path: str) -> int:
        """The size in bytes of a file (through a symlink that stays inside the tree), without reading it."""

    def prefetch(self, paths: Iterable[str]) -> None:
        """Hash ``paths`` ahead of ``md5`` calls, where doing them together pays (git trees: every core)."""

    def converted_md5s(self, paths: Iterable[str], matching: Mapping[str, str] | None = None) -> dict[str, OtherForm]:
        """The md5 of each file's other line-ending form as git converts it (see ``foundation.line_endings``),
        for the files that have one; asked only about files whose listed checksum is not their md5. With
        ``matching``, only the files whose other form would have that md5 are looked at further (git's
        attributes are read only for them)."""

    def converted_bytes(self, path: str) -> tuple[bytes, str] | None:
        """A small file's other line-ending form and its name (``CRLF`` or ``LF``), if it has one."""

    def resolve_symlink(self, path: str, boundary: str) -> tuple[TargetKind, str | None]:
        """Where a symlink leads: its kind and tree path, or OUTSIDE if it leaves ``boundary``."""

    def display(self, path: str) -> str:
        """How to name ``path`` in a message."""


class WorkTree:
    """The filesystem under ``root``, walked without following directory symlinks.

    Inside a git work tree (``nested_repositories``), a directory below the root that holds ``.git`` is
    a submodule checkout or a nested repository: git records it as one gitlink, never its files, so the
    walk yields it as a GITLINK entry and the files inside it do not exist for this tree.
    """

    def __init__(self, root: str, display_root: str | None = None, nested_repositories: bool = False) -> None:
        self.root = os.path.abspath(root)
        self._real_root = os.path.realpath(self.root)
        self._display_root = self.root if display_root is None else display_root
        self._nested_repositories = nested_repositories
        self._repository_directories: dict[str, bool] = {}
        # each path's line-ending conversion (git's attributes in a repository; git's default outside one)
        self.conversions: Callable[[Sequence[str]], dict[str, Conversion]] = lambda paths: {}

    def _is_repository_directory(self, directory: str) -> bool:
        """A directory below the root that holds ``.git`` (only looked for inside a git work tree)."""
        if not self._nested_repositories or not directory:
            return False
        known = self._repository_directories.get(directory)
        if known is None:
            known = os.path.lexists(os.path.join(self._fs(directory), ".git"))
            self._repository_directories[directory] = known
        return known

    def _in_nested_repository(self, path: str) -> bool:
        if not self._nested_repositories:
            return False
        parts = path.split("/")
        return any(self._is_repository_directory("/".join(parts[:depth])) for depth in range(1, len(parts)))

    def _fs(self, path: str) -> str:
        return os.path.join(self.root, *path.split("/")) if path else self.root

    def display(self, path: str) -> str:
        if not path:
            return self._display_root or "."
        return os.path.join(self._display_root, *path.split("/"))

    def walk(self, directory: str, prune: Callable[[str], bool]) -> Iterator[TreeEntry]:
        pending = [directory]
        while pending:
            current = pending.pop()
            try:
                with os.scandir(self._fs(current)) as scan:
                    children = list(scan)
            except FileNotFoundError:
                continue  # removed since it was listed (another process at work): nothing in it to bundle
            except OSError as error:
                raise UserError(f"{self.display(current)}: cannot list directory: {error.strerror}") from None
            if current != directory and self._nested_repositories and any(c.name == ".git" for c in children):
                self._repository_directories[current] = True
                yield TreeEntry(current, EntryKind.GITLINK)
                continue
            for child in children:
                path = join(current, child.name)
                try:
                    if child.is_dir(follow_symlinks=False):
                        if not prune(path):
                            pending.append(path)
                        continue
                    if child.is_symlink():
                        yield TreeEntry(path, EntryKind.SYMLINK)
                    elif child.is_file(follow_symlinks=False):
                        yield TreeEntry(path, EntryKind.FILE)
                    else:
                        yield TreeEntry(path, EntryKind.SPECIAL)
                except FileNotFoundError:
                    continue  # vanished between the listing and the look: not part of the app any more
                except OSError as error:
                    raise UserError(f"{self.display(path)}: cannot inspect: {error.strerror}") from None

    def names_in(self, directory: str) -> set[str]:
        try:
            return set(os.listdir(self._fs(directory)))
        except OSError as error:
            raise UserError(f"{self.display(directory)}: cannot list directory: {error.strerror}") from None

    def _inside(self, real: str, boundary: str) -> bool:
        real_boundary = os.path.realpath(self._fs(boundary))
        return real == real_boundary or real.startswith(real_boundary.rstrip(os.sep) + os.sep)

    def resolve_symlink(self, path: str, boundary: str) -> tuple[TargetKind, str | None]:
        real = os.path.realpath(self._fs(path))
        if not self._inside(real, boundary):
            return TargetKind.OUTSIDE, None
        target = os.path.relpath(real, self._real_root).replace(os.sep, "/")
        target = "" if target == "." else target
        try:
            mode = os.stat(real).st_mode
        except OSError:
            return TargetKind.MISSING, target
        if stat.S_ISREG(mode):
            return TargetKind.FILE, target
        if stat.S_ISDIR(mode):
            return TargetKind.DIRECTORY, target
        return TargetKind.SPECIAL, target

    def _stat_inside(self, path: str) -> os.stat_result | None:
        if self._in_nested_repository(path):
            return None
        full = self._fs(path)
        try:
            info = os.lstat(full)
        except OSError:
            return None
        if stat.S_ISLNK(info.st_mode):
            if not self._inside(os.path.realpath(full), ""):
                return None
            try:
                return os.stat(full)
            except OSError:
                return None
        return info

    def entry_kind(self, path: str) -> EntryKind | None:
        if self._in_nested_repository(path):
            return None
        try:
            mode = os.lstat(self._fs(path)).st_mode
        except OSError:
            return None
        if stat.S_ISLNK(mode):
            return EntryKind.SYMLINK
        if stat.S_ISREG(mode):
            return EntryKind.FILE
        if stat.S_ISDIR(mode):
            return EntryKind.GITLINK if self._is_repository_directory(path) else None
        return EntryKind.SPECIAL

    def is_file(self, path: str) -> bool:
        info = self._stat_inside(path)
        return info is not None and stat.S_ISREG(info.st_mode)

    def is_dir(self, path: str) -> bool:
        info = self._stat_inside(path)
        return info is not None and stat.S_ISDIR(info.st_mode)

    def _open(self, path: str) -> int:
        """Open a regular file inside the tree; never blocks on a FIFO, never leaves the root."""
        if not self.is_file(path):
            raise UserError(f"{self.display(path)}: not a regular file inside {self.display('')}")
        try:
            fd = os.open(self._fs(path), os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
        except OSError as error:
            raise UserError(f"{self.display(path)}: cannot read: {error.strerror}") from None
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            os.close(fd)
            raise UserError(f"{self.display(path)}: not a regular file")
        return fd

    def read_bytes(self, path: str) -> bytes:
        with os.fdopen(self._open(path), "rb") as stream:
            try:
                return stream.read()
            except OSError as error:
                raise UserError(f"{self.display(path)}: cannot read: {error.strerror}") from None

    def prefetch(self, paths: Iterable[str]) -> None:
        """Files are hashed one by one as ``md5`` asks: the operating system already reads ahead."""

    def size(self, path: str) -> int:
        info = self._stat_inside(path)
        if info is None or not stat.S_ISREG(info.st_mode):
            raise UserError(f"{self.display(path)}: not a regular file inside {self.display('')}")
        return info.st_size

    def md5(self, path: str) -> str:
        with os.fdopen(self._open(path), "rb") as stream:
            try:
                return md5_of_stream(stream)
            except OSError as error:
                raise UserError(f"{self.display(path)}: cannot read: {error.strerror}") from None

    def _target(self, path: str) -> str:
        if self.entry_kind(path) is not EntryKind.SYMLINK:
            return path
        return self.resolve_symlink(path, "")[1] or path

    def converted_md5s(self, paths: Iterable[str], matching: Mapping[str, str] | None = None) -> dict[str, OtherForm]:
        """Work-tree bytes may be either form: an LF file's other form is its CRLF checkout, a CRLF
        file's is what ``git add`` stores (a manifest written where the checkout differs from here)."""
        scans: dict[str, ScanResult] = {}
        for path in paths:
            scan = LineEndingScan(with_lf=True)
            with os.fdopen(self._open(path), "rb") as stream:
                try:
                    for chunk in iter(lambda: stream.read(CHUNK_SIZE), b""):
                        scan.update(chunk)
                except OSError as error:
                    raise UserError(f"{self.display(path)}: cannot read: {error.strerror}") from None
            result = scan.finish()
            wanted = matching is None or matching.get(path) in (result.crlf_md5, result.lf_md5)
            if (result.lone_lf or result.crlf) and wanted:
                scans[path] = result
        targets = {path: self._target(path) for path in scans}
        conversions = self.conversions(sorted(set(targets.values()))) if scans else {}
        forms: dict[str, OtherForm] = {}
        for path, result in scans.items():
            conversion = conversions.get(targets[path], Conversion.AUTO)
            crlf, lf = result.crlf_form(conversion), result.lf_form(conversion)
            if crlf is not None:
                forms[path] = OtherForm(crlf, CRLF)
            elif lf is not None:
                forms[path] = OtherForm(lf, LF)
        return forms

    def converted_bytes(self, path: str) -> tuple[bytes, str] | None:
        data = self.read_bytes(path)
        if b"\n" not in data:
            return None
        target = self._target(path)
        return other_form_of_bytes(data, self.conversions([target]).get(target, Conversion.AUTO), with_lf=True)
