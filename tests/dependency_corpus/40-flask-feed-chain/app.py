"""Status feed: fetches partner feeds, normalises them and serves an HTML summary."""

import os

import colorama
import numpy as np
import pandas as pd
import requests
import urllib3
from dateutil import parser as dateparser
from flask import Flask, render_template_string
from jinja2 import select_autoescape
from markupsafe import escape
from urllib3.util.retry import Retry
from werkzeug.exceptions import BadGateway

FEEDS = os.environ.get("FEEDS", "https://status.example.com/feed.json").split(",")
PAGE = "<h1>Feeds</h1><ul>{% for name, age in rows %}<li>{{ name }}: {{ age }} min</li>{% endfor %}</ul>"

colorama.just_fix_windows_console()
app = Flask(__name__)
app.jinja_env.autoescape = select_autoescape(["html"])
session = requests.Session()
session.mount("https://", requests.adapters.HTTPAdapter(max_retries=Retry(total=3, backoff_factor=0.5)))
urllib3.disable_warnings()


@app.route("/")
def index() -> str:
    rows = []
    for url in FEEDS:
        try:
            payload = session.get(url, timeout=5).json()
        except requests.RequestException as exc:
            raise BadGateway(str(escape(url))) from exc
        frame = pd.DataFrame(payload["items"])
        newest = max(dateparser.isoparse(stamp) for stamp in frame["updated"])
        age = (pd.Timestamp.now(tz=newest.tzinfo) - newest).total_seconds() / 60
        rows.append((payload.get("name", url), int(np.round(age))))
    return render_template_string(PAGE, rows=rows)
