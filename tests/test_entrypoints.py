"""MG201-MG206 through the real CLI: one table of realistic apps (valid and broken) per appmode, each checked
outside git with a fresh manifest so the entrypoint rules are the only thing that can speak; then the
positions of the findings and the MG206 fix."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CliResult, Files, cli_environment, git, put, run_manifest_guard
from tests.gitapp import APP as GIT_APP
from tests.gitapp import FLASK_APP, make_flask_repo
from tests.gitapp import check_json as check_git
from tests.gitapp import codes as git_codes
from tests.inprocess import run_main
from tests.test_write_differential import locate_rsconnect

PYTHON = "3.11.4"
APP_DIR = "app"
MANIFEST = f"{APP_DIR}/manifest.json"
# Every distribution the table imports, so later dependency rules (MG304, MG306) stay quiet on these apps.
REQUIREMENTS = (
    "\n".join(
        [
            "acme-portal",
            "asgiref",
            "bokeh",
            "bottle",
            "dash",
            "django",
            "falcon",
            "fastapi",
            "flask",
            "flask-sqlalchemy",
            "gradio",
            "holoviews",
            "jupyter-dash",
            "litestar",
            "panel",
            "quart",
            "sanic",
            "shiny",
            "starlette",
            "streamlit",
            "voila",
        ]
    )
    + "\n"
)


# --- harness ------------------------------------------------------------------------------------------------


def make_app(
    root: Path,
    files: Files,
    appmode: str,
    entrypoint: str | None,
    excluded: tuple[str, ...] = (),
    python: str = PYTHON,
) -> Path:
    """Write an app under ``root/app`` and a manifest that is fresh for it, so only MG2xx can be reported.

    ``excluded`` names files written to disk but left out of the manifest (the test's ``.rscignore``
    excludes them); ``.rscignore`` files are never bundled either. Returns the manifest path.
    """
    app = root / APP_DIR
    put(app, {"requirements.txt": REQUIREMENTS, **files})
    listed = {}
    for path in sorted(app.rglob("*")):
        relative = path.relative_to(app).as_posix()
        if not path.is_file() or relative == "manifest.json" or relative in excluded or path.name == ".rscignore":
            continue
        listed[relative] = {"checksum": hashlib.md5(path.read_bytes()).hexdigest()}
    metadata: dict[str, Any] = {"appmode": appmode}
    if entrypoint is not None:
        metadata["entrypoint"] = entrypoint
    manifest = {
        "version": 1,
        "locale": "en_US.UTF-8",
        "metadata": metadata,
        "python": {
            "version": python,
            "package_manager": {"name": "pip", "version": "24.0", "package_file": "requirements.txt"},
        },
        "files": dict(sorted(listed.items())),
    }
    path = app / "manifest.json"
    path.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return path


def check_json(root: Path) -> tuple[int, dict[str, Any]]:
    """``check`` on the app directory outside git (the work tree is the source); exit code and JSON report."""
    result = run_main(["check", "--output-format", "json", APP_DIR], root)
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        pytest.fail(f"check did not print JSON (exit {result.code}): {result.stdout!r} {result.stderr!r}")
    return result.code, report


def fix(root: Path) -> CliResult:
    return run_main(["fix", APP_DIR], root)


def found_codes(report: dict[str, Any]) -> list[str]:
    return sorted(item["code"] for item in report["findings"])


def line_in(text: str, needle: str) -> int:
    """The 1-based line of the one line of ``text`` containing ``needle`` (ambiguity is a bug in the test)."""
    lines = [number for number, line in enumerate(text.splitlines(), 1) if needle in line]
    assert len(lines) == 1, (needle, lines)
    return lines[0]


def entrypoint_line(manifest: Path) -> int:
    """Where MG201/202/204/205/206 point: the ``"entrypoint"`` key, or ``"metadata"`` when the key is absent."""
    text = manifest.read_text(encoding="utf-8")
    return line_in(text, '"entrypoint":') if '"entrypoint":' in text else line_in(text, '"metadata":')


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A directory outside any git repository: ``check`` reads the work tree."""
    assert subprocess.run(["git", "rev-parse"], cwd=tmp_path, capture_output=True).returncode != 0
    return tmp_path


def notebook(*cells: tuple[str, str]) -> str:
    """A notebook as Jupyter saves it (indent 1) with ``(cell_type, source)`` cells."""
    built: list[dict[str, Any]] = []
    for kind, source in cells:
        cell: dict[str, Any] = {"cell_type": kind, "metadata": {}, "source": source.splitlines(keepends=True)}
        if kind == "code":
            cell.update({"execution_count": None, "outputs": []})
        built.append(cell)
    document = {
        "cells": built,
        "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return json.dumps(document, indent=1) + "\n"


# --- realistic apps -----------------------------------------------------------------------------------------

FLASK = """\
from flask import Flask, jsonify

app = Flask(__name__)


@app.get("/")
def index():
    return jsonify(status="ok")
"""

FLASK_BROKEN = """\
from flask import Flask, jsonify

app = Flask(__name__)


@app.get("/")
def index()
    return jsonify(status="ok")
"""

FLASK_FACTORY = """\
from flask import Flask


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__)
    app.config.update(config or {})

    @app.get("/health")
    def health():
        return {"status": "ok"}

    return app
"""

FLASK_MAKE_APP = """\
from flask import Flask

from views import bp


def make_app() -> Flask:
    app = Flask(__name__, static_folder="assets")
    app.register_blueprint(bp)
    return app
"""

BLUEPRINT = """\
from flask import Blueprint, render_template

bp = Blueprint("pages", __name__, url_prefix="/pages")


@bp.get("/<name>")
def page(name: str):
    return render_template("page.html", name=name)
"""

FLASK_WITH_BLUEPRINT = """\
from flask import Flask

from views import bp

app = Flask(__name__)
app.register_blueprint(bp)
"""

BOTTLE = """\
from bottle import Bottle, template

app = Bottle()


@app.route("/hello/<name>")
def hello(name):
    return template("<b>Hello {{name}}</b>!", name=name)
"""

BOTTLE_DEFAULT_APP = """\
import bottle


@bottle.route("/hello/<name>")
def hello(name):
    return f"Hello {name}!"


app = bottle.default_app()
"""

FALCON = """\
import falcon


class ThingsResource:
    def on_get(self, req, resp):
        resp.media = {"things": ["a", "b"]}


app = falcon.App()
app.add_route("/things", ThingsResource())
"""

FALCON_ASGI = """\
import falcon.asgi


class ThingsResource:
    async def on_get(self, req, resp):
        resp.media = {"things": ["a", "b"]}


app = falcon.asgi.App()
app.add_route("/things", ThingsResource())
"""

DJANGO = {
    "manage.py": (
        "import os\nimport sys\n\n"
        'if __name__ == "__main__":\n'
        '    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mysite.settings")\n'
        "    from django.core.management import execute_from_command_line\n\n"
        "    execute_from_command_line(sys.argv)\n"
    ),
    "mysite/__init__.py": "",
    "mysite/settings.py": (
        "import os\n\n"
        'SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]\n'
        "DEBUG = False\n"
        'ALLOWED_HOSTS = ["*"]\n'
        'INSTALLED_APPS = ["django.contrib.contenttypes", "django.contrib.staticfiles"]\n'
        'ROOT_URLCONF = "mysite.urls"\n'
    ),
    "mysite/urls.py": (
        "from django.http import JsonResponse\nfrom django.urls import path\n\n\n"
        "def health(request):\n"
        '    return JsonResponse({"status": "ok"})\n\n\n'
        'urlpatterns = [path("health/", health)]\n'
    ),
    "mysite/wsgi.py": (
        "import os\n\nfrom django.core.wsgi import get_wsgi_application\n\n"
        'os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mysite.settings")\n'
        "application = get_wsgi_application()\n"
    ),
    "mysite/asgi.py": (
        "import os\n\nfrom django.core.asgi import get_asgi_application\n\n"
        'os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mysite.settings")\n'
        "application = get_asgi_application()\n"
    ),
}

FASTAPI = """\
from fastapi import FastAPI

app = FastAPI(title="Prices")


@app.get("/prices/{symbol}")
async def price(symbol: str) -> dict[str, float]:
    return {symbol: 101.5}
"""

FASTAPI_FACTORY = """\
from fastapi import FastAPI


def create_app() -> FastAPI:
    api = FastAPI(title="Prices")

    @api.get("/health")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    return api
"""

ROUTER = """\
from fastapi import APIRouter

router = APIRouter(prefix="/items", tags=["items"])


@router.get("/{item_id}")
async def read_item(item_id: int) -> dict[str, int]:
    return {"item_id": item_id}
"""

FASTAPI_WITH_ROUTER = """\
from fastapi import FastAPI

from routers import items

app = FastAPI()
app.include_router(items.router)
"""

STARLETTE = """\
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route


async def homepage(request):
    return JSONResponse({"hello": "world"})


app = Starlette(routes=[Route("/", homepage)])
"""

QUART = """\
from quart import Quart

app = Quart(__name__)


@app.route("/")
async def hello() -> str:
    return "hello"
"""

LITESTAR = """\
from litestar import Litestar, get


@get("/")
async def index() -> str:
    return "Hello, world!"


app = Litestar(route_handlers=[index])
"""

SANIC = """\
from sanic import Sanic
from sanic.response import text

app = Sanic("Prices")


@app.get("/")
async def hello(request):
    return text("hello")
"""

WSGI_TO_ASGI = """\
from asgiref.wsgi import WsgiToAsgi
from flask import Flask

flask_app = Flask(__name__)


@flask_app.get("/")
def index():
    return {"status": "ok"}


app = WsgiToAsgi(flask_app)
"""

DASH = """\
from dash import Dash, html

app = Dash(__name__)
server = app.server
app.layout = html.Div([html.H1("Sales"), html.P("Quarterly numbers")])
"""

DASH_FLASK_SERVER = """\
import dash
from dash import html
from flask import Flask

server = Flask(__name__)
app = dash.Dash(__name__, server=server, url_base_pathname="/")
app.layout = html.Div("Sales")
"""

JUPYTER_DASH = """\
from dash import html
from jupyter_dash import JupyterDash

app = JupyterDash(__name__)
app.layout = html.Div("Sales")
"""

SHINY_CORE = """\
from shiny import App, render, ui

app_ui = ui.page_fluid(ui.input_slider("n", "N", 1, 100, 20), ui.output_text_verbatim("txt"))


def server(input, output, session):
    @render.text
    def txt():
        return f"n*2 is {input.n() * 2}"


app = App(app_ui, server)
"""

SHINY_EXPRESS = """\
from shiny import render
from shiny.express import input, ui

ui.input_slider("n", "N", 1, 100, 20)


@render.text
def txt():
    return f"n*2 is {input.n() * 2}"
"""

SHINY_EXPRESS_IMPORT = """\
import shiny.express
from shiny import render

shiny.express.ui.input_slider("n", "N", 1, 100, 20)


@render.text
def txt():
    return f"n*2 is {shiny.express.input.n() * 2}"
"""

SHINY_EXPRESS_FROM_SHINY = """\
from shiny import express, render

express.ui.input_slider("n", "N", 1, 100, 20)


@render.text
def txt():
    return f"n*2 is {express.input.n() * 2}"
"""

SHINY_EXPRESS_MAGIC = """\
# shiny_mode: express
from components import sales_card
from shiny import render

sales_card("Sales")


@render.text
def total():
    return "42"
"""

SHINY_CORE_NESTED_EXPRESS_IMPORT = """\
from shiny import App, ui


def preview_in_express() -> None:
    from shiny.express import ui as xui

    xui.h1("preview")


app_ui = ui.page_fluid(ui.h1("Sales"))


def server(input, output, session):
    pass


app = App(app_ui, server)
"""

GRADIO_BLOCKS = """\
import gradio as gr


def greet(name: str) -> str:
    return f"Hello {name}!"


with gr.Blocks() as demo:
    name = gr.Textbox(label="Name")
    greeting = gr.Textbox(label="Greeting")
    name.submit(greet, name, greeting)
"""

GRADIO_INTERFACE = """\
import gradio as gr


def greet(name: str) -> str:
    return f"Hello {name}!"


demo = gr.Interface(fn=greet, inputs="text", outputs="text")

if __name__ == "__main__":
    demo.launch()
"""

GRADIO_MOUNTED = """\
import gradio as gr
from fastapi import FastAPI

api = FastAPI()


@api.get("/health")
async def health() -> dict[str, str]:
    return {"status": "ok"}


demo = gr.Interface(fn=lambda text: text[::-1], inputs="text", outputs="text")
app = gr.mount_gradio_app(api, demo, path="/gradio")
"""

STREAMLIT = """\
import streamlit as st

st.title("Sales")
region = st.selectbox("Region", ["North", "South"])
st.bar_chart({"sales": [10, 12, 9]})
st.write(f"Showing {region}")
"""

STREAMLIT_BROKEN = """\
import streamlit as st

st.title("Sales"
st.bar_chart({"sales": [10, 12, 9]})
"""

BOKEH = """\
from bokeh.io import curdoc
from bokeh.plotting import figure

plot = figure(title="Sales")
plot.line([1, 2, 3], [10, 12, 9])
curdoc().add_root(plot)
"""

PANEL = """\
import panel as pn

pn.extension()
slider = pn.widgets.IntSlider(name="N", start=1, end=100)
pn.Column(slider, pn.bind(lambda n: f"n*2 is {n * 2}", slider)).servable()
"""

HOLOVIEWS = """\
import holoviews as hv

hv.extension("bokeh")
curve = hv.Curve([(1, 10), (2, 12), (3, 9)], "month", "sales")
hv.renderer("bokeh").server_doc(curve)
"""

NOTEBOOK = notebook(
    ("markdown", "# Sales report\n"),
    ("code", "%matplotlib inline\nimport json\n"),
    ("code", "!pip list\ntotals = {'north': 10, 'south': 12}\ntotals"),
)
NOTEBOOK_V3 = (
    json.dumps(
        {
            "metadata": {"name": "old"},
            "nbformat": 3,
            "nbformat_minor": 0,
            "worksheets": [{"cells": [{"cell_type": "code", "input": ["1 + 1"], "language": "python", "outputs": []}]}],
        },
        indent=1,
    )
    + "\n"
)
NOTEBOOK_CONFLICT = """\
{
 "cells": [
<<<<<<< HEAD
  {"cell_type": "code", "execution_count": null, "metadata": {}, "outputs": [], "source": ["1 + 1"]}
=======
  {"cell_type": "code", "execution_count": null, "metadata": {}, "outputs": [], "source": ["2 + 2"]}
>>>>>>> feature
 ],
 "metadata": {},
 "nbformat": 4,
 "nbformat_minor": 5
}
"""
NOTEBOOK_HEADING = notebook(("heading", "Old-style heading\n"), ("code", "1 + 1\n"))
NOTEBOOK_LATIN1 = notebook(("markdown", "# Caf\u00e9 sales\n")).encode("utf-8").replace(b"\\u00e9", b"\xe9")
NOTEBOOK_LIST = "[\n" + NOTEBOOK + "]\n"

GRADIO_CHAT = """\
import gradio as gr


def reply(message: str, history: list) -> str:
    return f"You said: {message}"


chat = gr.ChatInterface(reply, title="Echo")
"""

SHINY_CORE_EXPRESSIFY = """\
# shiny_mode: core
from shiny import App, ui
from shiny.express import expressify


@expressify
def heading() -> None:
    ui.h1("Sales")


app_ui = ui.page_fluid(ui.output_ui("title"))


def server(input, output, session):
    pass


app = App(app_ui, server)
"""

PKG_REEXPORT = {
    "mypkg/__init__.py": '"""The deployable package."""\nfrom .factory import app\n\n__all__ = ["app"]\n',
    "mypkg/factory.py": FLASK,
}


# --- the table ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """One app, its appmode and entrypoint, and the exact codes ``check`` must report for it.

    ``says``: a piece of the (first) finding's message; ``at``: for MG203, the broken file (relative to the
    app) and the line (None: not asserted) the finding must point at.
    """

    id: str
    appmode: str
    entrypoint: str | None
    files: Files
    expected: tuple[str, ...] = ()
    excluded: tuple[str, ...] = ()
    python: str = PYTHON
    says: str = ""
    at: tuple[str, int | None] | None = None


CASES: list[Case] = [
    # --- python-api: WSGI frameworks in every entrypoint form ---
    Case("api-flask-module", "python-api", "app", {"app.py": FLASK}),
    Case("api-flask-module-object", "python-api", "app:app", {"app.py": FLASK}),
    Case("api-flask-file-form", "python-api", "app.py", {"app.py": FLASK}),
    # `sub/app.py` = module `sub.app`; `web/` has no __init__.py: a namespace package
    Case("api-flask-file-form-in-subdir", "python-api", "web/app.py", {"web/app.py": FLASK}),
    Case(
        "api-flask-application-name",
        "python-api",
        "wsgi",
        {
            "wsgi.py": (
                "from flask import Flask\n\napplication = Flask(__name__)\n"
                "application.config['JSON_SORT_KEYS'] = False\n"
            )
        },
    ),
    # a Flask app keeps templates in a folder named like the module: app.py still wins over a namespace dir
    Case(
        "api-module-beats-namespace-dir",
        "python-api",
        "app:app",
        {"app.py": FLASK, "app/templates/index.html": "<h1>hi</h1>\n"},
    ),
    # a regular package shadows the module of the same name, as in Python: app/__init__.py binds nothing
    Case(
        "api-package-shadows-module",
        "python-api",
        "app:app",
        {
            "app.py": FLASK,
            "app/__init__.py": '"""Helpers."""\n',
            "app/utils.py": "def slug(s):\n    return s.lower()\n",
        },
        ("MG204",),
    ),
    Case("api-bottle", "python-api", "app:app", {"app.py": BOTTLE}),
    Case("api-bottle-default-app", "python-api", "hello", {"hello.py": BOTTLE_DEFAULT_APP}),
    Case("api-falcon", "python-api", "things:app", {"things.py": FALCON}),
    Case("api-django-wsgi", "python-api", "mysite.wsgi:application", DJANGO),
    Case("api-django-wsgi-module-only", "python-api", "mysite.wsgi", DJANGO),
    Case("api-django-asgi", "python-api", "mysite.asgi:application", DJANGO, ("MG205",)),
    Case("api-fastapi", "python-api", "app:app", {"app.py": FASTAPI}, ("MG205",)),
    Case("api-falcon-asgi", "python-api", "things:app", {"things.py": FALCON_ASGI}, ("MG205",)),
    Case(
        "api-fastapi-alias",
        "python-api",
        "main:api",
        {"main.py": "from fastapi import FastAPI as F\n\napi = F(docs_url=None)\n"},
        ("MG205",),
    ),
    Case(
        "api-fastapi-subclass",
        "python-api",
        "main:app",
        {
            "main.py": (
                "from fastapi import FastAPI\n\n\nclass PricesAPI(FastAPI):\n    version = '2'\n\n\napp = PricesAPI()\n"
            )
        },
        ("MG205",),
    ),
    # Ambiguity: "def factories whose returns agree" + "following names". A factory returns a local bound to
    # FastAPI(...), the usual idiom; a demanding user expects it classified (ASGI under python-api), not quiet.
    Case("api-fastapi-factory", "python-api", "app:create_app", {"app.py": FASTAPI_FACTORY}, ("MG205",)),
    Case("api-dash-object", "python-api", "app:app", {"app.py": DASH}, ("MG205",), says="server"),
    # the object part may be a dotted path: the Dash app's Flask server
    Case("api-dash-dotted-server", "python-api", "app:app.server", {"app.py": DASH}),
    Case("api-flask-file-form-with-object", "python-api", "app.py:app", {"app.py": FLASK}),
    Case("api-gradio-chat", "python-api", "bot:chat", {"bot.py": GRADIO_CHAT}, ("MG205",)),
    Case("api-dash-server", "python-api", "app:server", {"app.py": DASH}),
    Case("api-shiny-app", "python-api", "app:app", {"app.py": SHINY_CORE}, ("MG205",)),
    Case("api-gradio-blocks", "python-api", "app:demo", {"app.py": GRADIO_BLOCKS}, ("MG205",)),
    # --- factories and blueprints ---
    Case("api-factory-create-app", "python-api", "app", {"app.py": FLASK_FACTORY}),
    Case("api-factory-create-app-object", "python-api", "app:create_app", {"app.py": FLASK_FACTORY}),
    Case("api-factory-make-app", "python-api", "server", {"server.py": FLASK_MAKE_APP, "views.py": BLUEPRINT}),
    Case("api-blueprint-registered", "python-api", "app:app", {"app.py": FLASK_WITH_BLUEPRINT, "views.py": BLUEPRINT}),
    Case(
        "api-blueprint-entrypoint",
        "python-api",
        "views:bp",
        {"app.py": FLASK_WITH_BLUEPRINT, "views.py": BLUEPRINT},
        ("MG205",),
    ),
    # --- packages and re-exports ---
    Case("api-package-reexport", "python-api", "mypkg:app", PKG_REEXPORT),
    Case(
        "api-package-reexport-unbound",
        "python-api",
        "mypkg:app",
        {**PKG_REEXPORT, "mypkg/factory.py": "from flask import Flask\n\napplication = Flask(__name__)\n"},
        ("MG204",),
    ),
    Case(
        "api-package-star-reexport",
        "python-api",
        "mypkg:app",
        {"mypkg/__init__.py": "from .core import *  # noqa: F403\n", "mypkg/core.py": FLASK},
    ),
    # `from .core import *` honours core's literal __all__, which leaves `app` out
    Case(
        "api-package-star-reexport-all",
        "python-api",
        "mypkg:app",
        {
            "mypkg/__init__.py": "from .core import *  # noqa: F403\n",
            "mypkg/core.py": FLASK + '\n__all__ = ["index"]\n',
        },
        ("MG204",),
    ),
    # the everyday layout: the package re-exports the object of its submodule of the same name
    Case(
        "api-import-from-package-reexporting-same-named-submodule",
        "python-api",
        "wsgi:app",
        {"wsgi.py": "from mypkg import app\n", "mypkg/__init__.py": "from .app import app\n", "mypkg/app.py": FLASK},
    ),
    Case(
        "fastapi-import-from-package-reexporting-same-named-submodule",
        "python-fastapi",
        "wsgi:app",
        {"wsgi.py": "from mypkg import app\n", "mypkg/__init__.py": "from .app import app\n", "mypkg/app.py": FLASK},
        ("MG205",),
    ),
    # `from . import app` binds the submodule dashboard/app.py, not an application (spec: MG204)
    Case(
        "api-package-binds-submodule",
        "python-api",
        "dashboard:app",
        {"dashboard/__init__.py": "from . import app\n", "dashboard/app.py": FLASK},
        ("MG204",),
    ),
    # Ambiguity: "followed (recursively, cycle-safe)". Two modules importing `app` from each other never bind it
    # (Python raises ImportError on the partial module): reading the cycle as "unbound" gives MG204, not quiet.
    Case(
        "api-reexport-cycle",
        "python-api",
        "server:app",
        {
            "server.py": "from routes import app\n",
            "routes.py": "from server import app\n\n\n@app.get('/')\ndef index():\n    return 'ok'\n",
        },
        ("MG204",),
    ),
    Case(
        "api-from-import-as",
        "python-api",
        "wsgi:app",
        {
            "wsgi.py": "from server import application as app\n",
            "server.py": "from flask import Flask\n\napplication = Flask(__name__)\n",
        },
    ),
    # an import from outside the bundle counts as a binding (content unknown)
    Case(
        "api-import-as-external",
        "python-api",
        "wsgi:app",
        {"wsgi.py": '"""Connect runs our portal."""\nimport acme_portal.wsgi as app\n'},
    ),
    Case(
        "api-star-import-external",
        "python-api",
        "wsgi:application",
        {"wsgi.py": "from acme_portal.wsgi import *  # noqa: F403\n"},
    ),
    Case(
        "api-dotted-module",
        "python-api",
        "services.web:application",
        {"services/__init__.py": "", "services/web.py": "from flask import Flask\n\napplication = Flask(__name__)\n"},
    ),
    Case(
        "api-namespace-package",
        "python-api",
        "backend.server:app",
        {"backend/server.py": FLASK, "backend/static/site.css": "h1 {}\n"},
    ),
    # a namespace package has no code, so it binds nothing
    Case("api-namespace-package-object", "python-api", "backend:app", {"backend/server.py": FLASK}, ("MG204",)),
    Case(
        "api-compiled-module",
        "python-api",
        "fastmod:app",
        {"fastmod.cpython-311-x86_64-linux-gnu.so": b"\x7fELF\x02\x01\x01\x00" + bytes(56)},
    ),
    Case("api-pyc-only", "python-api", "legacy:app", {"legacy.pyc": b"\xa7\r\r\n" + bytes(12) + b"\xe3" + bytes(15)}),
    # --- where a top-level binding can hide ---
    Case(
        "api-binding-in-if",
        "python-api",
        "app:app",
        {
            "app.py": (
                "import os\n\nfrom flask import Flask\n\n"
                'if os.environ.get("STATIC_DIR"):\n    app = Flask(__name__, static_folder=os.environ["STATIC_DIR"])\n'
                "else:\n    app = Flask(__name__)\n"
            )
        },
    ),
    Case(
        "api-binding-in-try",
        "python-api",
        "app:app",
        {
            "app.py": (
                "from flask import Flask\n\ntry:\n    import tomllib\nexcept ImportError:\n    tomllib = None\n"
                "else:\n    app = Flask(__name__)\n"
                "    app.config.from_file('config.toml', load=tomllib.load, text=False)\n"
            )
        },
    ),
    Case(
        "api-binding-in-match",
        "python-api",
        "app:app",
        {
            "app.py": (
                "import os\n\nfrom flask import Flask\n\n"
                'match os.environ.get("MODE", "prod"):\n    case "dev":\n'
                '        app = Flask(__name__, static_folder="dev-static")\n'
                "    case _:\n        app = Flask(__name__)\n"
            )
        },
    ),
    # a plugin-style module that writes its globals is dynamic: quiet
    Case(
        "api-globals-write",
        "python-api",
        "plugins:app",
        {
            "plugins.py": (
                "import importlib\n\n"
                'for name in ("app", "admin"):\n'
                '    globals()[name] = importlib.import_module(f"acme_portal.{name}").build()\n'
            )
        },
    ),
    Case(
        "api-binding-in-with",
        "python-api",
        "app:app",
        {
            "app.py": (
                "import json\n\nfrom flask import Flask\n\n"
                'with open("settings.json") as fh:\n    settings = json.load(fh)\n    app = Flask(__name__)\n'
                "    app.config.update(settings)\n"
            ),
            "settings.json": '{"DEBUG": false}\n',
        },
    ),
    Case(
        "api-tuple-unpacking",
        "python-api",
        "app:app",
        {
            "app.py": (
                "from flask import Flask\nfrom flask_sqlalchemy import SQLAlchemy\n\n\n"
                "def build():\n    app = Flask(__name__)\n    return app, SQLAlchemy(app)\n\n\napp, db = build()\n"
            )
        },
    ),
    Case(
        "api-annotated-with-value",
        "python-api",
        "app:app",
        {"app.py": "from flask import Flask\n\napp: Flask = Flask(__name__)\n"},
    ),
    Case(
        "api-bare-annotation",
        "python-api",
        "app:app",
        {"app.py": "from flask import Flask\n\napp: Flask  # set up by the launcher\n"},
        ("MG204",),
    ),
    Case(
        "api-chained-assignment",
        "python-api",
        "app:application",
        {"app.py": "from flask import Flask\n\napplication = app = Flask(__name__)\n"},
    ),
    Case(
        "api-global-in-function",
        "python-api",
        "app:app",
        {
            "app.py": (
                "from flask import Flask\n\n\ndef _init() -> None:\n    global app\n"
                "    app = Flask(__name__)\n\n\n_init()\n"
            )
        },
    ),
    Case(
        "api-only-in-function",
        "python-api",
        "app:app",
        {
            "app.py": (
                "from flask import Flask\n\n\ndef main() -> None:\n    app = Flask(__name__)\n    app.run()\n\n\n"
                "if __name__ == '__main__':\n    main()\n"
            )
        },
        ("MG204",),
    ),
    Case("api-object-not-found", "python-api", "app:application", {"app.py": FLASK}, ("MG204",)),
    Case(
        "api-no-default-name",
        "python-api",
        "server",
        {"server.py": "from flask import Flask\n\nweb = Flask(__name__)\n"},
        ("MG204",),
    ),
    # two bindings that disagree (ASGI in one branch, WSGI in the other): not classified, quiet
    Case(
        "api-bindings-disagree",
        "python-api",
        "app:app",
        {
            "app.py": (
                "import os\n\nfrom fastapi import FastAPI\nfrom flask import Flask\n\n"
                'if os.environ.get("USE_ASGI"):\n    app = FastAPI()\nelse:\n    app = Flask(__name__)\n'
            )
        },
    ),
    Case(
        "api-dynamic-getattr",
        "python-api",
        "lazy:app",
        {
            "lazy.py": (
                '"""Builds the app on first access so importing this module stays cheap."""\n'
                "from functools import cache\n\n\n@cache\ndef _build():\n    from flask import Flask\n\n"
                "    return Flask(__name__)\n\n\ndef __getattr__(name: str):\n"
                '    if name == "app":\n        return _build()\n    raise AttributeError(name)\n'
            )
        },
    ),
    # --- MG201: malformed entrypoints ---
    Case("api-missing-entrypoint", "python-api", None, {"app.py": FLASK}, ("MG201",)),
    Case("fastapi-empty-entrypoint", "python-fastapi", "", {"app.py": FASTAPI}, ("MG201",)),
    Case("api-three-parts", "python-api", "app:app:app", {"app.py": FLASK}, ("MG201",)),
    Case("api-dashed-module", "python-api", "my-app", {"my-app.py": FLASK}, ("MG201",)),
    # `my-app.py` is accepted as a file name for script modes only
    Case("api-dashed-file", "python-api", "my-app.py", {"my-app.py": FLASK}, ("MG201",)),
    Case("api-digit-module", "python-api", "1app", {"1app.py": FLASK}, ("MG201",)),
    Case("api-empty-part-in-module", "python-api", "mysite..wsgi", DJANGO, ("MG201",)),
    Case("api-empty-object", "python-api", "app:", {"app.py": FLASK}, ("MG201",)),
    Case("api-empty-module", "python-api", ":app", {"app.py": FLASK}, ("MG201",)),
    # gunicorn's factory-call syntax is not an entrypoint Connect understands
    Case("api-object-call", "python-api", "app:create_app()", {"app.py": FLASK_FACTORY}, ("MG201",)),
    # --- MG202: module not in the bundle ---
    Case("api-module-missing", "python-api", "server", {"app.py": FLASK}, ("MG202",), says="not in the bundle"),
    Case(
        "api-module-excluded-by-rscignore",
        "python-api",
        "server:app",
        {"app.py": FLASK, "server.py": FLASK, ".rscignore": "server.py\n"},
        ("MG202",),
        excluded=("server.py",),
        says="server.py is excluded",
    ),
    Case("api-module-case-mismatch", "python-api", "App:app", {"app.py": FLASK}, ("MG202",)),
    Case(
        "api-submodule-missing",
        "python-api",
        "pkg.server:app",
        {"pkg/__init__.py": "", "pkg/routes.py": FLASK},
        ("MG202",),
    ),
    # --- MG203: the entrypoint module or a parent package does not parse ---
    Case("api-syntax-error", "python-api", "app:app", {"app.py": FLASK_BROKEN}, ("MG203",), at=("app.py", 7)),
    Case(
        "api-syntax-error-in-parent-package",
        "python-api",
        "pkg.server:app",
        {
            "pkg/__init__.py": '"""Package setup."""\nfrom .server import app\n\n__version__ = "1.2.0\n',
            "pkg/server.py": FLASK,
        },
        ("MG203",),
        at=("pkg/__init__.py", 4),
    ),
    # only the entrypoint module and its parent packages are parsed: a broken helper is not MG203
    Case(
        "api-syntax-error-in-helper",
        "python-api",
        "app:app",
        {"app.py": FLASK, "helpers.py": "def slug(s)\n    return s\n"},
    ),
    # PEP 695 is Python 3.12 grammar; the manifest says 3.12, so a failing parse on an older Python is quiet
    Case(
        "api-newer-grammar",
        "python-api",
        "app:app",
        {
            "app.py": FLASK
            + "\n\ntype Payload = dict[str, object]\n\n\ndef first[T](items: list[T]) -> T:\n    return items[0]\n"
        },
        python="3.12.0",
    ),
    # --- python-fastapi: ASGI frameworks ---
    Case("fastapi-fastapi", "python-fastapi", "app:app", {"app.py": FASTAPI}),
    Case("fastapi-main-module", "python-fastapi", "main", {"main.py": FASTAPI}),
    Case("fastapi-starlette", "python-fastapi", "app:app", {"app.py": STARLETTE}),
    Case("fastapi-quart", "python-fastapi", "app:app", {"app.py": QUART}),
    Case("fastapi-litestar", "python-fastapi", "app:app", {"app.py": LITESTAR}),
    Case("fastapi-sanic", "python-fastapi", "server:app", {"server.py": SANIC}),
    Case("fastapi-django-asgi", "python-fastapi", "mysite.asgi:application", DJANGO),
    Case("fastapi-shiny-app", "python-fastapi", "app:app", {"app.py": SHINY_CORE}),
    Case("fastapi-gradio-mounted", "python-fastapi", "app:app", {"app.py": GRADIO_MOUNTED}),
    Case(
        "fastapi-router-included",
        "python-fastapi",
        "app:app",
        {"app.py": FASTAPI_WITH_ROUTER, "routers/__init__.py": "", "routers/items.py": ROUTER},
    ),
    Case(
        "fastapi-router-entrypoint",
        "python-fastapi",
        "routers.items:router",
        {"app.py": FASTAPI_WITH_ROUTER, "routers/__init__.py": "", "routers/items.py": ROUTER},
        ("MG205",),
    ),
    Case("fastapi-wsgi-to-asgi", "python-fastapi", "app:app", {"app.py": WSGI_TO_ASGI}),
    Case("fastapi-flask", "python-fastapi", "app:app", {"app.py": FLASK}, ("MG205",)),
    Case(
        "fastapi-flask-module-alias",
        "python-fastapi",
        "app:app",
        {"app.py": "import flask as f\n\napp = f.Flask(__name__)\n"},
        ("MG205",),
    ),
    Case("fastapi-dash", "python-fastapi", "app:app", {"app.py": DASH}, ("MG205",)),
    Case("fastapi-bottle-default-app", "python-fastapi", "hello", {"hello.py": BOTTLE_DEFAULT_APP}, ("MG205",)),
    Case("fastapi-django-wsgi", "python-fastapi", "mysite.wsgi:application", DJANGO, ("MG205",)),
    Case("fastapi-gradio", "python-fastapi", "app:demo", {"app.py": GRADIO_BLOCKS}, ("MG205",)),
    # --- python-dash ---
    Case("dash-app", "python-dash", "app:app", {"app.py": DASH}),
    Case("dash-module", "python-dash", "app", {"app.py": DASH}),
    Case("dash-jupyter-dash", "python-dash", "app:app", {"app.py": JUPYTER_DASH}),
    Case("dash-flask-server", "python-dash", "app:server", {"app.py": DASH_FLASK_SERVER}),
    Case("dash-fastapi", "python-dash", "app:app", {"app.py": FASTAPI}, ("MG205",)),
    Case("dash-gradio", "python-dash", "app:demo", {"app.py": GRADIO_BLOCKS}, ("MG205",)),
    Case("dash-shiny", "python-dash", "app:app", {"app.py": SHINY_CORE}, ("MG205",)),
    # --- python-shiny: core and Express ---
    Case("shiny-core-module", "python-shiny", "app", {"app.py": SHINY_CORE}),
    Case("shiny-core-object", "python-shiny", "app:app", {"app.py": SHINY_CORE}),
    Case("shiny-core-fastapi", "python-shiny", "app:app", {"app.py": FASTAPI}),
    Case("shiny-core-object-missing", "python-shiny", "app:shiny_app", {"app.py": SHINY_CORE}, ("MG204",)),
    Case("shiny-core-flask", "python-shiny", "app:app", {"app.py": FLASK}, ("MG205",)),
    Case("shiny-express-from-import", "python-shiny", "shiny.express.app:app_2e_py", {"app.py": SHINY_EXPRESS}),
    Case("shiny-express-import", "python-shiny", "shiny.express.app:app_2e_py", {"app.py": SHINY_EXPRESS_IMPORT}),
    Case(
        "shiny-express-from-shiny", "python-shiny", "shiny.express.app:app_2e_py", {"app.py": SHINY_EXPRESS_FROM_SHINY}
    ),
    Case(
        "shiny-express-magic-comment",
        "python-shiny",
        "shiny.express.app:app_2e_py",
        {
            "app.py": SHINY_EXPRESS_MAGIC,
            "components.py": "from shiny.express import ui\n\n\ndef sales_card(title):\n    ui.h2(title)\n",
        },
    ),
    # `_` is escaped too (py-shiny keeps only [A-Za-z0-9]): my_app.py -> my_5f_app_2e_py
    Case(
        "shiny-express-underscore-file",
        "python-shiny",
        "shiny.express.app:my_5f_app_2e_py",
        {"my_app.py": SHINY_EXPRESS},
    ),
    Case(
        "shiny-express-underscore-unescaped",
        "python-shiny",
        "shiny.express.app:my_app_2e_py",
        {"my_app.py": SHINY_EXPRESS},
        ("MG201",),
    ),
    # the magic comment wins over a top-level shiny.express import (a core app using @expressify)
    Case("shiny-core-magic-comment-wins", "python-shiny", "app", {"app.py": SHINY_CORE_EXPRESSIFY}),
    Case(
        "shiny-express-in-subdir",
        "python-shiny",
        "shiny.express.app:dashboards_2f_sales_2e_py",
        {"dashboards/sales.py": SHINY_EXPRESS},
    ),
    Case("shiny-nested-express-import-is-core", "python-shiny", "app", {"app.py": SHINY_CORE_NESTED_EXPRESS_IMPORT}),
    Case(
        "shiny-nested-express-import-express-entrypoint",
        "python-shiny",
        "shiny.express.app:app_2e_py",
        {"app.py": SHINY_CORE_NESTED_EXPRESS_IMPORT},
        ("MG206",),
    ),
    Case("shiny-express-plain-module", "python-shiny", "app", {"app.py": SHINY_EXPRESS}, ("MG206",)),
    Case("shiny-express-plain-file", "python-shiny", "app.py", {"app.py": SHINY_EXPRESS}, ("MG206",)),
    Case("shiny-express-plain-object", "python-shiny", "app:app", {"app.py": SHINY_EXPRESS}, ("MG206",)),
    Case(
        "shiny-express-magic-plain",
        "python-shiny",
        "app",
        {"app.py": SHINY_EXPRESS_MAGIC, "components.py": "def sales_card(title):\n    return title\n"},
        ("MG206",),
    ),
    Case(
        "shiny-core-express-entrypoint",
        "python-shiny",
        "shiny.express.app:app_2e_py",
        {"app.py": SHINY_CORE},
        ("MG206",),
    ),
    Case(
        "shiny-express-file-missing",
        "python-shiny",
        "shiny.express.app:app_2e_py",
        {"dashboard.py": SHINY_EXPRESS},
        ("MG202",),
    ),
    Case(
        "shiny-express-noncanonical-escape",
        "python-shiny",
        "shiny.express.app:app.py",
        {"app.py": SHINY_EXPRESS},
        ("MG201",),
    ),
    # py-shiny writes the hex digits in lower case, so `_2E_` is not its escape of `.`
    Case(
        "shiny-express-uppercase-escape",
        "python-shiny",
        "shiny.express.app:app_2E_py",
        {"app.py": SHINY_EXPRESS},
        ("MG201",),
    ),
    Case(
        "fastapi-express-entrypoint",
        "python-fastapi",
        "shiny.express.app:app_2e_py",
        {"app.py": SHINY_EXPRESS},
        ("MG201",),
    ),
    # --- python-gradio ---
    Case("gradio-blocks-object", "python-gradio", "app:demo", {"app.py": GRADIO_BLOCKS}),
    Case("gradio-interface-object", "python-gradio", "app:demo", {"app.py": GRADIO_INTERFACE}),
    # without an object the file is run as a script: no default name is needed
    Case("gradio-interface-script", "python-gradio", "app", {"app.py": GRADIO_INTERFACE}),
    Case("gradio-mounted-on-fastapi", "python-gradio", "app:app", {"app.py": GRADIO_MOUNTED}),
    Case(
        "gradio-object-missing",
        "python-gradio",
        "app:demo",
        {"app.py": GRADIO_INTERFACE.replace("demo", "iface")},
        ("MG204",),
    ),
    Case("gradio-flask-object", "python-gradio", "app:app", {"app.py": FLASK}, ("MG205",)),
    Case("gradio-flask-script", "python-gradio", "app", {"app.py": FLASK}, ("MG205",)),
    Case("gradio-script-missing", "python-gradio", "app", {"demo.py": GRADIO_BLOCKS}, ("MG202",)),
    # --- script modes: streamlit, bokeh, panel ---
    Case("streamlit-file", "python-streamlit", "app.py", {"app.py": STREAMLIT}),
    Case("streamlit-module", "python-streamlit", "app", {"app.py": STREAMLIT}),
    Case("streamlit-dashed-file", "python-streamlit", "sales-report.py", {"sales-report.py": STREAMLIT}),
    Case("streamlit-file-in-subdir", "python-streamlit", "src/dashboard.py", {"src/dashboard.py": STREAMLIT}),
    Case("streamlit-dotted-module", "python-streamlit", "src.dashboard", {"src/dashboard.py": STREAMLIT}),
    # imports no streamlit but builds no framework object either: not enough for MG205
    Case(
        "streamlit-delegating-script",
        "python-streamlit",
        "app.py",
        {
            "app.py": "from pages.home import render\n\nrender()\n",
            "pages/home.py": "import streamlit as st\n\n\ndef render():\n    st.title('Home')\n",
        },
    ),
    Case("streamlit-object-part", "python-streamlit", "app.py:main", {"app.py": STREAMLIT}, ("MG201",)),
    Case("streamlit-dashed-module", "python-streamlit", "sales-report", {"sales-report.py": STREAMLIT}, ("MG201",)),
    Case("streamlit-flask", "python-streamlit", "app.py", {"app.py": FLASK}, ("MG205",)),
    # only bokeh and panel run a directory app (dir/main.py)
    Case("streamlit-directory-app", "python-streamlit", "dashboard", {"dashboard/main.py": STREAMLIT}, ("MG202",)),
    Case("streamlit-missing", "python-streamlit", "dashboard.py", {"app.py": STREAMLIT}, ("MG202",)),
    # the script is the entrypoint file: it must parse like a module (spec MG203 names "the entrypoint module file")
    Case(
        "streamlit-syntax-error",
        "python-streamlit",
        "app.py",
        {"app.py": STREAMLIT_BROKEN},
        ("MG203",),
        at=("app.py", 3),
    ),
    Case("bokeh-file", "python-bokeh", "app.py", {"app.py": BOKEH}),
    Case(
        "bokeh-directory-app",
        "python-bokeh",
        "dashboard",
        {"dashboard/main.py": BOKEH, "dashboard/theme.yaml": "attrs: {}\n"},
    ),
    Case("bokeh-dash", "python-bokeh", "app.py", {"app.py": DASH}, ("MG205",)),
    Case("panel-module", "python-panel", "dashboard_app", {"dashboard_app.py": PANEL}),
    Case("panel-file", "python-panel", "app.py", {"app.py": PANEL}),
    Case("panel-holoviews", "python-panel", "app.py", {"app.py": HOLOVIEWS}),
    Case("panel-object-part", "python-panel", "app:app", {"app.py": PANEL}, ("MG201",)),
    Case("panel-missing", "python-panel", "dashboard_app", {"app.py": PANEL}, ("MG202",)),
    Case("panel-fastapi", "python-panel", "app.py", {"app.py": FASTAPI}, ("MG205",)),
    # --- notebook modes ---
    # code cells hold magics (%matplotlib, !pip): never parsed as Python
    Case("static-notebook", "jupyter-static", "report.ipynb", {"report.ipynb": NOTEBOOK}),
    Case("static-notebook-in-subdir", "jupyter-static", "reports/q3.ipynb", {"reports/q3.ipynb": NOTEBOOK}),
    Case(
        "static-not-a-notebook",
        "jupyter-static",
        "report.py",
        {"report.py": "print(1)\n", "report.ipynb": NOTEBOOK},
        ("MG201",),
    ),
    Case("static-notebook-missing", "jupyter-static", "report.ipynb", {"summary.ipynb": NOTEBOOK}, ("MG202",)),
    Case(
        "static-merge-conflict",
        "jupyter-static",
        "report.ipynb",
        {"report.ipynb": NOTEBOOK_CONFLICT},
        ("MG203",),
        at=("report.ipynb", line_in(NOTEBOOK_CONFLICT, "<<<<<<<")),
    ),
    Case(
        "static-nbformat-3",
        "jupyter-static",
        "old.ipynb",
        {"old.ipynb": NOTEBOOK_V3},
        ("MG203",),
        at=("old.ipynb", line_in(NOTEBOOK_V3, '"nbformat": 3')),
    ),
    # the position of an unknown cell type: the line of that cell_type value
    Case(
        "static-heading-cell",
        "jupyter-static",
        "report.ipynb",
        {"report.ipynb": NOTEBOOK_HEADING},
        ("MG203",),
        at=("report.ipynb", line_in(NOTEBOOK_HEADING, '"cell_type": "heading"')),
    ),
    Case(
        "static-not-utf8",
        "jupyter-static",
        "report.ipynb",
        {"report.ipynb": NOTEBOOK_LATIN1},
        ("MG203",),
        at=("report.ipynb", None),
    ),
    Case(
        "static-not-an-object",
        "jupyter-static",
        "report.ipynb",
        {"report.ipynb": NOTEBOOK_LIST},
        ("MG203",),
        at=("report.ipynb", 1),
    ),
    Case("voila-notebook", "jupyter-voila", "dashboard.ipynb", {"dashboard.ipynb": NOTEBOOK}),
    Case("voila-every-notebook", "jupyter-voila", "", {"sales.ipynb": NOTEBOOK, "reports/costs.ipynb": NOTEBOOK}),
    Case(
        "voila-every-notebook-none",
        "jupyter-voila",
        "",
        {"helpers.py": "def total(xs):\n    return sum(xs)\n"},
        ("MG202",),
    ),
    Case(
        "voila-every-notebook-one-broken",
        "jupyter-voila",
        "",
        {"sales.ipynb": NOTEBOOK, "old.ipynb": NOTEBOOK_V3},
        ("MG203",),
        at=("old.ipynb", line_in(NOTEBOOK_V3, '"nbformat": 3')),
    ),
    Case("voila-not-a-notebook", "jupyter-voila", "dashboard", {"dashboard.ipynb": NOTEBOOK}, ("MG201",)),
    Case("voila-notebook-missing", "jupyter-voila", "dashboard.ipynb", {"sales.ipynb": NOTEBOOK}, ("MG202",)),
    # --- appmodes the rules do not cover: any entrypoint is quiet ---
    Case(
        "r-shiny-any-entrypoint",
        "shiny",
        "app:app:app",
        {"app.R": "library(shiny)\nshinyApp(fluidPage(), function(input, output) {})\n"},
    ),
    Case("static-any-entrypoint", "static", "my-page", {"index.html": "<!doctype html>\n<h1>Sales</h1>\n"}),
    Case("plumber-any-entrypoint", "api", "my-api", {"plumber.R": "#* @get /health\nfunction() list(status = 'ok')\n"}),
]

POINTS_AT_ENTRYPOINT = {"MG201", "MG202", "MG204", "MG205", "MG206"}


def test_the_table_is_large_and_ids_are_unique() -> None:
    assert len(CASES) >= 45
    assert len({case.id for case in CASES}) == len(CASES)


@pytest.mark.parametrize("case", [pytest.param(case, id=case.id) for case in CASES])
def test_entrypoint(root: Path, case: Case) -> None:
    manifest = make_app(root, case.files, case.appmode, case.entrypoint, case.excluded, case.python)
    code, report = check_json(root)
    assert found_codes(report) == sorted(case.expected), report["findings"]
    assert code == (1 if case.expected else 0), report
    if case.says:
        assert case.says in report["findings"][0]["message"], report["findings"][0]
    for item in report["findings"]:
        if item["code"] == "MG204":  # it must say the object is NOT there, not the opposite
            assert re.search(r"\b(no|not|none)\b", item["message"]), item["message"]
    if case.at is not None:
        file, line = case.at
        (broken,) = report["findings"]
        assert broken["path"].endswith(f"{APP_DIR}/{file}"), broken
        if line is not None:
            assert broken["line"] == line, broken
    for item in report["findings"]:  # everything but MG203 points at the manifest's entrypoint line
        if item["code"] in POINTS_AT_ENTRYPOINT:
            assert item["path"] == MANIFEST, item
            assert item["line"] == entrypoint_line(manifest), item


# --- separate checks ----------------------------------------------------------------------------------------


def test_syntax_error_position(root: Path) -> None:
    """MG203 points into the broken file (not the manifest) at the parser's line, with a column."""
    with pytest.raises(SyntaxError) as raised:
        compile(FLASK_BROKEN, "app.py", "exec")  # `def index()` without its colon, line 7
    make_app(root, {"app.py": FLASK_BROKEN, "helpers.py": "def slug(s):\n    return s.lower()\n"}, "python-api", "app")
    code, report = check_json(root)
    assert (code, found_codes(report)) == (1, ["MG203"])
    (broken,) = report["findings"]
    assert broken["path"].endswith("app/app.py")
    assert broken["line"] == raised.value.lineno == line_in(FLASK_BROKEN, "def index()")
    assert isinstance(broken["column"], int) and broken["column"] >= 1
    assert broken["severity"] == "error"


@pytest.mark.parametrize(
    ("files", "before", "after"),
    [
        ({"app.py": SHINY_EXPRESS}, "app", "shiny.express.app:app_2e_py"),
        ({"app.py": SHINY_EXPRESS}, "app:app", "shiny.express.app:app_2e_py"),
        (
            {"dashboards/__init__.py": "", "dashboards/sales.py": SHINY_EXPRESS},
            "dashboards.sales",
            "shiny.express.app:dashboards_2f_sales_2e_py",
        ),
        ({"app.py": SHINY_CORE}, "shiny.express.app:app_2e_py", "app"),
        ({"pkg/__init__.py": "", "pkg/app.py": SHINY_CORE}, "shiny.express.app:pkg_2f_app_2e_py", "pkg.app"),
    ],
    ids=["express-module", "express-module-object", "express-in-package", "core-app", "core-in-package"],
)
def test_fix_rewrites_the_shiny_entrypoint_and_nothing_else(root: Path, files: Files, before: str, after: str) -> None:
    manifest = make_app(root, files, "python-shiny", before)
    original = manifest.read_text(encoding="utf-8")
    code, report = check_json(root)
    assert (code, found_codes(report)) == (1, ["MG206"])
    assert report["findings"][0]["fixable"] is True
    result = fix(root)
    assert result.code == 1, result  # rewritten: review and add it
    fixed = manifest.read_text(encoding="utf-8")
    document, previous = json.loads(fixed), json.loads(original)
    assert document["metadata"]["entrypoint"] == after
    document["metadata"]["entrypoint"] = before
    assert document == previous  # every other key and value is kept
    assert fixed == original.replace(f'"entrypoint": "{before}"', f'"entrypoint": "{after}"')  # ... and its bytes
    code, report = check_json(root)
    assert (code, report["findings"]) == (0, [])
    assert fix(root).code == 0 and manifest.read_text(encoding="utf-8") == fixed  # nothing left to do


ABSENT = object()


@pytest.mark.parametrize("value", [ABSENT, None, "", 42, ["app"]], ids=["absent", "null", "empty", "number", "list"])
def test_missing_entrypoint_is_mg201_not_mg002(root: Path, value: object) -> None:
    """The schema would call these MG002; the entrypoint rule reports them once, as MG201, on the metadata."""
    manifest = make_app(root, {"app.py": FLASK}, "python-api", "app")
    document = json.loads(manifest.read_text(encoding="utf-8"))
    if value is ABSENT:
        del document["metadata"]["entrypoint"]
    else:
        document["metadata"]["entrypoint"] = value
    manifest.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    code, report = check_json(root)
    assert "MG002" not in found_codes(report), report["findings"]
    assert (code, found_codes(report)) == (1, ["MG201"]), report["findings"]
    assert report["findings"][0]["line"] == entrypoint_line(manifest)


# --- no false positive on what `write` and rsconnect-python write ------------------------------------------

WRITTEN_APPS: dict[str, tuple[str, Files, tuple[str, ...]]] = {
    "api": ("api", {"app.py": FLASK}, ()),
    "flask-factory": ("flask", {"application.py": FLASK_FACTORY}, ()),
    "fastapi": ("fastapi", {"main.py": FASTAPI}, ()),
    "fastapi-package": (
        "fastapi",
        {
            "main.py": "from service import app\n",
            "service/__init__.py": "from .api import app\n",
            "service/api.py": FASTAPI,
        },
        (),
    ),
    "dash": ("dash", {"app.py": DASH}, ()),
    "streamlit": ("streamlit", {"dashboard_app.py": STREAMLIT}, ()),
    "bokeh": ("bokeh", {"app.py": BOKEH}, ()),
    "panel": ("panel", {"app.py": PANEL}, ()),
    "gradio": ("gradio", {"app.py": GRADIO_BLOCKS}, ()),
    "shiny-core": ("shiny", {"app.py": SHINY_CORE}, ()),
    "shiny-express": ("shiny", {"app.py": SHINY_EXPRESS}, ()),
    "shiny-express-odd-name": ("shiny", {"my-app.py": SHINY_EXPRESS}, ("-e", "my-app.py")),
}


def _written(root: Path, writer: list[str], mode: str, files: Files, args: tuple[str, ...]) -> Path:
    app = put(root / "app", {**files, "requirements.txt": REQUIREMENTS, ".python-version": "3.11\n"})
    subprocess.run([*writer, "write-manifest" if "rsconnect" in writer[0] else "write", mode, *args, str(app)],
                   cwd=root, env=cli_environment(), check=True, capture_output=True)  # fmt: skip
    return app


@pytest.mark.parametrize("name", sorted(WRITTEN_APPS))
def test_apps_written_by_write_are_quiet(root: Path, name: str) -> None:
    mode, files, args = WRITTEN_APPS[name]
    _written(root, [sys.executable, "-m", "manifest_guard"], mode, files, args)
    result = run_manifest_guard(["check", "--output-format", "json", "app"], root)
    assert json.loads(result.stdout)["findings"] == [], result.stdout


@pytest.mark.parametrize("name", sorted(WRITTEN_APPS))
def test_apps_written_by_rsconnect_python_are_quiet(root: Path, name: str) -> None:
    mode, files, args = WRITTEN_APPS[name]
    _written(root, [locate_rsconnect()], mode, files, args)
    result = run_manifest_guard(["check", "--select", "MG2", "--output-format", "json", "app"], root)
    assert json.loads(result.stdout)["findings"] == [], result.stdout


def test_the_example_apps_are_quiet(git_repo: Path) -> None:
    """On a committed copy of the bundled examples, so the work tree's own state never matters."""
    shutil.copytree(Path(__file__).resolve().parent.parent / "examples", git_repo / "examples",
                    ignore=shutil.ignore_patterns("__pycache__"))  # fmt: skip
    git(git_repo, "add", "-A")
    git(git_repo, "commit", "-q", "-m", "examples")
    result = run_manifest_guard(["check", "--strict", "--select", "MG2", "examples"], git_repo)
    assert result.code == 0, result.stdout


# --- the staged content is what counts ----------------------------------------------------------------------


def test_staged_rename_without_entrypoint_update_is_caught_from_the_index(git_repo: Path) -> None:
    make_flask_repo(git_repo)
    git(git_repo, "mv", f"{GIT_APP}/app.py", f"{GIT_APP}/server.py")
    code, report = check_git(git_repo)
    assert code == 1
    assert ("MG202", "metadata.entrypoint") in git_codes(report)
    message = next(finding["message"] for finding in report["findings"] if finding["code"] == "MG202")
    assert "its top-level Python files: helpers.py, server.py" in message


def test_only_the_staged_version_of_the_entrypoint_is_parsed(git_repo: Path) -> None:
    make_flask_repo(git_repo)
    app = git_repo / GIT_APP / "app.py"
    app.write_text("from flask import Flask\napp = Flask(__name__\n")  # broken, staged
    git(git_repo, "add", "-A")
    app.write_text(FLASK_APP["app.py"])  # repaired in the work tree only
    code, report = check_git(git_repo, "--select", "MG2")
    assert code == 1 and [(f["code"], f["path"], f["line"]) for f in report["findings"]] == [
        ("MG203", f"{GIT_APP}/app.py", 2)
    ]
    assert check_git(git_repo, "--select", "MG2", "--source", "worktree")[0] == 0
