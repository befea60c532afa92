"""Git's path variables made absolute, once, against the directory the command was started in.

git reads a relative ``GIT_DIR`` (and ``GIT_WORK_TREE``, ``GIT_INDEX_FILE``, ...) against the
directory it is started in. This tool runs git as ``git -C <top level>`` and hands the
environment to GitPython, so a relative value would be read against the wrong directory
("unknown revision 'HEAD'" from ``cd app; GIT_DIR=../.git manifest-guard check``).
"""

from __future__ import annotations

import os
from collections.abc import MutableMapping
from typing import Final

PATH_VARIABLES: Final = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_COMMON_DIR", "GIT_OBJECT_DIRECTORY")


def anchor_git_paths(start: str, environ: MutableMapping[str, str] | None = None) -> None:
    """Rewrite every relative git path variable of ``environ`` (default ``os.environ``) as absolute."""
    env = os.environ if environ is None else environ
    for name in PATH_VARIABLES:
        value = env.get(name)
        if value and not os.path.isabs(value):
            env[name] = os.path.normpath(os.path.join(start, value))
