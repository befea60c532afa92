"""The packaged manifest JSON Schema and its validator, loaded once and only when a check needs them.

jsonschema (and importlib.resources) are imported inside the functions: jsonschema alone costs more
than the rest of the hook's start-up, and ``--version`` or a run with nothing to check needs neither.
"""

from __future__ import annotations

import functools
import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator  # type: ignore[import-untyped]  # no stubs installed

SCHEMA_RESOURCE = "manifest.schema.json"


@functools.cache
def manifest_schema() -> dict[str, Any]:
    """The manifest schema shipped as ``manifest_guard.schemas`` (shared: do not mutate it)."""
    from importlib import resources

    text = (resources.files("manifest_guard.schemas") / SCHEMA_RESOURCE).read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@functools.cache
def manifest_validator() -> Draft202012Validator:
    """A Draft 2020-12 validator for :func:`manifest_schema`, built on first use."""
    from jsonschema import Draft202012Validator

    return Draft202012Validator(manifest_schema())
