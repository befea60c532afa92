#!/usr/bin/env python3
"""Generate ``manifest_guard/data/stdlib_modules.json``: top-level standard-library module names per Python version.

manifest-guard must not ask ``requirements.txt`` to provide ``import json`` or ``import tomllib``, and it must do
so for the Python version an app targets, not the one manifest-guard runs on.  ``sys.stdlib_module_names`` only
exists from 3.10 on and only describes the running interpreter, so the lists are assembled from:

1. ``stdlib-list`` (PyPI, pinned below): its ``stdlib_list/lists/<version>.txt`` data files, read straight from
   the wheel fetched with ``pip download`` (never installed).  Only top-level names are kept (``os.path`` ->
   ``os``).  From 3.10 on its lists follow ``sys.stdlib_module_names`` (plus ``__main__`` and ``xxsubtype``).
2. The running interpreter's ``sys.stdlib_module_names``, merged into its own version.
3. For 3.9, whose ``stdlib-list`` file was made another way (from the documentation and an installed tree),
   astroid's ``_backport_stdlib_names.py`` (PyPI, pinned below, parsed with ``ast``, never imported), which holds
   ``sys.stdlib_module_names`` computed for 3.7-3.9 by backporting the CPython generator (bpo-42955).  It adds
   the C accelerator modules the 3.9 file misses (``_asyncio``, ``_csv``, ``_json``, ``pyexpat``, ``nt``...).
   Four modules that the 3.10 list has and that exist since well before 3.9 (``_frozen_importlib``,
   ``_frozen_importlib_external``, ``_overlapped`` on Windows, ``_scproxy`` on macOS) are added as well.
   Artefacts of the 3.9 file's build are removed: ``lib`` (from ``lib.libpython3``), ``_sysconfigdata_*``
   (build-specific), and the test modules ``test``, ``__phello__`` and ``_xxsubinterpreters``, which
   ``sys.stdlib_module_names`` excludes by design (3.10 to 3.12 do not list ``_xxsubinterpreters`` either).

Every list includes private modules (``_thread``, ``_collections_abc``) and ``__future__``, and is a union over
platforms (``winreg``, ``msvcrt``, ``posix``...), as ``sys.stdlib_module_names`` is.  The script asserts the
documented removals (PEP 632 ``distutils``, ``imp``, ``asynchat``/``asyncore``/``smtpd`` in 3.12; the PEP 594
modules and ``lib2to3`` in 3.13) and additions (``tomllib`` in 3.11; ``annotationlib`` and ``compression`` in
3.14), so a wrong input fails loudly.

Run with the project's dev interpreter (stdlib + pip only)::

    python scripts/generate_stdlib_modules.py
"""

from __future__ import annotations

import argparse
import ast
import datetime
import json
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Sequence
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = REPO_ROOT / "manifest_guard" / "data" / "stdlib_modules.json"

STDLIB_LIST_REQUIREMENT = "stdlib-list==0.12.0"
ASTROID_REQUIREMENT = "astroid==3.3.11"
VERSIONS = ("3.9", "3.10", "3.11", "3.12", "3.13", "3.14")

# 3.9 fix-ups (see the module docstring).
PY39_ADD = frozenset({"_frozen_importlib", "_frozen_importlib_external", "_overlapped", "_scproxy"})
PY39_REMOVE = frozenset({"lib", "test", "__phello__", "_xxsubinterpreters"})

# Documented removals: version -> modules that must be absent from it and every later version.
REMOVED_IN = {
    "3.10": frozenset({"formatter", "parser", "symbol"}),
    "3.11": frozenset({"binhex"}),
    "3.12": frozenset({"distutils", "imp", "asynchat", "asyncore", "smtpd"}),
    "3.13": frozenset(
        {
            "aifc",
            "audioop",
            "cgi",
            "cgitb",
            "chunk",
            "crypt",
            "imghdr",
            "lib2to3",
            "mailcap",
            "msilib",
            "nis",
            "nntplib",
            "ossaudiodev",
            "pipes",
            "sndhdr",
            "spwd",
            "sunau",
            "telnetlib",
            "uu",
            "xdrlib",
        }
    ),
}
# Documented additions: version -> modules that must be present in it and every later version.
ADDED_IN = {
    "3.9": frozenset({"zoneinfo", "graphlib", "_zoneinfo"}),
    "3.11": frozenset({"tomllib"}),
    "3.14": frozenset({"annotationlib", "compression"}),
}
ALWAYS = frozenset(
    {"__future__", "_thread", "_collections_abc", "abc", "asyncio", "builtins", "json", "os", "sys", "typing"}
)
ALWAYS |= frozenset({"winreg", "msvcrt", "posix", "pyexpat", "_csv", "_json", "sqlite3", "tkinter", "idlelib"})


def pip_download(requirement: str, dest: Path) -> Path:
    """Fetch one wheel with pip (no dependencies, no install) and return its path."""
    cmd = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--no-deps",
        "--only-binary=:all:",
        "--disable-pip-version-check",
        "--progress-bar",
        "off",
        "--dest",
        str(dest),
        requirement,
    ]
    subprocess.run(cmd, check=True, capture_output=True, stdin=subprocess.DEVNULL)
    name = requirement.split("==", 1)[0].replace("-", "_")
    wheels = sorted(dest.glob(f"{name}-*.whl"))
    if len(wheels) != 1:
        raise SystemExit(f"expected one wheel for {requirement} in {dest}, found {wheels}")
    return wheels[0]


def top_levels(lines: Sequence[str]) -> set[str]:
    """Top-level module names of dotted module names, one a line."""
    return {line.strip().split(".", 1)[0] for line in lines if line.strip()}


def read_stdlib_list(wheel: Path) -> dict[str, set[str]]:
    """Top-level names per version from the stdlib-list wheel's data files."""
    result: dict[str, set[str]] = {}
    with zipfile.ZipFile(wheel) as zf:
        for version in VERSIONS:
            member = f"stdlib_list/lists/{version}.txt"
            try:
                text = zf.read(member).decode("utf-8")
            except KeyError:
                raise SystemExit(f"{wheel.name} has no {member}: choose a newer stdlib-list") from None
            result[version] = top_levels(text.splitlines())
    return result


def read_astroid_py39(wheel: Path) -> set[str]:
    """``PY_3_9`` of astroid's _backport_stdlib_names.py, evaluated from the AST (no code is run)."""
    with zipfile.ZipFile(wheel) as zf:
        source = zf.read("astroid/_backport_stdlib_names.py").decode("utf-8")
    sets: dict[str, frozenset[str]] = {}

    def evaluate(node: ast.expr) -> frozenset[str]:
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "frozenset":
            return evaluate(node.args[0]) if node.args else frozenset()
        if isinstance(node, ast.Set):
            return frozenset(ast.literal_eval(node))
        if isinstance(node, ast.Name):
            return sets[node.id]
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.BitOr, ast.Sub)):
            left, right = evaluate(node.left), evaluate(node.right)
            return left | right if isinstance(node.op, ast.BitOr) else left - right
        raise SystemExit(f"unexpected expression in astroid's backport table: {ast.dump(node)[:200]}")

    for stmt in ast.parse(source).body:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
            name = stmt.targets[0].id
            if name.startswith("PY_3_"):
                sets[name] = evaluate(stmt.value)
    if "PY_3_9" not in sets:
        raise SystemExit("astroid's _backport_stdlib_names.py has no PY_3_9")
    return set(sets["PY_3_9"])


def build(stdlib_list: dict[str, set[str]], astroid_py39: set[str]) -> dict[str, list[str]]:
    """Merge the sources into sorted lists per version."""
    versions = {v: set(names) for v, names in stdlib_list.items()}
    running = f"{sys.version_info.major}.{sys.version_info.minor}"
    if running in versions:
        versions[running] |= set(sys.stdlib_module_names)
    versions["3.9"] |= astroid_py39 | PY39_ADD
    versions["3.9"] -= PY39_REMOVE
    for names in versions.values():
        names -= {n for n in names if n.startswith("_sysconfigdata")}
    return {v: sorted(versions[v]) for v in VERSIONS}


def check(result: dict[str, list[str]]) -> None:
    """Sanity assertions on the documented additions and removals."""
    order = list(VERSIONS)
    for version, names in result.items():
        present = set(names)
        index = order.index(version)
        assert all(n.isidentifier() for n in present), version
        missing = ALWAYS - present
        assert not missing, f"{version} lacks {sorted(missing)}"
        for removed_in, removed in REMOVED_IN.items():
            if index >= order.index(removed_in):
                assert not removed & present, f"{version} still has {sorted(removed & present)}"
            else:
                assert removed <= present, f"{version} lacks {sorted(removed - present)} (removed in {removed_in})"
        for added_in, added in ADDED_IN.items():
            if index >= order.index(added_in):
                assert added <= present, f"{version} lacks {sorted(added - present)}"
            else:
                assert not added & present, f"{version} has {sorted(added & present)} too early"
    assert "_compression" in result["3.13"] and "_compression" not in result["3.14"]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0] if __doc__ else None)
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="stdlib-modules-") as tmp:
        stdlib_list = read_stdlib_list(pip_download(STDLIB_LIST_REQUIREMENT, Path(tmp)))
        astroid_py39 = read_astroid_py39(pip_download(ASTROID_REQUIREMENT, Path(tmp)))
    result = build(stdlib_list, astroid_py39)
    check(result)

    date = datetime.datetime.now(datetime.timezone.utc).date().isoformat()
    running = f"{sys.version_info.major}.{sys.version_info.minor}"
    comment = (
        f"Generated on {date} by `python scripts/generate_stdlib_modules.py` (run on Python {running}). "
        "Top-level standard-library module names per Python version, private ones and __future__ included, "
        "union over platforms. Sources: the data files of "
        f"{STDLIB_LIST_REQUIREMENT} for every version, the running interpreter's sys.stdlib_module_names for "
        f"{running}, and for 3.9 also the sys.stdlib_module_names backport in {ASTROID_REQUIREMENT} "
        "(_backport_stdlib_names.py) plus _frozen_importlib, _frozen_importlib_external, _overlapped and "
        "_scproxy, without the 3.9 list's artefacts lib and _sysconfigdata_* and the test modules test, __phello__ and "
        "_xxsubinterpreters. 3.14 comes "
        "from stdlib-list (built from CPython 3.14): it adds annotationlib, compression, _zstd and others, "
        "and drops _compression. Checked: 3.12+ lacks distutils, imp, asynchat, asyncore, smtpd; 3.13+ lacks "
        "the PEP 594 modules and lib2to3."
    )
    document = {"_comment": comment, "versions": result}
    args.output.parent.mkdir(parents=True, exist_ok=True)
    # Versions in numeric order (sort_keys would put 3.9 last); every list is sorted.
    args.output.write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")
    counts = ", ".join(f"{v}: {len(result[v])}" for v in VERSIONS)
    print(f"wrote {args.output} ({args.output.stat().st_size} bytes; {counts})")
    for older, newer in zip(VERSIONS, VERSIONS[1:]):
        added = sorted(set(result[newer]) - set(result[older]))
        removed = sorted(set(result[older]) - set(result[newer]))
        print(f"  {older} -> {newer}: +{added} -{removed}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
