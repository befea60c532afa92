"""Image upload service: validates, thumbnails and stores images in S3; rate-limited with Redis."""

import io
import os

import boto3
import magic
import redis
import sentry_sdk
from flask import Flask, abort, jsonify, request
from PIL import Image, UnidentifiedImageError
from werkzeug.utils import secure_filename

sentry_sdk.init(dsn=os.environ.get("SENTRY_DSN"), traces_sample_rate=0.1)

BUCKET = os.environ.get("UPLOAD_BUCKET", "acme-user-images")
ALLOWED = {"image/jpeg", "image/png", "image/webp"}
s3 = boto3.client("s3")
limiter = redis.Redis.from_url(os.environ.get("REDIS_URL", "redis://localhost:6379/0"))

app = Flask(__name__)
app.config["MAX_CONTENT_LENGTH"] = 10 * 1024 * 1024


def allow(client_id: str, per_minute: int = 30) -> bool:
    key = f"uploads:{client_id}"
    count = limiter.incr(key)
    if count == 1:
        limiter.expire(key, 60)
    return count <= per_minute


@app.post("/images")
def upload():
    if not allow(request.remote_addr or "anonymous"):
        abort(429)
    file = request.files.get("image")
    if file is None:
        abort(400, "missing 'image'")
    data = file.read()
    mime = magic.from_buffer(data, mime=True)
    if mime not in ALLOWED:
        abort(415, f"unsupported type {mime}")
    try:
        image = Image.open(io.BytesIO(data))
        image.thumbnail((320, 320))
    except UnidentifiedImageError:
        abort(400, "not an image")
    thumb = io.BytesIO()
    image.convert("RGB").save(thumb, "JPEG", quality=85)
    name = secure_filename(file.filename or "upload")
    s3.put_object(Bucket=BUCKET, Key=f"originals/{name}", Body=data, ContentType=mime)
    s3.put_object(Bucket=BUCKET, Key=f"thumbs/{name}.jpg", Body=thumb.getvalue(), ContentType="image/jpeg")
    return jsonify({"name": name, "type": mime, "size": len(data)}), 201
