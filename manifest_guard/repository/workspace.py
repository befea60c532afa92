"""Where a check looks: the repository (if any), the source tree, the base tree, and path mapping.

Inside a git work tree every path is POSIX and relative to the repository's top level; outside
one, paths are relative to a root that contains the current directory and every named path.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Final

from manifest_guard.caches.blob_md5 import BlobCache
from manifest_guard.caches.results import ResultCache
from manifest_guard.caches.schema_valid import ValidManifests
from manifest_guard.caches.switch import caches_enabled
from manifest_guard.catalogue.exclusions import IGNORED_TOP_LEVEL, VIRTUALENV_NAMES
from manifest_guard.foundation.errors import UserError
from manifest_guard.repository.git_trees import GitTree
from manifest_guard.repository.gitignored import git_ignored_predicate
from manifest_guard.repository.hook_scope import git_output, under
from manifest_guard.repository.ignore_rules import (
    TreeIgnoreRules,
    exclude_digest,
    repository_exclude_files,
    under_app,
)
from manifest_guard.repository.line_endings import repository_attribute_files, worktree_conversions
from manifest_guard.repository.tree_reads import TreeReads
from manifest_guard.repository.trees import Tree, WorkTree

MANIFEST: Final = "manifest.json"
INDEX: Final = "index"
WORKTREE: Final = "worktree"


def open_repository(directory: str) -> Any | None:
    """The git repository whose work tree holds ``directory`` (or the one ``GIT_DIR`` names, with
    ``GIT_WORK_TREE`` as git reads them), or None outside one (or if bare)."""
    import git

    exported = os.environ.get("GIT_DIR")  # set by git for some hooks, or by the user with GIT_WORK_TREE
    try:
        if exported:
            repo = git.Repo(os.path.join(directory, exported))
        else:
            repo = git.Repo(directory, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        return None
    except git.GitError as error:
        raise UserError(f"{directory}: cannot open the git repository: {error}") from None
    if repo.bare or repo.working_tree_dir is None:
        repo.close()
        return None
    return repo


def run_git(repo: Any, *args: str) -> bytes:
    """Run git at the work tree's top level; output as bytes, failures as one-line errors."""
    return git_output(str(repo.working_tree_dir), *args)


def _split_z(output: bytes) -> list[str]:
    return [os.fsdecode(item) for item in output.split(b"\0") if item]


def has_commit(repo: Any) -> bool:
    try:
        return bool(repo.head.is_valid())
    except Exception:  # an unborn or broken HEAD
        return False


def _basename(path: str) -> str:
    return path.rpartition("/")[2]


@dataclass
class Workspace:
    """The trees of one run: ``tree`` is what is checked, ``base`` what "new" is measured against."""

    root: str
    cwd: str
    repo: Any | None
    source: str  # "index", "worktree" or a revision
    tree: Tree
    base: GitTree | None = None
    base_name: str | None = None
    blobs: BlobCache | None = None  # md5 and size by blob id, shared by the source and base trees
    validated: ValidManifests | None = None  # manifests known to pass the schema (git repositories only)
    results: ResultCache | None = None  # check results of unchanged apps (git repositories only)
    _ignore_rules: TreeIgnoreRules | None = None
    _excludes: list[str] | None = None
    _outside_digest: str | None = None

    @property
    def in_git(self) -> bool:
        return self.repo is not None

    def close(self) -> None:
        for cache in (self.blobs, self.validated):
            if cache is not None:
                cache.save()
        if self.repo is not None:
            self.repo.close()

    def relative(self, filesystem_path: str) -> str:
        """A filesystem path (as the user typed it) as a tree path; outside the root is an error.

        A ``manifest.json`` that is a symlink names itself, not its target, as it does in discovery."""
        absolute = os.path.normpath(os.path.join(self.cwd, filesystem_path))
        head, name = os.path.split(absolute)
        absolute = os.path.join(os.path.realpath(head), name) if name == MANIFEST else os.path.realpath(absolute)
        relative = os.path.relpath(absolute, self.root)
        if relative == os.pardir or relative.startswith(os.pardir + os.sep):
            raise UserError(f"{filesystem_path}: outside the repository at {self.root}")
        return "" if relative == "." else relative.replace(os.sep, "/")

    @property
    def label(self) -> str:
        """How the source is named in messages: "the index", "the work tree" or the revision."""
        return {INDEX: "the index", WORKTREE: "the work tree"}.get(self.source, self.source)

    def on_disk(self, tree_path: str) -> str:
        """The filesystem path of a tree path (where ``fix`` writes)."""
        return os.path.join(self.root, *tree_path.split("/"))

    def display(self, tree_path: str) -> str:
        """How a tree path is named in results: repository-relative in git, else cwd-relative."""
        if self.in_git:
            return tree_path or "."
        relative = os.path.relpath(os.path.join(self.root, *tree_path.split("/")), self.cwd)
        return relative.replace(os.sep, "/")

    def ignored_predicate(self, app: str) -> Callable[[str], bool]:
        """Files git ignores, relative to ``app`` (only the work tree holds ignored files)."""
        if self.source != WORKTREE or not self.in_git:
            return lambda _path: False
        return git_ignored_predicate(os.path.join(self.root, *app.split("/")))

    def disk_only_files(self, app: str) -> frozenset[str]:
        """Files under ``app`` (app-relative) that exist in the work tree but not in the index: created
        and never ``git add``-ed (ignored files excluded). Only the index source has such files."""
        if self.source != INDEX or not self.in_git:
            return frozenset()
        listed = run_git(self.repo, "ls-files", "-z", "--others", "--exclude-standard", "--", app or ".")
        prefix = f"{app}/" if app else ""
        return frozenset(path[len(prefix) :] for path in _split_z(listed) if path.startswith(prefix))

    def would_ignore(self, app: str) -> Callable[[str], bool]:
        """Paths relative to ``app`` that the checked tree's ignore rules ignore, whether or not they
        exist: why a listed file is missing from the index, a revision or a fresh clone."""
        if not self.in_git:
            return lambda _path: False
        return under_app(self._tree_ignore_rules, app)

    def outside_inputs(self) -> str:
        """What a check reads that no tree records, for the result cache's first-level key: the
        repository's exclude files (git's ignore rules) and the line-ending attributes ``git check-attr``
        reads (every ``.gitattributes`` of the source and base trees, ``info/attributes`` and
        ``core.attributesFile``)."""
        assert isinstance(self.tree, GitTree) and self.in_git
        if self._outside_digest is None:
            files = [*self._exclude_files(), *repository_attribute_files(self.repo)]
            trees = [self.tree, *([self.base] if isinstance(self.base, GitTree) else [])]
            self._outside_digest = " ".join(
                [*(exclude_digest(path) for path in files), *(tree.attribute_files_digest() for tree in trees)]
            )
        return self._outside_digest

    def _tree_ignore_rules(self) -> TreeIgnoreRules:
        if self._ignore_rules is None:
            self._ignore_rules = TreeIgnoreRules(self.tree, self._exclude_files())
        return self._ignore_rules

    def _exclude_files(self) -> list[str]:
        if self._excludes is None:
            self._excludes = repository_exclude_files(self.repo)
        return self._excludes

    def manifest_candidates(self, directory: str = "") -> list[str]:
        """Every ``manifest.json`` under a directory of the source (tracked ones in git), with the unmerged
        ones and the base's (a manifest deleted in the change may still need reporting)."""
        paths = self._source_paths(directory)
        if isinstance(self.tree, GitTree):
            paths = [*paths, *self.tree.unmerged]
        if self.base is not None:
            paths = [*paths, *self.base.paths()]
        return sorted({path for path in paths if _basename(path) == MANIFEST and under(path, directory)})

    def _source_paths(self, directory: str) -> list[str]:
        if isinstance(self.tree, GitTree):
            return self.tree.paths()
        if self.in_git:
            listed = run_git(self.repo, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
            return [path for path in _split_z(listed) if _basename(path) == MANIFEST and self.tree.is_file(path)]
        return _walk_for_manifests(self.root, directory)

    def changed_paths(self) -> set[str]:
        """Paths that differ between the base and the source (adds, modifies, deletes, renames)."""
        if self.base is None:
            raise UserError("--changed-since needs a base revision")
        if isinstance(self.tree, GitTree):
            paths = set(self.tree.paths()) | set(self.base.paths())
            return {path for path in paths if self.tree.blob_id(path) != self.base.blob_id(path)}
        assert self.base_name is not None
        changed = _split_z(run_git(self.repo, "diff", "--name-only", "-z", "--no-renames", self.base_name, "--"))
        untracked = _split_z(run_git(self.repo, "ls-files", "-z", "--others", "--exclude-standard"))
        return set(changed) | set(untracked)

    def unmerged_under(self, directory: str) -> list[str]:
        """Paths at or below ``directory`` with an unresolved conflict (only the index has them)."""
        return self.tree.unmerged_under(directory) if isinstance(self.tree, GitTree) else []

    def base_has(self, path: str) -> bool:
        return self.base is not None and self.base.blob_id(path) is not None

    def _git_trees(self) -> dict[str, GitTree]:
        trees = {"source": self.tree} if isinstance(self.tree, GitTree) else {}
        return {**trees, "base": self.base} if self.base is not None else trees

    @property
    def records_reads(self) -> bool:
        """Whether every read of the source is recorded (git trees; the work tree also holds what git
        ignores, and is never answered from the result cache)."""
        return isinstance(self.tree, GitTree)

    @contextlib.contextmanager
    def recording(self) -> Iterator[dict[str, TreeReads]]:
        """Record every question asked of the source and base git trees inside the ``with`` block."""
        with contextlib.ExitStack() as stack:
            yield {role: stack.enter_context(tree.recording()) for role, tree in self._git_trees().items()}

    def answers(self, reads: dict[str, TreeReads]) -> dict[str, Any]:
        """The trees' answers to recorded questions, to store beside a result."""
        trees = self._git_trees()
        return {role: trees[role].answers(asked.essential()) for role, asked in reads.items()}

    def still_answered(self, answers: Any) -> bool:
        """True when the source and base trees give every stored answer again."""
        trees = self._git_trees()
        if not isinstance(answers, dict) or set(answers) != set(trees):
            return False
        return all(tree.gives(answers[role]) for role, tree in trees.items())


def _walk_for_manifests(root: str, directory: str) -> list[str]:
    """Outside git: manifests below ``directory``, skipping VCS, dependency and virtualenv directories."""
    skip = set(IGNORED_TOP_LEVEL) | set(VIRTUALENV_NAMES)
    start = os.path.join(root, *directory.split("/")) if directory else root
    found = []
    for directory, subdirectories, files in os.walk(start):
        subdirectories[:] = sorted(name for name in subdirectories if name not in skip)
        if MANIFEST in files:
            relative = os.path.relpath(os.path.join(directory, MANIFEST), root)
            found.append(relative.replace(os.sep, "/"))
    return found


def _index_file(root: str) -> str | None:
    value = os.environ.get("GIT_INDEX_FILE")
    if not value:
        return None
    return value if os.path.isabs(value) else os.path.join(root, value)


def open_workspace(source: str | None, changed_since: str | None, paths: Iterable[str]) -> Workspace:
    """Open the repository around the current directory and build the source and base trees."""
    cwd = os.getcwd()
    repo = open_repository(cwd)
    if repo is None:
        if source not in (None, WORKTREE):
            raise UserError(f"--source {source}: not inside a git work tree (only 'worktree' is possible here)")
        if changed_since is not None:
            raise UserError("--changed-since: not inside a git work tree")
        absolute = [os.path.realpath(os.path.join(cwd, path)) for path in paths]
        root = os.path.commonpath([os.path.realpath(cwd), *[os.path.dirname(path) for path in absolute]])
        return Workspace(root, cwd, None, WORKTREE, WorkTree(root, display_root=""))
    root = os.path.realpath(str(repo.working_tree_dir))
    source = source or INDEX
    try:
        tree: Tree
        if source == INDEX:
            tree = GitTree.from_index(repo, _index_file(root))
        elif source == WORKTREE:
            tree = WorkTree(root, display_root="", nested_repositories=True)
            tree.conversions = lambda paths: worktree_conversions(root, paths)
        else:
            tree = GitTree.from_revision(repo, source)
        base_name = changed_since
        if base_name is None and source in (INDEX, WORKTREE) and has_commit(repo):
            base_name = "HEAD"
        base = GitTree.from_revision(repo, base_name) if base_name else None
    except BaseException:
        repo.close()
        raise
    workspace = Workspace(root, cwd, repo, source, tree, base, base_name)
    if caches_enabled():
        common = str(repo.common_dir)
        workspace.blobs = BlobCache.in_git_dir(common)
        workspace.validated = ValidManifests.in_git_dir(common)
        workspace.results = ResultCache.in_git_dir(common)
        for git_tree in (tree, base):
            if isinstance(git_tree, GitTree):
                git_tree.cache = workspace.blobs
    return workspace
