"""The absolute imports an app's code makes, read with ``ast`` from ``.py`` files and notebook code cells.

Each import records whether it is optional (inside ``try`` with an ``ImportError`` handler, or
``contextlib.suppress(ImportError)``), dynamic (a string literal given to ``importlib.import_module``
or ``__import__``) and which rules an inline ``# manifest-guard: ignore[MG304]`` silences. Imports under
``if TYPE_CHECKING:`` never run and are skipped; relative imports are the app's own code.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

IGNORE_COMMENT = re.compile(r"#\s*manifest-guard:\s*ignore(?:\[([A-Za-z0-9,\s]*)\])?")
IMPORT_ERRORS = {"ImportError", "ModuleNotFoundError", "Exception", "BaseException"}
DYNAMIC_IMPORTERS = {"import_module", "__import__"}
ALL_CODES = frozenset({"*"})
# Cell magics whose body is still run as Python by the kernel.
PYTHON_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun", "debug", "python", "python3", "pypy"})


@dataclass(frozen=True)
class ImportUse:
    module: str  # dotted, as imported: ``yaml``, ``google.cloud.storage`` (``from a import b`` gives ``a.b``)
    path: str  # app-relative file
    line: int
    optional: bool = False
    dynamic: bool = False
    ignored: frozenset[str] = frozenset()  # codes an inline comment silences ({"*"}: all)

    @property
    def top(self) -> str:
        return self.module.partition(".")[0]

    def silenced(self, code: str) -> bool:
        return "*" in self.ignored or code in self.ignored


def _ignored_codes(lines: Sequence[str], first: int, last: int) -> frozenset[str]:
    codes: set[str] = set()
    for line in lines[first - 1 : last]:
        found = IGNORE_COMMENT.search(line)
        if found:
            listed = found.group(1)
            codes.update({code.strip().upper() for code in listed.split(",") if code.strip()} if listed else {"*"})
    return frozenset(codes)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _catches_import_errors(handlers: Sequence[ast.ExceptHandler]) -> bool:
    for handler in handlers:
        if handler.type is None:
            return True
        types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
        for caught in types:
            name = caught.attr if isinstance(caught, ast.Attribute) else getattr(caught, "id", None)
            if name in IMPORT_ERRORS:
                return True
    return False


def _suppresses_import_errors(statement: ast.With) -> bool:
    for item in statement.items:
        call = item.context_expr
        if isinstance(call, ast.Call):
            func = call.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            if name == "suppress" and any(getattr(arg, "id", getattr(arg, "attr", None)) in IMPORT_ERRORS
                                          for arg in call.args):  # fmt: skip
                return True
    return False


class _Visitor:
    def __init__(self, path: str, lines: Sequence[str], line_of: dict[int, int] | None) -> None:
        self.path = path
        self.lines = lines
        self.line_of = line_of  # notebook: line in the joined cells -> line in the .ipynb file
        self.found: list[ImportUse] = []

    def add(self, module: str, node: ast.AST, optional: bool, dynamic: bool = False) -> None:
        first = getattr(node, "lineno", 1)
        last = getattr(node, "end_lineno", None) or first
        line = self.line_of.get(first, first) if self.line_of is not None else first
        ignored = _ignored_codes(self.lines, first, last)
        self.found.append(ImportUse(module, self.path, line, optional, dynamic, ignored))

    def visit(self, node: ast.AST, optional: bool) -> None:
        stack: list[tuple[ast.AST, bool]] = [(node, optional)]
        while stack:
            current, optional = stack.pop()
            for child, child_optional in self.children(current, optional):
                stack.append((child, child_optional))

    def children(self, node: ast.AST, optional: bool) -> Iterator[tuple[ast.AST, bool]]:
        if isinstance(node, ast.Import):
            for alias in node.names:
                self.add(alias.name, node, optional)
            return
        if isinstance(node, ast.ImportFrom):
            if not node.level and node.module:
                names = [alias.name for alias in node.names]
                for name in names:
                    self.add(node.module if name == "*" else f"{node.module}.{name}", node, optional)
            return
        if isinstance(node, ast.Call):
            self.dynamic(node, optional)
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            yield from ((child, optional) for child in node.orelse)
            return
        if isinstance(node, ast.Try) or type(node).__name__ == "TryStar":
            guarded = _catches_import_errors(getattr(node, "handlers", []))
            yield from ((child, optional or guarded) for child in getattr(node, "body", []))
            for other in ("handlers", "orelse", "finalbody"):
                yield from ((child, optional) for child in getattr(node, other, []))
            return
        if isinstance(node, (ast.With, ast.AsyncWith)) and _suppresses_import_errors(node):  # type: ignore[arg-type]
            yield from ((child, True) for child in node.body)
            return
        yield from ((child, optional) for child in ast.iter_child_nodes(node))

    def dynamic(self, call: ast.Call, optional: bool) -> None:
        func = call.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
        if name not in DYNAMIC_IMPORTERS or not call.args:
            return
        argument = call.args[0]
        if isinstance(argument, ast.Constant) and isinstance(argument.value, str) and argument.value:
            module = argument.value
            if not module.startswith(".") and all(part.isidentifier() for part in module.split(".")):
                self.add(module, call, optional, dynamic=True)


def python_imports(module: ast.Module, source: bytes, path: str) -> list[ImportUse]:
    """Every absolute import of a parsed ``.py`` file, in line order."""
    lines = source.decode("utf-8", "replace").splitlines()
    visitor = _Visitor(path, lines, None)
    visitor.visit(module, False)
    return sorted(visitor.found, key=lambda use: (use.line, use.module))


def _cell_source(cell: object) -> list[str] | None:
    if not isinstance(cell, dict) or cell.get("cell_type") != "code":
        return None
    source = cell.get("source")
    if isinstance(source, str):
        return source.splitlines(keepends=True)
    if isinstance(source, list) and all(isinstance(line, str) for line in source):
        return "".join(source).splitlines(keepends=True)
    return None


class _Positions:
    """Line numbers inside the .ipynb, computed only once a cell has an import to report."""

    def __init__(self, data: bytes) -> None:
        from manifest_guard.foundation.jsonpos import LoadedJson, load_json

        self._document: LoadedJson | None
        try:
            self._document = load_json(data)
        except (ValueError, RecursionError):
            self._document = None

    def line_of(self, pointer: tuple[str | int, ...]) -> int:
        return self._document.line_of(pointer) if self._document is not None else 1


def _foreign_cell(source: Sequence[str]) -> bool:
    """A cell magic such as ``%%bash`` or ``%%writefile`` makes the cell something other than this kernel's Python."""
    first = next((line.strip() for line in source if line.strip()), "")
    if not first.startswith("%%"):
        return False
    magic = first[2:].split(maxsplit=1)[0] if first[2:].strip() else ""
    return magic not in PYTHON_CELL_MAGICS


def notebook_imports(data: bytes, path: str) -> list[ImportUse]:
    """Imports of a notebook's code cells (IPython magics and shell lines blanked); lines are in the .ipynb."""
    try:
        notebook = json.loads(data.decode("utf-8-sig"))
    except (ValueError, RecursionError):
        return []
    cells = notebook.get("cells") if isinstance(notebook, dict) else None
    if not isinstance(cells, list):
        return []
    positions: _Positions | None = None
    found: list[ImportUse] = []
    for index, cell in enumerate(cells):
        source = _cell_source(cell)
        if not source or _foreign_cell(source):
            continue
        code = ["\n" if line.lstrip().startswith(("%", "!")) else line for line in source]
        try:
            module = ast.parse("".join(code))
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue
        if not any(isinstance(node, (ast.Import, ast.ImportFrom, ast.Call)) for node in ast.walk(module)):
            continue
        positions = positions or _Positions(data)
        start = positions.line_of(("cells", index, "source"))
        listed = isinstance(cell.get("source"), list)  # one JSON line per source line; a string is one line
        line_of = {number: start + number if listed else start for number in range(1, len(code) + 1)}
        visitor = _Visitor(path, [line.rstrip("\n") for line in source], line_of)
        visitor.visit(module, False)
        found.extend(visitor.found)
    return found
