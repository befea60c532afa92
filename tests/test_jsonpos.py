"""The position-keeping JSON loader agrees with ``json.loads`` and reports lines and duplicates."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from manifest_guard.jsonpos import JsonSyntaxError, load_json

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
