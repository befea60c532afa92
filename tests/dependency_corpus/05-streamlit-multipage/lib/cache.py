import os


def ttl_hours() -> int:
    return int(os.environ.get("KPI_CACHE_HOURS", "1"))


def ttl_seconds() -> int:
    return ttl_hours() * 3600
