"""Git's ignore rules as the checked tree states them: would git ignore a path, had it been created?

A listed file missing from the index, a revision or a fresh CI clone is usually a build output git
ignores (``dist/``, ``site/``): Connect's git import will never have it. The answer must come from the
``.gitignore`` files of the tree being checked (not the disk, which may hold other ones), plus
``.git/info/exclude`` and ``core.excludesFile``, with git's precedence: a deeper ``.gitignore`` over a
shallower one, ``.gitignore`` files over ``info/exclude`` over ``core.excludesFile``, the last matching
line of a file wins, and nothing below an ignored directory can be re-included.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from manifest_guard.repository.git_environment import user_and_repository_files
from manifest_guard.repository.trees import Tree, join

if TYPE_CHECKING:
    import pathspec

GITIGNORE = ".gitignore"


def _spec(text: bytes) -> pathspec.GitIgnoreSpec | None:
    import pathspec

    lines = [line for line in text.decode("utf-8", "replace").splitlines() if line.strip()]
    return pathspec.GitIgnoreSpec.from_lines(lines) if lines else None


def _read(path: str) -> bytes:
    try:
        with open(path, "rb") as stream:
            return stream.read()
    except OSError:
        return b""


def exclude_digest(path: str) -> str:
    """A short digest of an exclude file's content ("-" when absent)."""
    import hashlib

    content = _read(path)
    return hashlib.sha256(content).hexdigest()[:16] if content else "-"


def repository_exclude_files(repo: Any) -> list[str]:
    """``core.excludesFile`` (or git's default one) and ``info/exclude`` of a GitPython repository,
    lowest precedence first."""
    return user_and_repository_files(repo, "excludesfile", "ignore", "exclude")


class TreeIgnoreRules:
    """``ignored(path)`` for repository paths of one tree, each ``.gitignore`` read once."""

    def __init__(self, tree: Tree, exclude_files: Sequence[str] = ()) -> None:
        self._tree = tree
        self._global = [spec for spec in (_spec(_read(path)) for path in exclude_files) if spec is not None]
        self._specs: dict[str, pathspec.GitIgnoreSpec | None] = {}

    def _directory_spec(self, directory: str) -> pathspec.GitIgnoreSpec | None:
        if directory not in self._specs:
            path = join(directory, GITIGNORE)
            self._specs[directory] = _spec(self._tree.read_bytes(path)) if self._tree.is_file(path) else None
        return self._specs[directory]

    def _matches(self, path: str, is_dir: bool) -> bool:
        """The decision for ``path`` itself, ignoring its parents."""
        parts = path.split("/")
        suffix = "/" if is_dir else ""
        for depth in range(len(parts) - 1, -1, -1):
            spec = self._directory_spec("/".join(parts[:depth]))
            if spec is not None:
                decided = spec.check_file("/".join(parts[depth:]) + suffix).include
                if decided is not None:
                    return bool(decided)
        for spec in reversed(self._global):
            decided = spec.check_file(path + suffix).include
            if decided is not None:
                return bool(decided)
        return False

    def ignored(self, path: str) -> bool:
        """Whether git would ignore ``path`` (a file) if it were created untracked."""
        parts = path.split("/")
        for depth in range(1, len(parts)):
            if self._matches("/".join(parts[:depth]), is_dir=True):
                return True
        return self._matches(path, is_dir=False)


def under_app(rules: Callable[[], TreeIgnoreRules], app: str) -> Callable[[str], bool]:
    """A predicate over app-relative paths; the rules are built on the first question only."""
    built: list[TreeIgnoreRules] = []

    def ignored(path: str) -> bool:
        if not built:
            built.append(rules())
        return built[0].ignored(join(app, path))

    return ignored
