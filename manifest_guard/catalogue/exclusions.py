"""Names that are never app content: the bundle leaves them out and manifest discovery skips them."""

from __future__ import annotations

from typing import Final

# rsconnect-python's directories_ignore_list: matched at the top level of the app only.
IGNORED_TOP_LEVEL: Final = frozenset(
    {".Rproj.user", ".git", ".svn", "__pycache__", "packrat", "renv", "rsconnect", "rsconnect-python",
     "node_modules"}
)  # fmt: skip
# Posit's documented virtualenv names: excluded as top-level directories even without bin/python.
VIRTUALENV_NAMES: Final = frozenset({".env", ".venv", "env", "venv"})

# The temporary file of an atomic manifest write (``.manifest-guard-XXXXXXXX.tmp`` beside the manifest): it
# lives for milliseconds, but a concurrent run's directory walk can meet it, and it is never app content.
TEMP_FILE_PREFIX: Final = ".manifest-guard-"
TEMP_FILE_SUFFIX: Final = ".tmp"


def is_own_temp_file(name: str) -> bool:
    """Whether a file name (not a path) is one of this tool's temporary files."""
    return name.startswith(TEMP_FILE_PREFIX) and name.endswith(TEMP_FILE_SUFFIX)


# Files that configure the repository's tools, not the app: never required in a manifest (`write`
# still lists them, as rsconnect-python does). Anywhere in an app:
TOOLING_NAMES: Final = frozenset({".gitignore", ".gitattributes", ".rscignore", ".editorconfig"})
# Only at the repository root (an app at the root sees them as its own top-level files):
ROOT_TOOLING_NAMES: Final = frozenset(
    {".pre-commit-config.yaml", ".pre-commit-hooks.yaml", ".gitlab-ci.yml", ".manifest-guard.toml"}
)
ROOT_TOOLING_DIRECTORIES: Final = frozenset({".github", ".gitlab"})


def is_repository_tooling(app: str, path: str) -> bool:
    """Whether ``path`` (relative to the app directory ``app``, which is repository-relative) configures
    git, CI or linters rather than being part of the app."""
    name = path.rpartition("/")[2]
    if name in TOOLING_NAMES:
        return True
    in_repository = f"{app}/{path}" if app else path
    top, _, rest = in_repository.partition("/")
    return (not rest and top in ROOT_TOOLING_NAMES) or (bool(rest) and top in ROOT_TOOLING_DIRECTORIES)
