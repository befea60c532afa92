"""Generates signed rental contracts as Word documents."""

import io
import os
from datetime import date

import jwt
import qrcode
import yaml
from Crypto.Hash import SHA256
from Crypto.PublicKey import RSA
from Crypto.Signature import pss
from dateutil.relativedelta import relativedelta
from docx import Document
from docx.shared import Cm
from flask import Flask, abort, request, send_file

app = Flask(__name__)
SIGNING_KEY = RSA.import_key(os.environ["CONTRACT_SIGNING_KEY_PEM"])
API_SECRET = os.environ.get("API_SECRET", "dev")

with open(os.path.join(os.path.dirname(__file__), "templates", "clauses.yaml"), encoding="utf-8") as fh:
    CLAUSES = yaml.safe_load(fh)


def caller() -> str:
    token = request.headers.get("Authorization", "").removeprefix("Bearer ")
    try:
        return jwt.decode(token, API_SECRET, algorithms=["HS256"])["sub"]
    except jwt.InvalidTokenError:
        abort(401)


@app.post("/contracts")
def contract():
    agent = caller()
    body = request.get_json(force=True)
    start = date.fromisoformat(body["start"])
    end = start + relativedelta(months=int(body.get("months", 12)), days=-1)

    document = Document()
    document.add_heading(f"Rental agreement: {body['tenant']}", level=1)
    document.add_paragraph(f"Term: {start:%d %B %Y} to {end:%d %B %Y}. Monthly rent: {body['rent']} EUR.")
    for clause in CLAUSES[body.get("template", "standard")]:
        document.add_paragraph(clause, style="List Number")
    buffer = io.BytesIO()
    document.save(buffer)

    signature = pss.new(SIGNING_KEY).sign(SHA256.new(buffer.getvalue())).hex()
    qr = io.BytesIO()
    qrcode.make(f"https://contracts.example.com/verify/{signature[:32]}").save(qr)
    document.add_paragraph(f"Prepared by {agent}. Signature: {signature[:32]}...")
    document.add_picture(io.BytesIO(qr.getvalue()), width=Cm(3))

    final = io.BytesIO()
    document.save(final)
    final.seek(0)
    return send_file(final, as_attachment=True, download_name=f"contract-{body['tenant']}.docx")
