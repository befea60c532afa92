"""Indexed gitignore patterns answer exactly what pathspec answers, pattern set by pattern set, path by path."""

from __future__ import annotations

import pathspec
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from manifest_guard.engine import ignore_patterns
from manifest_guard.engine.ignore_patterns import IgnorePatterns
from manifest_guard.foundation.errors import UserError

NAMES = ["a", "b", "data", "x.csv", "y.py", "build", "c.log", "log", ".env", ".csv", "csv", "d.tmp"]
SEGMENTS = [*NAMES, "*", "*.csv", "*.py", "**", "?.py", "[ab]", "*log", "x*", " a", "a ", "\\#x", "#c", "", ".",
            "..", "*csv", "*.c\\sv", "a\\ "]  # fmt: skip


@st.composite
def patterns(draw: st.DrawFn) -> str:
    text = "/".join(draw(st.lists(st.sampled_from(SEGMENTS), min_size=1, max_size=3)))
    return draw(st.sampled_from(["", "!"])) + draw(st.sampled_from(["", "/"])) + text + draw(st.sampled_from(["", "/"]))


PATHS = st.lists(st.sampled_from(NAMES), min_size=1, max_size=4).map("/".join)


@given(st.lists(patterns(), min_size=1, max_size=8), st.lists(st.tuples(PATHS, st.booleans()), max_size=20))
@settings(max_examples=500, deadline=None)
def test_the_index_answers_as_pathspec_does(lines: list[str], paths: list[tuple[str, bool]]) -> None:
    try:
        full = pathspec.GitIgnoreSpec.from_lines([line for line in lines if line.strip()])
    except ValueError:
        assume(False)
        return
    saved = ignore_patterns.INDEXED_FROM
    try:
        ignore_patterns.INDEXED_FROM = 1  # index even these few lines (the index is what is under test)
        indexed = IgnorePatterns(lines)
    finally:
        ignore_patterns.INDEXED_FROM = saved
    whole = IgnorePatterns(lines)
    for path, is_dir in paths:
        asked = path + "/" if is_dir else path
        assert indexed.check(asked) == whole.check(asked) == full.check_file(asked).include, (lines, asked)


def test_an_invalid_pattern_names_its_file_and_line() -> None:
    with pytest.raises(UserError, match=r"^app/\.rscignore:3: invalid pattern '!'"):
        IgnorePatterns(["*.log", "", "!"], "app/.rscignore")
