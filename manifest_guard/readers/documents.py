"""R Markdown, Quarto and notebook documents read as text: their YAML front matter, their executable
chunks (with line numbers) and the Quarto engine each one binds to. Pure functions of bytes; R, knitr
and Quarto are never run.

The engine binding follows Quarto's own order: the file's extension first (``.ipynb`` is jupyter,
``.Rmd`` is knitr), then the front matter (a ``knitr:`` or ``jupyter:`` key, or ``engine:``), then the
chunks (any ``{r}`` chunk binds knitr, even beside python chunks, which knitr runs through reticulate;
any other executable language binds jupyter), else the markdown engine, which runs nothing.

PyYAML is imported on first use (it is installed with pre-commit); without it a small reader of
``key: value`` lines answers the few keys these rules ask about.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

KNITR = "knitr"
JUPYTER = "jupyter"
MARKDOWN = "markdown"
# Quarto's chunk pattern: an opening fence (after tabs, spaces or blockquote marks) and {language ...}.
CHUNK = re.compile(r"^[\t >]*```+\s*\{([a-zA-Z0-9_]+)( *[ ,].*)?\}\s*$")
# Languages Quarto handles itself, without an engine.
HANDLED_LANGUAGES = frozenset({"ojs", "mermaid", "dot"})
KNITR_EXTENSIONS = (".rmd", ".rmarkdown")
JUPYTER_SCRIPT_EXTENSIONS = (".py", ".jl")
PERCENT_CELL = re.compile(r"^#\s*%%", re.MULTILINE)
SHINY_RUNTIMES = ("shiny",)  # rmarkdown: runtime shiny, shiny_prerendered, shinyrmd all start so
FORMAT_KEYS = ("html", "dashboard", "revealjs")


@dataclass(frozen=True)
class Chunk:
    language: str  # as written: "r", "R", "python"
    line: int  # 1-based line of the opening fence


@dataclass(frozen=True)
class FrontMatter:
    values: Mapping[str, Any]  # the parsed mapping ({} when absent or unreadable)
    line: int  # the line of the opening ``---`` (1 when absent)
    end: int  # the line of the closing ``---`` or ``...`` (0 when absent)
    key_lines: Mapping[str, int]  # top-level key -> its line in the document
    readable: bool  # False: present but not YAML a mapping can be read from


@dataclass(frozen=True)
class Binding:
    """Which engine a document renders with, and what decided it."""

    engine: str
    reason: str  # "an {r} chunk", "engine: knitr in its front matter", "an R Markdown document"
    line: int | None  # the line that decided it; None when the file's kind did


def _text(raw: bytes) -> str:
    return raw.decode("utf-8", "replace").lstrip("\ufeff")


def _loader() -> Any:
    """A safe YAML loader that keeps unknown tags (R's ``!r``/``!expr``) as plain values."""
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    def tagged(loader: Any, _suffix: str, node: Any) -> Any:
        if isinstance(node, yaml.ScalarNode):
            return loader.construct_scalar(node)
        if isinstance(node, yaml.SequenceNode):
            return loader.construct_sequence(node)
        return loader.construct_mapping(node)

    Loader.add_multi_constructor("!", tagged)
    return Loader


def _scalar(text: str) -> Any:
    value = text.split(" #", 1)[0].strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return {"true": True, "false": False, "null": None, "~": None, "": None}.get(value.lower(), value)


def _plain_mapping(text: str) -> dict[str, Any]:
    """``key: value`` lines, nested by indentation: enough for runtime, server, engine and format."""
    root: dict[str, Any] = {}
    stack: list[tuple[int, dict[str, Any]]] = [(-1, root)]
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith(("#", "-")) or ":" not in stripped:
            continue
        indent = len(line) - len(line.lstrip(" "))
        key, _, rest = stripped.partition(":")
        while stack[-1][0] >= indent:
            stack.pop()
        parent = stack[-1][1]
        if rest.strip():
            parent[key.strip().strip("\"'")] = _scalar(rest)
        else:
            child: dict[str, Any] = {}
            parent[key.strip().strip("\"'")] = child
            stack.append((indent, child))
    return root


def parse_yaml(text: str) -> Mapping[str, Any] | None:
    """The mapping a YAML text holds; None when it does not parse or is not a mapping."""
    try:
        import yaml
    except ImportError:  # pragma: no cover - PyYAML comes with pre-commit
        return _plain_mapping(text)
    try:
        value = yaml.load(text, Loader=_loader())  # a SafeLoader subclass: no arbitrary objects
    except (yaml.YAMLError, ValueError, TypeError, RecursionError):
        return None
    if value is None:
        return {}
    return value if isinstance(value, dict) else None


def front_matter(raw: bytes) -> FrontMatter:
    """The YAML block between a first ``---`` line (only blank lines before it) and the next ``---`` or
    ``...`` line, as rsconnect and rmarkdown find it."""
    lines = _text(raw).splitlines()
    start = next((index for index, line in enumerate(lines) if line.strip()), None)
    if start is None or lines[start].rstrip() != "---":
        return FrontMatter({}, 1, 0, {}, True)
    end = next((index for index in range(start + 1, len(lines)) if lines[index].rstrip() in ("---", "...")), None)
    if end is None:
        return FrontMatter({}, start + 1, 0, {}, True)
    body = lines[start + 1 : end]
    key_lines = {}
    for offset, line in enumerate(body):
        match = re.match(r"^([A-Za-z_][\w-]*)\s*:", line)
        if match and match.group(1) not in key_lines:
            key_lines[match.group(1)] = start + 2 + offset
    values = parse_yaml("\n".join(body))
    return FrontMatter(values if values is not None else {}, start + 1, end + 1, key_lines, values is not None)


def chunks(raw: bytes) -> list[Chunk]:
    """Executable chunks (```` ```{lang} ````) outside the front matter, in order, as Quarto finds them."""
    skip = front_matter(raw).end
    found = []
    for number, line in enumerate(_text(raw).splitlines(), start=1):
        if number <= skip or "```" not in line:
            continue
        match = CHUNK.match(line)
        if match:
            found.append(Chunk(match.group(1), number))
    return found


def _declared_engine(matter: FrontMatter) -> Binding | None:
    """Quarto's front-matter binding: engines in its order, each by its own key or by ``engine:``."""
    values = matter.values
    execute = values.get("execute")
    declared = values.get("engine")
    if declared is None and isinstance(execute, Mapping):
        declared = execute.get("engine")
    for engine in (KNITR, JUPYTER, MARKDOWN):
        if values.get(engine):
            return Binding(engine, f"{engine}: in its front matter", matter.key_lines.get(engine, matter.line))
        if declared == engine:
            line = matter.key_lines.get("engine", matter.key_lines.get("execute", matter.line))
            return Binding(engine, f"engine: {engine} in its front matter", line)
    return None


def quarto_binding(path: str, raw: bytes) -> Binding:
    """The engine Quarto renders ``path`` with (see the module docstring for the order)."""
    lowered = path.lower()
    if lowered.endswith(".ipynb"):
        return Binding(JUPYTER, "a Jupyter notebook", None)
    if lowered.endswith(KNITR_EXTENSIONS):
        return Binding(KNITR, "an R Markdown document", None)
    if lowered.endswith(JUPYTER_SCRIPT_EXTENSIONS):
        return Binding(JUPYTER, "a Python or Julia script", None)
    if lowered.endswith(".r"):
        if PERCENT_CELL.search(_text(raw)):
            return Binding(JUPYTER, "an R script in Jupyter's percent format", None)
        return Binding(KNITR, "an R script", None)
    if lowered.endswith((".md", ".markdown")):
        return Binding(MARKDOWN, "a Markdown file", None)
    matter = front_matter(raw)
    declared = _declared_engine(matter)
    if declared is not None:
        return declared
    found = chunks(raw)
    for chunk in found:
        if chunk.language.lower() == "r":
            return Binding(KNITR, "an {r} chunk", chunk.line)
    for chunk in found:
        if chunk.language.lower() not in HANDLED_LANGUAGES:
            return Binding(JUPYTER, f"a {{{chunk.language}}} chunk", chunk.line)
    return Binding(MARKDOWN, "no executable chunk", None)


def _shiny_server(value: Any) -> bool:
    return value == "shiny" or (isinstance(value, Mapping) and value.get("type") == "shiny")


def declares_shiny(values: Mapping[str, Any]) -> bool:
    """A Shiny document: ``runtime: shiny`` (``shiny_prerendered``, ``shinyrmd``), or Quarto's
    ``server: shiny`` / ``server: {type: shiny}``, top-level or under an HTML format."""
    runtime = values.get("runtime")
    if isinstance(runtime, str) and runtime.startswith(SHINY_RUNTIMES):
        return True
    if _shiny_server(values.get("server")):
        return True
    formats = values.get("format")
    if isinstance(formats, Mapping):
        return any(isinstance(formats.get(key), Mapping) and _shiny_server(formats[key].get("server"))
                   for key in FORMAT_KEYS)  # fmt: skip
    return False
