"""The package layout is the pipeline: every module imports, and no stage imports a later one.

The stages, earliest first, are listed in ARCHITECTURE.md; an import that points backwards (including
a lazy one inside a function, or one under ``TYPE_CHECKING``) fails here, so a back-edge never lands.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path

import pytest

import manifest_guard

PACKAGE_ROOT = Path(manifest_guard.__file__).resolve().parent

# Earliest first. A module may import modules of its own stage or of earlier ones.
STAGES: list[tuple[str, ...]] = [
    ("manifest_guard",),  # the version string, nothing else
    ("manifest_guard.foundation",),
    ("manifest_guard.catalogue",),
    ("manifest_guard.settings",),
    ("manifest_guard.caches",),
    ("manifest_guard.repository",),
    ("manifest_guard.engine",),
    ("manifest_guard.readers",),
    ("manifest_guard.rules",),
    ("manifest_guard.checking",),
    ("manifest_guard.reporters",),
    ("manifest_guard.fixing",),
    ("manifest_guard.onboarding",),
    ("manifest_guard.commands",),
    ("manifest_guard.cli", "manifest_guard.__main__"),
]
DATA_PACKAGES = {"manifest_guard.schemas", "manifest_guard.docs"}  # JSON files only, never imported as code


def _all_modules() -> list[str]:
    found = ["manifest_guard"]
    for info in pkgutil.walk_packages([str(PACKAGE_ROOT)], prefix="manifest_guard."):
        if info.name not in DATA_PACKAGES:
            found.append(info.name)
    return sorted(found)


def _source(module: str) -> Path:
    relative = Path(*module.split(".")[1:])
    package = PACKAGE_ROOT / relative / "__init__.py"
    return package if package.is_file() else (PACKAGE_ROOT / relative).with_suffix(".py")


def _stage(module: str) -> int:
    """The stage of ``module``: its longest matching stage prefix."""
    best: tuple[int, int] | None = None
    for index, prefixes in enumerate(STAGES):
        for prefix in prefixes:
            matches = module == prefix or module.startswith(prefix + ".")
            if matches and (best is None or len(prefix) > best[1]):
                best = (index, len(prefix))
    if best is None:
        raise AssertionError(f"{module} belongs to no stage: add its package to STAGES and ARCHITECTURE.md")
    return best[0]


def _imported(module: str, text: str, is_package: bool = False) -> set[str]:
    """Every package module the source ``text`` of ``module`` imports, wherever the import statement is."""
    tree = ast.parse(text)
    imported: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names if alias.name.startswith("manifest_guard"))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = module.split(".")
                base = parts if is_package else parts[:-1]
                base = base[: len(base) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            if not target.startswith("manifest_guard"):
                continue
            for alias in node.names:  # `from pkg import submodule` imports the submodule
                candidate = f"{target}.{alias.name}"
                imported.add(candidate if candidate in MODULES else target)
    return imported


MODULES = _all_modules()


@pytest.mark.parametrize("module", MODULES)
def test_every_module_imports(module: str) -> None:
    importlib.import_module(module)


def _back_edges(module: str, text: str, is_package: bool = False) -> list[str]:
    return [
        f"{module} (stage {_stage(module)}) imports {target} (stage {_stage(target)})"
        for target in sorted(_imported(module, text, is_package))
        if _stage(target) > _stage(module)
    ]


def test_no_stage_imports_a_later_stage() -> None:
    back_edges = [
        edge
        for module in MODULES
        for edge in _back_edges(module, _source(module).read_text(encoding="utf-8"),
                                _source(module).name == "__init__.py")
    ]  # fmt: skip
    assert back_edges == []


def test_every_subpackage_says_what_it_owns_in_two_lines() -> None:
    for module in MODULES:
        if _source(module).name != "__init__.py" or module == "manifest_guard":
            continue
        docstring = ast.get_docstring(ast.parse(_source(module).read_text(encoding="utf-8")))
        assert docstring, f"{module} has no docstring"
        assert len(docstring.strip().splitlines()) <= 2, f"{module}'s docstring is longer than two lines"


@pytest.mark.parametrize(
    "text",
    [
        "from manifest_guard.engine.compute import compute_manifest",
        "def later():\n    from manifest_guard.checking import checker\n",
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import manifest_guard.cli\n",
        "from ..rules import document",
        "from manifest_guard import reporters",
    ],
)
def test_the_layering_check_catches_a_back_edge(text: str) -> None:
    """The check itself can fail: a foundation module reaching a later stage, however it imports."""
    assert _back_edges("manifest_guard.foundation.fake", text) != []
    assert _back_edges("manifest_guard.foundation.fake", "from manifest_guard.foundation import errors") == []


def test_a_module_outside_every_stage_is_reported() -> None:
    with pytest.raises(AssertionError, match="belongs to no stage"):
        _stage("manifest_guard_other.module")


def test_the_architecture_document_lists_every_stage() -> None:
    text = (PACKAGE_ROOT.parent / "ARCHITECTURE.md").read_text(encoding="utf-8")
    for prefixes in STAGES[1:]:
        for prefix in prefixes:
            shown = prefix.removeprefix("manifest_guard.")
            assert f"`{shown}" in text, f"ARCHITECTURE.md does not mention {shown}"
