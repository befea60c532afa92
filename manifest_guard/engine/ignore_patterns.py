"""gitignore-syntax patterns (``.rscignore``, ``exclude``) asked about many paths, in time linear in
patterns plus paths.

pathspec tries every pattern on every path: a 100,000-line ``.rscignore`` over a few hundred files
is tens of millions of regex matches. Most lines name a file (``data/big.csv``) or an extension
(``*.log``), so each pattern is indexed by what its last segment forces some component of a
matching path to be: that exact name, or a name with that ending. A path is then tried only
against the patterns its components can meet, plus the few that cannot be indexed, through
pathspec itself and in the original order, so the answer (last match wins, negations, directory
rules) is pathspec's.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from typing import Any, Final

from manifest_guard.foundation.errors import UserError

# Up to this many lines pathspec asks every pattern anyway: an index would cost more than it saves.
INDEXED_FROM = 64
# A line whose last segment is a literal name, or ``*`` and a literal ending (no wildcard, escape,
# bracket or blank in it; no blank at either end of the line): group 1 is the ``*``, group 2 the literal.
_INDEXABLE: Final = re.compile(r"!?(?:\S[^\n]*/|/)?(\*?)([A-Za-z0-9._+,=@%~-]+)/?")


class IgnorePatterns:
    """One set of gitignore lines, asked per path. Lines with an index key are compiled on first use;
    the rest are compiled at once, so an invalid pattern is an error naming ``source`` and its line."""

    def __init__(self, lines: Iterable[str], source: str = "exclude patterns (-x or the exclude setting)") -> None:
        numbered = [(number, line) for number, line in enumerate(lines, 1) if line.strip()]
        self._source = source
        self._lines = [line for _, line in numbered]
        self._numbers = [number for number, _ in numbered]
        self._compiled: dict[int, Any] = {}
        self._by_name: dict[str, list[int]] = {}
        self._by_suffix: dict[str, list[int]] = {}
        self._general: list[int] = []
        self._subsets: dict[tuple[int, ...], Any] = {}
        indexed = len(self._lines) >= INDEXED_FROM
        matches = map(_INDEXABLE.fullmatch, self._lines) if indexed else itertools.repeat(None, len(self._lines))
        for index, match in enumerate(matches):
            if match is not None:  # a path matching it has a component with that name, or that ending
                star, literal = match.groups()
                if star:
                    self._by_suffix.setdefault(literal, []).append(index)
                    continue
                if literal not in (".", ".."):
                    self._by_name.setdefault(literal, []).append(index)
                    continue
            if self._pattern(index).include is not None:  # tried on every path (unless a comment)
                self._general.append(index)
        self._suffix_lengths = sorted({len(suffix) for suffix in self._by_suffix})
        self._every_general = tuple(self._general)

    def _pattern(self, index: int) -> Any:
        pattern = self._compiled.get(index)
        if pattern is None:
            import pathspec

            line = self._lines[index]
            try:
                pattern = self._compiled[index] = pathspec.GitIgnoreSpec.from_lines([line]).patterns[0]
            except ValueError as error:  # pathspec's GitIgnorePatternError is one
                raise UserError(f"{self._source}:{self._numbers[index]}: invalid pattern {line!r}: {error}") from None
        return pattern

    def __bool__(self) -> bool:
        return bool(self._by_name or self._by_suffix or self._general)

    def _candidates(self, path: str) -> tuple[int, ...]:
        if not self._by_name and not self._by_suffix:
            return self._every_general
        found = set(self._general)
        for name in path.split("/"):
            found.update(self._by_name.get(name, ()))
            for length in self._suffix_lengths:
                if length > len(name):
                    break
                found.update(self._by_suffix.get(name[len(name) - length :], ()))
        return tuple(sorted(found))

    def check(self, path: str) -> bool | None:
        """True when the last pattern that matches ``path`` excludes it, False when it re-includes it
        (``!``), None when none matches (pathspec's ``check_file(...).include``)."""
        candidates = self._candidates(path)
        if not candidates:
            return None
        spec = self._subsets.get(candidates)
        if spec is None:
            import pathspec

            spec = pathspec.GitIgnoreSpec([self._pattern(index) for index in candidates])
            if len(self._subsets) < 4096:
                self._subsets[candidates] = spec
        include: bool | None = spec.check_file(path).include
        return include

    def matches(self, path: str) -> bool:
        return bool(self.check(path))


class Exclusions:
    """One app's exclusion decision: fixed rules (``excluded_by_default``, given by each bundle flavour)
    and the user's ``exclude`` patterns, asked per app-relative path; the walk prunes excluded directories."""

    def __init__(self, excludes: IgnorePatterns | None) -> None:
        self._user = excludes

    def excluded_by_default(self, path: str) -> bool:
        raise NotImplementedError

    def excluded_by_user(self, path: str, is_dir: bool = False) -> bool:
        return self._user is not None and self._user.matches(path + "/" if is_dir else path)

    def prune(self, directory: str) -> bool:
        return self.excluded_by_default(directory) or self.excluded_by_user(directory, is_dir=True)
