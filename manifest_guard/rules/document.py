"""MG001-MG005: the manifest is UTF-8 JSON without repeated keys, and it matches the manifest schema.

These rules read the raw bytes and run before every other rule, which all trust the parsed document.
So they hold for any input whatsoever and say exactly where the document goes wrong: a line and a
column for broken JSON, a line and a JSON path (``$.files["app.py"].checksum``) for the rest.
"""

from __future__ import annotations

import difflib
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from manifest_guard.caches.schema_valid import ValidManifests
from manifest_guard.catalogue.findings import Finding
from manifest_guard.engine.safe_paths import unsafe_path_reason
from manifest_guard.foundation.jsonpos import JsonPath, JsonSyntaxError, LoadedJson, load_json
from manifest_guard.foundation.schema import manifest_validator

if TYPE_CHECKING:
    from jsonschema.exceptions import ValidationError  # type: ignore[import-untyped]

KNOWN_APPMODES: Final[frozenset[str]] = frozenset(
    {
        "shiny",
        "rmd-shiny",
        "rmd-static",
        "static",
        "api",
        "tensorflow-saved-model",
        "jupyter-static",
        "python-api",
        "python-dash",
        "python-streamlit",
        "python-bokeh",
        "python-fastapi",
        "quarto-shiny",
        "quarto-static",
        "python-shiny",
        "jupyter-voila",
        "python-gradio",
        "python-panel",
        "nodejs",
    }
)

# Names that tools, docs and Connect Cloud use for a content type but Connect does not accept as an appmode.
APPMODE_ALIASES: Final[dict[str, str]] = {
    "python-flask": "python-api",
    "flask": "python-api",
    "python-wsgi": "python-api",
    "wsgi": "python-api",
    "fastapi": "python-fastapi",
    "python-asgi": "python-fastapi",
    "asgi": "python-fastapi",
    "r-shiny": "shiny",
    "shiny-rmd": "rmd-shiny",
    "r-plumber": "api",
    "plumber": "api",
    "html": "static",
    "jupyter-notebook": "jupyter-static",
    "notebook": "jupyter-static",
    "jupyter": "jupyter-static",
    "voila": "jupyter-voila",
    "rmd": "rmd-static",
    "rmarkdown": "rmd-static",
    "quarto": "quarto-static",
    "nodejs-api": "nodejs",
    "node": "nodejs",
    "streamlit": "python-streamlit",
    "dash": "python-dash",
    "bokeh": "python-bokeh",
    "shiny-python": "python-shiny",
    "pyshiny": "python-shiny",
    "py-shiny": "python-shiny",
    "gradio": "python-gradio",
    "panel": "python-panel",
    "tensorflow": "tensorflow-saved-model",
}

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_CHECKSUM = re.compile(r"[0-9a-f]{32}")
_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|-?[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?')
_TYPE_NAMES = {
    "object": "an object",
    "array": "an array",
    "string": "a string",
    "number": "a number",
    "integer": "an integer",
    "boolean": "a boolean",
    "null": "null",
}
# The schema checks nothing deeper than this; below it, values are only ever carried along.
_SCHEMA_DEPTH = 16


@dataclass
class Document:
    """A manifest's parse (None when it is not JSON) and its MG001-MG005 findings, in line order."""

    loaded: LoadedJson | None
    findings: list[Finding]


def check_document(raw: bytes, manifest: str, validated: ValidManifests | None = None) -> Document:
    """Parse ``raw`` and report what makes it an invalid manifest; never raises, whatever the bytes.

    ``validated`` remembers manifests that passed the schema, so unchanged bytes are not validated again."""
    try:
        loaded = load_json(raw)
    except ValueError as error:  # JsonSyntaxError, or int() refusing a number with thousands of digits
        return Document(None, [_invalid_json(raw, error, manifest)])
    findings = [_duplicate_key(path, line, manifest) for path, line in loaded.duplicates]
    if validated is None or not validated.known(raw):
        schema_findings = _schema_findings(loaded, manifest)
        if not schema_findings and validated is not None:
            validated.remember(raw)
        findings.extend(schema_findings)
    findings.sort(key=lambda finding: (finding.line or 0, finding.code, finding.message))
    return Document(loaded, findings)


def suggest_appmode(value: str) -> str | None:
    """The appmode someone who wrote ``value`` most likely meant, or None when nothing is close."""
    wanted = value.strip().lower().replace("_", "-")
    if wanted in KNOWN_APPMODES:
        return wanted
    if wanted in APPMODE_ALIASES:
        return APPMODE_ALIASES[wanted]
    close = difflib.get_close_matches(wanted, sorted(KNOWN_APPMODES), n=1, cutoff=0.8)
    return close[0] if close else None


def json_path(path: Sequence[Any]) -> str:
    """``$.files["app.py"].checksum``: dotted identifiers, quoted other keys, ``[n]`` array indexes."""
    parts = ["$"]
    for part in path:
        if isinstance(part, int):
            parts.append(f"[{part}]")
        elif _IDENTIFIER.fullmatch(part):
            parts.append(f".{part}")
        else:
            parts.append(f"[{_double_quoted(part)}]")
    return "".join(parts)


# --- MG001 ----------------------------------------------------------------------------------------


def _invalid_json(raw: bytes, error: ValueError, manifest: str) -> Finding:
    if isinstance(error, JsonSyntaxError):
        # json's string scanner phrases its errors as sentences for a position that follows ("Invalid ... at")
        problem = error.message.removesuffix(" at")
        problem = problem[:1].lower() + problem[1:]
        line, column = error.line, error.column
    else:  # jsonpos passes on int()'s limit on digits (sys.get_int_max_str_digits) without a position
        problem = "a number with too many digits"
        line, column = _long_integer_position(raw.decode("utf-8", "replace"))
    message = f"invalid JSON: {problem} at line {line}, column {column}{_syntax_hint(raw, problem, line, column)}"
    return _finding("MG001", manifest, line, message, column=column)


def _syntax_hint(raw: bytes, problem: str, line: int, column: int) -> str:
    if problem == "not valid UTF-8":
        return "; save the manifest as UTF-8"
    if "byte order mark" in problem:
        return "; save the manifest as UTF-8 without a byte order mark"
    rest = raw.decode("utf-8", "replace").split("\n")[line - 1][column - 1 :]
    if rest.startswith(("NaN", "Infinity", "-Infinity")):
        return "; NaN and Infinity are not JSON: write a number or null"
    return ""


def _long_integer_position(text: str) -> tuple[int, int]:
    limit = getattr(sys, "get_int_max_str_digits", lambda: 0)()
    offset = 0
    for token in _JSON_TOKEN.finditer(text):
        digits = token.group().lstrip("-")
        if digits.isdigit() and len(digits) > limit:
            offset = token.start()
            break
    return text.count("\n", 0, offset) + 1, offset - (text.rfind("\n", 0, offset) + 1) + 1


# --- MG003 ----------------------------------------------------------------------------------------


def _duplicate_key(path: JsonPath, line: int, manifest: str) -> Finding:
    where = json_path(path)
    message = (
        f"duplicate key {_show(path[-1])} at {where}: json.load would keep only the last one "
        "and silently drop the others; keep one"
    )
    return _finding("MG003", manifest, line, message, subject=where)


# --- MG002, MG004, MG005 --------------------------------------------------------------------------


def _schema_findings(loaded: LoadedJson, manifest: str) -> list[Finding]:
    findings: list[Finding] = []
    unsafe_keys: set[str] = set()
    for error in manifest_validator().iter_errors(_validation_view(loaded.value)):
        path = tuple(error.absolute_path)
        from_key = "propertyNames" in error.absolute_schema_path
        if from_key and path == ("files",):
            if error.instance not in unsafe_keys:  # one finding per key, however many checks it fails
                unsafe_keys.add(error.instance)
                findings.append(_unsafe_path(error.instance, loaded, manifest))
        elif path == ("metadata", "appmode") and error.validator == "enum":
            if isinstance(error.instance, str):  # any other type already has its type error
                findings.append(_unknown_appmode(error.instance, loaded, manifest))
        else:
            findings.append(_schema_violation(error, path, from_key, loaded, manifest))
    return findings


def _validation_view(document: Any) -> Any:
    """What the schema needs to see of ``document``; its findings are the same as for all of it.

    ``files`` entries whose key and checksum pass the Python twins of the schema's checks are left
    out: jsonschema takes a second over 10,000 of them. Containers nested deeper than anything the
    schema checks are emptied: jsonschema's messages repr whole values, which overflows the stack.
    """
    if isinstance(document, dict) and isinstance(document.get("files"), dict):
        files = {key: entry for key, entry in document["files"].items() if not _plainly_valid(key, entry)}
        document = {**document, "files": files}
    return _bounded(document, 0)


def _plainly_valid(key: str, entry: Any) -> bool:
    if unsafe_path_reason(key) is not None or not isinstance(entry, dict):
        return False
    checksum = entry.get("checksum")
    return isinstance(checksum, str) and _CHECKSUM.fullmatch(checksum) is not None


def _bounded(value: Any, depth: int) -> Any:
    if isinstance(value, dict):
        return {} if depth >= _SCHEMA_DEPTH else {key: _bounded(item, depth + 1) for key, item in value.items()}
    if isinstance(value, list):
        return [] if depth >= _SCHEMA_DEPTH else [_bounded(item, depth + 1) for item in value]
    return value


def _unsafe_path(key: str, loaded: LoadedJson, manifest: str) -> Finding:
    reason = unsafe_path_reason(key) or "is not a plain relative path"
    message = (
        f"files key {_show(key)} {reason}; expected a relative POSIX path inside the app directory, "
        "such as 'app.py' or 'data/prices.csv'"
    )
    line = loaded.line_of(("files", key))
    return _finding("MG005", manifest, line, message, subject=key)


def _unknown_appmode(value: str, loaded: LoadedJson, manifest: str) -> Finding:
    if value == "unknown":
        message = (
            "unknown appmode 'unknown': a placeholder that Connect rejects with \"Unrecognized app mode\"; "
            "write the content's real appmode"
        )
    elif (suggestion := suggest_appmode(value)) is not None:
        message = f"unknown appmode {_show(value)}; did you mean {suggestion!r}?"
    else:
        known = ", ".join(sorted(KNOWN_APPMODES))
        message = f"unknown appmode {_show(value)}; expected one of Connect's appmodes: {known}"
    path = ("metadata", "appmode")
    return _finding("MG004", manifest, loaded.line_of(path), message, subject=json_path(path))


def _schema_violation(
    error: ValidationError, path: JsonPath, from_key: bool, loaded: LoadedJson, manifest: str
) -> Finding:
    appmode = None
    if "then" in error.absolute_schema_path:  # an appmode condition: the appmode is the reason
        appmode = loaded.value["metadata"]["appmode"]
    if from_key:
        line = loaded.line_at((*path, error.instance)) or loaded.line_of(path)
    elif appmode is not None and not path:
        line = loaded.line_of(("metadata", "appmode"))
    else:
        line = loaded.line_of(path)
    where = json_path(path)
    message = f"{where}: {_describe(error, appmode, from_key)}"
    return _finding("MG002", manifest, line, message, subject=where)


def _describe(error: ValidationError, appmode: str | None, from_key: bool) -> str:
    """What is wrong with the value at the error's path and what is expected, in one line."""
    for_mode = f" for appmode {appmode!r}" if appmode else ""
    found = f"key {_show(error.instance)}" if from_key else _show(error.instance)
    keyword, expected = error.validator, error.validator_value
    if keyword == "required":
        return f"{error.message}{for_mode}"  # "'entrypoint' is a required property": names from the schema
    if keyword == "type":
        return f"expected {_type_names(expected)}{for_mode}, found {_kind(error.instance)}"
    if keyword == "const":
        return f"expected {_show(expected)}{for_mode}, found {found}"
    if keyword == "enum":
        return f"expected one of {', '.join(_show(value) for value in expected)}{for_mode}, found {found}"
    if keyword == "pattern":
        wanted = error.schema.get("description") or f"a string matching {expected!r}"
        return f"expected {wanted}{for_mode}, found {found}"
    if keyword == "minLength":
        wanted = "a non-empty string" if expected == 1 else f"a string of at least {expected} characters"
        return f"expected {wanted}{for_mode}, found {found}"
    if keyword in ("anyOf", "oneOf"):
        forms = " or ".join(sub.get("description") or _type_names(sub.get("type", "another form")) for sub in expected)
        return f"expected {forms}{for_mode}, found {_kind(error.instance)}"
    return f"{_short(error.message)}{for_mode}"


# --- message pieces -------------------------------------------------------------------------------


def _finding(
    code: str, manifest: str, line: int, message: str, column: int | None = None, subject: str = ""
) -> Finding:
    return Finding(code, manifest, manifest, line, _one_line(message), column=column, subject=subject)


def _type_names(types: str | list[str]) -> str:
    names = [_TYPE_NAMES.get(name, name) for name in ([types] if isinstance(types, str) else types)]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"


def _kind(value: Any) -> str:
    """A value's JSON type and, for a scalar, the value: ``a number (2)``, ``an object``."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"a boolean ({_show(value)})"
    if isinstance(value, (int, float)):
        return f"a number ({_show(value)})"
    if isinstance(value, str):
        return f"a string ({_show(value)})"
    return _show(value)


def _show(value: Any) -> str:
    """A scalar as the message shows it (strings quoted and escaped); containers by their type."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return repr(value) if len(value) <= 80 else f"{value[:60]!r}..."
    if isinstance(value, (int, float)):
        return _short(repr(value))
    return "an object" if isinstance(value, dict) else "an array"


def _short(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else f"{text[: limit - 3]}..."


def _escaped(char: str) -> str:
    return char if char.isprintable() else repr(char)[1:-1]


def _double_quoted(key: str) -> str:
    return '"' + "".join("\\" + char if char in '"\\' else _escaped(char) for char in key) + '"'


def _one_line(message: str) -> str:
    """Escape what a terminal or a line-based report would not show as one line of text."""
    return "".join(_escaped(char) for char in message)
