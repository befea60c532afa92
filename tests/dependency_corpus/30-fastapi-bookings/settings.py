"""Reads rooms.toml (a local module; not the PyPI 'settings' project)."""

import os
import sqlite3
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python < 3.11
    import tomli as tomllib


def load() -> dict:
    path = Path(os.environ.get("ROOMS_TOML", Path(__file__).with_name("rooms.toml")))
    with path.open("rb") as fh:
        return tomllib.load(fh)


def local_db(path: str = "bookings-dev.sqlite3") -> sqlite3.Connection:
    return sqlite3.connect(path)
