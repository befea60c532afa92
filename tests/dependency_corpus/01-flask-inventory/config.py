"""Settings read from the environment (Connect sets them per content item)."""

import os


def database_url() -> str:
    user = os.environ.get("PGUSER", "inventory")
    password = os.environ.get("PGPASSWORD", "")
    host = os.environ.get("PGHOST", "localhost")
    port = os.environ.get("PGPORT", "5432")
    name = os.environ.get("PGDATABASE", "inventory")
    return f"postgresql+psycopg2://{user}:{password}@{host}:{port}/{name}"


PAGE_SIZE = int(os.environ.get("PAGE_SIZE", "50"))
