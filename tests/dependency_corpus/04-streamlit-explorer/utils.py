"""Local helpers for the explorer (not the PyPI 'utils' package)."""

from pathlib import Path

import pandas as pd
import yaml

DEFAULTS = {"title": "Data explorer", "page_size": 25}


def load_settings(path: str = "settings.yaml") -> dict:
    file = Path(__file__).with_name(path)
    if not file.exists():
        return dict(DEFAULTS)
    return {**DEFAULTS, **(yaml.safe_load(file.read_text(encoding="utf-8")) or {})}


def coerce_dates(df: pd.DataFrame) -> pd.DataFrame:
    for column in df.columns:
        if column.endswith(("_at", "_date")):
            df[column] = pd.to_datetime(df[column], errors="coerce")
    return df
