"""Additions to the user's own configuration files that keep every comment and line as it was.

``init`` appends: ``[[tool.manifest-guard.apps]]`` tables to a TOML file, and a repository entry to
``.pre-commit-config.yaml``. Neither file is re-serialised, so nothing the user wrote changes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

HOOK_MARKER = "manifest-guard"
_TOP_LEVEL_KEY = re.compile(r"^[A-Za-z_][\w-]*\s*:")
_REPOS_KEY = re.compile(r"^repos\s*:(.*)$")
_EMPTY_FLOW_LIST = re.compile(r"^\s*\[\s*\]\s*(#.*)?$")
_LIST_ITEM = re.compile(r"^(\s*)-\s")


def toml_string(value: str) -> str:
    """A TOML basic string (JSON's escapes are a subset TOML accepts for these characters)."""
    return json.dumps(value, ensure_ascii=False)


def app_tables(header: str, entries: Sequence[dict[str, str]]) -> str:
    """``[[header]]`` tables, one per app entry, keys in the order given."""
    blocks = []
    for entry in entries:
        lines = [f"[[{header}]]"] + [f"{key} = {toml_string(value)}" for key, value in entry.items()]
        blocks.append("\n".join(lines) + "\n")
    return "\n".join(blocks)


def append_block(text: str, block: str) -> str:
    """``text`` with ``block`` appended after one blank line, ending with a newline."""
    if not text.strip():
        return block
    return text.rstrip("\n") + "\n\n" + block


def hook_entry(repo: str, rev: str | None, indent: str = "  ") -> str:
    """The ``repos:`` list item running ``manifest-guard fix --hook``.

    Without a revision it is a ``local`` hook running the installed ``manifest-guard`` (works before
    any release, needs manifest-guard on PATH); with one it is pre-commit's usual pinned repository."""
    inner = indent + "  "
    if rev is None:
        return (
            f"{indent}- repo: local\n"
            f"{inner}hooks:\n"
            f"{inner}  - id: manifest-guard\n"
            f"{inner}    name: manifest-guard (fix Connect manifest.json)\n"
            f"{inner}    entry: manifest-guard fix --hook\n"
            f"{inner}    language: system\n"
            f"{inner}    pass_filenames: false\n"
            f"{inner}    always_run: true\n"
            f"{inner}    require_serial: true\n"
        )
    return (
        f"{indent}- repo: {repo}\n"
        f"{inner}rev: {rev}\n"
        f"{inner}hooks:\n"
        f"{inner}  - id: manifest-guard\n"
    )


def has_hook(text: str) -> bool:
    """Whether the pre-commit configuration already runs a manifest-guard hook."""
    return any(
        re.search(r"(id|entry)\s*:\s*['\"]?manifest-guard\b", line) and not line.lstrip().startswith("#")
        for line in text.splitlines()
    )


def add_hook(text: str, repo: str, rev: str | None) -> str:
    """``text`` (a ``.pre-commit-config.yaml``, possibly empty) with the manifest-guard repository added
    at the end of its ``repos:`` list, in the list's own indentation."""
    lines = text.splitlines(keepends=True)
    found = next(((index, match) for index, line in enumerate(lines) if (match := _REPOS_KEY.match(line))), None)
    if found is None:
        return append_block(text, "repos:\n" + hook_entry(repo, rev))
    start, rest = found[0], found[1].group(1).strip()
    if rest and not rest.startswith("#"):
        if not _EMPTY_FLOW_LIST.match(rest):
            raise ValueError("`repos:` is written as a flow list; add the manifest-guard hook by hand")
        lines[start] = "repos:\n"
    end = next((index for index in range(start + 1, len(lines)) if _TOP_LEVEL_KEY.match(lines[index])), len(lines))
    items = [match for index in range(start + 1, end) if (match := _LIST_ITEM.match(lines[index]))]
    indent = items[0].group(1) if items else "  "
    while end > start + 1 and not lines[end - 1].strip():
        end -= 1  # insert before the blank lines that separate the next top-level key
    if lines[end - 1:end] and not lines[end - 1].endswith("\n"):
        lines[end - 1] += "\n"
    lines.insert(end, hook_entry(repo, rev, indent))
    return "".join(lines)
