"""REST gateway in front of the pricing gRPC service; quotes are audited in Postgres and fanned out on ZeroMQ."""

import os

import grpc
import psycopg2
import psycopg2.extras
import zmq
from acme_telemetry import init_tracing  # manifest-guard: ignore[MG304]
from flask import Flask, abort, jsonify, request
from google.protobuf import json_format
from google.protobuf.timestamp_pb2 import Timestamp

from protos import pricing_pb2, pricing_pb2_grpc

init_tracing("pricing-gateway")
channel = grpc.insecure_channel(os.environ.get("PRICING_ADDR", "pricing.internal:50051"))
stub = pricing_pb2_grpc.PricingStub(channel)
publisher = zmq.Context.instance().socket(zmq.PUB)
publisher.bind(os.environ.get("QUOTE_FEED", "tcp://*:5557"))

app = Flask(__name__)


def audit(quote: dict) -> None:
    with psycopg2.connect(os.environ["AUDIT_DSN"]) as conn, conn.cursor() as cur:
        cur.execute("INSERT INTO quote_audit (payload) VALUES (%s)", (psycopg2.extras.Json(quote),))


@app.post("/quotes")
def quote():
    body = request.get_json(force=True)
    as_of = Timestamp()
    as_of.GetCurrentTime()
    message = pricing_pb2.QuoteRequest(sku=body.get("sku", ""), quantity=int(body.get("quantity", 1)), as_of=as_of)
    try:
        reply = stub.Quote(message, timeout=5)
    except grpc.RpcError as exc:
        abort(502, f"pricing service: {exc.code().name}")
    result = json_format.MessageToDict(reply, preserving_proto_field_name=True)
    audit(result)
    publisher.send_json(result)
    return jsonify(result)
