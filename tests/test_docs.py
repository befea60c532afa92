"""The README documents every command option, rule code and configuration key; packaging ships every module."""

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


@pytest.mark.parametrize("code", sorted(RULES))
def test_every_rule_is_documented(code: str) -> None:
    rule = RULES[code]
    if rule.implemented:
        assert f"### {code} {rule.name}" in README
    else:
        assert rule.name in README
    assert code in README


@pytest.mark.parametrize("key", [*TOP_KEYS, *APP_KEYS])
def test_every_configuration_key_is_documented(key: str) -> None:
    assert f"`{key}`" in README


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_option_is_documented(command: str) -> None:
    parser = COMMANDS[command]().build_parser(f"manifest-guard {command}")
    for action in parser._actions:
        for option in action.option_strings:
            if option in ("-h", "--help"):
                continue
            assert re.search(rf"`{re.escape(option)}[ `\\]", README), f"{command} {option} is not in the README"


def test_setup_cfg_lists_every_package() -> None:
    parser = configparser.ConfigParser()
    parser.read(ROOT / "setup.cfg")
    listed = set(parser.get("options", "packages").split())
    found = {
        ".".join(path.parent.relative_to(ROOT).parts)
        for path in (ROOT / "manifest_guard").rglob("__init__.py")
    }
    assert found | {"manifest_guard.schemas", "manifest_guard.docs"} == listed
