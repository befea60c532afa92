"""The bundle file set: which files of an app directory Connect receives, and their checksums.

One implementation for every command: ``write`` lists the set, ``check`` compares against it,
``fix`` merges it. Paths handed in and out are relative to the app directory.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Final, Optional

from manifest_guard.catalogue.exclusions import IGNORED_TOP_LEVEL, VIRTUALENV_NAMES, is_own_temp_file
from manifest_guard.engine.ignore_patterns import Exclusions, IgnorePatterns
from manifest_guard.engine.r_bundle import RFileSetRules
from manifest_guard.engine.safe_paths import unsafe_path_reason
from manifest_guard.foundation.errors import UserError
from manifest_guard.repository.trees import EntryKind, TargetKind, Tree, join, relative_to

VIRTUALENV_MARKERS: Final = ("bin/python", "Scripts/python.exe", "Scripts/Python.exe")
# What rsconnect-python leaves out when the app directory is itself a virtualenv.
VIRTUALENV_CONTENT: Final = frozenset({"bin", "lib", "Lib", "Scripts", "Include"})
CONFIG_DIRECTORY: Final = ".rsconnect-python"
RSCIGNORE: Final = ".rscignore"

SUBMODULE_NOTE: Final = (
    "a git submodule (or nested repository); Connect's git import does not fetch submodules, so its files "
    "are not deployed"
)

Warn = Callable[[str], None]
EscapeHandler = Optional[Callable[[str], None]]  # called with the tree path of an escaping symlink
UnlistableHandler = Optional[Callable[[str, str], None]]  # called with an app-relative path and why it cannot be a key
UNLISTABLE_ADVICE: Final = "rename it, or exclude it with .rscignore or the `exclude` setting"


class SymlinkEscape(UserError):
    """A bundled symlink resolves outside the app directory (MG502)."""

    def __init__(self, path: str, shown: str) -> None:
        super().__init__(
            f"{shown}: MG502 symlink-escape: the symlink resolves outside the app directory; remove it or exclude it"
        )
        self.path = path  # tree path of the symlink


@dataclass(frozen=True)
class BundleRules:
    """Everything that decides the file set besides the tree itself."""

    package_file: str | None = None
    excludes: Sequence[str] = ()
    extra_files: Sequence[str] = ()
    ignored_by_git: Callable[[str], bool] = field(default=lambda _path: False)
    on_escape: EscapeHandler = None  # report escaping symlinks here instead of raising (check)
    on_unlistable: UnlistableHandler = None  # report names a manifest cannot hold here instead of warning (check)
    r_content: bool = False  # R rsconnect's rules (every depth) instead of rsconnect-python's (top level)


def _compile(patterns: Iterable[str], source: str | None = None) -> IgnorePatterns | None:
    compiled = IgnorePatterns(patterns) if source is None else IgnorePatterns(patterns, source)
    return compiled if compiled else None


def is_virtualenv(tree: Tree, directory: str) -> bool:
    """rsconnect-python's test: the directory holds ``bin/python`` or ``Scripts/Python.exe``."""
    return any(tree.is_file(join(directory, marker)) for marker in VIRTUALENV_MARKERS)


def top_level_virtualenvs(tree: Tree, app: str) -> set[str]:
    """Top-level directories of the app that are virtualenvs, by marker or by Posit's names."""
    found = set()
    for name in tree.names_in(app):
        path = join(app, name)
        if not tree.is_dir(path):
            continue
        if name in VIRTUALENV_NAMES or is_virtualenv(tree, path):
            found.add(name)
    return found


class FileSetRules(Exclusions):
    """rsconnect-python's exclusion decision for one app, compiled once and asked per path."""

    def __init__(self, tree: Tree, app: str, rules: BundleRules) -> None:
        self._top_level = set(IGNORED_TOP_LEVEL) | top_level_virtualenvs(tree, app)
        if is_virtualenv(tree, app):
            self._top_level |= VIRTUALENV_CONTENT
        self._exact = {"manifest.json"}
        if rules.package_file:
            self._exact.add(rules.package_file)
        super().__init__(_compile(rules.excludes))

    def excluded_by_default(self, path: str) -> bool:
        """rsconnect-python's fixed exclusions (top-level names, manifest, package file, config), and
        this tool's temporary files (a concurrent run's atomic write)."""
        if path.partition("/")[0] in self._top_level or f"/{CONFIG_DIRECTORY}/" in f"/{path}/":
            return True
        if is_own_temp_file(path.rpartition("/")[2]):
            return True
        return any(path == exact or path.startswith(exact + "/") for exact in self._exact)


class RscignoreSpecs:
    """``.rscignore`` files at any depth, each applying (gitignore syntax) below its directory."""

    def __init__(self, tree: Tree, app: str, paths: Iterable[str]) -> None:
        self._specs: dict[str, IgnorePatterns] = {}
        for path in paths:
            directory = path.rpartition("/")[0]
            text = tree.read_bytes(join(app, path)).decode("utf-8", "replace")
            spec = _compile(text.splitlines(), tree.display(join(app, path)))
            if spec is not None:
                self._specs[directory] = spec

    def ignores(self, path: str) -> bool:
        """The deepest ``.rscignore`` with a matching pattern decides, as with nested .gitignore."""
        if not self._specs:
            return False
        parts = path.split("/")
        for depth in range(len(parts) - 1, -1, -1):
            directory = "/".join(parts[:depth])
            spec = self._specs.get(directory)
            if spec is None:
                continue
            include = spec.check("/".join(parts[depth:]))
            if include is not None:
                return include
        return False


def _walk_candidates(tree: Tree, app: str, rules: Exclusions) -> list[tuple[str, EntryKind]]:
    candidates = []
    for entry in tree.walk(app, lambda directory: rules.prune(relative_to(directory, app))):
        path = relative_to(entry.path, app)
        if rules.excluded_by_default(path) or rules.excluded_by_user(path):
            continue
        candidates.append((path, entry.kind))
    return candidates


def keep_listed(
    tree: Tree,
    app: str,
    path: str,
    warn: Warn,
    kind: EntryKind | None = None,
    on_escape: EscapeHandler = None,
    on_unlistable: UnlistableHandler = None,
) -> bool:
    """Whether a chosen path can be bundled: regular files and symlinks to files inside the app.

    A name that no ``files`` key may hold (a tab, a newline, a backslash: see ``safe_paths``) is
    skipped with a warning, or handed to ``on_unlistable``: listing it would write a manifest that
    ``check`` rejects. Special files, submodules and broken symlinks are skipped with a warning (never opened);
    a symlink that leaves the app directory is an error (MG502): raised, or handed to ``on_escape``.
    """
    full = join(app, path)
    reason = unsafe_path_reason(path)
    if reason is not None:
        if on_unlistable is None:
            warn(f"{tree.display(full)}: not listed: the name {reason}, which a manifest cannot hold; "
                 f"{UNLISTABLE_ADVICE}")  # fmt: skip
        else:
            on_unlistable(path, reason)
        return False
    kind = tree.entry_kind(full) if kind is None else kind
    if kind is None:
        raise UserError(f"{tree.display(full)}: file not found")
    if kind is EntryKind.FILE:
        return True
    if kind is EntryKind.SPECIAL:
        warn(f"{tree.display(full)}: skipped: not a regular file (FIFO, socket or device)")
        return False
    if kind is EntryKind.GITLINK:
        warn(f"{tree.display(full)}: skipped: {SUBMODULE_NOTE}")
        return False
    target, _ = tree.resolve_symlink(full, app)
    if target is TargetKind.FILE:
        return True
    if target is TargetKind.OUTSIDE:
        if on_escape is None:
            raise SymlinkEscape(full, tree.display(full))
        on_escape(full)
        return False
    if target is TargetKind.MISSING:
        warn(f"{tree.display(full)}: skipped: broken symlink")
    elif target is TargetKind.SPECIAL:
        warn(f"{tree.display(full)}: skipped: symlink to a FIFO, socket or device")
    return False


def bundle_files(tree: Tree, app: str, rules: BundleRules, warn: Warn) -> list[str]:
    """The walked file set of an app (without the package file), sorted by code point.

    Extra files are added whatever the excludes say; files git ignores are dropped from the
    walk, since Connect's git import will not have them.
    """
    file_rules: Exclusions
    if rules.r_content:
        file_rules = RFileSetRules(tree, app, rules.package_file, _compile(rules.excludes))
    else:
        file_rules = FileSetRules(tree, app, rules)
    candidates = _walk_candidates(tree, app, file_rules)
    rscignore = RscignoreSpecs(tree, app, [path for path, kind in candidates if path.rpartition("/")[2] == RSCIGNORE])
    chosen: dict[str, EntryKind | None] = {}
    for path, kind in candidates:
        if path.rpartition("/")[2] == RSCIGNORE or rscignore.ignores(path) or rules.ignored_by_git(path):
            continue
        chosen[path] = kind
    for extra in rules.extra_files:
        if extra in (rules.package_file, "manifest.json"):
            continue
        if rules.ignored_by_git(extra):
            warn(f"{tree.display(join(app, extra))}: listed although git ignores it; Connect's git import "
                 "will not have it")  # fmt: skip
        chosen.setdefault(extra, None)
    return sorted(
        path for path, kind in chosen.items()
        if keep_listed(tree, app, path, warn, kind, rules.on_escape, rules.on_unlistable)
    )  # fmt: skip


def checksums(tree: Tree, app: str, paths: Iterable[str]) -> dict[str, str]:
    """md5 of each path's content, in the order given; a file deleted since the walk (another process at
    work in the work tree) is left out, as if the walk had come a moment later."""
    paths = list(paths)
    tree.prefetch([join(app, path) for path in paths])
    found = {}
    for path in paths:
        try:
            found[path] = tree.md5(join(app, path))
        except UserError:
            if tree.entry_kind(join(app, path)) is not None:
                raise
    return found
