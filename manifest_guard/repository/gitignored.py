"""Which work-tree files git ignores: Connect's git import never sees them, so they are never bundled."""

from __future__ import annotations

import os
from collections.abc import Callable

from manifest_guard.foundation.errors import UserError

IgnoredPredicate = Callable[[str], bool]


def _never(_: str) -> bool:
    return False


def git_ignored_predicate(directory: str) -> IgnoredPredicate:
    """A predicate over paths relative to ``directory`` that is true for files git ignores.

    Outside a git work tree nothing is ignored. One ``git ls-files`` call lists the ignored
    paths, with whole ignored directories collapsed to one ``dir/`` entry.
    """
    import git  # GitPython: imported lazily, it costs start-up time

    try:
        repo = git.Repo(directory, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        return _never
    try:
        if repo.bare or repo.working_tree_dir is None:
            return _never
        work_tree = os.path.realpath(repo.working_tree_dir)
        real_directory = os.path.realpath(directory)
        if os.path.commonpath([work_tree, real_directory]) != work_tree:
            return _never
        if ".git" in os.path.relpath(real_directory, work_tree).split(os.sep):
            return _never
        try:
            output = repo.git.execute(
                [
                    "git",
                    "-C",
                    real_directory,
                    "ls-files",
                    "-z",
                    "--others",
                    "--ignored",
                    "--exclude-standard",
                    "--directory",
                ],
                stdout_as_string=False,
            )
        except git.GitCommandError as error:
            message = str(error.stderr or "").strip() or str(error)
            raise UserError(f"{directory}: git ls-files failed: {message}") from None
    finally:
        repo.close()
    assert isinstance(output, bytes)
    ignored_files: set[str] = set()
    ignored_dirs: list[str] = []
    for raw in output.split(b"\0"):
        if not raw:
            continue
        name = os.fsdecode(raw)
        if name.endswith("/"):
            ignored_dirs.append(name)
        else:
            ignored_files.add(name)
    if not ignored_files and not ignored_dirs:
        return _never
    prefixes = tuple(ignored_dirs)

    def is_ignored(path: str) -> bool:
        return path in ignored_files or (bool(prefixes) and (path + "/").startswith(prefixes))

    return is_ignored
