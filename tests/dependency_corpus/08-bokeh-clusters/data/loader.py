from pathlib import Path

import pandas as pd

FEATURES = ["temperature", "humidity", "vibration", "current"]
CSV = Path(__file__).with_name("measurements.csv")


def load_measurements() -> pd.DataFrame:
    frame = pd.read_csv(CSV, parse_dates=["timestamp"])
    frame = frame.dropna(subset=FEATURES)
    return frame[(frame[FEATURES] >= 0).all(axis=1)]
