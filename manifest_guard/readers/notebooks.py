"""Is a notebook one Jupyter can open? UTF-8 JSON in nbformat 4 with well-formed cells.

The fast path is ``json.loads``; only when the structure is wrong is the notebook parsed again
with positions, so the report can point at the offending line.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from manifest_guard.foundation.jsonpos import JsonSyntaxError, load_json

CELL_TYPES = ("code", "markdown", "raw")


@dataclass(frozen=True)
class NotebookProblem:
    message: str
    line: int
    column: int | None = None


def _structure_problem(notebook: Any) -> tuple[str, tuple[Any, ...]] | None:
    """The first structural problem and the JSON path it is at."""
    if not isinstance(notebook, dict):
        return "the notebook is not a JSON object", ()
    nbformat = notebook.get("nbformat")
    if isinstance(nbformat, bool) or nbformat != 4:
        found = "missing" if "nbformat" not in notebook else json.dumps(nbformat)
        return f"nbformat is {found}; Connect renders nbformat 4 notebooks (open and save it in Jupyter)", (
            ("nbformat",) if "nbformat" in notebook else ()
        )
    cells = notebook.get("cells")
    if not isinstance(cells, list):
        return "'cells' is missing or not a list", ("cells",) if "cells" in notebook else ()
    for index, cell in enumerate(cells):
        if not isinstance(cell, dict):
            return f"cell {index + 1} is not an object", ("cells", index)
        if cell.get("cell_type") not in CELL_TYPES:
            where = ("cells", index, "cell_type") if "cell_type" in cell else ("cells", index)
            return f"cell {index + 1} has cell_type {json.dumps(cell.get('cell_type'))}, not code/markdown/raw", where
        source = cell.get("source")
        if not (isinstance(source, str) or (isinstance(source, list) and all(isinstance(s, str) for s in source))):
            where = ("cells", index, "source") if "source" in cell else ("cells", index)
            return f"cell {index + 1}'s source is not a string or a list of strings", where
    return None


def _line_of(data: bytes, path: Sequence[Any]) -> int:
    try:
        return load_json(data).line_of(tuple(path))
    except (ValueError, RecursionError):
        return 1


def notebook_problem(data: bytes) -> NotebookProblem | None:
    """None for a notebook Jupyter can open, else what is wrong and where."""
    if data.startswith(b"\xef\xbb\xbf"):
        return NotebookProblem("starts with a UTF-8 byte order mark, which Jupyter's JSON reader rejects", 1, 1)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        before = data[: error.start]
        return NotebookProblem("not valid UTF-8", before.count(b"\n") + 1, len(before) - before.rfind(b"\n"))
    try:
        notebook = json.loads(text)
    except json.JSONDecodeError as error:
        return NotebookProblem(f"invalid JSON: {error.msg}", error.lineno, error.colno)
    except (RecursionError, ValueError) as error:
        return NotebookProblem(f"invalid JSON: {_reason(error)}", 1, None)
    problem = _structure_problem(notebook)
    if problem is None:
        return None
    message, path = problem
    return NotebookProblem(message, _line_of(data, path))


def _reason(error: Exception) -> str:
    if isinstance(error, JsonSyntaxError):
        return error.message
    return "nested too deeply" if isinstance(error, RecursionError) else str(error)
