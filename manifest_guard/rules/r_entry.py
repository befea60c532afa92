"""MG207-MG209: would Connect find, start and render the entry document of R, R Markdown, Quarto and
static content? Answered from the bundle's files read as text; R and Quarto are never run.

MG207: the file Connect starts or renders (app.R or server.R with ui.R, plumber.R, ``primary_rmd``,
``primary_html``) is in the tree and listed. MG208: a Shiny document says so in its front matter.
MG209: ``quarto.engines`` covers the engine each rendered document binds to.

A finding about a state the base already had (the same code about the same file, with the base's own
manifest) is a warning: the change did not cause it, and the content may well have been deployed so.
"""

from __future__ import annotations

import fnmatch
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from manifest_guard.catalogue.appmodes import QUARTO_APPMODES, R_CONTENT_APPMODES, STATIC_APPMODE, appmode_of
from manifest_guard.catalogue.codes import Severity
from manifest_guard.catalogue.findings import Finding
from manifest_guard.engine.edits import Proposal
from manifest_guard.engine.safe_paths import unsafe_path_reason
from manifest_guard.readers.documents import (
    JUPYTER,
    KNITR,
    declares_shiny,
    front_matter,
    parse_yaml,
    quarto_binding,
)
from manifest_guard.repository.trees import Tree, join
from manifest_guard.rules.freshness import AppState

MAX_DOCUMENT_BYTES = 5 * 1024 * 1024  # a bigger "document" is data: not read
SHINY_FILES = ("app.r", "server.r")
PLUMBER_FILES = ("plumber.R", "entrypoint.R", "_server.yml", "_server.yaml")  # rsconnect's order
QUARTO_PROJECT_FILES = ("_quarto.yml", "_quarto.yaml")
RMD_SUFFIXES = (".rmd", ".rmarkdown")
QUARTO_SUFFIXES = (".qmd", ".rmd", ".rmarkdown", ".r", ".ipynb")
PROJECT_DOCUMENT_SUFFIXES = (".qmd", ".rmd", ".rmarkdown", ".ipynb")  # rendered without a render list
# Directories a Quarto project never renders from (environments and outputs), beside names starting "_" or ".".
PROJECT_SKIPPED_DIRECTORIES = frozenset({"renv", "packrat", "rsconnect", "venv", "env", "node_modules", "site_libs"})
BOUND_BY_NAME = (".ipynb", ".rmd", ".rmarkdown", ".py", ".jl")  # their engine needs no reading
SHINY_RUNTIME_SHOWN = {"rmd-shiny": "runtime: shiny", "quarto-shiny": "server: shiny"}


@dataclass(frozen=True)
class _Found:
    """A finding before it is placed: ``document`` is app-relative (None: the manifest), ``key`` is the
    manifest's JSON path for the line, ``same`` identifies it across the base and the change."""

    code: str
    subject: str
    message: str
    same: tuple[str, ...]
    key: tuple[str, ...] = ("metadata", "appmode")
    document: str | None = None
    line: int | None = None


@dataclass
class _Scene:
    """One side of the comparison: a tree, the app's directory in it and the manifest found there."""

    tree: Tree
    app: str
    document: Mapping[str, Any]
    label: str
    listed: set[str] = field(init=False)  # the safe keys of ``files``

    def __post_init__(self) -> None:
        files = self.document.get("files")
        keys = files if isinstance(files, (Mapping, list)) else ()
        self.listed = {path for path in keys if isinstance(path, str) and unsafe_path_reason(path) is None}

    def has(self, path: str) -> bool:
        return self.tree.is_file(join(self.app, path))

    def read(self, path: str) -> bytes | None:
        full = join(self.app, path)
        try:
            if self.tree.size(full) > MAX_DOCUMENT_BYTES:
                return None
            return self.tree.read_bytes(full)
        except (OSError, ValueError):
            return None

    def metadata(self, key: str) -> Any:
        metadata = self.document.get("metadata")
        return metadata.get(key) if isinstance(metadata, Mapping) else None

    def listed_root(self, lowered: str) -> str | None:
        """The listed top-level file with this name in any case (R and Shiny match names so)."""
        return next((path for path in sorted(self.listed) if "/" not in path and path.lower() == lowered), None)

    def usable(self, path: str | None) -> bool:
        return path is not None and self.has(path)

    def project_file(self) -> str | None:
        return next((name for name in QUARTO_PROJECT_FILES if self.has(name)), None)


def check_entry_documents(state: AppState) -> list[Proposal]:
    """MG207-MG209 for an R, R Markdown, Quarto or static manifest."""
    appmode = appmode_of(state.document)
    if appmode not in R_CONTENT_APPMODES:
        return []
    found = _find(_Scene(state.tree, state.app, state.document, state.source_label), appmode)
    if found and state.base is not None:
        before = _base_scene(state)
        if before is not None and appmode_of(before.document) == appmode:
            already = {item.same for item in _find(before, appmode)}
            return [_place(state, item, warning=item.same in already) for item in found]
    return [_place(state, item, warning=False) for item in found]


def _base_scene(state: AppState) -> _Scene | None:
    base = state.base
    if base is None or not base.is_file(state.manifest):
        return None
    try:
        document = json.loads(base.read_bytes(state.manifest))
    except (OSError, ValueError, RecursionError):
        return None
    return _Scene(base, state.app, document, "the base") if isinstance(document, dict) else None


def _place(state: AppState, item: _Found, warning: bool) -> Proposal:
    manifest = state.display(state.manifest)
    if item.document is not None and item.line is not None:
        path, line = state.display(join(state.app, item.document)), item.line
    else:
        path, line = manifest, state.loaded.line_of(item.key)
    severity = Severity.WARNING if warning else Severity.ERROR
    message = item.message + (" (already so at the base)" if warning else "")
    return Proposal(Finding(item.code, manifest, path, line, message, severity=severity, subject=item.subject))


def _find(scene: _Scene, appmode: str) -> list[_Found]:
    if appmode == "shiny":
        return _shiny_app(scene)
    if appmode == "api":
        return _plumber_api(scene)
    if appmode == STATIC_APPMODE:
        return _static(scene)
    found = _primary_document(scene, appmode)
    if found:
        return found
    if appmode in ("rmd-shiny", "quarto-shiny"):
        found.extend(_shiny_document(scene, appmode))
    if appmode in QUARTO_APPMODES:
        found.extend(_engines(scene))
    return found


# --- MG207: the entry document ------------------------------------------------------------------------


def _file_key(path: str) -> tuple[str, ...]:
    return ("files", path)


def _absent(scene: _Scene, path: str, what: str, consequence: str, subject: str, key: tuple[str, ...]) -> _Found:
    """A listed or named file the tree lacks, or a file the tree has that ``files`` does not list."""
    if not scene.has(path):
        message = f"{path} ({what}) is not in {scene.label}: {consequence}"
    else:
        message = f"{path} ({what}) is not listed in files, so the bundle will not have it: {consequence}"
    if path in scene.listed and not subject.startswith("metadata."):
        key = _file_key(path)
    return _Found("MG207", subject, message, ("MG207", subject), key)


def _shiny_app(scene: _Scene) -> list[_Found]:
    """Shiny starts app.R, or server.R with ui.R or www/index.html (names in any case)."""
    consequence = "Connect cannot start the Shiny app (it runs app.R, or server.R with ui.R or www/index.html)"
    app_r, server_r = scene.listed_root("app.r"), scene.listed_root("server.r")
    if scene.usable(app_r):
        return []
    if scene.usable(server_r):
        ui_r = scene.listed_root("ui.r")
        www = next((path for path in scene.listed if path.lower() == "www/index.html"), None)
        if scene.usable(ui_r) or scene.usable(www):
            return []
        missing = ui_r or "ui.R"
        if missing in scene.listed or scene.has(missing):
            return [_absent(scene, missing, "the Shiny app's UI", consequence, missing, ("metadata", "appmode"))]
        message = f"server.R has no ui.R or www/index.html beside it in the bundle: {consequence}"
        return [_Found("MG207", "ui.R", message, ("MG207", "ui.R"), _file_key(str(server_r)))]
    return _app_file_absent(scene, [app_r, server_r], ("app.R", "server.R"), "the Shiny app", consequence,
                            "files lists neither app.R nor server.R")  # fmt: skip


def _app_file_absent(scene: _Scene, listed: Sequence[str | None], names: Sequence[str], what: str,
                     consequence: str, none_listed: str) -> list[_Found]:  # fmt: skip
    """MG207 for an app whose file (one of ``names``) is listed but unusable, on disk but unlisted, or
    neither: the first listed one is named, else the first in the tree, else the first of ``names``."""
    named = next((path for path in listed if path is not None), None)
    named = named or next((name for name in names if scene.has(name)), None)
    if named is not None:
        return [_absent(scene, named, what, consequence, named, ("metadata", "appmode"))]
    return [_Found("MG207", names[0], f"{none_listed}: {consequence}", ("MG207", names[0]))]


def _plumber_api(scene: _Scene) -> list[_Found]:
    """Plumber serves plumber.R or entrypoint.R; plumber2 and mcptools serve _server.yml."""
    consequence = "Connect cannot start the API (it serves plumber.R, entrypoint.R or _server.yml)"
    candidates = [scene.listed_root(name.lower()) for name in PLUMBER_FILES]
    if any(scene.usable(path) for path in candidates):
        return []
    return _app_file_absent(scene, candidates, PLUMBER_FILES, "the API", consequence,
                            "files lists none of plumber.R, entrypoint.R and _server.yml")  # fmt: skip


def _static(scene: _Scene) -> list[_Found]:
    primary = scene.metadata("primary_html")
    if not isinstance(primary, str) or not primary or (scene.usable(primary) and primary in scene.listed):
        return []  # null: Connect serves index.html or a listing
    consequence = "Connect has no page to serve at the content's URL"
    return [_absent(scene, primary, "metadata.primary_html", consequence, "metadata.primary_html",
                    ("metadata", "primary_html"))]  # fmt: skip


def _primary_document(scene: _Scene, appmode: str) -> list[_Found]:
    primary = scene.metadata("primary_rmd")
    consequence = "Connect cannot render the content"
    if isinstance(primary, str) and primary:
        if scene.has(primary) and primary in scene.listed:
            return []
        return [_absent(scene, primary, "metadata.primary_rmd", consequence, "metadata.primary_rmd",
                        ("metadata", "primary_rmd"))]  # fmt: skip
    # No primary document: a Quarto project renders itself; otherwise Connect takes the one document listed.
    if appmode in QUARTO_APPMODES and any(scene.usable(name) and name in scene.listed for name in QUARTO_PROJECT_FILES):
        return []
    suffixes = QUARTO_SUFFIXES if appmode in QUARTO_APPMODES else RMD_SUFFIXES
    if any(path.lower().endswith(suffixes) and scene.has(path) for path in scene.listed):
        return []
    kinds = "Quarto, R Markdown or R script" if appmode in QUARTO_APPMODES else "R Markdown"
    message = f"metadata.primary_rmd is not set and files lists no {kinds} document: {consequence}"
    return [_Found("MG207", "metadata.primary_rmd", message, ("MG207", "metadata.primary_rmd"),
                   ("metadata", "primary_rmd"))]  # fmt: skip


# --- MG208: a Shiny document says so ------------------------------------------------------------------


def _primary(scene: _Scene) -> str | None:
    """The document Connect renders first: primary_rmd, else the one R Markdown or Quarto file listed."""
    primary = scene.metadata("primary_rmd")
    if isinstance(primary, str) and primary:
        return primary if scene.has(primary) else None
    if scene.project_file() is not None:
        return None  # a project renders itself
    documents = [path for path in scene.listed if "/" not in path and path.lower().endswith((".qmd", *RMD_SUFFIXES))]
    return documents[0] if len(documents) == 1 and scene.has(documents[0]) else None


def _shiny_document(scene: _Scene, appmode: str) -> list[_Found]:
    document = _primary(scene)
    raw = scene.read(document) if document is not None else None
    if document is None or raw is None:
        return []
    matter = front_matter(raw)
    if not matter.readable or declares_shiny(matter.values):
        return []  # unreadable YAML is not judged
    if appmode in QUARTO_APPMODES:
        project = scene.project_file()
        settings = scene.read(project) if project is not None else None
        config = parse_yaml(settings.decode("utf-8", "replace")) if settings is not None else None
        if config is None and settings is not None:
            return []
        if config is not None and declares_shiny(config):
            return []
    wanted = SHINY_RUNTIME_SHOWN[appmode]
    if appmode == "rmd-shiny":
        consequence = ("rmarkdown caches the rendering of a document without it, so its Shiny outputs work only "
                       "for the first session; add runtime: shiny, or make the appmode rmd-static")  # fmt: skip
    else:
        consequence = ("Quarto renders it without a Shiny server, so its Shiny parts do not work; add server: shiny, "
                       "or make the appmode quarto-static")  # fmt: skip
    message = f"{document}:{matter.line}: the appmode is {appmode} but the front matter has no {wanted}: {consequence}"
    return [_Found("MG208", document, message, ("MG208", document), document=document, line=matter.line)]


# --- MG209: the engines Quarto needs ------------------------------------------------------------------


def _project_render_list(scene: _Scene) -> Sequence[str] | None:
    project = scene.project_file()
    raw = scene.read(project) if project is not None else None
    config = parse_yaml(raw.decode("utf-8", "replace")) if raw is not None else None
    section = config.get("project") if config is not None else None
    render = section.get("render") if isinstance(section, Mapping) else None
    return [item for item in render if isinstance(item, str)] if isinstance(render, list) else None


def _matches(path: str, pattern: str) -> bool:
    pattern = pattern.lstrip("/").removeprefix("./")
    return fnmatch.fnmatch(path, pattern) or fnmatch.fnmatch(path, pattern.rstrip("/") + "/*")


def _rendered(scene: _Scene) -> list[str]:
    """The documents Quarto renders: the primary one, and for a project its listed documents (its
    ``project: render`` list when it has one; never names starting with "_" or ".")."""
    primary = _primary(scene)
    documents = [primary] if primary is not None else []
    if scene.project_file() is None:
        return documents
    render = _project_render_list(scene)
    for path in sorted(scene.listed):
        parts = path.split("/")
        if path in documents or any(part.startswith(("_", ".")) or part in PROJECT_SKIPPED_DIRECTORIES
                                    for part in parts):  # fmt: skip
            continue
        if render is None:
            wanted = path.lower().endswith(PROJECT_DOCUMENT_SUFFIXES)
        else:
            included = [pattern for pattern in render if not pattern.startswith("!")]
            excluded = [pattern[1:] for pattern in render if pattern.startswith("!")]
            wanted = (path.lower().endswith((*QUARTO_SUFFIXES, ".py", ".jl"))
                      and any(_matches(path, pattern) for pattern in included)
                      and not any(_matches(path, pattern) for pattern in excluded))  # fmt: skip
        if wanted and scene.has(path):
            documents.append(path)
    return documents


def _engines(scene: _Scene) -> list[_Found]:
    quarto = scene.document.get("quarto")
    engines = quarto.get("engines") if isinstance(quarto, Mapping) else None
    if not isinstance(engines, list):
        return []
    declared = [engine for engine in engines if isinstance(engine, str)]
    shown = json.dumps(declared)
    found = []
    for document in _rendered(scene):
        raw = b"" if document.lower().endswith(BOUND_BY_NAME) else scene.read(document)
        if raw is None:
            continue
        binding = quarto_binding(document, raw)
        if binding.engine not in (KNITR, JUPYTER) or binding.engine in declared:
            continue
        needs = f"needs the {binding.engine} engine, but quarto.engines is {shown}"
        advice = "Connect sets up R (knitr) and Python (jupyter) as quarto.engines lists them; regenerate the manifest"
        if binding.line is not None:
            message = f"{document}:{binding.line}: {binding.reason} {needs}: {advice}"
            found.append(_Found("MG209", document, message, ("MG209", document, binding.engine),
                                document=document, line=binding.line))  # fmt: skip
        else:
            message = f"{document}: {binding.reason} {needs}: {advice}"
            found.append(_Found("MG209", document, message, ("MG209", document, binding.engine), ("quarto", "engines")))
    return found
