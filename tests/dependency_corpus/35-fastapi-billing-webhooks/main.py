"""Billing webhooks: verifies Stripe events, stores them in Postgres, issues signed receipts."""

import base64
import os
from datetime import datetime, timezone

import psycopg2
import stripe
from Crypto.Hash import SHA256
from Crypto.PublicKey import ECC
from Crypto.Signature import DSS
from dateutil import tz
from fastapi import FastAPI, Header, HTTPException, Request
from jose import jwt
from psycopg2.extras import Json

stripe.api_key = os.environ.get("STRIPE_API_KEY", "")
WEBHOOK_SECRET = os.environ.get("STRIPE_WEBHOOK_SECRET", "")
RECEIPT_KEY = ECC.import_key(os.environ.get("RECEIPT_KEY_PEM", "")) if os.environ.get("RECEIPT_KEY_PEM") else None
LOCAL_TZ = tz.gettz(os.environ.get("BILLING_TZ", "Europe/Amsterdam"))

app = FastAPI(title="Billing webhooks")


def store(event: dict) -> None:
    with psycopg2.connect(os.environ["BILLING_DSN"]) as conn, conn.cursor() as cur:
        cur.execute(
            "INSERT INTO stripe_events (id, type, payload) VALUES (%s, %s, %s) ON CONFLICT (id) DO NOTHING",
            (event["id"], event["type"], Json(event)),
        )


def receipt(event: dict) -> str:
    created = datetime.fromtimestamp(event["created"], tz=timezone.utc).astimezone(LOCAL_TZ)
    claims = {"event": event["id"], "type": event["type"], "local_time": created.isoformat()}
    if RECEIPT_KEY is not None:
        digest = SHA256.new(repr(sorted(claims.items())).encode("utf-8"))
        claims["sig"] = base64.b64encode(DSS.new(RECEIPT_KEY, "fips-186-3").sign(digest)).decode("ascii")
    return jwt.encode(claims, WEBHOOK_SECRET, algorithm="HS256")


@app.post("/stripe")
async def stripe_webhook(request: Request, stripe_signature: str = Header(...)) -> dict:
    payload = await request.body()
    try:
        event = stripe.Webhook.construct_event(payload, stripe_signature, WEBHOOK_SECRET)
    except (ValueError, stripe.error.SignatureVerificationError) as exc:
        raise HTTPException(400, "invalid webhook") from exc
    store(event.to_dict())
    return {"received": event["id"], "receipt": receipt(event.to_dict())}
