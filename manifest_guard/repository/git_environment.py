"""Git's path variables made absolute, once, against the directory the command was started in; and
where git keeps the per-user and per-repository files that apply to every tree (excludes, attributes).

git reads a relative ``GIT_DIR`` (and ``GIT_WORK_TREE``, ``GIT_INDEX_FILE``, ...) against the
directory it is started in. This tool runs git as ``git -C <top level>`` and hands the
environment to GitPython, so a relative value would be read against the wrong directory
("unknown revision 'HEAD'" from ``cd app; GIT_DIR=../.git manifest-guard check``).
"""

from __future__ import annotations

import os
from collections.abc import MutableMapping
from typing import Any, Final

PATH_VARIABLES: Final = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_COMMON_DIR", "GIT_OBJECT_DIRECTORY")


def anchor_git_paths(start: str, environ: MutableMapping[str, str] | None = None) -> None:
    """Rewrite every relative git path variable of ``environ`` (default ``os.environ``) as absolute."""
    env = os.environ if environ is None else environ
    for name in PATH_VARIABLES:
        value = env.get(name)
        if value and not os.path.isabs(value):
            env[name] = os.path.normpath(os.path.join(start, value))


def user_and_repository_files(repo: Any, setting: str, default_name: str, info_name: str) -> list[str]:
    """``core.<setting>`` (or git's default ``$XDG_CONFIG_HOME/git/<default_name>``) and
    ``<common dir>/info/<info_name>`` of a GitPython repository, lowest precedence first (read from
    git's configuration files, no subprocess)."""
    try:
        configured = os.path.expanduser(str(repo.config_reader().get_value("core", setting, "")))
    except Exception:  # an unreadable configuration: git itself would report it
        configured = ""
    if not configured:
        config_home = os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
        configured = os.path.join(config_home, "git", default_name)
    return [configured, os.path.join(str(repo.common_dir), "info", info_name)]
