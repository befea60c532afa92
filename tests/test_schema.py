"""MG001-MG005 and the manifest schema: real manifests pass clean, broken ones give exactly the findings expected.

Each broken document below is written one line per string, so the expected line numbers can be
counted in the source (the numbered comments say which line a finding points at).
"""

from __future__ import annotations

import json
import subprocess
import sys
from importlib import resources
from pathlib import Path

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from manifest_guard.foundation.schema import manifest_schema, manifest_validator
from manifest_guard.rules.document import (
    APPMODE_ALIASES,
    KNOWN_APPMODES,
    check_document,
    json_path,
    suggest_appmode,
    unsafe_path_reason,
)

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_FILE = ROOT / "schemas" / "manifest.schema.json"
VALID = sorted((ROOT / "tests" / "schema_corpus" / "valid").glob("*.json"))
EXAMPLES = sorted((ROOT / "examples").glob("*/manifest.json"))
CHECKSUM = "d41d8cd98f00b204e9800998ecf8427e"


def lines(*rows: str) -> bytes:
    """A document from its lines: row n of the call is line n of the document."""
    return ("\n".join(rows) + "\n").encode("utf-8")


def located(raw: bytes) -> list[tuple[str, int | None]]:
    return [(finding.code, finding.line) for finding in check_document(raw, "app/manifest.json").findings]


def messages(raw: bytes) -> list[str]:
    return [finding.message for finding in check_document(raw, "app/manifest.json").findings]


# --- the schema itself ----------------------------------------------------------------------------


def test_schema_is_valid_draft_2020_12() -> None:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)


def test_packaged_schema_is_the_file_in_schemas() -> None:
    packaged = resources.files("manifest_guard.schemas") / "manifest.schema.json"
    assert packaged.read_bytes() == SCHEMA_FILE.read_bytes()
    assert manifest_schema() == json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    assert manifest_validator() is manifest_validator()


def test_known_appmodes_are_the_schema_enum() -> None:
    enum = manifest_schema()["$defs"]["metadata"]["properties"]["appmode"]["enum"]
    assert sorted(enum) == sorted(KNOWN_APPMODES) and len(enum) == 19


def test_aliases_point_at_known_appmodes() -> None:
    for alias, appmode in APPMODE_ALIASES.items():
        assert alias == alias.lower() and alias not in KNOWN_APPMODES and appmode in KNOWN_APPMODES


def test_importing_the_rules_does_not_import_jsonschema() -> None:
    """The hook's start-up stays fast: jsonschema loads only when a manifest is checked."""
    code = "import sys, manifest_guard.rules.document; print('jsonschema' in sys.modules)"
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert completed.stdout.strip() == "False"


# --- real manifests pass --------------------------------------------------------------------------


def test_valid_corpus_covers_every_appmode() -> None:
    appmodes = {json.loads(path.read_bytes())["metadata"]["appmode"] for path in VALID}
    assert len(VALID) >= 20
    assert appmodes == KNOWN_APPMODES


@pytest.mark.parametrize("path", VALID + EXAMPLES, ids=lambda path: f"{path.parent.name}/{path.name}")
def test_real_manifests_validate_and_have_no_findings(path: Path) -> None:
    raw = path.read_bytes()
    jsonschema.Draft202012Validator(json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))).validate(json.loads(raw))
    document = check_document(raw, "app/manifest.json")
    assert document.findings == []
    assert document.loaded is not None and document.loaded.value == json.loads(raw)


def test_schema_rejects_a_bad_checksum() -> None:
    bad = {"metadata": {"appmode": "python-api"}, "files": {"app.py": {"checksum": "XYZ"}}}
    assert not manifest_validator().is_valid(bad)


# --- MG002: schema violations, at the line of the offending value ---------------------------------

SCHEMA_CASES = [
    pytest.param(
        lines(
            "{",
            '  "metadata": {"appmode": "static"},',
            '  "files": {"index.html": "eacf331f0ffc35d4b482f1d15a887d3b"}',  # 3
            "}",
        ),
        [("MG002", 3)],
        id="files-entry-not-an-object",
    ),
    pytest.param(
        lines(
            "{",
            '  "metadata": {"appmode": "static"},',
            '  "files": {',
            '    "index.html": {',
            '      "checksum": 5',  # 5
            "    }",
            "  }",
            "}",
        ),
        [("MG002", 5)],
        id="checksum-a-number",
    ),
    pytest.param(
        lines(
            "{",
            '  "version": 1,',
            '  "metadata": ["static"],',  # 3
            '  "files": {}',
            "}",
        ),
        [("MG002", 3)],
        id="metadata-a-list",
    ),
    pytest.param(
        lines(
            "{",
            '  "version": 2,',  # 2
            '  "metadata": {"appmode": "static"}',
            "}",
        ),
        [("MG002", 2)],
        id="version-2",
    ),
    pytest.param(
        lines(
            "{",
            '  "metadata": {"appmode": "static"},',
            '  "files": 3',  # 3
            "}",
        ),
        [("MG002", 3)],
        id="files-a-number",
    ),
    pytest.param(
        lines(
            "{",
            '  "version": 1,',
            '  "platform": {"version": "4.4.0", "type": "R"},',  # 3: R writes the R version as a string
            '  "metadata": {"appmode": "static", "primary_html": null}',
            "}",
        ),
        [("MG002", 3)],
        id="platform-an-object",
    ),
    pytest.param(
        lines(
            "{",
            '  "metadata": {"appmode": "quarto-static", "primary_rmd": "index.qmd"},',
            '  "quarto": {"version": "1.4.557", "engines": "knitr"}',  # 3
            "}",
        ),
        [("MG002", 3)],
        id="quarto-engines-a-string",
    ),
    pytest.param(
        lines(
            "{",
            '  "metadata": {"appmode": "static"},',
            '  "files": [',
            '    "index.html",',
            "    2",  # 5
            "  ]",
            "}",
        ),
        [("MG002", 5)],
        id="files-array-with-a-number",
    ),
    pytest.param(
        lines(
            "{",
            '  "metadata": {',  # 2
            '    "entrypoint": "app.py"',
            "  }",
            "}",
        ),
        [("MG002", 2)],
        id="missing-appmode",
    ),
    pytest.param(
        lines(
            "{",  # 1
            '  "version": 1,',
            '  "files": {}',
            "}",
        ),
        [("MG002", 1)],
        id="missing-metadata",
    ),
    pytest.param(lines("[]"), [("MG002", 1)], id="not-an-object"),
    pytest.param(
        lines(
            "{",
            '  "metadata": {"appmode": "static"},',
            '  "files": {',
            '    "upper.html": {"checksum": "EACF331F0FFC35D4B482F1D15A887D3B"},',  # 4
            '    "short.html": {"checksum": "eacf331f0ffc35d4b482f1d15a887d3"},',  # 5
            '    "empty.html": {"checksum": ""},',  # 6
            '    "missing.html": {}',  # 7
            "  }",
            "}",
        ),
        [("MG002", 4), ("MG002", 5), ("MG002", 6), ("MG002", 7)],
        id="bad-checksums",
    ),
    pytest.param(
        lines(
            "{",
            '  "metadata": {',
            '    "appmode": 5',  # 3
            "  }",
            "}",
        ),
        [("MG002", 3)],
        id="appmode-not-a-string",
    ),
    pytest.param(
        lines(
            "{",
            '  "metadata": {"appmode": "python-api", "entrypoint": "app"},',
            '  "python": {',
            '    "version": "3.11.7",',
            '    "package_manager": {"name": "pip"}',  # 5
            "  },",
            '  "environment": {"environment_management": {"julia": false}}',  # 7
            "}",
        ),
        [("MG002", 5), ("MG002", 7)],
        id="package-file-missing-and-unknown-environment-key",
    ),
    pytest.param(
        lines(
            "{",
            '  "metadata": {',  # 2
            '    "appmode": "python-api"',
            "  },",
            '  "python": {"version": "3.11.7"},',
            '  "files": {}',
            "}",
        ),
        [("MG002", 2)],
        id="python-mode-without-entrypoint",
    ),
    pytest.param(
        lines(
            "{",
            '  "metadata": {',
            '    "appmode": "python-streamlit",',  # 3: the appmode is why python is needed
            '    "entrypoint": "app"',
            "  }",
            "}",
        ),
        [("MG002", 3)],
        id="python-mode-without-python",
    ),
    pytest.param(
        lines(
            "{",
            '  "metadata": {',
            '    "appmode": "python-dash",',
            '    "entrypoint": ""',  # 4
            "  },",
            '  "python": {"version": "3.11.7"}',
            "}",
        ),
        [("MG002", 4)],
        id="python-mode-empty-entrypoint",
    ),
    pytest.param(
        lines(
            "{",
            '  "metadata": {',
            '    "appmode": "jupyter-static",',
            '    "entrypoint": "analysis.py"',  # 4
            "  },",
            '  "python": {"version": "3.11.7"}',
            "}",
        ),
        [("MG002", 4)],
        id="jupyter-static-entrypoint-not-a-notebook",
    ),
    pytest.param(
        lines(
            "{",
            '  "metadata": {',
            '    "appmode": "jupyter-voila",',
            '    "entrypoint": "app.py"',  # 4
            "  },",
            '  "python": {"version": "3.11.7"}',
            "}",
        ),
        [("MG002", 4)],
        id="jupyter-voila-entrypoint-not-a-notebook",
    ),
    pytest.param(
        lines(
            "{",
            '  "metadata": {',
            '    "appmode": "quarto-static"',  # 3
            "  },",
            '  "files": {}',
            "}",
        ),
        [("MG002", 3)],
        id="quarto-static-without-quarto",
    ),
    pytest.param(
        lines(
            "{",
            '  "metadata": {',
            '    "appmode": "nodejs",',
            '    "entrypoint": ""',  # 4
            "  }",
            "}",
        ),
        [("MG002", 4)],
        id="nodejs-empty-entrypoint",
    ),
]


@pytest.mark.parametrize(("raw", "expected"), SCHEMA_CASES)
def test_schema_violations(raw: bytes, expected: list[tuple[str, int]]) -> None:
    assert located(raw) == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        pytest.param(
            b'{"metadata": {"appmode": "static"}, "files": {"index.html": {"checksum": 5}}}',
            '$.files["index.html"].checksum: expected a string, found a number (5)',
            id="type",
        ),
        pytest.param(
            b'{"metadata": {"appmode": "static"}, "files": 3}',
            "$.files: expected an object, an array or null, found a number (3)",
            id="files-one-message-for-every-form",
        ),
        pytest.param(
            b'{"metadata": {"appmode": "static"}, "files": {"a b.html": {"checksum": "ABC"}}}',
            '$.files["a b.html"].checksum: expected 32 lowercase hexadecimal digits (the MD5 of the file), '
            "found 'ABC'",
            id="pattern",
        ),
        pytest.param(
            b'{"version": 2, "metadata": {"appmode": "static"}}',
            "$.version: expected 1, found 2",
            id="const",
        ),
        pytest.param(
            b'{"metadata": {"appmode": "python-api"}, "python": {"version": "3.11.7"}}',
            "$.metadata: 'entrypoint' is a required property for appmode 'python-api'",
            id="condition-names-the-missing-key-not-a-wrapper",
        ),
        pytest.param(
            b'{"metadata": {"appmode": "jupyter-static", "entrypoint": "a.py"}, "python": {"version": "3.11.7"}}',
            "$.metadata.entrypoint: expected a notebook file name ending in '.ipynb' for appmode 'jupyter-static', "
            "found 'a.py'",
            id="condition-pattern",
        ),
        pytest.param(
            b'{"metadata": {"appmode": "static"}, "environment": {"environment_management": {"julia": false}}}',
            "$.environment.environment_management: expected one of 'python', 'r', 'node', 'nodejs', found key 'julia'",
            id="property-names",
        ),
    ],
)
def test_schema_messages_name_the_path_and_what_is_expected(raw: bytes, message: str) -> None:
    assert messages(raw) == [message]


def test_schema_finding_fields() -> None:
    raw = lines("{", '  "metadata": {"appmode": "static"},', '  "files": {"a.txt": {"checksum": 1}}', "}")
    (finding,) = check_document(raw, "apps/report/manifest.json").findings
    assert (finding.manifest, finding.path, finding.line, finding.column) == (
        "apps/report/manifest.json",
        "apps/report/manifest.json",
        3,
        None,
    )
    assert (finding.subject, finding.name, finding.fixable) == ('$.files["a.txt"].checksum', "schema", False)


# --- MG003: repeated keys, at the line of the repeat ----------------------------------------------

DUPLICATE_CASES = [
    pytest.param(
        lines(
            "{",
            '  "metadata": {"appmode": "static"},',
            '  "files": {},',
            '  "files": {"index.html": {"checksum": "eacf331f0ffc35d4b482f1d15a887d3b"}}',  # 4
            "}",
        ),
        [("MG003", 4)],
        id="top-level",
    ),
    pytest.param(
        lines(
            "{",
            '  "metadata": {"appmode": "static"},',
            '  "files": {',
            f'    "index.html": {{"checksum": "{CHECKSUM}"}},',
            f'    "index.html": {{"checksum": "{CHECKSUM}", "checksum": "{CHECKSUM}"}}',  # 5: two repeats
            "  }",
            "}",
        ),
        [("MG003", 5), ("MG003", 5)],
        id="nested",
    ),
    pytest.param(
        lines(
            "{",
            '  "metadata": {',
            '    "appmode": "static",',
            '    "appmode": "flask"',  # 4: the value json.load keeps is checked too
            "  }",
            "}",
        ),
        [("MG003", 4), ("MG004", 4)],
        id="the-last-value-is-the-one-checked",
    ),
]


@pytest.mark.parametrize(("raw", "expected"), DUPLICATE_CASES)
def test_duplicate_keys(raw: bytes, expected: list[tuple[str, int]]) -> None:
    assert located(raw) == expected


def test_duplicate_key_message() -> None:
    raw = lines("{", '  "metadata": {"appmode": "static"},', '  "files": {', '    "a": {}, "a": {}', "  }", "}")
    (finding,) = [f for f in check_document(raw, "m.json").findings if f.code == "MG003"]
    assert finding.message == (
        "duplicate key 'a' at $.files.a: json.load would keep only the last one and silently drop the others; keep one"
    )
    assert finding.subject == "$.files.a"


# --- MG004: appmodes Connect does not know --------------------------------------------------------


@pytest.mark.parametrize(
    ("appmode", "message"),
    [
        ("python-flask", "unknown appmode 'python-flask'; did you mean 'python-api'?"),
        ("flask", "unknown appmode 'flask'; did you mean 'python-api'?"),
        ("fastapi", "unknown appmode 'fastapi'; did you mean 'python-fastapi'?"),
        ("r-shiny", "unknown appmode 'r-shiny'; did you mean 'shiny'?"),
        ("r-plumber", "unknown appmode 'r-plumber'; did you mean 'api'?"),
        ("html", "unknown appmode 'html'; did you mean 'static'?"),
        ("jupyter-notebook", "unknown appmode 'jupyter-notebook'; did you mean 'jupyter-static'?"),
        ("quarto", "unknown appmode 'quarto'; did you mean 'quarto-static'?"),
        ("nodejs-api", "unknown appmode 'nodejs-api'; did you mean 'nodejs'?"),
        ("Streamlit", "unknown appmode 'Streamlit'; did you mean 'python-streamlit'?"),
        ("Python-API", "unknown appmode 'Python-API'; did you mean 'python-api'?"),
        ("python_dash", "unknown appmode 'python_dash'; did you mean 'python-dash'?"),
        ("python-fastpi", "unknown appmode 'python-fastpi'; did you mean 'python-fastapi'?"),
        (
            "unknown",
            "unknown appmode 'unknown': a placeholder that Connect rejects with \"Unrecognized app mode\"; "
            "write the content's real appmode",
        ),
        ("django", "unknown appmode 'django'; expected one of Connect's appmodes: api, jupyter-static, "),
        ("", "unknown appmode ''; expected one of Connect's appmodes: api, jupyter-static, "),
    ],
)
def test_unknown_appmodes(appmode: str, message: str) -> None:
    raw = lines("{", '  "metadata": {', f'    "appmode": {json.dumps(appmode)}', "  }", "}")  # appmode on line 3
    document = check_document(raw, "m.json")
    assert [(f.code, f.line, f.subject) for f in document.findings] == [("MG004", 3, "$.metadata.appmode")]
    assert document.findings[0].message.startswith(message)


def test_suggest_appmode() -> None:
    assert suggest_appmode(" Voila ") == "jupyter-voila"
    assert suggest_appmode("tensorflow") == "tensorflow-saved-model"
    assert suggest_appmode("shinny") == "shiny"
    assert suggest_appmode("spreadsheet") is None


# --- MG005: files keys that are not safe bundle paths ---------------------------------------------


@pytest.mark.parametrize(
    ("key", "reason"),
    [
        ("", "is empty"),
        ("/srv/app/app.py", "is absolute"),
        ("C:/app/app.py", "starts with a Windows drive ('C:')"),
        ("data\\prices.csv", "has a backslash"),
        ("../secrets.txt", "has a '..' segment"),
        ("data/../../etc/passwd", "has a '..' segment"),
        ("./app.py", "starts with './'"),
        ("data/./prices.csv", "has a '.' segment"),
        ("data//prices.csv", "has an empty segment"),
        ("data/", "ends with '/'"),
        ("data\x00.csv", "has a NUL character"),
        ("data\n.csv", "has a control character ('\\n')"),
    ],
)
def test_unsafe_paths(key: str, reason: str) -> None:
    assert unsafe_path_reason(key) == reason
    raw = lines(
        "{",
        '  "metadata": {"appmode": "static"},',
        '  "files": {',
        f'    {json.dumps(key)}: {{"checksum": "{CHECKSUM}"}}',  # 4
        "  }",
        "}",
    )
    (finding,) = check_document(raw, "m.json").findings
    assert (finding.code, finding.line, finding.subject) == ("MG005", 4, key)
    assert finding.message == (
        f"files key {key!r} {reason}; expected a relative POSIX path inside the app directory, "
        "such as 'app.py' or 'data/prices.csv'"
    )


def test_a_key_failing_several_path_checks_is_one_finding() -> None:
    raw = lines(
        "{", '  "metadata": {"appmode": "static"},', f'  "files": {{"/../x": {{"checksum": "{CHECKSUM}"}}}}', "}"
    )
    assert located(raw) == [("MG005", 3)]


@pytest.mark.parametrize(
    "key", ["app.py", "data/prices.csv", ".python-version", "a..b/c.d", "été/résumé.html", "notes:2024.txt"]
)
def test_safe_paths(key: str) -> None:
    assert unsafe_path_reason(key) is None


PATH_CHARACTERS = st.text(alphabet=["a", "b", ".", "/", "\\", ":", "C", "\x00", "\n", " ", "é"], max_size=8)


@settings(max_examples=200, deadline=None)
@given(key=PATH_CHARACTERS)
def test_schema_and_unsafe_path_reason_agree(key: str) -> None:
    document = {"metadata": {"appmode": "static"}, "files": {key: {"checksum": CHECKSUM}}}
    assert manifest_validator().is_valid(document) == (unsafe_path_reason(key) is None)


# --- MG001: not JSON, at a line and a column ------------------------------------------------------

SYNTAX_CASES = [
    pytest.param(lines("{", '  "metadata": {"appmode": "static"},', "}"), 3, 1, "property name", id="trailing-comma"),
    pytest.param(b'{\n  "metadata": {"appmode": "sta', 2, 27, "unterminated string", id="truncated-in-a-string"),
    pytest.param(b'{\n  "metadata": {"appmode": "static"}', 2, 36, "unexpected end of data", id="truncated"),
    pytest.param(b"", 1, 1, "unexpected end of data", id="empty"),
    pytest.param(b"\xef\xbb\xbf{}", 1, 1, "without a byte order mark", id="bom"),
    pytest.param(lines("{", '  "version": NaN', "}"), 2, 14, "NaN and Infinity are not JSON", id="nan"),
    pytest.param(lines("{", '  "version": -Infinity', "}"), 2, 14, "NaN and Infinity are not JSON", id="infinity"),
    pytest.param(b'{\n  "locale": "caf\xe9"\n}\n', 2, 17, "save the manifest as UTF-8", id="latin-1"),
    pytest.param(b"{}\n{}\n", 2, 1, "extra data", id="trailing-data"),
    pytest.param(b'{\n  "locale": "en\tUS"\n}', 2, 16, "invalid control character", id="raw-tab-in-a-string"),
    pytest.param(b'{\n  "version": 1' + b"0" * 5000 + b"\n}", 2, 14, "too many digits", id="huge-integer"),
]


@pytest.mark.parametrize(("raw", "line", "column", "words"), SYNTAX_CASES)
def test_invalid_json(raw: bytes, line: int, column: int, words: str) -> None:
    document = check_document(raw, "m.json")
    assert document.loaded is None
    assert [(f.code, f.line, f.column) for f in document.findings] == [("MG001", line, column)]
    message = document.findings[0].message
    assert message.startswith("invalid JSON: ") and f"line {line}, column {column}" in message and words in message


# --- never raises, one line per message -----------------------------------------------------------


def all_cases() -> list[bytes]:
    return [case.values[0] for case in [*SCHEMA_CASES, *DUPLICATE_CASES, *SYNTAX_CASES]]


def test_messages_are_one_printable_line() -> None:
    raw = lines(
        "{",
        '  "metadata": {"appmode": "bad\\nmode\\u2028"},',
        '  "files": {"a\\nb\\u0000": {"checksum": "x\\ny"}, "\\u00e9\\t": 1}',
        "}",
    )
    for case in [*all_cases(), raw]:
        for finding in check_document(case, "m.json").findings:
            assert finding.message.isprintable(), finding.message


@pytest.mark.parametrize("where", ["locale", "files"])
def test_deeply_nested_values_are_reported_not_crashed_on(where: str) -> None:
    """jsonschema's messages repr the failing value; at 990 levels that would overflow the stack."""
    deep = "[" * 990 + "]" * 990
    value = deep if where == "locale" else f'{{"a.txt": {{"checksum": {deep}}}}}'
    raw = lines("{", '  "metadata": {"appmode": "static"},', f'  "{where}": {value}', "}")
    assert located(raw) == [("MG002", 3)]


JSON_SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text()
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4),
    max_leaves=20,
)
MANIFEST_KEYS = ["version", "metadata", "python", "quarto", "environment", "packages", "files", "users", "jupyter"]
MANIFESTS = st.dictionaries(st.sampled_from(MANIFEST_KEYS), JSON_VALUES, max_size=6) | st.fixed_dictionaries(
    {
        "metadata": st.fixed_dictionaries(
            {"appmode": st.sampled_from(sorted(KNOWN_APPMODES)) | st.text(max_size=8)},
            optional={"entrypoint": JSON_VALUES},
        ),
        "files": st.dictionaries(PATH_CHARACTERS, st.fixed_dictionaries({"checksum": JSON_VALUES}), max_size=4)
        | JSON_VALUES,
    },
    optional={"python": JSON_VALUES, "quarto": JSON_VALUES, "version": JSON_VALUES},
)


@settings(max_examples=200, deadline=None)
@given(data=st.binary(max_size=80))
def test_random_bytes_never_raise(data: bytes) -> None:
    document = check_document(data, "m.json")
    if document.loaded is None:
        ((code, line, column),) = [(f.code, f.line, f.column) for f in document.findings]
        assert code == "MG001" and line is not None and line >= 1 and column is not None and column >= 1


@settings(max_examples=200, deadline=None)
@given(value=JSON_VALUES | MANIFESTS, indent=st.sampled_from([None, 2, "\t"]))
def test_random_json_never_raises_and_agrees_with_the_schema(value: object, indent: int | str | None) -> None:
    """Whatever the document, findings come back; there are some exactly when the schema has errors."""
    raw = json.dumps(value, indent=indent).encode("utf-8")
    document = check_document(raw, "m.json")
    assert document.loaded is not None
    assert {f.code for f in document.findings} <= {"MG002", "MG004", "MG005"}
    assert all(f.line is not None and f.line >= 1 and f.message.isprintable() for f in document.findings)
    assert bool(document.findings) == (not manifest_validator().is_valid(value))


def test_json_path() -> None:
    assert json_path(()) == "$"
    assert json_path(("files", "app.py", "checksum")) == '$.files["app.py"].checksum'
    assert json_path(("integration_requests", 0, "config")) == "$.integration_requests[0].config"
    assert json_path(("files", 'say "hi"\\', "a\nb", "_ok1")) == '$.files["say \\"hi\\"\\\\"]["a\\nb"]._ok1'


def test_an_any_of_failure_is_one_message_naming_every_form() -> None:
    """The manifest schema spells alternatives as type lists today; an anyOf added later still reads well."""
    from manifest_guard.rules.document import _describe

    schema = {"anyOf": [{"type": "string", "description": "a file name"}, {"type": "null"}]}
    (error,) = jsonschema.Draft202012Validator(schema).iter_errors(3)
    assert _describe(error, None, False) == "expected a file name or null, found a number (3)"
