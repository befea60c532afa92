"""The documentation covers every command option, rule code and configuration key, the README stays a
short page for users, no internal working words leak into the project, and packaging ships every module."""

from __future__ import annotations

import configparser
import re
from pathlib import Path

import pytest

from manifest_guard.catalogue.codes import RULES
from manifest_guard.cli import COMMANDS
from manifest_guard.settings.config import APP_KEYS, TOP_KEYS

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
RULE_DOCS = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
CONFIGURATION = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
COMMAND_DOCS = (ROOT / "docs" / "commands.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("code", sorted(RULES))
def test_every_rule_is_documented(code: str) -> None:
    rule = RULES[code]
    assert f"\n## {code} {rule.name}\n" in RULE_DOCS
    assert f"[{code}](docs/rules.md#{code.lower()}-{rule.name})" in README


@pytest.mark.parametrize("key", [*TOP_KEYS, *APP_KEYS])
def test_every_configuration_key_is_documented(key: str) -> None:
    assert f"`{key}`" in CONFIGURATION


def test_the_readme_is_a_short_page_for_users() -> None:
    lines = README.splitlines()
    assert len(lines) < 350
    assert "## Quick start" in "\n".join(lines[:20])


WORKING_WORDS = re.compile(r"\bissue \d|\bSPEC\b|\bsession\b.*\bhelper|/work/")


def test_the_project_speaks_of_itself_only() -> None:
    """No words about how the work is organised in code, tests, docs or scripts."""
    leaks = []
    for path in [*ROOT.glob("*.md"), *ROOT.glob("docs/*.md"), *ROOT.glob("manifest_guard/**/*.py"),
                 *ROOT.glob("scripts/*.py"), *ROOT.glob("benchmarks/*.py")]:  # fmt: skip
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if WORKING_WORDS.search(line):
                leaks.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert leaks == []


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_option_is_documented(command: str) -> None:
    parser = COMMANDS[command]().build_parser(f"manifest-guard {command}")
    for action in parser._actions:
        for option in action.option_strings:
            if option in ("-h", "--help"):
                continue
            documented = re.search(rf"`{re.escape(option)}[ `\\]", COMMAND_DOCS)
            assert documented, f"{command} {option} is not in docs/commands.md"


def test_setup_cfg_lists_every_package() -> None:
    parser = configparser.ConfigParser()
    parser.read(ROOT / "setup.cfg")
    listed = set(parser.get("options", "packages").split())
    found = {
        ".".join(path.parent.relative_to(ROOT).parts)
        for path in (ROOT / "manifest_guard").rglob("__init__.py")
    }
    assert found | {"manifest_guard.schemas", "manifest_guard.docs"} == listed
