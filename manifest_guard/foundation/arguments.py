"""argparse with "did you mean": a mistyped command, option or choice gets the nearest valid spelling."""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterable
from typing import NoReturn

_UNRECOGNIZED = re.compile(r"unrecognized arguments: (.+)$")
_INVALID_CHOICE = re.compile(r"invalid choice: '([^']*)' \(choose from (.+)\)$")


_LOOK_ALIKES = str.maketrans({"O": "0", "o": "0", "I": "1", "l": "1"})


def closest(word: str, candidates: Iterable[str]) -> str | None:
    """The nearest candidate to ``word``, when one is near enough to be a typo: a look-alike letter for a
    digit (``MG1O1``) first, then the best similarity, ties going to the earlier candidate."""
    import difflib

    options = list(candidates)
    look_alike = word.translate(_LOOK_ALIKES).upper()
    exact = [option for option in options if option.upper() == look_alike]
    if exact:
        return exact[0]
    best, best_score = None, 0.6
    for option in options:
        matcher = difflib.SequenceMatcher(None, word, option)
        if matcher.real_quick_ratio() >= best_score and matcher.quick_ratio() >= best_score:
            score = matcher.ratio()
            if score > best_score or (best is None and score >= best_score):
                best, best_score = option, score
    return best


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """``"; did you mean --stage?"``, or ``""`` when nothing is close."""
    near = closest(word, candidates)
    return f"; did you mean {near}?" if near else ""


class Parser(argparse.ArgumentParser):
    """An ArgumentParser whose usage errors suggest the nearest option or choice."""

    def error(self, message: str) -> NoReturn:
        unrecognized = _UNRECOGNIZED.search(message)
        if unrecognized:
            options = [option for action in self._actions for option in action.option_strings]
            hints = [f"{word}{did_you_mean(word.split('=')[0], options)}" for word in unrecognized.group(1).split()
                     if word.startswith("-")]  # fmt: skip
            if hints:
                message = "unrecognized arguments: " + ", ".join(hints)
        invalid = _INVALID_CHOICE.search(message)
        if invalid:
            choices = [choice.strip().strip("'") for choice in invalid.group(2).split(",")]
            message += did_you_mean(invalid.group(1), choices)
        super().error(message)
