"""Strict JSON loading that remembers where every value is and which keys repeat.

``json.load`` silently keeps the last of two equal keys and has no positions, so findings could
not point at a line. This loader is iterative (no recursion limit to hit on deep input), rejects
what RFC 8259 rejects (NaN, Infinity, a BOM, trailing data), and reuses the standard library's
string and number scanners for the values themselves.
"""

from __future__ import annotations

import bisect
import json
import re
from dataclasses import dataclass, field
from json.decoder import scanstring  # type: ignore[attr-defined]  # C-accelerated, not in typeshed
from typing import Any, cast

JsonPath = tuple[Any, ...]
_WHITESPACE = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")
_LITERALS = {"true": True, "false": False, "null": None}
MAX_DEPTH = 1000


class JsonSyntaxError(ValueError):
    """Not JSON: the message, and the 1-based line and column where it goes wrong."""

    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(f"{message} (line {line}, column {column})")
        self.message = message
        self.line = line
        self.column = column


@dataclass
class LoadedJson:
    """A parsed document with the line of each path and the repeated keys."""

    value: Any
    lines: dict[JsonPath, int] = field(default_factory=dict)
    duplicates: list[tuple[JsonPath, int]] = field(default_factory=list)

    def line_of(self, path: JsonPath) -> int:
        """The line of ``path``, or of its nearest ancestor that has one."""
        while path not in self.lines and path:
            path = path[:-1]
        return self.lines.get(path, 1)


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.newlines = [match.start() for match in re.finditer("\n", text)]
        self.result = LoadedJson(None)

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_left(self.newlines, offset)
        start = self.newlines[line - 1] + 1 if line else 0
        return line + 1, offset - start + 1

    def fail(self, message: str, offset: int) -> JsonSyntaxError:
        return JsonSyntaxError(message, *self.position(offset))

    def skip(self, offset: int) -> int:
        match = _WHITESPACE.match(self.text, offset)
        return match.end() if match else offset

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
            self.result.lines.setdefault(path, self.position(offset)[0])
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
                self.result.value = value
                return self.result

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
            self.result.duplicates.append((path, line))
        self.result.lines[path] = line
        return key, offset + 1


def load_json(data: bytes) -> LoadedJson:
    """Parse UTF-8 JSON bytes; any problem is a :class:`JsonSyntaxError` with line and column."""
    if data.startswith(b"\xef\xbb\xbf"):
        raise JsonSyntaxError("starts with a UTF-8 byte order mark", 1, 1)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        raise JsonSyntaxError("not valid UTF-8", line, column) from None
    return _Parser(text).parse()
