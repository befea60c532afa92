"""R, R Markdown, Quarto and static apps with manifests in the shapes the R rsconnect package writes.

The shapes (key order, ``null`` metadata, ``packages``, ``users: null``, a ``quarto`` section, an
``environment.r`` block) follow manifests committed in public repositories; the content is our own.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from tests.conftest import put

RENV_LOCK = {
    "R": {"Version": "4.3.1", "Repositories": [{"Name": "CRAN", "URL": "https://packagemanager.posit.co/cran/latest"}]},
    "Packages": {
        "R6": {"Package": "R6", "Version": "2.5.1", "Source": "Repository", "Repository": "CRAN"},
        "shiny": {"Package": "shiny", "Version": "1.8.0", "Source": "Repository", "Repository": "CRAN",
                  "Requirements": ["R6"]},
    },
}  # fmt: skip

APPS: dict[str, dict[str, str | bytes]] = {
    "shiny": {
        "app.R": 'library(shiny)\nui <- fluidPage(textOutput("t"))\nserver <- function(input, output) {}\n'
        "shinyApp(ui, server)\n",
        "R/helpers.R": "double <- function(x) x * 2\n",
        "www/style.css": "body { color: #333; }\n",
        "renv.lock": json.dumps(RENV_LOCK, indent=2) + "\n",
    },
    "api": {
        "plumber.R": "#* @get /echo\nfunction(msg = '') list(msg = msg)\n",
        "data/prices.csv": "day,price\n1,10\n",
        "R/utils.R": "u <- 1\n",
    },
    "rmd-static": {
        "report.Rmd": "---\ntitle: Report\noutput: html_document\n---\n\n```{r}\nsummary(cars)\n```\n",
        "data.csv": "a,b\n1,2\n",
        "logo.png": b"\x89PNG\r\n",
    },
    "quarto-r": {
        "report.qmd": "---\ntitle: Report\n---\n\n```{r}\nplot(cars)\n```\n",
        "styles.css": "h1 { color: navy; }\n",
    },
    "quarto-python": {
        "report.qmd": "---\ntitle: Report\njupyter: python3\n---\n\n```{python}\nprint(1)\n```\n",
        "requirements.txt": "pandas==2.2.2\n",
        "prices.csv": "day,price\n1,10\n",
        "helpers.py": "X = 1\n",
    },
    "quarto-project": {
        "_quarto.yml": "project:\n  type: website\n  output-dir: public\n",
        "index.qmd": "---\ntitle: Home\n---\n\nHello.\n",
        "about.qmd": "---\ntitle: About\n---\n\n```{r}\n1 + 1\n```\n",
    },
    "static": {
        "index.html": "<!doctype html><title>Hi</title><link rel=stylesheet href=css/site.css>\n",
        "css/site.css": "body { margin: 0; }\n",
        "_site/extra.html": "<p>kept</p>\n",
    },
}

APPMODES = {
    "shiny": "shiny",
    "api": "api",
    "rmd-static": "rmd-static",
    "quarto-r": "quarto-static",
    "quarto-python": "quarto-static",
    "quarto-project": "quarto-static",
    "static": "static",
}
ENTRY_DOCUMENTS = frozenset({"app.R", "plumber.R", "report.Rmd", "report.qmd", "_quarto.yml", "index.qmd",
                             "index.html"})
PRIMARY = {"rmd-static": "report.Rmd", "quarto-r": "report.qmd", "quarto-python": "report.qmd"}


def md5(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()


def r_manifest(kind: str, files: dict[str, bytes]) -> dict[str, Any]:
    """A manifest in the R rsconnect package's shape listing ``files`` (app-relative path -> bytes)."""
    appmode = APPMODES[kind]
    manifest: dict[str, Any] = {"version": 1, "locale": "en_US", "platform": "4.3.1"}
    manifest["metadata"] = {
        "appmode": appmode,
        "primary_rmd": PRIMARY.get(kind),
        "primary_html": "index.html" if kind == "static" else None,
        "content_category": None,
        "has_parameters": False,
    }
    if appmode == "quarto-static":
        manifest["quarto"] = {"version": "1.4.550", "engines": ["jupyter" if kind == "quarto-python" else "knitr"]}
    if kind == "quarto-python":
        manifest["python"] = {
            "version": "3.11.9",
            "package_manager": {"name": "pip", "version": "24.0", "package_file": "requirements.txt"},
        }
    manifest["environment"] = {"r": {"requires": "~=4.3.0"}}
    manifest["packages"] = None
    manifest["files"] = {path: {"checksum": md5(data)} for path, data in sorted(files.items())}
    manifest["users"] = None
    return manifest


def encoded(files: dict[str, str | bytes]) -> dict[str, bytes]:
    return {path: data.encode() if isinstance(data, str) else data for path, data in files.items()}


def make_r_app(root: Path, app: str, kind: str, extra: dict[str, str | bytes] | None = None,
               unlisted: dict[str, str | bytes] | None = None) -> dict[str, Any]:  # fmt: skip
    """Write the app's files and its fresh manifest under ``root/app``; ``unlisted`` files are written but
    left out of the manifest (a curated manifest). Returns the manifest."""
    files = encoded({**APPS[kind], **(extra or {})})
    put(root / app if app else root, {**files, **encoded(unlisted or {})})
    manifest = r_manifest(kind, files)
    (root / app / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest
