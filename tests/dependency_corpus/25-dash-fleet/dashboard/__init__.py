from dash import Dash
from flask_caching import Cache

from . import callbacks
from .layout import build_layout

cache = Cache(config={"CACHE_TYPE": "SimpleCache", "CACHE_DEFAULT_TIMEOUT": 300})


def create_app() -> Dash:
    app = Dash(__name__, title="Fleet status", suppress_callback_exceptions=True)
    cache.init_app(app.server)
    app.layout = build_layout()
    callbacks.register(app, cache)
    return app
