"""A minimal Flask API: Connect serves it as python-api."""

from flask import Flask, jsonify

app = Flask(__name__)


@app.get("/")
def hello():
    return jsonify(message="hello from Connect")
