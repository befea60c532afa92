"""Price watch: scrapes product pages on a schedule and serves the history."""

import atexit
import os

from apscheduler.schedulers.background import BackgroundScheduler
from flask import Flask, jsonify, render_template_string

import scraper
import storage

app = Flask(__name__)
storage.init_db()

PAGE = """
<h1>Price watch</h1>
<table>
{% for row in rows %}<tr><td>{{ row.name }}</td><td>{{ row.price }}</td><td>{{ row.seen }}</td></tr>{% endfor %}
</table>
"""


def refresh_prices():
    for url in os.environ.get("WATCH_URLS", "").split():
        product = scraper.fetch_product(url)
        if product is not None:
            storage.record(product)


scheduler = BackgroundScheduler(daemon=True)
scheduler.add_job(refresh_prices, "interval", minutes=int(os.environ.get("EVERY_MINUTES", "60")))
scheduler.start()
atexit.register(scheduler.shutdown)


@app.get("/")
def index():
    return render_template_string(PAGE, rows=storage.latest())


@app.get("/api/history/<path:name>")
def history(name):
    return jsonify(storage.history(name))
