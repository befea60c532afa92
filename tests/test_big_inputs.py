"""Big inputs stay cheap: a requirements file over the size limit is one MG302 and is never parsed, big files
under it are parsed in linear time, a 100,000-line ``.rscignore`` does not multiply with the files, and
rsconnect's processed requirements text is the same however it is computed. Real repositories, the real CLI."""

from __future__ import annotations

import json
import resource
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from manifest_guard.engine import package_file
from tests.conftest import CliResult, git, put, run_manifest_guard
from tests.gitapp import APP, MACHINE, check, commit_all


def cpu_seconds_of() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed_check(repo: Path, *args: str) -> tuple[CliResult, float]:
    """A check and the CPU time it took (wall time on a shared machine says little)."""
    before = cpu_seconds_of()
    result = check(repo, "--output-format", "json", *args)
    return result, cpu_seconds_of() - before


def pinned_lines(count: int) -> str:
    return "flask==3.0.0\n" + "".join(f"package-number-{index}==1.{index % 100}.0  # via something\n"
                                      for index in range(count))  # fmt: skip


def test_a_requirements_file_over_the_limit_is_one_finding_and_nothing_else(repo: Path) -> None:
    put(repo / APP, {"requirements.txt": pinned_lines(260_000)})  # ~12 MB
    git(repo, "add", "-A")
    result, seconds = timed_check(repo)
    assert result.code == 1, result
    findings = json.loads(result.stdout)["findings"]
    big = [finding for finding in findings if finding["code"] == "MG302"]
    assert [(finding["line"], "over the 10 MB limit" in finding["message"]) for finding in big] == [(1, True)]
    assert not [finding for finding in findings if finding["code"] in ("MG304", "MG305", "MG306")]
    assert "MG101" in {finding["code"] for finding in findings}  # still compared with the manifest
    assert len(result.stdout) < 5000 and seconds < 10


def test_a_big_requirements_file_under_the_limit_is_parsed_in_linear_time(repo: Path) -> None:
    put(repo / APP, {"requirements.txt": pinned_lines(40_000) + "pandas=2.2\n"})  # ~1.7 MB, one bad line
    git(repo, "add", "-A")
    result, seconds = timed_check(repo)
    assert result.code == 1, result
    bad = [finding for finding in json.loads(result.stdout)["findings"] if finding["code"] == "MG302"]
    assert [finding["line"] for finding in bad] == [40_002]
    assert seconds < 10  # 40 s before: an option parser per line, three parses per check


def test_a_long_requirements_line_is_quoted_short(repo: Path) -> None:
    put(repo / APP, {"requirements.txt": "flask==3.0.0\nbad=" + "1" * 2_000_000 + "\n"})
    git(repo, "add", "-A")
    result, _ = timed_check(repo)
    bad = [finding for finding in json.loads(result.stdout)["findings"] if finding["code"] == "MG302"]
    assert len(bad) == 1 and len(bad[0]["message"]) < 500 and "2,000,004 characters" in bad[0]["message"]


def test_a_100k_line_rscignore_does_not_multiply_with_the_files(repo: Path) -> None:
    lines = [f"data/generated_{index}.csv" if index % 3 else f"*.tmp{index}" for index in range(100_000)]
    put(repo / APP, {".rscignore": "\n".join([*lines, "data/skip-*.csv"]) + "\n",
                     **{f"data/f{index}.csv": "x" for index in range(200)}, "data/skip-me.csv": "y",
                     "data/generated_1.csv": "z", "data/x.tmp3": "t"})  # fmt: skip
    result = run_manifest_guard(["write", "-o", *MACHINE, "flask", APP], repo)
    assert result.code == 0, result
    listed = set(json.loads((repo / APP / "manifest.json").read_text())["files"])
    assert "data/f7.csv" in listed and not {"data/skip-me.csv", "data/generated_1.csv", "data/x.tmp3"} & listed
    commit_all(repo)
    put(repo / APP, {"app.py": "from flask import Flask\napp = Flask(__name__)\n# edited\n"})
    git(repo, "add", "-A")
    checked, seconds = timed_check(repo)
    assert checked.code == 1 and [finding["code"] for finding in json.loads(checked.stdout)["findings"]] == ["MG101"]
    assert seconds < 10  # 30 s of CPU before: every pattern tried on every file


LINE_PARTS = ["a", "b", " ", "\t", "\r", "\n", "\n", "\x0b", "\x85", "\u2028", " @ file:", "setuptools", "post",
              "rsconnect", "==1.0", "#", "\x0c"]  # fmt: skip


def line_by_line(text: str) -> str:
    """rsconnect-python's own steps, one line at a time."""
    kept = [line for line in text.split("\n") if "rsconnect" not in line]
    stripped = (package_file._strip_ref(line) for line in "\n".join(kept).split("\n"))
    return "\n".join(line for line in stripped if not (line and package_file._is_setuptools_post(line)))


@given(st.lists(st.sampled_from(LINE_PARTS), max_size=40).map("".join), st.sampled_from([1, 3, 1 << 20]))
@settings(max_examples=600, deadline=None)
def test_the_chunked_processed_text_is_rsconnects(text: str, chunk: int) -> None:
    saved = package_file.CHUNK_CHARACTERS
    package_file.CHUNK_CHARACTERS = chunk
    try:
        assert package_file.processed_requirements(text.encode(), "r.txt") == line_by_line(text)
    finally:
        package_file.CHUNK_CHARACTERS = saved
