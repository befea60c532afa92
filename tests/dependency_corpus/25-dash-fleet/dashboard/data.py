import os

import pandas as pd
from sqlalchemy import create_engine, text

ENGINE = create_engine(
    os.environ.get("FLEET_DB_URL", "postgresql+psycopg2://fleet@db.internal/fleet"), pool_pre_ping=True
)

QUERY = text(
    """
    SELECT vehicle_id, status, last_seen, odometer_km
    FROM vehicles
    WHERE retired_at IS NULL
    ORDER BY vehicle_id
    """
)


def vehicles() -> pd.DataFrame:
    with ENGINE.connect() as connection:
        frame = pd.read_sql(QUERY, connection)
    frame["last_seen"] = frame["last_seen"].dt.strftime("%Y-%m-%d %H:%M")
    return frame
