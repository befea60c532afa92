"""Churn model serving: single predictions, CSV batch scoring, optional MLflow logging."""

from __future__ import annotations

import csv
import io
import os
from typing import TYPE_CHECKING

import joblib
import numpy as np
from fastapi import FastAPI, File, HTTPException, UploadFile
from pydantic import BaseModel

try:
    import ujson as json
except ImportError:
    import json

if TYPE_CHECKING:
    from pandas import DataFrame
    from sklearn.pipeline import Pipeline

MODEL_PATH = os.environ.get("MODEL_PATH", "model.joblib")
FEATURES = ["tenure_months", "monthly_charges", "support_tickets"]

app = FastAPI(title="Churn model")
model: Pipeline = joblib.load(MODEL_PATH)  # unpickling needs scikit-learn installed


class Customer(BaseModel):
    tenure_months: float
    monthly_charges: float
    support_tickets: int = 0


def _log_prediction(count: int) -> None:
    if not os.environ.get("MLFLOW_TRACKING_URI"):
        return
    import mlflow

    with mlflow.start_run(run_name="serving", nested=True):
        mlflow.log_metric("scored_rows", count)


@app.post("/predict")
def predict(customer: Customer) -> dict:
    row = np.array([[getattr(customer, name) for name in FEATURES]])
    probability = float(model.predict_proba(row)[0, 1])
    _log_prediction(1)
    return {"churn_probability": round(probability, 4)}


@app.post("/predict/batch")
async def predict_batch(file: UploadFile = File(...)) -> dict:
    reader = csv.DictReader(io.StringIO((await file.read()).decode("utf-8")))
    try:
        rows = np.array([[float(record[name]) for name in FEATURES] for record in reader])
    except (KeyError, ValueError) as exc:
        raise HTTPException(422, f"bad CSV: {exc}") from exc
    scores = model.predict_proba(rows)[:, 1].round(4).tolist()
    _log_prediction(len(scores))
    print(json.dumps({"event": "batch_scored", "file": file.filename, "rows": len(scores)}), flush=True)
    return {"count": len(scores), "scores": scores}


def describe(frame: DataFrame) -> dict:
    """Used from the notebook that trains the model; typed against pandas only."""
    return {name: float(frame[name].mean()) for name in FEATURES}
