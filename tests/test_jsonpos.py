"""The position-keeping JSON loader agrees with ``json.loads`` and reports lines and duplicates."""

from __future__ import annotations

import json
import re
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from manifest_guard.foundation import jsonpos
from manifest_guard.foundation.jsonpos import MAX_DEPTH, JsonSyntaxError, LoadedJson, _load_json_slow, load_json
from tests.fuzzing import examples

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=5), children, max_size=4),
    max_leaves=25,
)


@settings(max_examples=300, deadline=None)
@given(value=JSON_VALUES, indent=st.sampled_from([None, 0, 2, "\t"]), ascii_only=st.booleans())
def test_agrees_with_json_loads(value: object, indent: int | str | None, ascii_only: bool) -> None:
    text = json.dumps(value, indent=indent, ensure_ascii=ascii_only)
    assert load_json(text.encode("utf-8")).value == json.loads(text)


@settings(max_examples=300, deadline=None)
@given(data=st.binary(max_size=60))
def test_random_bytes_parse_or_fail_cleanly(data: bytes) -> None:
    try:
        loaded = load_json(data)
    except JsonSyntaxError as error:
        assert error.line >= 1 and error.column >= 1
    else:
        assert loaded.value == json.loads(data)


def test_lines_and_duplicates() -> None:
    document = (
        b'{\n  "version": 1,\n  "files": {\n    "a.py": {"checksum": "1"},\n'
        b'    "a.py": {"checksum": "2"}\n  }\n}\n'
    )
    loaded = load_json(document)
    assert loaded.duplicates == [(("files", "a.py"), 5)]
    assert loaded.line_of(("version",)) == 2
    assert loaded.line_of(("files", "missing", "deeper")) == 3


@pytest.mark.parametrize(
    ("document", "line", "column"),
    [
        (b"", 1, 1),
        (b'{\n  "a": 1,\n}', 3, 1),
        (b'{"a": NaN}', 1, 7),
        (b'{"a": Infinity}', 1, 7),
        (b"\xef\xbb\xbf{}", 1, 1),
        (b'{"a": 1}\n{"b": 2}', 2, 1),
        (b'{\n"a": "\xff"}', 2, 7),
        (b'{"a": [1, 2', 1, 12),
        (b"[" * 2000, 1, 1001),
    ],
)
def test_errors_have_positions(document: bytes, line: int, column: int) -> None:
    with pytest.raises(JsonSyntaxError) as raised:
        load_json(document)
    assert (raised.value.line, raised.value.column) == (line, column)


# --- the fast path (C scanner, lazy lines) against the position-keeping parser -------------------


def _assert_same_value(fast: object, slow: object) -> None:
    """Equal with the same types throughout (1 is not 1.0 nor True, -0.0 is not 0.0), key order included.

    Iterative, so documents nested MAX_DEPTH deep compare without hitting the recursion limit.
    """
    pending = [(fast, slow)]
    while pending:
        a, b = pending.pop()
        assert type(a) is type(b)
        if isinstance(a, dict):
            assert isinstance(b, dict) and list(a) == list(b)
            pending.extend(zip(a.values(), b.values()))
        elif isinstance(a, list):
            assert isinstance(b, list) and len(a) == len(b)
            pending.extend(zip(a, b))
        elif isinstance(a, float):
            assert isinstance(b, float) and a.hex() == b.hex()
        else:
            assert a == b


def _assert_agree(data: bytes) -> None:
    """load_json gives what the slow parser gives: the same error, or the same value, duplicates and lines."""
    try:
        slow = _load_json_slow(data)
    except JsonSyntaxError as expected:
        with pytest.raises(JsonSyntaxError) as raised:
            load_json(data)
        assert (raised.value.message, raised.value.line, raised.value.column) == (
            expected.message,
            expected.line,
            expected.column,
        )
        return
    fast = load_json(data)
    _assert_same_value(fast.value, slow.value)
    assert fast.duplicates == slow.duplicates
    assert fast.lines == slow.lines


def _raw(literal: str) -> str:
    """A placeholder json.dumps writes as a string and :func:`_render` swaps for ``literal`` verbatim."""
    return "@@" + literal.encode("utf-8", "surrogatepass").hex() + "@@"


_PLACEHOLDER = re.compile(r'"@@([0-9a-f]*)@@"')
_REPEAT = "~dup~"  # dropped from keys after dumping, so "a" and "a~dup~" become one repeated key


def _render(value: object, indent: int | str | None, ascii_only: bool) -> bytes:
    text = json.dumps(value, indent=indent, ensure_ascii=ascii_only)
    text = _PLACEHOLDER.sub(lambda match: bytes.fromhex(match[1]).decode("utf-8", "surrogatepass"), text)
    return text.replace(_REPEAT, "").encode("utf-8", "surrogatepass")


_HOSTILE = [
    "NaN",
    "-NaN",
    "Infinity",
    "-Infinity",
    "1e999",
    "-1e999",
    "1E400",
    "0.1e-400",
    "1e-400",
    "1" * 5000,
    "9" * 4300,
    "-" + "9" * 4300,
    "9" * 4301,
    "1" * 5000 + ".5",
    "1" * 5000 + "e-5000",
    "-0",
    "-0.0",
    "0e0",
    "1E+2",
    "01",
    "-01",
    "1.",
    ".5",
    "+1",
    "-",
    "1e",
    "1e+",
    "tru",
    "nul",
    "True",
    "None",
    "[1,]",
    '{"a": 1,}',
    '{"a" 1}',
    "{1: 2}",
    "{'a': 1}",
    '"\\ud800"',
    '"\\udc00\\ud800"',
    '"\\ud83d\\ude00"',
    '"\\u0000"',
    '"a\\u0000b"',
    '"\\x41"',
    '"\\u12"',
    '"\t"',
    '"\x00"',
    '"\ud800"',  # a raw lone surrogate: not valid UTF-8 once encoded
    '"unterminated',
    "\u0663",  # ARABIC-INDIC DIGIT THREE: int() would take it, JSON does not
    "1\u0663",
    "\uff11",  # FULLWIDTH DIGIT ONE
    "\u00a0",
    "\ufeff",
    "\x0c1",
    "\x00",
]

_NUMBER_TEXT = st.from_regex(r"\A-?(0|[1-9][0-9]{0,20})(\.[0-9]{1,20})?([eE][-+]?[0-9]{1,4})?\Z", fullmatch=True)
_HUGE_INT_TEXT = st.builds(
    lambda negative, digits: ("-" if negative else "") + "9" + "8" * digits,
    st.booleans(),
    st.sampled_from([20, 400, 4298, 4299, 4300, 5000]),
)
_STRING_TEXT = st.sampled_from(
    ['"\\ud800"', '"\\udfff"', '"\\ud83d\\ude00"', '"\\u0000"', '"\\"\\\\\\/\\b\\f\\n\\r\\t"']
)
_KEYS = st.text(max_size=5) | st.sampled_from(
    ["a", "a" + _REPEAT, "a" + _REPEAT * 2, "files", "files" + _REPEAT, _raw('"\\u0061"'), _raw('"\\ud800"')]
)
_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text()
    | (_NUMBER_TEXT | _HUGE_INT_TEXT | _STRING_TEXT).map(_raw)
)
_VALUES = st.recursive(
    _SCALARS,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(_KEYS, children, max_size=4),
    max_leaves=25,
)
_INDENTS = st.sampled_from([None, 0, 1, 2, "\t", " \r\n"])
_DOCUMENTS = st.builds(_render, _VALUES, _INDENTS, st.booleans())


@settings(max_examples=examples(300))
@given(document=_DOCUMENTS)
def test_fast_path_agrees_with_slow_parser(document: bytes) -> None:
    _assert_agree(document)


_EDIT_BYTES = [bytes([byte]) for byte in b'{}[]",:\\-.eE0129 \n\tuNI'] + [b"\x00", b"\xff", b"\xc3", b"\xef\xbb\xbf"]


@settings(max_examples=examples(300))
@given(
    document=_DOCUMENTS,
    edits=st.lists(
        st.tuples(
            st.integers(min_value=0),
            st.sampled_from(["delete", "insert", "replace", "repeat"]),
            st.sampled_from(_EDIT_BYTES),
        ),
        min_size=1,
        max_size=4,
    ),
)
def test_fast_path_agrees_on_mutated_documents(document: bytes, edits: list[tuple[int, str, bytes]]) -> None:
    for position, edit, byte in edits:
        at = position % (len(document) + 1)
        if edit == "delete":
            document = document[:at] + document[at + 1 :]
        elif edit == "insert":
            document = document[:at] + byte + document[at:]
        elif edit == "replace":
            document = document[:at] + byte + document[at + 1 :]
        else:
            document = document[:at] + document[at : at + 8] + document[at:]
    _assert_agree(document)


@settings(max_examples=examples(300))
@given(value=_VALUES, hostile=st.sampled_from(_HOSTILE), indent=_INDENTS, ascii_only=st.booleans())
def test_fast_path_agrees_with_a_hostile_literal_inside(
    value: object, hostile: str, indent: int | str | None, ascii_only: bool
) -> None:
    _assert_agree(_render({"before": value, "hostile": _raw(hostile), "after": [value]}, indent, ascii_only))


def _nested(depth: int, kinds: str) -> str:
    """``depth`` containers one inside the next, cycling through ``kinds`` ('[' and '{')."""
    opening = [kinds[level % len(kinds)] for level in range(depth)]
    head = "".join('{"k": ' if kind == "{" else "[" for kind in opening)
    tail = "".join("}" if kind == "{" else "]" for kind in reversed(opening))
    return head + "1" + tail if opening and opening[-1] == "{" else head + tail


_HOSTILE_DOCUMENTS = [
    *(literal.encode("utf-8", "surrogatepass") for literal in _HOSTILE),
    *(f'{{"a": {literal}}}'.encode("utf-8", "surrogatepass") for literal in _HOSTILE),
    *(f"[1,\n {literal}\n]".encode("utf-8", "surrogatepass") for literal in _HOSTILE),
    *(
        _nested(depth, kinds).encode()
        for depth in (MAX_DEPTH - 1, MAX_DEPTH, MAX_DEPTH + 1)
        for kinds in ("[", "{", "[{", "{[")
    ),
    ("[" + "[[], " * (MAX_DEPTH // 2) + "1" + "]" * (MAX_DEPTH // 2 + 1)).encode(),
    b"\xef\xbb\xbf{}",
    b" \xef\xbb\xbf{}",
    b'{"a": "\xff"}',
    b'{"a": "\xed\xa0\x80"}',  # a surrogate encoded as UTF-8 (CESU-8)
    b'{"a": 1} x',
    b"{}\n{}",
    b"{} \n\t\r",
    b"  ",
    b"",
    b'{"a": "\\u0000", "\\u0000": null}',
    b'["\\ud800", {"\\udc00": "\\ud800\\ud800"}]',
    b'{"a": 1, "a": 2, "b": {"c": [], "c": {}}}',
    b'{"a": {}, "\\u0061": []}',
]


@pytest.mark.parametrize("document", _HOSTILE_DOCUMENTS, ids=range(len(_HOSTILE_DOCUMENTS)))
def test_fast_path_agrees_on_hostile_documents(document: bytes) -> None:
    _assert_agree(document)


def test_depth_limit_holds_when_the_recursion_limit_is_raised(monkeypatch: pytest.MonkeyPatch) -> None:
    """The C scanner's only bound is the recursion limit; MAX_DEPTH must hold however high that is."""
    parsed: list[str] = []

    class Counting(jsonpos._Parser):
        def __init__(self, text: str) -> None:
            parsed.append(text)
            super().__init__(text)

    monkeypatch.setattr(jsonpos, "_Parser", Counting)
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 20 * MAX_DEPTH))
    try:
        assert load_json(_nested(MAX_DEPTH, "[{").encode()).duplicates == []
        assert parsed == []  # the C scanner went MAX_DEPTH deep and the fast path took the document
        with pytest.raises(JsonSyntaxError, match=f"nested deeper than {MAX_DEPTH} levels"):
            load_json(_nested(MAX_DEPTH + 1, "[{").encode())
        assert len(parsed) == 1
    finally:
        sys.setrecursionlimit(limit)


def test_nesting_depth_is_measured_level_by_level() -> None:
    deepest: object = 1
    for level in range(MAX_DEPTH):
        deepest = {"k": deepest} if level % 2 else [deepest]
    assert not jsonpos._nested_deeper_than(deepest, MAX_DEPTH)
    assert jsonpos._nested_deeper_than([deepest], MAX_DEPTH)
    assert jsonpos._nested_deeper_than({"shallow": [], "deep": [[], deepest]}, MAX_DEPTH)
    assert not jsonpos._nested_deeper_than("scalar", 0)
    assert jsonpos._nested_deeper_than({}, 0)


def test_lines_are_found_only_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    parsed: list[str] = []

    class Counting(jsonpos._Parser):
        def __init__(self, text: str) -> None:
            parsed.append(text)
            super().__init__(text)

    monkeypatch.setattr(jsonpos, "_Parser", Counting)
    loaded = load_json(b'{\n  "version": 1,\n  "files": {"a.py": {"checksum": "1"}}\n}\n')
    assert (loaded.value, loaded.duplicates, parsed) == ({"version": 1, "files": {"a.py": {"checksum": "1"}}}, [], [])
    assert loaded.line_of(("files", "a.py", "checksum")) == 3
    assert (loaded.line_at(("files", "b.py")), loaded.line_of(("files", "b.py"))) == (None, 3)
    assert parsed == []  # one path's line is found by scanning along that path alone
    assert loaded.lines[("version",)] == 2
    assert len(parsed) == 1  # once, however often asked
    repeated = load_json(b'{"a": 1,\n "a": 2}')  # a repeated key: the slow parser at once, for its line
    assert (repeated.duplicates, len(parsed)) == ([(("a",), 2)], 2)
    assert repeated.lines == {(): 1, ("a",): 2} and len(parsed) == 2


def _paths(value: object, prefix: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    """Every path of a parsed document, the root first."""
    found, stack = [], [(prefix, value)]
    while stack:
        path, item = stack.pop()
        found.append(path)
        children = item.items() if isinstance(item, dict) else enumerate(item) if isinstance(item, list) else ()
        stack.extend(((*path, key), child) for key, child in children)
    return found


@settings(max_examples=examples(300))
@given(document=_DOCUMENTS, extra=st.lists(st.text(max_size=3) | st.integers(-1, 5), max_size=2))
def test_one_path_scanned_alone_agrees_with_the_whole_parse(document: bytes, extra: list[object]) -> None:
    """A fast-path document answers ``line_of``/``line_at`` by scanning along the path; the answers are the
    position-keeping parser's, for every path of the document and for paths it does not have."""
    try:
        full = _load_json_slow(document)
    except JsonSyntaxError:
        return
    # the same value again with every key, colon, value and comma on a line of its own
    spread = json.dumps(full.value, separators=("\n,\n", "\n:\n"), indent=1).encode()
    for text in (document, spread):
        reference = _load_json_slow(text)
        for path in _paths(reference.value)[:60]:
            for asked in (path, (*path, *extra)):
                loaded = load_json(text)  # afresh: a few paths are scanned for, then the document is parsed
                assert loaded.line_of(asked) == reference.line_of(asked), (text, asked)
                assert loaded.line_at(asked) == reference.line_at(asked), (text, asked)


def test_many_lines_asked_parse_the_document_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Scanning costs up to a pass over the text per path: a run with many findings parses once instead."""
    parsed: list[str] = []

    class Counting(jsonpos._Parser):
        def __init__(self, text: str) -> None:
            parsed.append(text)
            super().__init__(text)

    monkeypatch.setattr(jsonpos, "_Parser", Counting)
    files = {f"f{index}.py": {"checksum": str(index)} for index in range(20)}
    loaded = load_json(json.dumps({"files": files}, indent=2).encode())
    lines = [loaded.line_of(("files", name)) for name in files]
    assert lines == list(range(3, 3 + 3 * len(files), 3)) and len(parsed) == 1


def test_loaded_json_still_builds_like_the_dataclass_it_was() -> None:
    assert LoadedJson({"a": 1}).lines == {} and LoadedJson({"a": 1}).duplicates == []
    built = LoadedJson([1], {(): 1, (0,): 1}, [])
    assert built == load_json(b"[1]") and built.line_of((0, "x")) == 1
    assert "lines={(): 1, (0,): 1}" in repr(load_json(b"[1]"))
