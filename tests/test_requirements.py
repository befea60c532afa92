"""The requirements parser against pip's own: a torture file set read by both, names, specifiers, markers,
extras and hashes compared; bad lines reported with file:line and never a crash."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from manifest_guard.readers.requirement_diff import describe_changes
from manifest_guard.readers.requirements import RequirementsFile, read_requirements

TORTURE = {
    "requirements.txt": (
        "\ufeff# a BOM, comments and blank lines\n"
        "\n"
        "Flask==3.0.0  # trailing comment\n"
        "flask_SQLAlchemy >= 3.1 ; python_version >= '3.8'\n"
        "scikit-learn \\\n"
        "    >=1.3,<2\n"
        "pandas[Performance, SQL-Other]==2.2.2 \\\n"
        "    --hash=sha256:1111111111111111111111111111111111111111111111111111111111111111 \\\n"
        "    --hash=sha256:2222222222222222222222222222222222222222222222222222222222222222\n"
        "numpy>=1.26 \\\n"
        "    # via pandas\n"
        "requests [socks] ~= 2.31\n"
        "pywin32==306; sys_platform == 'win32'\n"
        "uvicorn[standard]>=0.29\n"
        "-r base.txt\n"
        "--requirement=more/extra.txt\n"
        "-c constraints.txt\n"
        "--index-url https://pypi.org/simple\n"
        "--extra-index-url https://example.com/simple\n"
        "--prefer-binary\n"
        "zope.interface>=6\n"
        "foo-bar @ https://example.com/foo_bar-1.0-py3-none-any.whl\n"
        "-e git+https://github.com/acme/tools.git@v1.0#egg=acme-tools\n"
        "git+https://github.com/acme/lib.git@main#egg=acme_lib\n"
        "https://example.com/pkgs/wheelie-2.0-py3-none-any.whl\n"
        "Django>=4.2,<5.0 --config-settings=x=y\n"
        "dash==2.17.0; python_version < \"3.13\" and platform_system != \"Windows\"\n"
    ),
    "base.txt": "PyYAML==6.0.1\nbeautifulsoup4\n",
    "more/extra.txt": "-r ../nested.txt\npolars>=0.20\n",
    "nested.txt": "python-dotenv\n",
    "constraints.txt": "urllib3<2\n",
}


def pip_view(root: Path) -> list[tuple[str, str, str, tuple[str, ...], tuple[str, ...], bool]]:
    """(name, specifier, marker, extras, hashes, constraint) as pip parses the files."""
    from pip._internal.network.session import PipSession
    from pip._internal.req.constructors import install_req_from_parsed_requirement
    from pip._internal.req.req_file import parse_requirements
    from pip._vendor.packaging.utils import canonicalize_name

    found = []
    for parsed in parse_requirements(str(root / "requirements.txt"), session=PipSession()):
        request = install_req_from_parsed_requirement(parsed)
        name = request.name or ""
        hashes = tuple(sorted(f"{algorithm}:{digest}" for algorithm, digests in request.hash_options.items()
                              for digest in digests))  # fmt: skip
        extras = tuple(sorted(canonicalize_name(extra) for extra in request.extras))
        marker = str(request.markers) if request.markers else ""
        found.append((canonicalize_name(name), str(request.specifier), marker, extras, hashes, parsed.constraint))
    return sorted(found)


def our_view(result: RequirementsFile) -> list[tuple[str, str, str, tuple[str, ...], tuple[str, ...], bool]]:
    return sorted((requirement.key or "", requirement.specifier, requirement.marker or "", requirement.extras,
                   requirement.hashes, requirement.constraint) for requirement in result.requirements)  # fmt: skip


def reader(files: dict[str, str]):  # type: ignore[no-untyped-def]
    return lambda path: files[path].encode("utf-8") if path in files else None


def test_torture_file_matches_pip(tmp_path: Path) -> None:
    for name, text in TORTURE.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    ours = read_requirements(reader(TORTURE), "requirements.txt")
    assert ours is not None and ours.problems == []
    assert our_view(ours) == pip_view(tmp_path)
    assert ours.files == ["requirements.txt", "base.txt", "more/extra.txt", "nested.txt", "constraints.txt"]
    lines = {requirement.key: (requirement.path, requirement.line) for requirement in ours.requirements}
    assert lines["scikit-learn"] == ("requirements.txt", 5)  # a continued line keeps its first line number
    assert lines["numpy"] == ("requirements.txt", 10)
    assert lines["python-dotenv"] == ("nested.txt", 1)
    assert {r.key for r in ours.requirements if r.editable} == {"acme-tools"}


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("flask\npandas=2.2\n", 2, "pandas=2.2"),
        ("--bogus-option\n", 1, "no such option"),
        ("flask --hash=md5:abc\n", 1, "invalid --hash"),
        ("numpy\n-r missing.txt\n", 2, "not in the app"),
        ("-r ../outside.txt\n", 1, "outside the app"),
        ("-r requirements.txt\n", 1, "includes this file again"),
        ("flask ; python_version >>> '3'\n", 1, "flask"),
        ("flask 'unclosed\n", 1, ""),
    ],
)
def test_bad_lines_are_reported_with_their_line(text: str, line: int, words: str) -> None:
    result = read_requirements(reader({"requirements.txt": text}), "requirements.txt")
    assert result is not None and len(result.problems) == 1
    assert result.problems[0].line == line and words in result.problems[0].message


@pytest.mark.parametrize(
    "text",
    ["-e .\n", "-e ../shared\n", "./wheels/x-1.0-py3-none-any.whl\n", "file:///tmp/x.tar.gz\n",
     "mypkg @ file:///srv/mypkg\n", "/abs/path/pkg\n"],
)  # fmt: skip
def test_local_requirements_are_flagged(text: str) -> None:
    result = read_requirements(reader({"requirements.txt": text}), "requirements.txt")
    assert result is not None and result.problems == [] and [r.local for r in result.requirements] == [True]


def test_not_utf8_is_a_problem_at_its_line_not_a_crash() -> None:
    result = read_requirements(lambda path: b"flask\n\xff\xfe\x00bad\n" if path == "r.txt" else None, "r.txt")
    assert result is not None and [(p.line, "not valid UTF-8" in p.message) for p in result.problems] == [(2, True)]


def test_a_nul_byte_is_a_problem_at_its_line() -> None:
    result = read_requirements(lambda path: b"flask\n# fine\nnum\x00py\n\x00\n" if path == "r.txt" else None, "r.txt")
    assert result is not None and [(p.line, "NUL" in p.message) for p in result.problems] == [(3, True)]


def test_frozen_files_are_recognised() -> None:
    compiled = "# This file is autogenerated by pip-compile with Python 3.11\nflask==3.0.0\n    # via -r r.in\n"
    pinned = "flask==3.0.0\nnumpy==1.26.4\n"
    loose = "flask>=3\nnumpy==1.26.4\n"
    for text, frozen in ((compiled, True), (pinned, True), (loose, False)):
        result = read_requirements(reader({"r.txt": text}), "r.txt")
        assert result is not None and result.frozen is frozen


def test_dependency_diff_ignores_noise_and_names_real_changes() -> None:
    old = read_requirements(reader({"r.txt": "pandas==2.2.1\nnumpy\nUvicorn[Standard]==0.29\nflask>=2,<3\n"}), "r.txt")
    new = read_requirements(reader({"r.txt": "flask<3, >=2\nuvicorn[standard]==0.29.0\npandas==2.2.2\npolars\n"}),
                            "r.txt")  # fmt: skip
    assert old is not None and new is not None
    assert describe_changes(old, new) == "pandas 2.2.1 -> 2.2.2, - numpy, + polars"
    assert describe_changes(new, new) == ""


@given(st.text(max_size=300))
@settings(max_examples=400, deadline=None)
def test_the_parser_never_raises(text: str) -> None:
    result = read_requirements(reader({"r.txt": text, "x.txt": text}), "r.txt")
    assert result is not None


PLAIN = st.from_regex(
    r"\A[A-Za-z0-9]([A-Za-z0-9._-]{0,6}[A-Za-z0-9])?"
    r"([ \t]{0,2}(==|!=|>=|<=|>|<)[ \t]{0,2}[0-9]{1,3}(\.[0-9]{1,3}){0,3})?\Z"
)


@given(PLAIN)
@settings(max_examples=300, deadline=None)
def test_plain_pins_read_without_packaging_are_what_packaging_reads(text: str) -> None:
    from manifest_guard.readers.requirements import PLAIN_PIN, _requirement, pep508_requirement

    assert PLAIN_PIN.fullmatch(text)
    base = {"path": "r.txt", "line": 1, "constraint": False}
    assert _requirement(text, base) == pep508_requirement(text, base)


def test_a_big_file_is_one_problem_at_line_1_and_is_not_parsed() -> None:
    from manifest_guard.readers.requirements import MAX_FILE_BYTES

    line = b"x" * 1000 + b"=bad\n"
    data = line * (MAX_FILE_BYTES // len(line) + 1)
    result = read_requirements(lambda path: data if path == "r.txt" else None, "r.txt")
    assert result is not None and result.requirements == []
    assert [(problem.line, "over the 10 MB limit" in problem.message) for problem in result.problems] == [(1, True)]


def test_a_long_bad_line_is_quoted_short() -> None:
    text = "flask=" + "1" * 100_000 + "\n"
    result = read_requirements(reader({"r.txt": text}), "r.txt")
    assert result is not None and len(result.problems) == 1
    assert len(result.problems[0].message) < 500 and "(100,006 characters)" in result.problems[0].message


def test_each_content_is_parsed_once() -> None:
    from manifest_guard.readers import requirements

    text = "flask==3.0.0\nnumpy\n"
    first = read_requirements(reader({"unique-name.txt": text}), "unique-name.txt")
    calls: list[str] = []
    original = requirements._parse_text
    requirements._parse_text = lambda *args: calls.append(args[0]) or original(*args)  # type: ignore[assignment]
    try:
        again = read_requirements(reader({"unique-name.txt": text}), "unique-name.txt")
        changed = read_requirements(reader({"unique-name.txt": text + "polars\n"}), "unique-name.txt")
    finally:
        requirements._parse_text = original  # type: ignore[assignment]
    assert first == again and changed is not None and len(changed.requirements) == 3
    assert calls == ["unique-name.txt"]  # only the changed content was parsed again


def test_a_long_run_of_blanks_is_linear() -> None:
    import time

    text = "flask" + " " * 2_000_000 + "x\n"
    start = time.process_time()
    result = read_requirements(reader({"r.txt": text}), "r.txt")
    assert time.process_time() - start < 5  # quadratic comment stripping took minutes
    assert result is not None and len(result.problems) == 1


def test_a_long_line_is_cut_after_its_credentials_are_hidden() -> None:
    secret = "s3cr3t" * 50
    text = f"--index-url https://user:{secret}@example.com/simple --bogus\n"
    result = read_requirements(reader({"r.txt": text}), "r.txt")
    assert result is not None and len(result.problems) == 1
    assert "s3cr3t" not in result.problems[0].message and "***@example.com" in result.problems[0].message
