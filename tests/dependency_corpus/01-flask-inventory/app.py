"""Inventory service: a small Flask + SQLAlchemy API backed by Postgres."""

import os
from datetime import datetime, timezone

import yaml
from dateutil import parser as dateparser
from flask import Flask, abort, jsonify, request
from flask_sqlalchemy import SQLAlchemy

import config
from models import define_models

app = Flask(__name__)
app.config["SQLALCHEMY_DATABASE_URI"] = config.database_url()
app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {"pool_pre_ping": True}
db = SQLAlchemy(app)
Item = define_models(db)

with open(os.path.join(os.path.dirname(__file__), "categories.yaml"), encoding="utf-8") as fh:
    CATEGORIES = yaml.safe_load(fh)["categories"]


@app.get("/items")
def list_items():
    category = request.args.get("category")
    query = Item.query
    if category:
        if category not in CATEGORIES:
            abort(400, f"unknown category {category!r}")
        query = query.filter_by(category=category)
    return jsonify([item.to_dict() for item in query.order_by(Item.name)])


@app.post("/items")
def create_item():
    payload = request.get_json(force=True)
    received = payload.get("received_at")
    item = Item(
        name=payload["name"],
        category=payload.get("category", "misc"),
        quantity=int(payload.get("quantity", 0)),
        received_at=dateparser.isoparse(received) if received else datetime.now(timezone.utc),
    )
    db.session.add(item)
    db.session.commit()
    return jsonify(item.to_dict()), 201


@app.get("/healthz")
def health():
    return {"status": "ok", "categories": len(CATEGORIES)}
