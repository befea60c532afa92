"""Depot health checks for ops/status.ipynb."""

import os

import requests

DEPOTS = [
    {"name": "Paris Nord", "lat": 48.95, "lon": 2.38, "url": "http://depot-paris.internal/health"},
    {"name": "Lyon Est", "lat": 45.75, "lon": 4.95, "url": "http://depot-lyon.internal/health"},
    {"name": "Lille", "lat": 50.63, "lon": 3.06, "url": "http://depot-lille.internal/health"},
]


def depot_status() -> list[dict]:
    timeout = float(os.environ.get("HEALTH_TIMEOUT", "3"))
    results = []
    for depot in DEPOTS:
        try:
            ok = requests.get(depot["url"], timeout=timeout).ok
        except requests.RequestException:
            ok = False
        results.append({**depot, "state": "ok" if ok else "unreachable"})
    return results
