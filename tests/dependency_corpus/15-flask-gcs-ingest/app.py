"""Ingest endpoint: stores uploads in Cloud Storage and announces them on Pub/Sub."""

import json
import os
import uuid

from flask import Flask, abort, jsonify, request
from google.cloud import pubsub_v1, storage
from google.oauth2 import service_account
from google.protobuf import json_format, struct_pb2

PROJECT = os.environ.get("GCP_PROJECT", "acme-data")
BUCKET = os.environ.get("INGEST_BUCKET", "acme-ingest")
TOPIC = os.environ.get("INGEST_TOPIC", "ingest-events")

credentials = service_account.Credentials.from_service_account_info(
    json.loads(os.environ["GCP_SERVICE_ACCOUNT_JSON"])
)
gcs = storage.Client(project=PROJECT, credentials=credentials)
publisher = pubsub_v1.PublisherClient(credentials=credentials)
topic_path = publisher.topic_path(PROJECT, TOPIC)

app = Flask(__name__)


def event_payload(blob_name: str, size: int, meta: dict) -> bytes:
    message = struct_pb2.Struct()
    message.update({"object": f"gs://{BUCKET}/{blob_name}", "size": size, "meta": meta})
    return json_format.MessageToJson(message).encode("utf-8")


@app.post("/upload")
def upload():
    file = request.files.get("file")
    if file is None or not file.filename:
        abort(400, "no file")
    blob_name = f"incoming/{uuid.uuid4()}/{file.filename}"
    data = file.read()
    gcs.bucket(BUCKET).blob(blob_name).upload_from_string(data, content_type=file.mimetype)
    future = publisher.publish(topic_path, event_payload(blob_name, len(data), dict(request.form)))
    return jsonify({"object": blob_name, "message_id": future.result(timeout=30)}), 201


@app.get("/objects")
def objects():
    prefix = request.args.get("prefix", "incoming/")
    return jsonify([blob.name for blob in gcs.list_blobs(BUCKET, prefix=prefix, max_results=200)])
