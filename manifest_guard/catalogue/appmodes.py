"""The ``write`` modes and the ``metadata.appmode`` each one writes (rsconnect-python's table)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

WRITE_MODES: Final[dict[str, str]] = {
    "api": "python-api",
    "flask": "python-api",
    "fastapi": "python-fastapi",
    "dash": "python-dash",
    "streamlit": "python-streamlit",
    "bokeh": "python-bokeh",
    "shiny": "python-shiny",
    "gradio": "python-gradio",
    "panel": "python-panel",
    "notebook": "jupyter-static",
    "voila": "jupyter-voila",
}

FRAMEWORK_MODES: Final[frozenset[str]] = frozenset(WRITE_MODES) - {"notebook", "voila"}

# Content the R rsconnect package (or Quarto) writes: ``write`` does not produce it, ``check`` and ``fix``
# keep its file set, R packages and entry documents in step with the tree.
R_APP_APPMODES: Final[frozenset[str]] = frozenset({"shiny", "api"})  # R Shiny apps and Plumber APIs
RMD_APPMODES: Final[frozenset[str]] = frozenset({"rmd-static", "rmd-shiny"})
QUARTO_APPMODES: Final[frozenset[str]] = frozenset({"quarto-static", "quarto-shiny"})
DOCUMENT_APPMODES: Final[frozenset[str]] = RMD_APPMODES | QUARTO_APPMODES  # metadata.primary_rmd names the document
STATIC_APPMODE: Final = "static"
R_CONTENT_APPMODES: Final[frozenset[str]] = R_APP_APPMODES | DOCUMENT_APPMODES | {STATIC_APPMODE}


def appmode_of(document: Mapping[str, Any]) -> str | None:
    """A manifest's ``metadata.appmode``, when it is a string."""
    metadata = document.get("metadata")
    appmode = metadata.get("appmode") if isinstance(metadata, Mapping) else None
    return appmode if isinstance(appmode, str) else None
