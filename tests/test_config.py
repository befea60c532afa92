"""Configuration: where it is found, strict validation, and what each key changes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from manifest_guard.catalogue.codes import Severity
from manifest_guard.foundation.errors import UserError
from manifest_guard.settings.config import Config, config_from_table, find_config, load_config_file
from manifest_guard.settings.selection import RuleSelection
from tests.conftest import git, put
from tests.gitapp import APP, FLASK_APP, MANIFEST, check_json, commit_all, write_manifest
from tests.inprocess import run_main


def test_defaults_without_configuration(tmp_path: Path) -> None:
    assert find_config(str(tmp_path)) == Config()


def test_pyproject_table_and_dedicated_file(tmp_path: Path) -> None:
    put(tmp_path, {"pyproject.toml": '[project]\nname = "x"\n[tool.manifest-guard]\nstrict = true\n'})
    assert find_config(str(tmp_path)).strict is True
    put(tmp_path, {".manifest-guard.toml": 'ignore = ["MG4"]\n'})
    config = find_config(str(tmp_path))
    assert config.strict is False and config.ignore == ("MG4",)
    assert config.source is not None and config.source.endswith(".manifest-guard.toml")


def test_pyproject_without_our_table(tmp_path: Path) -> None:
    put(tmp_path, {"pyproject.toml": '[project]\nname = "x"\n'})
    assert find_config(str(tmp_path)) == Config()


@pytest.mark.parametrize(
    ("table", "fragment"),
    [
        ({"slect": ["MG1"]}, "unknown configuration key slect"),
        ({"apps": [{"path": "a", "entry": "x"}]}, "unknown configuration key apps[0].entry"),
        ({"select": ["MG9"]}, "select: 'MG9' matches no rule code"),
        ({"strict": "yes"}, "strict: must be true or false"),
        ({"exclude": [1]}, "exclude: must be a list of strings"),
        ({"large-file-mb": 0}, "large-file-mb: must be a positive number"),
        ({"severity": {"MG999": "error"}}, "severity.MG999: not a rule code"),
        ({"severity": {"MG103": "fatal"}}, "severity.MG103: must be"),
        ({"apps": [{"mode": "flask"}]}, "apps[0].path: is required"),
        ({"apps": [{"path": "../up"}]}, "must be a directory inside the repository"),
        ({"apps": [{"path": "a", "mode": "rails"}]}, "apps[0].mode: 'rails' is not one of"),
        ({"apps": [{"path": "a"}, {"path": "a/"}]}, "declared twice"),
        ({"apps": {"path": "a"}}, "apps: must be an array of tables"),
        ({"dependency-map": {"pillow": "PIL"}}, None),
        ({"dependency-map": {"pillow": [1]}}, "dependency-map.pillow: must be a list of strings"),
    ],
)
def test_validation(table: dict, fragment: str | None) -> None:
    if fragment is None:
        config_from_table(table, "pyproject.toml")
        return
    with pytest.raises(UserError) as raised:
        config_from_table(table, "pyproject.toml")
    assert raised.value.message.startswith("pyproject.toml: ")
    assert fragment in raised.value.message


def test_full_table() -> None:
    config = config_from_table(
        {
            "select": ["MG1", "mg4"],
            "ignore": "MG402",
            "strict": True,
            "exclude": ["*.log"],
            "large-file-mb": 50,
            "known-first-party": ["mylib"],
            "dependency-map": {"pillow": ["PIL"]},
            "severity": {"MG103": "warning"},
            "apps": [{"path": "./apps/a/", "mode": "flask", "entrypoint": "app:app", "exclude": ["data/"],
                      "python-version": "3.11.4", "ignore": ["MG101"]}],
        },
        "cfg",
    )  # fmt: skip
    assert config.select == ("MG1", "MG4") and config.ignore == ("MG402",)
    assert config.large_file_mb == 50.0 and config.dependency_map == {"pillow": ("PIL",)}
    app = config.app("apps/a")
    assert app is not None and app.mode == "flask" and app.exclude == ("data/",) and app.ignore == ("MG101",)


def test_invalid_toml_names_the_file(tmp_path: Path) -> None:
    put(tmp_path, {".manifest-guard.toml": "select = [\n"})
    with pytest.raises(UserError) as raised:
        load_config_file(str(tmp_path / ".manifest-guard.toml"))
    assert ".manifest-guard.toml: invalid TOML" in raised.value.message


def test_selection_rules() -> None:
    default = RuleSelection.build(Config())
    assert default.severities["MG305"] is Severity.OFF and default.severities["MG101"] is Severity.ERROR
    selected = RuleSelection.build(Config(), ["MG305"])
    assert selected.severities["MG305"] is Severity.WARNING and selected.severities["MG101"] is Severity.OFF
    assert RuleSelection.build(Config(), ["MG3"]).severities["MG305"] is Severity.OFF
    configured = RuleSelection.build(Config(severity={"MG103": Severity.WARNING}, ignore=("MG4",)))
    assert configured.severities["MG103"] is Severity.WARNING
    assert configured.severities["MG401"] is Severity.OFF
    assert configured.severity("MG101", Severity.ERROR, app_ignore=("MG1",)) is Severity.OFF
    assert default.severity("MG103", Severity.WARNING) is Severity.WARNING  # no base: the rule's proposal
    assert RuleSelection.build(Config(severity={"MG103": Severity.ERROR})).severity(
        "MG103", Severity.WARNING
    ) is Severity.ERROR  # fmt: skip


@pytest.fixture
def stale_repo(git_repo: Path) -> Path:
    put(git_repo / APP, FLASK_APP)
    write_manifest(git_repo)
    commit_all(git_repo)
    put(git_repo / APP, {"helpers.py": "X = 99\n", "data/big.csv": "a,b\n"})
    git(git_repo, "add", "-A")
    return git_repo


def test_cli_reports_an_unknown_key_with_exit_2(stale_repo: Path) -> None:
    put(stale_repo, {"pyproject.toml": "[tool.manifest-guard]\nignroe = ['MG1']\n"})
    result = run_main(["check"], stale_repo)
    assert result.code == 2
    assert "pyproject.toml: unknown configuration key ignroe" in result.stderr


def test_config_ignore_severity_and_app_exclude(stale_repo: Path) -> None:
    code, report = check_json(stale_repo)
    assert code == 1 and sorted(f["code"] for f in report["findings"]) == ["MG101", "MG103"]
    put(stale_repo, {".manifest-guard.toml": f'[[apps]]\npath = "{APP}"\nexclude = ["data/"]\n'})
    code, report = check_json(stale_repo)
    assert [f["code"] for f in report["findings"]] == ["MG101"]
    put(stale_repo, {".manifest-guard.toml": 'exclude = ["data/"]\nignore = ["MG101"]\n'})
    assert check_json(stale_repo)[0] == 0
    put(stale_repo, {".manifest-guard.toml": '[severity]\nMG101 = "warning"\nMG103 = "warning"\n'})
    code, report = check_json(stale_repo)
    assert code == 0 and {f["severity"] for f in report["findings"]} == {"warning"}
    assert check_json(stale_repo, "--strict")[0] == 1
    put(stale_repo, {".manifest-guard.toml": 'strict = true\n[severity]\nMG101 = "warning"\nMG103 = "off"\n'})
    assert check_json(stale_repo)[0] == 1
    put(stale_repo, {".manifest-guard.toml": f'[[apps]]\npath = "{APP}"\nignore = ["MG1"]\n'})
    assert check_json(stale_repo)[0] == 0


def test_explicit_config_option(stale_repo: Path, tmp_path: Path) -> None:
    put(tmp_path, {"elsewhere.toml": 'ignore = ["MG1"]\n'})
    assert check_json(stale_repo, "--config", str(tmp_path / "elsewhere.toml"))[0] == 0
    missing = run_main(["check", "--config", str(tmp_path / "nope.toml")], stale_repo)
    assert missing.code == 2 and "nope.toml" in missing.stderr


def test_fix_honours_the_app_exclude(stale_repo: Path) -> None:
    put(stale_repo, {".manifest-guard.toml": f'[[apps]]\npath = "{APP}"\nexclude = ["data/"]\n'})
    assert run_main(["fix"], stale_repo).code == 1
    files = json.loads((stale_repo / MANIFEST).read_text())["files"]
    assert "data/big.csv" not in files
