"""What of an R Markdown or Quarto app is source and what is not: render outputs, nested apps, other documents.

Connect renders R Markdown and Quarto content itself, so the HTML, the ``<stem>_files/`` support
directory and a project's output directory (``_site``, ``_book`` or ``project: output-dir``) that a
local render leaves beside the sources are never required in the manifest. A single-document
manifest (``primary_rmd`` outside a project or site) deploys that document: another document that
appears beside it is most often separate content, not part of this one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from manifest_guard.repository.trees import Tree, join

DOCUMENT_SUFFIXES: Final = (".rmd", ".rmarkdown", ".qmd", ".ipynb")
RENDERED_SUFFIXES: Final = (".html", ".htm", ".pdf", ".docx", ".pptx", ".odt", ".epub", ".tex")
SOURCE_SUFFIXES: Final = (*DOCUMENT_SUFFIXES, ".md", ".markdown", ".r")
PROJECT_FILES: Final = ("_quarto.yml", "_quarto.yaml", "_site.yml", "_site.yaml", "_bookdown.yml", "_bookdown.yaml")
DEFAULT_OUTPUT_DIRECTORIES: Final = frozenset({"_site", "_book"})


def is_document(path: str) -> bool:
    """A file Connect would render as a document of its own."""
    return path.lower().endswith(DOCUMENT_SUFFIXES)


def _stems_of_sources(names: set[str]) -> set[str]:
    return {name.rpartition(".")[0].lower() for name in names if name.lower().endswith(SOURCE_SUFFIXES)}


class DocumentContent:
    """Answers about one document app (app-relative paths), each directory listing read once."""

    def __init__(self, tree: Tree, app: str, document: Mapping[str, Any]) -> None:
        self._tree = tree
        self._app = app
        self._stems: dict[str, set[str]] = {}
        top = tree.names_in(app)
        self.project_file = next((name for name in PROJECT_FILES if name in top), None)
        metadata = document.get("metadata")
        category = metadata.get("content_category") if isinstance(metadata, Mapping) else None
        primary = metadata.get("primary_rmd") if isinstance(metadata, Mapping) else None
        self.primary = primary if isinstance(primary, str) else None
        self.is_project = self.project_file is not None or category == "site"
        self._output_directories = set(DEFAULT_OUTPUT_DIRECTORIES)
        output = self._configured_output_directory()
        if output:
            self._output_directories.add(output)

    def _configured_output_directory(self) -> str | None:
        """``project: output-dir`` of ``_quarto.yml`` (or ``output_dir`` of ``_site.yml``), if readable."""
        if self.project_file is None:
            return None
        import yaml  # pre-commit's own dependency; only loaded for projects

        try:
            data = yaml.safe_load(self._tree.read_bytes(join(self._app, self.project_file)))
        except (yaml.YAMLError, UnicodeDecodeError, ValueError):
            return None
        if not isinstance(data, dict):
            return None
        project = data.get("project")
        value = project.get("output-dir") if isinstance(project, dict) else data.get("output_dir")
        if not isinstance(value, str):
            return None
        value = value.strip().strip("/").removeprefix("./")
        return value if value and "/" not in value and value not in (".", "..") else None

    def _source_stems(self, directory: str) -> set[str]:
        stems = self._stems.get(directory)
        if stems is None:
            stems = _stems_of_sources(self._tree.names_in(join(self._app, directory) if directory else self._app))
            self._stems[directory] = stems
        return stems

    def is_render_output(self, path: str) -> bool:
        """A project's output directory, ``<stem>_files/`` or a knitr ``<stem>_cache/`` beside
        ``<stem>.qmd``, or ``<stem>.html`` (or another rendered format) beside its source."""
        parts = path.split("/")
        if len(parts) > 1 and parts[0] in self._output_directories:
            return True
        for depth in range(len(parts) - 1):
            name = parts[depth]
            stem = name.removesuffix("_files") if name.endswith("_files") else name.removesuffix("_cache")
            if stem != name and stem.lower() in self._source_stems("/".join(parts[:depth])):
                return True
        name = parts[-1]
        stem, dot, suffix = name.rpartition(".")
        if not dot or f".{suffix.lower()}" not in RENDERED_SUFFIXES:
            return False
        return stem.lower() in self._source_stems("/".join(parts[:-1]))

    def is_separate_document(self, path: str) -> bool:
        """Another document beside a single-document manifest's primary document."""
        return not self.is_project and self.primary is not None and path != self.primary and is_document(path)


def nested_app_of(tree: Tree, app: str, path: str, seen: dict[str, bool]) -> str | None:
    """The app-relative directory above ``path`` that holds a manifest of its own: another app, whose
    files are not this one's to list. ``seen`` caches directories already looked at."""
    parts = path.split("/")[:-1]
    for depth in range(1, len(parts) + 1):
        directory = "/".join(parts[:depth])
        found = seen.get(directory)
        if found is None:
            found = tree.is_file(join(app, directory, "manifest.json"))
            seen[directory] = found
        if found:
            return directory
    return None
