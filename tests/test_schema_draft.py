"""The draft manifest schema is a valid Draft 2020-12 schema and accepts what ``write`` produces."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((ROOT / "schemas" / "manifest.schema.json").read_text(encoding="utf-8"))


def test_schema_is_valid_draft_2020_12() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


@pytest.mark.parametrize("manifest", sorted((ROOT / "examples").glob("*/manifest.json")), ids=lambda p: p.parent.name)
def test_example_manifests_validate(manifest: Path) -> None:
    jsonschema.Draft202012Validator(SCHEMA).validate(json.loads(manifest.read_text(encoding="utf-8")))


def test_schema_rejects_a_bad_checksum() -> None:
    bad = {"metadata": {"appmode": "python-api"}, "files": {"app.py": {"checksum": "XYZ"}}}
    assert not jsonschema.Draft202012Validator(SCHEMA).is_valid(bad)
