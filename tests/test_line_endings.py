"""The other line-ending form of a file is exactly what git produces: contents committed with LF and
checked out by git with ``core.autocrlf=true`` under each attribute, compared byte for byte with
what the trees predict, and CRLF files added by git compared with the work tree's LF form."""

from __future__ import annotations

import hashlib
import random
from pathlib import Path

import git as gitpython
import pytest

from manifest_guard.foundation.line_endings import Conversion, LineEndingScan, scan_bytes, to_crlf
from manifest_guard.repository.git_trees import GitTree
from manifest_guard.repository.line_endings import conversion_of, worktree_conversions
from manifest_guard.repository.trees import WorkTree
from tests.conftest import git, put

ATTRIBUTES = (
    "text/** text\n"
    "crlf/** eol=crlf\n"
    "auto/** text=auto\n"
    "autocrlf/** text=auto eol=crlf\n"
    "lf/** eol=lf\n"
    "binary/** binary\n"
    "notext/** -text\n"
    "legacy/** -crlf\n"
)
DIRECTORIES = ("plain", "text", "crlf", "auto", "autocrlf", "lf", "binary", "notext", "legacy")


def _contents() -> dict[str, bytes]:
    """Edge cases of git's text heuristic, and random mixtures of the bytes it counts."""
    text = b"print('hello')\n" * 20
    cases = {
        "empty": b"",
        "lf": text,
        "no-final-newline": text + b"x = 1",
        "crlf": text.replace(b"\n", b"\r\n"),
        "mixed": text + b"a\r\nb\n",
        "lone-cr": text + b"a\rb\n",
        "final-cr": text + b"\r",
        "nul-early": b"\0" + text,
        "nul-past-8000": text * 30 + b"\0" + text,
        "few-controls": b"a" * 254 + b"\x01\x02\n",  # 254 printable >> 7 = 1 < 2 non-printable: binary
        "enough-printable": b"a" * 256 + b"\x01\x02\n",  # 256 >> 7 = 2, not < 2: text
        "ctrl-z-end": b"a" * 100 + b"\x01\n\x1a",  # the final Ctrl-Z is not counted
        "ctrl-z-middle": b"a" * 100 + b"\x01\x1a\n",
        "del-and-escape": b"\x7f\x1b\t\x0c\b" * 3 + text,
        "only-newlines": b"\n\n\n",
        "cr-lf-split": b"\r" + b"\n" * 3,
    }
    rng = random.Random(20)
    alphabet = [b"a", b"a", b"a", b"\n", b"\r", b"\r\n", b"\0", b"\x01", b"\x1a", b"\x7f", b"\t", b"\xc3\xa9"]
    for number in range(40):
        weights = [rng.random() ** 3 for _ in alphabet]
        size = rng.choice([1, 3, 50, 400, 3000])
        cases[f"random-{number}"] = b"".join(rng.choices(alphabet, weights, k=size))
    return cases


def _md5(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()


def test_the_scan_does_not_depend_on_where_chunks_are_cut() -> None:
    for data in _contents().values():
        whole = scan_bytes(data, with_lf=True)
        for size in (1, 2, 7):
            scan = LineEndingScan(with_lf=True)
            for start in range(0, len(data), size):
                scan.update(data[start : start + size])
            assert scan.finish() == whole, data


def test_crlf_checkout_forms_are_what_git_checks_out(git_repo: Path) -> None:
    contents = _contents()
    put(git_repo, {".gitattributes": ATTRIBUTES})
    for directory in DIRECTORIES:
        put(git_repo / directory, contents)
    git(git_repo, "config", "core.autocrlf", "false")
    git(git_repo, "add", "-A")
    git(git_repo, "commit", "-qm", "contents")
    with gitpython.Repo(git_repo) as handle:
        tree = GitTree.from_revision(handle, "HEAD")
        paths = [f"{directory}/{name}" for directory in DIRECTORIES for name in contents]
        predicted = tree.converted_md5s(paths)
        raw = {path: tree.md5(path) for path in paths}
        index_predicted = GitTree.from_index(handle).converted_md5s(paths)
    git(git_repo, "config", "core.autocrlf", "true")
    for directory in DIRECTORIES:
        for name in contents:
            (git_repo / directory / name).unlink()
    git(git_repo, "checkout", "--", ".")
    checked_out = {path: _md5((git_repo / path).read_bytes()) for path in paths}
    expected = {path: predicted[path].md5 if path in predicted else raw[path] for path in paths}
    assert expected == checked_out
    assert index_predicted == predicted
    converted = {path.split("/")[0] for path in predicted}
    assert converted == {"plain", "text", "crlf", "auto", "autocrlf"}  # the test covers both outcomes
    assert "plain/nul-past-8000" not in predicted  # git looks at the whole file, not its first 8000 bytes


def test_work_tree_crlf_files_have_the_form_git_add_stores(git_repo: Path) -> None:
    contents = {name: data.replace(b"\n", b"\r\n") for name, data in _contents().items()}
    put(git_repo, {".gitattributes": ATTRIBUTES})
    for directory in DIRECTORIES:
        put(git_repo / directory, contents)
    git(git_repo, "config", "core.autocrlf", "true")
    paths = [f"{directory}/{name}" for directory in DIRECTORIES for name in contents]
    work_tree = WorkTree(str(git_repo), display_root="")
    work_tree.conversions = lambda wanted: worktree_conversions(str(git_repo), wanted)
    predicted = work_tree.converted_md5s(paths)
    git(git_repo, "add", "-A")
    with gitpython.Repo(git_repo) as handle:
        index = GitTree.from_index(handle)
        stored = {path: index.md5(path) for path in paths}
    normalised = set()
    for path in paths:
        own = _md5((git_repo / path).read_bytes())
        if stored[path] != own:  # git normalised it: that is the other form
            assert predicted[path].md5 == stored[path] and predicted[path].ending == "LF", path
            normalised.add(path.split("/")[0])
        else:
            assert path not in predicted or predicted[path].ending == "CRLF", path
    assert normalised == {"plain", "text", "crlf", "auto", "autocrlf", "lf"}


@pytest.mark.parametrize(
    ("values", "conversion"),
    [
        ({}, Conversion.AUTO),
        ({"text": "set"}, Conversion.TEXT),
        ({"text": "unset"}, Conversion.BINARY),
        ({"text": "unset", "eol": "crlf"}, Conversion.BINARY),
        ({"text": "auto"}, Conversion.AUTO),
        ({"text": "auto", "eol": "lf"}, Conversion.AUTO_LF),
        ({"eol": "crlf"}, Conversion.TEXT),
        ({"eol": "lf"}, Conversion.TEXT_LF),
        ({"text": "input"}, Conversion.TEXT_LF),
        ({"crlf": "unset"}, Conversion.BINARY),
        ({"text": "bogus", "crlf": "set"}, Conversion.TEXT),
    ],
)
def test_attributes_decide_the_conversion(values: dict[str, str], conversion: Conversion) -> None:
    assert conversion_of(values) is conversion


def test_to_crlf_keeps_pairs_and_lone_carriage_returns() -> None:
    assert to_crlf(b"a\nb\r\nc\rd\r\r\n\n") == b"a\r\nb\r\nc\rd\r\r\n\r\n"
