"""Strict JSON loading that remembers where every value is and which keys repeat.

``json.load`` silently keeps the last of two equal keys and has no positions, so findings could
not point at a line. This loader is iterative (no recursion limit to hit on deep input), rejects
what RFC 8259 rejects (NaN, Infinity, a BOM, trailing data), and reuses the standard library's
string and number scanners for the values themselves.

Most runs only read the value and the repeated keys, so a document is first given to the C scanner
with hooks that make it at least as strict as the position-keeping parser; anything those hooks or
the scanner object to (a repeated key, NaN, 1e999, too many digits, deep nesting, any syntax error)
goes to the position-keeping parser, which gives the exact error or the repeated keys with their
lines. The lines of a document the fast path accepted are worked out on first use.
"""

from __future__ import annotations

import bisect
import json
import json.scanner
import math
import re
from json.decoder import scanstring  # type: ignore[attr-defined]  # C-accelerated, not in typeshed
from typing import Any, NoReturn, cast

JsonPath = tuple[Any, ...]
_WHITESPACE = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")
_LITERALS = {"true": True, "false": False, "null": None}
MAX_DEPTH = 1000
SEEKS_BEFORE_PARSING = 4  # paths located by scanning along them before the whole document is parsed


def _skip_whitespace(text: str, offset: int) -> int:
    match = _WHITESPACE.match(text, offset)
    return match.end() if match else offset


class JsonSyntaxError(ValueError):
    """Not JSON: the message, and the 1-based line and column where it goes wrong."""

    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(f"{message} (line {line}, column {column})")
        self.message = message
        self.line = line
        self.column = column


class LoadedJson:
    """A parsed document with the line of each path and the repeated keys.

    ``lines`` is computed on first use when the document came through the fast path: positions cost
    far more than the value and only a run that reports a finding needs them.
    """

    def __init__(
        self,
        value: Any,
        lines: dict[JsonPath, int] | None = None,
        duplicates: list[tuple[JsonPath, int]] | None = None,
    ) -> None:
        self.value = value
        self.duplicates: list[tuple[JsonPath, int]] = [] if duplicates is None else duplicates
        self._lines: dict[JsonPath, int] | None = {} if lines is None else lines
        self._text = ""  # the document, kept for the position pass while ``_lines`` is None
        self._seeks = 0  # paths located by scanning so far

    @classmethod
    def _deferred(cls, value: Any, text: str) -> LoadedJson:
        """A document without repeated keys whose lines the position-keeping parser finds when asked."""
        loaded = cls(value)
        loaded._lines, loaded._text = None, text
        return loaded

    @property
    def lines(self) -> dict[JsonPath, int]:
        """The 1-based line of each path: of its key in an object, else of where its value starts."""
        lines = self._lines
        if lines is None:  # a race computes the same dict twice, harmlessly
            lines = self._lines = _Parser(self._text).parse().lines
        return lines

    def line_of(self, path: JsonPath) -> int:
        """The line of ``path``, or of its nearest ancestor that has one."""
        return self._locate(path)[0]

    def line_at(self, path: JsonPath) -> int | None:
        """The line of ``path`` itself; None when the document has no such path."""
        line, found = self._locate(path)
        return line if found else None

    def _locate(self, path: JsonPath) -> tuple[int, bool]:
        """The line of ``path`` or of its nearest ancestor, and whether ``path`` itself was found. A
        document from the fast path is scanned along ``path`` alone (one finding's line in a 10,000-file
        manifest need not cost every line of it)."""
        lines = self._lines
        if lines is None and self._seeks < SEEKS_BEFORE_PARSING:
            self._seeks += 1
            return _Seeker(self._text).locate(path)
        lines = self.lines  # many findings: one parse, then lookups (a seek costs up to a pass over the text)
        found = path in lines
        while path not in lines and path:
            path = path[:-1]
        return lines.get(path, 1), found

    def __eq__(self, other: object) -> bool:  # as the dataclass this was (which also made it unhashable)
        if not isinstance(other, LoadedJson):
            return NotImplemented
        return (self.value, self.lines, self.duplicates) == (other.value, other.lines, other.duplicates)

    def __repr__(self) -> str:
        return f"LoadedJson(value={self.value!r}, lines={self.lines!r}, duplicates={self.duplicates!r})"


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.newlines = [match.start() for match in re.finditer("\n", text)]
        self.lines: dict[JsonPath, int] = {}
        self.duplicates: list[tuple[JsonPath, int]] = []

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_left(self.newlines, offset)
        start = self.newlines[line - 1] + 1 if line else 0
        return line + 1, offset - start + 1

    def fail(self, message: str, offset: int) -> JsonSyntaxError:
        return JsonSyntaxError(message, *self.position(offset))

    def skip(self, offset: int) -> int:
        return _skip_whitespace(self.text, offset)

    def string(self, offset: int) -> tuple[str, int]:
        try:
            return cast("tuple[str, int]", scanstring(self.text, offset + 1, True))
        except json.JSONDecodeError as error:
            message = error.msg[: -len(" at")] if error.msg.endswith(" at") else error.msg
            raise self.fail(message, error.pos) from None

    def scalar(self, offset: int) -> tuple[Any, int]:
        char = self.text[offset : offset + 1]
        if char == '"':
            return self.string(offset)
        for word, literal_value in _LITERALS.items():
            if self.text.startswith(word, offset):
                return literal_value, offset + len(word)
        number = _NUMBER.match(self.text, offset)
        if number:
            literal = number.group()
            is_float = "." in literal or "e" in literal or "E" in literal
            try:
                value = float(literal) if is_float else int(literal)
            except ValueError:  # more digits than int() converts (sys.set_int_max_str_digits)
                raise self.fail("number with too many digits", offset) from None
            if is_float and value in (float("inf"), float("-inf")):
                raise self.fail("number out of range", offset)
            return value, number.end()
        if not char:
            raise self.fail("unexpected end of data", offset)
        raise self.fail(f"unexpected character {char!r}", offset)

    def parse(self) -> LoadedJson:
        """Iterative descent: a stack of open containers instead of recursion."""
        offset = self.skip(0)
        stack: list[tuple[Any, JsonPath]] = []
        value: Any = None
        path: JsonPath = ()
        while True:
            offset = self.skip(offset)
            char = self.text[offset : offset + 1]
            self.lines.setdefault(path, self.position(offset)[0])
            if char in ("{", "["):
                if len(stack) >= MAX_DEPTH:
                    raise self.fail(f"nested deeper than {MAX_DEPTH} levels", offset)
                container: Any = {} if char == "{" else []
                stack.append((container, path))
                offset = self.skip(offset + 1)
                closing = "}" if char == "{" else "]"
                if self.text[offset : offset + 1] == closing:
                    value, offset = container, offset + 1
                    stack.pop()
                else:
                    if char == "{":
                        key, offset = self._key(offset, container, path)
                        path = (*path, key)
                    else:
                        path = (*path, 0)
                    continue
            else:
                value, offset = self.scalar(offset)
            # attach the finished value to its parent, closing containers as they end
            while stack:
                container, parent_path = stack[-1]
                if isinstance(container, dict):
                    container[path[-1]] = value
                else:
                    container.append(value)
                offset = self.skip(offset)
                char = self.text[offset : offset + 1]
                if char == ",":
                    offset = self.skip(offset + 1)
                    if isinstance(container, dict):
                        key, offset = self._key(offset, container, parent_path)
                        path = (*parent_path, key)
                    else:
                        path = (*parent_path, len(container))
                    break
                if char == ("}" if isinstance(container, dict) else "]"):
                    stack.pop()
                    value, path, offset = container, parent_path, offset + 1
                    continue
                expected = "',' or '}'" if isinstance(container, dict) else "',' or ']'"
                raise self.fail(f"expected {expected}" if char else "unexpected end of data", offset)
            if not stack:
                offset = self.skip(offset)
                if offset != len(self.text):
                    raise self.fail("extra data after the JSON document", offset)
                return LoadedJson(value, self.lines, self.duplicates)

    def _key(self, offset: int, container: dict[str, Any], parent: JsonPath) -> tuple[str, int]:
        if self.text[offset : offset + 1] != '"':
            raise self.fail("expected a double-quoted property name", offset)
        line = self.position(offset)[0]
        key, offset = self.string(offset)
        offset = self.skip(offset)
        if self.text[offset : offset + 1] != ":":
            raise self.fail("expected ':' after a property name", offset)
        path = (*parent, key)
        if key in container:
            self.duplicates.append((path, line))
        self.lines[path] = line
        return key, offset + 1


class _Seeker:
    """Finds the line of one path in a valid document without duplicate keys (what the fast path
    accepted), with the position-keeping parser's rules: an object member's line is its key's, anything
    else's is where its value starts. Members and elements off the path are skipped by the C scanner."""

    def __init__(self, text: str) -> None:
        self.text = text
        decoder: Any = json.JSONDecoder()
        self.scan: Any = decoder.scan_once  # (value, end) of the value at an offset

    def line(self, offset: int) -> int:
        return self.text.count("\n", 0, offset) + 1

    def skip(self, offset: int) -> int:
        return _skip_whitespace(self.text, offset)

    def locate(self, path: JsonPath) -> tuple[int, bool]:
        text, offset = self.text, self.skip(0)
        line = self.line(offset)
        for step in path:
            char = text[offset : offset + 1]
            if char == "{" and isinstance(step, str):
                found = self._member(offset, step)
            elif char == "[" and isinstance(step, int):
                found = self._element(offset, step)
            else:
                return line, False
            if found is None:
                return line, False
            line, offset = found
        return line, True

    def _member(self, offset: int, wanted: str) -> tuple[int, int] | None:
        """(the key's line, where its value starts) of member ``wanted`` of the object at ``offset``."""
        text = self.text
        offset = self.skip(offset + 1)
        while text[offset : offset + 1] == '"':
            key, after = scanstring(text, offset + 1, True)
            value = self.skip(self.skip(after) + 1)  # past the ':'
            if key == wanted:
                return self.line(offset), value
            offset = self.skip(self.scan(text, value)[1])
            if text[offset : offset + 1] != ",":
                return None
            offset = self.skip(offset + 1)
        return None

    def _element(self, offset: int, wanted: int) -> tuple[int, int] | None:
        """(the line where element ``wanted`` of the array at ``offset`` starts, that offset)."""
        text = self.text
        offset = self.skip(offset + 1)
        if text[offset : offset + 1] == "]" or wanted < 0:
            return None
        for _ in range(wanted):
            offset = self.skip(self.scan(text, offset)[1])
            if text[offset : offset + 1] != ",":
                return None
            offset = self.skip(offset + 1)
        return self.line(offset), offset


class _Fallback(Exception):
    """Raised by the fast path's hooks for what only the position-keeping parser can report."""


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A plain dict, as the slow parser builds; a repeated key needs its line, so the slow parser takes over."""
    obj = dict(pairs)
    if len(obj) != len(pairs):
        raise _Fallback
    return obj


def _finite(literal: str) -> float:
    """``float`` as the slow parser calls it, which rejects a literal that overflows (1e999)."""
    value = float(literal)
    if math.isinf(value):
        raise _Fallback
    return value


def _constant(literal: str) -> NoReturn:
    """NaN, Infinity and -Infinity are not JSON."""
    raise _Fallback


_DECODER = json.JSONDecoder(object_pairs_hook=_object, parse_float=_finite, parse_constant=_constant)
_C_SCANNER: Any = getattr(json.scanner, "c_make_scanner", None)
# Only the C scanner reads exactly the slow parser's grammar: the pure-Python one takes non-ASCII digits (\d).
_FAST = _C_SCANNER is not None and isinstance(getattr(_DECODER, "scan_once", None), _C_SCANNER)


def _nested_deeper_than(value: Any, limit: int) -> bool:
    """Whether containers nest more than ``limit`` deep (the outermost is 1), level by level, without recursion.

    The C scanner's only bound is the interpreter's recursion limit, which may be raised; the slow parser's
    is MAX_DEPTH, and the fast path must not accept what the slow one rejects.
    """
    level = [value] if type(value) is dict or type(value) is list else []
    depth = 0
    while level:
        depth += 1
        if depth > limit:
            return True
        level = [
            child
            for container in level
            for child in (container.values() if type(container) is dict else container)
            if type(child) is dict or type(child) is list
        ]
    return False


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        raise JsonSyntaxError("starts with a UTF-8 byte order mark", 1, 1)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        raise JsonSyntaxError("not valid UTF-8", line, column) from None


def load_json(data: bytes) -> LoadedJson:
    """Parse UTF-8 JSON bytes; any problem is a :class:`JsonSyntaxError` with line and column."""
    text = _decode(data)
    if _FAST:
        try:
            value = _DECODER.decode(text)
        except Exception:  # whatever it is (RecursionError too), the slow parser says exactly what and where
            pass
        else:
            if not _nested_deeper_than(value, MAX_DEPTH):
                return LoadedJson._deferred(value, text)
    return _Parser(text).parse()


def _load_json_slow(data: bytes) -> LoadedJson:
    """:func:`load_json` without the fast path: the reference the tests hold the fast path to."""
    return _Parser(_decode(data)).parse()
