"""The questions one computation asked a git tree, and the tree's answers, so that a stored result can
be reused exactly when a later tree gives the same answers to the same questions.

A git tree answers three kinds of question, and every read goes through one of them (symlinks are
followed hop by hop, each hop an entry question, so a target outside the app is a question too):

* an **entry**: the mode and blob id at a path, or its absence (a blob id names the content, so this
  covers every byte read, hashed or sized);
* a **directory**: whether a path is a directory (some entry lies below it);
* a **listing**: every path, mode and blob id below a directory (walks and directory listings).

A listing answers every question about what lies below its directory, so those are not kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

ENTRIES = "entries"
DIRECTORIES = "directories"
LISTINGS = "listings"


def _below(path: str, directory: str) -> bool:
    return directory == "" or path.startswith(directory + "/")


@dataclass
class TreeReads:
    """What was asked of one tree: paths whose entry was looked up, paths asked whether they are a
    directory, and directories listed."""

    entries: set[str] = field(default_factory=set)
    directories: set[str] = field(default_factory=set)
    listings: set[str] = field(default_factory=set)

    def essential(self) -> TreeReads:
        """The same questions without those a listing already answers."""
        listed = sorted(self.listings, key=len)
        kept: list[str] = []
        for directory in listed:
            if not any(_below(directory, outer) for outer in kept):
                kept.append(directory)

        def covered(path: str, inclusive: bool) -> bool:
            return any(_below(path, directory) or (inclusive and path == directory) for directory in kept)

        return TreeReads(
            {path for path in self.entries if not covered(path, inclusive=False)},
            {path for path in self.directories if not covered(path, inclusive=True)},
            set(kept),
        )


def well_formed(answers: Any) -> bool:
    """Whether stored answers have the shape ``GitTree.answers`` gives (anything else is a miss)."""
    return isinstance(answers, dict) and all(
        isinstance(answers.get(name), dict) and all(isinstance(key, str) for key in answers[name])
        for name in (ENTRIES, DIRECTORIES, LISTINGS)
    )
