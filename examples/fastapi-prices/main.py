"""A FastAPI service over a CSV file: Connect serves it as python-fastapi."""

import csv
from pathlib import Path

from fastapi import FastAPI

app = FastAPI()
PRICES = Path(__file__).parent / "data" / "prices.csv"


@app.get("/prices")
def prices() -> list[dict[str, str]]:
    with PRICES.open(newline="") as stream:
        return list(csv.DictReader(stream))
