"""Directories that are never app content: the bundle leaves them out and manifest discovery skips them."""

from __future__ import annotations

from typing import Final

# rsconnect-python's directories_ignore_list: matched at the top level of the app only.
IGNORED_TOP_LEVEL: Final = frozenset(
    {".Rproj.user", ".git", ".svn", "__pycache__", "packrat", "renv", "rsconnect", "rsconnect-python",
     "node_modules"}
)  # fmt: skip
# Posit's documented virtualenv names: excluded as top-level directories even without bin/python.
VIRTUALENV_NAMES: Final = frozenset({".env", ".venv", "env", "venv"})
