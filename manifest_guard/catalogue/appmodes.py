"""The ``write`` modes and the ``metadata.appmode`` each one writes (rsconnect-python's table)."""

from __future__ import annotations

from typing import Final

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
